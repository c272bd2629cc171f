# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""A resident's cached points balance, kept by community_governance.ledger with every ledger row."""

import frappe
from frappe import _
from frappe.model.document import Document


class PointsAccount(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		balance: DF.Int
		civilisation_creation: DF.Int
		community: DF.Link | None
		democratic_building: DF.Int
		dispute_mediation: DF.Int
		grid: DF.Link | None
		neighbourly_help: DF.Int
		production_safety: DF.Int
		resident: DF.Link
		resident_name: DF.Data | None
	# end: auto-generated types

	def validate(self):
		frappe.throw(
			_("Points balances are kept by the ledger and cannot be edited."), frappe.PermissionError
		)
