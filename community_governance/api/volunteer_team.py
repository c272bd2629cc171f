"""Volunteer teams for residents: the teams of their community open to join, and joining one."""

import frappe
from community_governance import scope, shared_records
from community_governance.community_governance.doctype.volunteer_team.volunteer_team import VolunteerTeam
from frappe import _
from frappe.utils import nowdate

DOCTYPE = "Volunteer Team"


def own_resident() -> str:
	residents = scope.get_scope().residents
	if not residents:
		frappe.throw(
			_("Only registered residents can join a team; please ask your community to register you."),
			frappe.PermissionError,
		)
	return next(iter(residents))


@frappe.whitelist(methods=["GET"])
def open_teams() -> list[dict]:
	"""Active teams of the resident's community that take members, without the member list."""
	community = frappe.db.get_value("Resident", own_resident(), "community")
	# a resident reads only the teams they are in: the open ones are listed here, by name only
	return frappe.get_all(
		DOCTYPE,
		filters={"community": community, "status": "Active", "open_to_join": 1},
		fields=["name", "team_name", "description", "member_count"],
		order_by="team_name asc",
	)


@frappe.whitelist(methods=["POST"])
@shared_records.retry_on_deadlock
def join(team: str) -> dict:
	"""The resident joins a team of their own community that is open to join. Many join at once:
	each membership is its own row, inserted under a lock on the team (see shared_records)."""
	resident = own_resident()
	community, full_name = frappe.db.get_value("Resident", resident, ["community", "full_name"])
	doc: VolunteerTeam = shared_records.lock(DOCTYPE, team)
	if doc.community != community or doc.status != "Active" or not doc.open_to_join:
		frappe.throw(
			_("Team {0} does not take members from your community.").format(frappe.bold(doc.team_name)),
			title=_("Cannot Join"),
		)
	# a resident may not edit the team itself: joining is the one change they make, checked here
	shared_records.add_row(
		doc,
		"members",
		{
			"resident": resident,
			"resident_name": full_name,
			"team_role": "Member",
			"joined_on": nowdate(),
			"rule_key": doc.membership_key(resident),
		},
		duplicate=_("You are already a member of team {0}.").format(frappe.bold(doc.team_name)),
		title=_("Duplicate Member"),
	)
	shared_records.update_parent(doc, {"member_count": len(doc.members)})
	return {"team": doc.name, "members": doc.member_count}
