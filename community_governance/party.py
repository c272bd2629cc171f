"""The party organisation that mirrors the grid (党建引领): community party committee → grid party
branch → building party group (社区大党委—网格党支部—楼栋党小组), its members (residents or in-service
members reporting to the community, 双报到) and the party-member households (党员中心户) that look
after their neighbours; and what a branch's members did.

Membership is personal data: the members and households tables sit at permission level 1, read by
admins and the community's and grid's workers only (see the README's privacy matrix).
"""

from collections import defaultdict

import frappe
from community_governance import partners
from frappe import _
from frappe.query_builder.functions import Count

COMMITTEE, BRANCH, GROUP = "Community Committee", "Grid Branch", "Building Group"
# the level a node's parent must have
PARENT_LEVEL = {COMMITTEE: None, BRANCH: COMMITTEE, GROUP: BRANCH}
RESIDENT, REPORTING_MEMBER = "Resident", "Reporting Member"
MEMBERS_LEVEL = 1
FIGURES = ("requests_handled", "micro_wishes", "activities", "hours", "care_visits", "patrol_days")


# --- the tree and its places -----------------------------------------------------------------------


def validate_parent(org) -> None:
	wanted = PARENT_LEVEL[org.level]
	parent_level = org.parent_party_organisation and frappe.db.get_value(
		"Party Organisation", org.parent_party_organisation, "level"
	)
	if (parent_level or None) != wanted:
		if wanted:
			message = _("A {0} belongs under a {1}.").format(_(org.level), _(wanted))
		else:
			message = _("A community party committee is the top of its tree: it has no parent.")
		frappe.throw(message, title=_("Invalid Parent"))


def set_place(org) -> None:
	"""A committee covers its community's node, a branch a grid of the community, a group its
	buildings; each node stays in its parent's community."""
	if org.level == GROUP:
		set_group_place(org)
	else:
		wanted_level = "Community" if org.level == COMMITTEE else "Grid"
		grid = org.grid and frappe.db.get_value("Grid", org.grid, ["level", "parent_grid"], as_dict=True)
		if not grid or grid.level != wanted_level:
			frappe.throw(
				_("A {0} covers a node of level {1}: choose it.").format(_(org.level), _(wanted_level)),
				title=_("Grid Node Missing"),
			)
		org.community = org.grid if org.level == COMMITTEE else grid.parent_grid
		org.set("buildings", [])
	parent_community = org.parent_party_organisation and frappe.db.get_value(
		"Party Organisation", org.parent_party_organisation, "community"
	)
	if parent_community and parent_community != org.community:
		frappe.throw(
			_("{0} covers another community than its parent organisation.").format(
				frappe.bold(org.organisation_name)
			),
			title=_("Outside the Community"),
		)


def set_group_place(org) -> None:
	if not org.buildings:
		frappe.throw(_("A building party group covers buildings: list them."), title=_("Buildings Missing"))
	building = frappe.qb.DocType("Building")
	names = [row.building for row in org.buildings]
	places = {
		row.name: row
		for row in frappe.qb.from_(building)
		.select(building.name, building.grid, building.community)
		.where(building.name.isin(names))
		.run(as_dict=True)
	}
	for row in org.buildings:
		if row.building not in places:
			frappe.throw(
				_("Building {0} does not exist.").format(frappe.bold(row.building)), frappe.DoesNotExistError
			)
		row.grid = places[row.building].grid
	communities = {place.community for place in places.values()}
	if len(communities) > 1:
		frappe.throw(
			_("The buildings of one party group must belong to one community."),
			title=_("Several Communities"),
		)
	org.community = communities.pop()
	grids = {place.grid for place in places.values()}
	org.grid = grids.pop() if len(grids) == 1 else None


# --- members ---------------------------------------------------------------------------------------


def member_key(row) -> str:
	return f"{row.member_type}:{row.resident if row.member_type == RESIDENT else row.reporting_member}"


def validate_secretary(org) -> None:
	if not org.secretary:
		return
	secretary = frappe.db.get_value("Resident", org.secretary, ["party_member", "community"], as_dict=True)
	if not secretary or not secretary.party_member or secretary.community != org.community:
		frappe.throw(
			_("The secretary must be a party member living in community {0}.").format(
				frappe.bold(org.community)
			),
			title=_("Invalid Secretary"),
		)


def validate_members(org) -> None:
	"""Each member is a party member of the community, joined on a date, and a member of one
	organisation only (the database keeps the member key unique)."""
	people = people_of(org.members)
	seen = set()
	for row in org.members:
		if row.member_type == RESIDENT:
			row.reporting_member = None
		else:
			row.resident = None
		person = people.get((row.member_type, row.resident or row.reporting_member))
		if not person:
			frappe.throw(
				_("Member row {0}: choose the {1}.").format(row.idx, _(row.member_type)),
				title=_("Member Missing"),
			)
		if not person.party_member or person.community != org.community:
			frappe.throw(
				_("Member row {0}: {1} is not registered as a party member of community {2}.").format(
					row.idx, frappe.bold(person.full_name), frappe.bold(org.community)
				),
				title=_("Not a Party Member Here"),
			)
		row.member_name = person.full_name
		row.member_key = member_key(row)
		if row.member_key in seen:
			frappe.throw(
				_("{0} is listed twice.").format(frappe.bold(person.full_name)), title=_("Listed Twice")
			)
		seen.add(row.member_key)
	elsewhere = members_elsewhere(list(seen), org.name)
	if elsewhere:
		key, other = next(iter(elsewhere.items()))
		name = next(row.member_name for row in org.members if row.member_key == key)
		frappe.throw(
			_("{0} is already a member of {1}: a member belongs to one organisation.").format(
				frappe.bold(name), frappe.bold(other)
			),
			title=_("Already a Member"),
		)


def validate_households(org) -> None:
	"""Only this organisation's party-member households look after neighbours of its community."""
	central = {row.resident for row in org.members if row.resident and row.central_household}
	served = frappe._dict(
		frappe.get_all(
			"Resident",
			filters={"name": ("in", [row.served_resident for row in org.central_households] or [""])},
			fields=["name", "community"],
			as_list=True,
		)
	)
	seen = set()
	for row in org.central_households:
		if row.party_member not in central:
			frappe.throw(
				_("Row {0}: {1} is not a party-member household of this organisation.").format(
					row.idx, frappe.bold(row.party_member)
				),
				title=_("Not a Party-Member Household"),
			)
		if row.served_resident == row.party_member or served.get(row.served_resident) != org.community:
			frappe.throw(
				_("Row {0}: the household looked after must be a neighbour in community {1}.").format(
					row.idx, frappe.bold(org.community)
				),
				title=_("Invalid Household"),
			)
		if (row.party_member, row.served_resident) in seen:
			frappe.throw(_("Row {0} is listed twice.").format(row.idx), title=_("Listed Twice"))
		seen.add((row.party_member, row.served_resident))


def people_of(rows) -> dict[tuple, frappe._dict]:
	"""(member type, name) -> name, party tick, community, login and resident record, two queries."""
	people = {}
	residents = [row.resident for row in rows if row.member_type == RESIDENT and row.resident]
	members = [row.reporting_member for row in rows if row.member_type == REPORTING_MEMBER]
	if residents:
		resident = frappe.qb.DocType("Resident")
		for person in (
			frappe.qb.from_(resident)
			.select(
				resident.name,
				resident.full_name,
				resident.party_member,
				resident.community,
				resident.user,
				resident.name.as_("resident"),
			)
			.where(resident.name.isin(residents))
			.run(as_dict=True)
		):
			people[(RESIDENT, person.name)] = person
	members = [name for name in members if name]
	if members:
		member = frappe.qb.DocType("Reporting Member")
		for person in (
			frappe.qb.from_(member)
			.select(
				member.name,
				member.member_name.as_("full_name"),
				member.party_member,
				member.community,
				member.user,
				member.resident,
			)
			.where(member.name.isin(members))
			.run(as_dict=True)
		):
			people[(REPORTING_MEMBER, person.name)] = person
	return people


def members_elsewhere(keys: list[str], name: str | None) -> dict[str, str]:
	if not keys:
		return {}
	row = frappe.qb.DocType("Party Organisation Member")
	return dict(
		frappe.qb.from_(row)
		.select(row.member_key, row.parent)
		.where(
			(row.parenttype == "Party Organisation")
			& row.member_key.isin(keys)
			& (row.parent != (name or ""))
		)
		.run()
	)


# --- what a branch's members did ----------------------------------------------------------------


def members_under(organisation: str) -> list[frappe._dict]:
	"""The members of the organisation and every node below it, with the organisation each sits in."""
	org = frappe.qb.DocType("Party Organisation")
	row = frappe.qb.DocType("Party Organisation Member")
	lft, rgt = frappe.db.get_value("Party Organisation", organisation, ["lft", "rgt"])
	return (
		frappe.qb.from_(row)
		.join(org)
		.on(row.parent == org.name)
		.select(
			row.name,
			row.member_type,
			row.resident,
			row.reporting_member,
			row.member_name,
			row.joined_on,
			row.central_household,
			org.name.as_("organisation"),
			org.organisation_name,
		)
		.where((row.parenttype == "Party Organisation") & (org.lft >= lft) & (org.rgt <= rgt))
		.orderby(org.lft)
		.orderby(row.idx)
		.run(as_dict=True)
	)


def member_contributions(rows: list[frappe._dict], from_date, to_date) -> dict[str, dict]:
	"""Each member row's requests handled, micro-wishes, activities and hours, care visits and
	patrol days as a captain in the period: grouped queries, however many members there are."""
	people = people_of(rows)
	contributors = []
	for row in rows:
		person = people.get((row.member_type, row.resident or row.reporting_member)) or frappe._dict()
		contributors.append(
			partners.Contributor(
				key=row.name,
				users={person.user} - {None},
				residents={person.resident} - {None},
			)
		)
	figures = partners.contributions(contributors, from_date, to_date)
	users = sorted({user for c in contributors for user in c.users})
	visits = care_visits_by_user(users, from_date, to_date)
	patrols = patrol_days_by_user(users, from_date, to_date)
	for contributor in contributors:
		figures[contributor.key]["care_visits"] = sum(visits[user] for user in contributor.users)
		figures[contributor.key]["patrol_days"] = sum(patrols[user] for user in contributor.users)
	return figures


def care_visits_by_user(users: list[str], from_date, to_date) -> dict[str, int]:
	counts = defaultdict(int)
	if not users:
		return counts
	visit = frappe.qb.DocType("Care Visit")
	for user, count in (
		frappe.qb.from_(visit)
		.select(visit.visitor, Count(visit.name))
		.where(visit.visitor.isin(users) & (visit.visit_date >= from_date) & (visit.visit_date <= to_date))
		.groupby(visit.visitor)
		.run()
	):
		counts[user] = count
	return counts


def patrol_days_by_user(users: list[str], from_date, to_date) -> dict[str, int]:
	"""Days on which the member, as a building captain, logged a patrol (one a day however many
	buildings)."""
	counts = defaultdict(int)
	if not users:
		return counts
	log = frappe.qb.DocType("Patrol Log")
	for user, count in (
		frappe.qb.from_(log)
		.select(log.captain_user, Count(log.patrol_date).distinct())
		.where(log.captain_user.isin(users) & (log.patrol_date >= from_date) & (log.patrol_date <= to_date))
		.groupby(log.captain_user)
		.run()
	):
		counts[user] = count
	return counts
