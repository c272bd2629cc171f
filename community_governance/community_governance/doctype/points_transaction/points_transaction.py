# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""A row of the points ledger. Rows are written by the app's ledger (community_governance.ledger);
the only row a person writes is a Street Office Admin's manual adjustment, with its reason. A
submitted row is never edited, cancelled or deleted: mistakes are corrected by a reversing row."""

import frappe
from community_governance import ledger
from community_governance.ledger import whole_points
from frappe import _
from frappe.model.document import Document

ADJUSTING_ROLES = ("Street Office Admin", "System Manager")


class PointsTransaction(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amended_from: DF.Link | None
		community: DF.Link | None
		grid: DF.Link | None
		kind: DF.Literal["Earn", "Redeem", "Adjustment", "Reversal"]
		points: DF.Int
		posting_date: DF.Date
		remark: DF.SmallText | None
		resident: DF.Link
		resident_name: DF.Data | None
		reverses: DF.Link | None
		section: DF.Literal[
			"",
			"Democratic Building",
			"Civilisation Creation",
			"Neighbourly Help",
			"Production Safety",
			"Dispute Mediation",
		]
		source_doctype: DF.Link | None
		source_name: DF.DynamicLink | None
	# end: auto-generated types

	def validate(self):
		self.validate_origin()
		self.validate_points()

	def validate_origin(self):
		if self.flags.from_ledger:
			return
		# written by a person: only an audited manual adjustment by an administrator
		if self.kind != "Adjustment" or self.source_doctype or self.source_name or self.reverses:
			frappe.throw(
				_(
					"Points are earned and spent through their source documents; only a manual adjustment can be entered here."
				),
				frappe.PermissionError,
			)
		if not set(ADJUSTING_ROLES) & set(frappe.get_roles()):
			frappe.throw(_("Only a Street Office Admin can adjust points by hand."), frappe.PermissionError)
		if not (self.remark or "").strip():
			frappe.throw(_("Give the reason for the adjustment."), title=_("Reason Missing"))

	def validate_points(self):
		self.points = whole_points(self.points)
		if self.points == 0:
			frappe.throw(_("A ledger row moves at least one point."), title=_("Invalid Points"))

	def on_submit(self):
		ledger.apply(self)

	def before_cancel(self):
		frappe.throw(_("Ledger rows are never cancelled; cancel the source document to reverse its points."))

	def on_trash(self):
		if self.docstatus == 1:
			frappe.throw(
				_("Ledger rows are never deleted; cancel the source document to reverse its points.")
			)
