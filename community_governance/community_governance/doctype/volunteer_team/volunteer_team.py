# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""A named volunteer team of a community: its leaders and members. What the team did comes from
its members' attendance at volunteer activities (see the Volunteer Team Totals report)."""

import frappe
from community_governance import shared_records
from community_governance.places import validate_community_and_grid
from community_governance.utils.text import plain_text
from frappe import _
from frappe.model.document import Document


class VolunteerTeam(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from community_governance.community_governance.doctype.volunteer_team_member.volunteer_team_member import (
			VolunteerTeamMember,
		)
		from frappe.types import DF

		community: DF.Link
		description: DF.SmallText | None
		grid: DF.Link | None
		member_count: DF.Int
		members: DF.Table[VolunteerTeamMember]
		open_to_join: DF.Check
		status: DF.Literal["Active", "Inactive"]
		team_name: DF.Data
	# end: auto-generated types

	def validate(self):
		self.validate_place()
		self.validate_members()
		self.validate_leader()
		self.sanitise_description()
		self.member_count = len(self.members)

	def validate_place(self):
		validate_community_and_grid(self.community, self.grid)

	def validate_members(self):
		seen = set()
		for row in self.members:
			if row.resident in seen:
				frappe.throw(
					_("Row {0}: {1} is already a member of the team.").format(
						row.idx, frappe.bold(row.resident_name or row.resident)
					),
					title=_("Duplicate Member"),
				)
			seen.add(row.resident)
			row.team_role = row.team_role or "Member"
			row.rule_key = self.membership_key(row.resident)

	def membership_key(self, resident: str) -> str:
		"""One membership per resident and team (the database keeps it unique)."""
		return shared_records.rule_key(self.name, resident)

	def validate_leader(self):
		if self.members and not any(row.team_role == "Leader" for row in self.members):
			frappe.throw(_("Name at least one leader among the members."), title=_("No Leader"))

	def sanitise_description(self):
		if self.description:
			self.description = plain_text(self.description)
