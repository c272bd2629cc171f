"""Partner units (共建单位) and in-service members reporting to the community (双报到): the rules
their registers share, and what each unit and member contributed in a period.

A unit's contact and its reporting members log in as volunteers: they see the micro-wish board,
claim wishes and may be dispatched requests. What they did is counted from the records
themselves — requests and micro-wishes they resolved as handler, volunteer activities they
attended — so the yearly figures sent to a unit can always be recounted.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import frappe
from community_governance.accounts import grant_role
from community_governance.utils.phone import normalize_phone
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import add_days

VOLUNTEER_ROLE = "Volunteer"
# a request counts for its handler once it is resolved (and stays counted when closed)
HANDLED_STATES = ("Resolved", "Closed")


# --- the registers -----------------------------------------------------------------------------


def validate_community(community: str) -> None:
	if frappe.db.get_value("Grid", community, "level") != "Community":
		frappe.throw(
			_("{0} is not a community.").format(frappe.bold(community)), title=_("Invalid Community")
		)


def canonical_phone(phone: str | None) -> str | None:
	if not phone:
		return None
	canonical = normalize_phone(phone)
	if not canonical:
		frappe.throw(
			_(
				"{0} is not a valid phone number: use an 11-digit mobile or a landline with its area code."
			).format(frappe.bold(phone)),
			title=_("Invalid Phone"),
		)
	return canonical


def validate_user(user: str | None) -> None:
	if user and not frappe.db.get_value("User", user, "enabled"):
		frappe.throw(_("{0} is not an active user.").format(frappe.bold(user)), title=_("Invalid User"))


def validate_unique_user(user: str | None, doctype: str, name: str | None) -> None:
	"""A login stands for one unit contact or one reporting member, so its work counts once."""
	if not user:
		return
	fieldname = "contact_user" if doctype == "Partner Unit" else "user"
	other = frappe.db.exists(doctype, {fieldname: user, "name": ("!=", name or "")})
	if other:
		frappe.throw(
			_("{0} is already registered in {1}.").format(frappe.bold(user), other),
			title=_("Already Registered"),
		)


def grant_volunteer_role(user: str | None) -> None:
	"""Claiming micro-wishes and taking requests is what volunteers do (see the workflow)."""
	grant_role(user, VOLUNTEER_ROLE)


# --- contributions -----------------------------------------------------------------------------


@dataclass
class Contributor:
	"""A unit or a member, with the logins and resident records its work is counted through."""

	key: str
	users: set = field(default_factory=set)
	residents: set = field(default_factory=set)


def contributions(contributors: list[Contributor], from_date, to_date) -> dict[str, dict]:
	"""Each contributor's requests handled, micro-wishes fulfilled, activities and hours in the
	period, from two grouped queries."""
	users = sorted({user for c in contributors for user in c.users if user})
	residents = sorted({resident for c in contributors for resident in c.residents if resident})
	handled = handled_by_user(users, from_date, to_date)
	attended = attendance_by_resident(residents, from_date, to_date)
	figures = {}
	for contributor in contributors:
		activities, hours = set(), 0.0
		for resident in contributor.residents:
			for activity, activity_hours in attended.get(resident, ()):
				activities.add(activity)
				hours += activity_hours
		figures[contributor.key] = {
			"requests_handled": sum(handled[user]["Request"] for user in contributor.users),
			"micro_wishes": sum(handled[user]["Micro-wish"] for user in contributor.users),
			"activities": len(activities),
			"hours": round(hours, 1),
		}
	return figures


def handled_by_user(users: list[str], from_date, to_date) -> dict:
	counts = defaultdict(lambda: defaultdict(int))
	if not users:
		return counts
	request = frappe.qb.DocType("Service Request")
	rows = (
		frappe.qb.from_(request)
		.select(request.handler, request.request_type, Count(request.name))
		.where(
			request.handler.isin(users)
			& request.workflow_state.isin(HANDLED_STATES)
			& (request.resolved_on >= from_date)
			& (request.resolved_on < add_days(to_date, 1))
		)
		.groupby(request.handler, request.request_type)
		.run()
	)
	for user, request_type, count in rows:
		counts[user][request_type] += count
	return counts


def attendance_by_resident(residents: list[str], from_date, to_date) -> dict[str, list]:
	"""Submitted activities of the period each resident attended, with their hours."""
	attended = defaultdict(list)
	if not residents:
		return attended
	activity = frappe.qb.DocType("Volunteer Activity")
	attendee = frappe.qb.DocType("Volunteer Activity Attendee")
	rows = (
		frappe.qb.from_(attendee)
		.join(activity)
		.on(attendee.parent == activity.name)
		.select(attendee.resident, activity.name, attendee.hours)
		.where(
			(attendee.parenttype == "Volunteer Activity")
			& attendee.resident.isin(residents)
			& (activity.docstatus == 1)
			& (activity.activity_date >= from_date)
			& (activity.activity_date <= to_date)
		)
		.run()
	)
	for resident, activity_name, hours in rows:
		attended[resident].append((activity_name, float(hours or 0)))
	return attended
