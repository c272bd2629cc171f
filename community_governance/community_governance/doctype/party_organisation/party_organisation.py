# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""A node of the party organisation that mirrors the grid (党建引领): the community's party committee,
a grid's branch or a building's group, with its secretary, its members and the party-member
households that look after their neighbours."""

from community_governance import party
from frappe.utils.nestedset import NestedSet


class PartyOrganisation(NestedSet):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from community_governance.community_governance.doctype.party_household_care.party_household_care import (
			PartyHouseholdCare,
		)
		from community_governance.community_governance.doctype.party_organisation_building.party_organisation_building import (
			PartyOrganisationBuilding,
		)
		from community_governance.community_governance.doctype.party_organisation_member.party_organisation_member import (
			PartyOrganisationMember,
		)
		from frappe.types import DF

		buildings: DF.TableMultiSelect[PartyOrganisationBuilding]
		central_households: DF.Table[PartyHouseholdCare]
		community: DF.Link | None
		grid: DF.Link | None
		is_group: DF.Check
		level: DF.Literal["Community Committee", "Grid Branch", "Building Group"]
		lft: DF.Int
		members: DF.Table[PartyOrganisationMember]
		old_parent: DF.Link | None
		organisation_name: DF.Data
		parent_party_organisation: DF.Link | None
		rgt: DF.Int
		secretary: DF.Link | None
		secretary_name: DF.Data | None
	# end: auto-generated types
	nsm_parent_field = "parent_party_organisation"

	def validate(self):
		self.organisation_name = (self.organisation_name or "").strip()
		self.is_group = 1
		party.validate_parent(self)
		party.set_place(self)
		party.validate_secretary(self)
		party.validate_members(self)
		party.validate_households(self)
