# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""A compound (小区): its buildings, its property-management company and its owners' committee."""

from community_governance import compounds, partners
from frappe.model.document import Document


class Compound(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from community_governance.community_governance.doctype.compound_building.compound_building import (
			CompoundBuilding,
		)
		from community_governance.community_governance.doctype.owners_committee_member.owners_committee_member import (
			OwnersCommitteeMember,
		)
		from frappe.types import DF

		buildings: DF.Table[CompoundBuilding]
		committee: DF.Table[OwnersCommitteeMember]
		community: DF.Link
		company_contact: DF.Link | None
		company_name: DF.Data | None
		compound_name: DF.Data
		contact_phone: DF.Data | None
		property_company: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.compound_name = (self.compound_name or "").strip()
		partners.validate_community(self.community)
		compounds.set_company(self)
		self.contact_phone = partners.canonical_phone(self.contact_phone)
		compounds.validate_buildings(self)
		compounds.validate_committee(self)
