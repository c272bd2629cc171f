# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""Totals the ledger keeps (see ``ledger.add_to_period_totals``); nobody writes them by hand."""

import frappe
from frappe.model.document import Document


class PointsPeriodTotal(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		activities: DF.Int
		all_sections: DF.Check
		community: DF.Link | None
		grid: DF.Link | None
		merit_points: DF.Int
		merit_rows: DF.Int
		net_points: DF.Int
		period: DF.Data
		resident: DF.Link
		resident_name: DF.Data | None
		section: DF.Data | None
	# end: auto-generated types

	pass


def on_doctype_update():
	"""A half-year's leaderboard is the first rows of one of these indexes in rank order (most points
	first, ties by the resident's ID), read without a sort: over all sections (``all_sections`` = 1),
	or of one section (a section's name is never on a total over all sections, whose section is
	empty)."""
	frappe.db.add_index(
		"Points Period Total",
		["period", "all_sections", "merit_points desc", "resident"],
		index_name="period_rank_index",
	)
	frappe.db.add_index(
		"Points Period Total",
		["period", "section", "merit_points desc", "resident"],
		index_name="period_section_rank_index",
	)
