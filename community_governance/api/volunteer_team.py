"""Volunteer teams for residents: the teams of their community open to join, and joining one."""

import frappe
from community_governance import scope
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
def join(team: str) -> dict:
	"""The resident joins a team of their own community that is open to join."""
	resident = own_resident()
	community = frappe.db.get_value("Resident", resident, "community")
	doc = frappe.get_doc(DOCTYPE, team)
	if doc.community != community or doc.status != "Active" or not doc.open_to_join:
		frappe.throw(
			_("Team {0} does not take members from your community.").format(frappe.bold(doc.team_name)),
			title=_("Cannot Join"),
		)
	if any(row.resident == resident for row in doc.members):
		frappe.throw(
			_("You are already a member of team {0}.").format(frappe.bold(doc.team_name)),
			title=_("Duplicate Member"),
		)
	doc.append("members", {"resident": resident, "team_role": "Member", "joined_on": nowdate()})
	# a resident may not edit the team itself: joining is the one change they make, checked above
	doc.save(ignore_permissions=True)
	return {"team": doc.name, "members": doc.member_count}
