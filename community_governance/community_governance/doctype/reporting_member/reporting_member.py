# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""An in-service party member reporting to the community (双报到): where they work and how they
log in, so the micro-wishes, requests and activities they take on count for their unit."""

import frappe
from community_governance import partners
from frappe import _
from frappe.model.document import Document


class ReportingMember(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		community: DF.Link
		employer: DF.Data | None
		member_name: DF.Data
		partner_unit: DF.Link | None
		party_member: DF.Check
		phone: DF.Data | None
		reported_on: DF.Date | None
		resident: DF.Link | None
		status: DF.Literal["Active", "Left"]
		user: DF.Link | None
	# end: auto-generated types

	def validate(self):
		partners.validate_community(self.community)
		self.phone = partners.canonical_phone(self.phone)
		self.set_resident()
		partners.validate_user(self.user)
		partners.validate_unique_user(self.user, self.doctype, self.name)
		self.validate_partner_unit()

	def set_resident(self):
		if not self.resident and self.user:
			self.resident = frappe.db.get_value("Resident", {"user": self.user}, "name")

	def validate_partner_unit(self):
		if not self.partner_unit:
			return
		if frappe.db.get_value("Partner Unit", self.partner_unit, "status") != "Active":
			frappe.throw(
				_("Partner unit {0} is not active.").format(frappe.bold(self.partner_unit)),
				title=_("Inactive Partner Unit"),
			)

	def on_update(self):
		if self.status == "Active":
			partners.grant_volunteer_role(self.user)
