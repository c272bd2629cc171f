# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""Totals the ledger keeps (see ``ledger.add_to_monthly_totals``); nobody writes them by hand."""

import frappe
from frappe.model.document import Document


class PointsMonthlyTotal(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		activities: DF.Int
		community: DF.Link | None
		grid: DF.Link | None
		merit_points: DF.Int
		merit_rows: DF.Int
		month: DF.Date
		net_points: DF.Int
		resident: DF.Link
		resident_name: DF.Data | None
		section: DF.Data | None
	# end: auto-generated types

	pass


def on_doctype_update():
	"""The leaderboard sums a period's months from this index alone, without reading the rows."""
	frappe.db.add_index("Points Monthly Total", ["month", "resident", "merit_rows", "merit_points"])
