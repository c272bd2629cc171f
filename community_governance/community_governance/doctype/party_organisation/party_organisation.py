# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""A node of the party organisation that mirrors the grid (党建引领): the community's party committee,
a grid's branch or a building's group, with its secretary, its members and the party-member
households that look after their neighbours."""

from community_governance import party
from frappe.utils.nestedset import NestedSet


class PartyOrganisation(NestedSet):
	nsm_parent_field = "parent_party_organisation"

	def validate(self):
		self.organisation_name = (self.organisation_name or "").strip()
		self.is_group = 1
		party.validate_parent(self)
		party.set_place(self)
		party.validate_secretary(self)
		party.validate_members(self)
		party.validate_households(self)
