# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""A partner unit (共建单位): an agency, company, school or other body that builds the community
with it, with what it offers. Its contact takes on micro-wishes and requests for it."""

from community_governance import partners
from frappe.model.document import Document


class PartnerUnit(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		community: DF.Link
		contact_person: DF.Data | None
		contact_phone: DF.Data | None
		contact_user: DF.Link | None
		offer_details: DF.SmallText | None
		offers_funds: DF.Check
		offers_professional_help: DF.Check
		offers_services: DF.Check
		offers_venue: DF.Check
		partner_since: DF.Date | None
		status: DF.Literal["Active", "Inactive"]
		unit_name: DF.Data
		unit_type: DF.Literal[
			"Government Agency",
			"Public Institution",
			"Enterprise",
			"School",
			"Hospital",
			"Social Organisation",
			"Other",
		]
	# end: auto-generated types

	def validate(self):
		partners.validate_community(self.community)
		self.contact_phone = partners.canonical_phone(self.contact_phone)
		partners.validate_user(self.contact_user)
		partners.validate_unique_user(self.contact_user, self.doctype, self.name)

	def on_update(self):
		partners.grant_volunteer_role(self.contact_user)
