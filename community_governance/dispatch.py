"""Who may take a request (派单): the workers of its grid and community, the volunteers and
contributors living in its grid, and the contacts of its community's partner units — each with the
reason they are offered (role, grid, skill). Nobody from another grid, no disabled login and no
login without a role that may handle requests is ever offered.

"Small matters do not leave the grid" (小事不出网格): the grid's own people come first, and among
volunteers those with the skill the request's category needs.
"""

import frappe
from community_governance import skills
from frappe import _
from frappe.query_builder import Order

WORKERS, GRID_PEOPLE, PARTNERS = "Worker", "Volunteer", "Partner"
# residents of the grid are offered when they hold one of these (contributors do not live here,
# but are registered for the grid as Resident records too)
GRID_PEOPLE_ROLES = ("Volunteer", "Contributor")
# the role named as the reason, the most specific first
REASON_ROLES = ("Grid Worker", "Community Worker", "Contributor", "Volunteer")


def candidates(request, handler_roles: tuple) -> list[dict]:
	"""Everyone who may take ``request``, in the order a dispatcher should consider them."""
	needed = skills.required_skills([request.category]).get(request.category) if request.category else None
	offered = _workers(request) + _grid_people(request) + _partner_contacts(request)
	roles = _handler_roles_of([user for user, *_ in offered], handler_roles)
	names = _full_names(list(roles))
	skills_of = skills.skills_of_users(list(roles))
	grid_names = _grid_names({place for *_, place in offered})
	seen, found = set(), []
	for user, group, place in offered:
		if user in seen or user not in roles or user == request.requester_user:
			continue
		seen.add(user)
		role = next((role for role in REASON_ROLES if role in roles[user]), sorted(roles[user])[0])
		matched = needed if needed and needed in skills_of.get(user, ()) else None
		found.append(
			{
				"user": user,
				"full_name": names.get(user) or user,
				"group": group,
				"role": role,
				"grid": place,
				"grid_name": grid_names.get(place) or place,
				"skill": matched,
				"reason": _reason(role, grid_names.get(place) or place, matched),
			}
		)
	order = {WORKERS: 0, GRID_PEOPLE: 1, PARTNERS: 2}
	# a stable sort: workers of the grid before those of the community, as collected
	return sorted(found, key=lambda row: (order[row["group"]], row["group"] != WORKERS and not row["skill"]))


def _reason(role: str, place: str, skill: str | None) -> str:
	parts = [_(role), place] + ([_("Skilled in {0}").format(_(skill))] if skill else [])
	return " · ".join(parts)


def _workers(request) -> list[tuple]:
	"""The responsible users and staff of the request's grid, then of its community."""
	nodes = [node for node in (request.grid, request.community) if node]
	if not nodes:
		return []
	grid = frappe.qb.DocType("Grid")
	staff = frappe.qb.DocType("Grid Staff")
	responsible = dict(
		frappe.qb.from_(grid).select(grid.name, grid.responsible_user).where(grid.name.isin(nodes)).run()
	)
	staffed = (
		frappe.qb.from_(staff)
		.select(staff.parent, staff.user)
		.where((staff.parenttype == "Grid") & staff.parent.isin(nodes))
		.orderby(staff.idx)
		.run()
	)
	found = []
	for node in nodes:
		if responsible.get(node):
			found.append((responsible[node], WORKERS, node))
		found.extend((user, WORKERS, node) for parent, user in staffed if parent == node)
	return found


def _grid_people(request) -> list[tuple]:
	"""Volunteers and contributors whose Resident record is in the request's grid."""
	if not request.grid:
		return []
	resident = frappe.qb.DocType("Resident")
	has_role = frappe.qb.DocType("Has Role")
	users = (
		frappe.qb.from_(resident)
		.join(has_role)
		.on((has_role.parent == resident.user) & (has_role.parenttype == "User"))
		.select(resident.user)
		.distinct()
		.where(
			(resident.grid == request.grid)
			& (resident.status == "Active")
			& resident.user.isnotnull()
			& has_role.role.isin(GRID_PEOPLE_ROLES)
		)
		.orderby(resident.user, order=Order.asc)
		.run(pluck=True)
	)
	return [(user, GRID_PEOPLE, request.grid) for user in users]


def _partner_contacts(request) -> list[tuple]:
	"""The contacts of the community's active partner units and its active reporting members."""
	if not request.community:
		return []
	unit = frappe.qb.DocType("Partner Unit")
	member = frappe.qb.DocType("Reporting Member")
	contacts = (
		frappe.qb.from_(unit)
		.select(unit.contact_user)
		.where(
			(unit.community == request.community) & (unit.status == "Active") & unit.contact_user.isnotnull()
		)
		.orderby(unit.unit_name)
		.run(pluck=True)
	)
	members = (
		frappe.qb.from_(member)
		.select(member.user)
		.where(
			(member.community == request.community) & (member.status == "Active") & member.user.isnotnull()
		)
		.orderby(member.member_name)
		.run(pluck=True)
	)
	return [(user, PARTNERS, request.community) for user in contacts + members]


def _handler_roles_of(users: list[str], handler_roles: tuple) -> dict[str, set]:
	"""user -> their roles that may handle requests, for the enabled users holding at least one."""
	if not users:
		return {}
	user = frappe.qb.DocType("User")
	has_role = frappe.qb.DocType("Has Role")
	rows = (
		frappe.qb.from_(has_role)
		.join(user)
		.on(user.name == has_role.parent)
		.select(has_role.parent, has_role.role)
		.where(
			(has_role.parenttype == "User")
			& has_role.parent.isin(list(set(users)))
			& has_role.role.isin(list(handler_roles))
			& (user.enabled == 1)
		)
		.run()
	)
	found: dict[str, set] = {}
	for name, role in rows:
		found.setdefault(name, set()).add(role)
	return found


def _full_names(users: list[str]) -> dict[str, str]:
	if not users:
		return {}
	user = frappe.qb.DocType("User")
	return dict(frappe.qb.from_(user).select(user.name, user.full_name).where(user.name.isin(users)).run())


def _grid_names(nodes: set) -> dict[str, str]:
	nodes = [node for node in nodes if node]
	if not nodes:
		return {}
	grid = frappe.qb.DocType("Grid")
	return dict(frappe.qb.from_(grid).select(grid.name, grid.grid_name).where(grid.name.isin(nodes)).run())
