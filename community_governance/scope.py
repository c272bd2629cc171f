"""Who sees what: the one permission model every governed DocType shares.

A user's scope is derived from what they are:

- Street Office Admins (and System Managers) see everything;
- Community Workers and Grid Workers see the subtrees of the Grid nodes they are responsible for
  (as the node's responsible user or one of its staff);
- Building Captains see the buildings of their active captaincies and what belongs to them;
- anyone linked to a Resident record sees that record and its home building.

Each governed DocType names, in ``RULES``, which of its columns tie a record to each part of a scope.
The same rules become a query condition for lists, reports and link search
(``permission_query_conditions``) and a check on single documents (``has_permission``), so both
always agree. A new DocType joins by adding a rule here and its two lines to hooks.py.
"""

from dataclasses import dataclass, field

import frappe
from frappe.query_builder import Criterion

SEES_ALL_ROLES = frozenset({"System Manager", "Street Office Admin"})
STAFF_ROLES = frozenset({"Community Worker", "Grid Worker"})
CAPTAIN_ROLE = "Building Captain"
# who works records on behalf of residents (as opposed to residents and volunteers themselves)
WORKER_ROLES = SEES_ALL_ROLES | STAFF_ROLES | {CAPTAIN_ROLE}
READ_RIGHTS = frozenset({"read", "select", "print", "email", "report", "export", "share"})

# A query condition that matches no row, for users whose scope is empty.
NOTHING = "1=0"

# scope part -> columns of the DocType that may hold a value of that part. A column written as
# (table_field, column) looks into a child table: the record matches when any of its rows does.
RULES: dict[str, dict[str, tuple]] = {
	"Grid": {
		"grids": ("name", "parent_grid"),
		"captain_grids": ("name",),
	},
	"Building": {
		"grids": ("grid",),
		"captain_buildings": ("name",),
		"home_buildings": ("name",),
	},
	"Resident": {
		"grids": ("grid",),
		"captain_buildings": ("building",),
		"residents": ("name",),
	},
	"Building Captain": {
		"grids": (("buildings", "grid"),),
		"users": ("user",),
	},
	"Service Request": {
		"grids": ("grid",),
		"captain_buildings": ("building",),
		"residents": ("requester",),
		"users": ("handler", "current_owner", "owner"),
	},
	"Points Transaction": {
		"grids": ("grid",),
		"residents": ("resident",),
	},
	"Points Account": {
		"grids": ("grid",),
		"residents": ("resident",),
	},
	"Volunteer Activity": {
		"grids": ("community", "grid"),
		"residents": (("attendees", "resident"),),
	},
	"Patrol Log": {
		"grids": ("grid",),
		"captain_buildings": ("building",),
	},
	"Captain Evaluation": {
		"captaincies": ("captain",),
		"users": ("captain_user",),
	},
	"Reward Redemption": {
		"grids": ("grid",),
		"residents": ("resident",),
		"users": ("owner",),
	},
	# confidential: only the case's team and its registrar (not the grid, not the parties)
	"Mediation Case": {
		"users": ("owner", ("team", "user")),
	},
	# residents see the matters of their own buildings (a community's matter lists all its buildings)
	"Deliberation Matter": {
		"grids": ("community", "grid", ("buildings", "grid")),
		"captain_buildings": (("buildings", "building"),),
		"home_buildings": (("buildings", "building"),),
		"users": ("owner",),
	},
	"Deliberation Meeting": {
		"grids": ("community", "grid", ("buildings", "grid")),
		"captain_buildings": (("buildings", "building"),),
		"users": ("owner",),
	},
	"Property Service Evaluation": {
		"grids": ("community", ("buildings", "grid")),
		"captain_buildings": (("buildings", "building"),),
		"users": ("owner",),
	},
	# care records: the visitor, the workers of the resident's grid and admins (not the captains,
	# not the resident)
	"Care Visit Plan": {
		"grids": ("grid",),
		"users": ("visitor",),
	},
	"Care Visit": {
		"grids": ("grid",),
		"users": ("visitor",),
	},
	# a team: its community's and grid's workers, and its members
	"Volunteer Team": {
		"grids": ("community", "grid"),
		"residents": (("members", "resident"),),
	},
	# the partner registers: the community's workers, and the unit's contact or the member
	"Partner Unit": {
		"grids": ("community",),
		"users": ("contact_user",),
	},
	"Reporting Member": {
		"grids": ("community",),
		"users": ("user",),
	},
}

# Records some roles may see beyond their scope: an open board (role -> values the record must have).
BOARDS: dict[str, dict[str, dict]] = {
	"Service Request": {
		"Volunteer": {"request_type": "Micro-wish", "workflow_state": "Open"},
	},
}


@dataclass(frozen=True)
class Scope:
	user: str
	sees_all: bool = False
	roles: frozenset = field(default_factory=frozenset)
	grids: frozenset = field(default_factory=frozenset)
	captain_buildings: frozenset = field(default_factory=frozenset)
	captain_grids: frozenset = field(default_factory=frozenset)
	captaincies: frozenset = field(default_factory=frozenset)
	residents: frozenset = field(default_factory=frozenset)
	home_buildings: frozenset = field(default_factory=frozenset)

	@property
	def users(self) -> frozenset:
		return frozenset({self.user})

	def part(self, name: str) -> frozenset:
		return getattr(self, name)


def get_scope(user: str | None = None) -> Scope:
	"""The user's scope, computed once per user and transaction (see ``forget``)."""
	user = user or frappe.session.user
	cache = getattr(frappe.local, "community_governance_scopes", None)
	if cache is None:
		cache = frappe.local.community_governance_scopes = {}
	roles = frozenset(frappe.get_roles(user))
	key = (user, roles)
	if key not in cache:
		cache[key] = _compute_scope(user, roles)
	return cache[key]


def is_worker(user: str | None = None) -> bool:
	"""Staff who act on residents' behalf: admins, community and grid workers, building captains."""
	user = user or frappe.session.user
	return user == "Administrator" or bool(WORKER_ROLES & set(frappe.get_roles(user)))


def forget(*args, **kwargs):
	"""Drop cached scopes: called whenever responsibilities, captaincies or resident links change."""
	frappe.local.community_governance_scopes = {}


def _compute_scope(user: str, roles: frozenset) -> Scope:
	if user == "Administrator" or roles & SEES_ALL_ROLES:
		return Scope(user=user, sees_all=True, roles=roles)
	grids = _responsible_subtrees(user) if roles & STAFF_ROLES else frozenset()
	captain_buildings = _captain_buildings(user) if CAPTAIN_ROLE in roles else frozenset()
	residents, home_buildings = _own_residents(user)
	return Scope(
		user=user,
		roles=roles,
		grids=grids,
		captain_buildings=captain_buildings,
		captain_grids=_grids_of(captain_buildings),
		captaincies=_captaincies_in(grids),
		residents=residents,
		home_buildings=home_buildings,
	)


def _responsible_subtrees(user: str) -> frozenset:
	grid = frappe.qb.DocType("Grid")
	staff = frappe.qb.DocType("Grid Staff")
	staffed = frappe.qb.from_(staff).select(staff.parent).where(staff.user == user)
	roots = (
		frappe.qb.from_(grid)
		.select(grid.lft, grid.rgt)
		.where((grid.responsible_user == user) | grid.name.isin(staffed))
		.run()
	)
	if not roots:
		return frozenset()
	inside_any_root = Criterion.any([(grid.lft >= lft) & (grid.rgt <= rgt) for lft, rgt in roots])
	return frozenset(frappe.qb.from_(grid).select(grid.name).where(inside_any_root).run(pluck=True))


def _captain_buildings(user: str) -> frozenset:
	captain = frappe.qb.DocType("Building Captain")
	row = frappe.qb.DocType("Building Captain Building")
	return frozenset(
		frappe.qb.from_(row)
		.join(captain)
		.on(row.parent == captain.name)
		.select(row.building)
		.where((captain.user == user) & (captain.status == "Active"))
		.run(pluck=True)
	)


def _captaincies_in(grids: frozenset) -> frozenset:
	"""Captaincies running a building inside the given grids (a staff member's captains)."""
	if not grids:
		return frozenset()
	row = frappe.qb.DocType("Building Captain Building")
	return frozenset(
		frappe.qb.from_(row)
		.select(row.parent)
		.distinct()
		.where((row.parenttype == "Building Captain") & row.grid.isin(list(grids)))
		.run(pluck=True)
	)


def _grids_of(buildings: frozenset) -> frozenset:
	if not buildings:
		return frozenset()
	building = frappe.qb.DocType("Building")
	return frozenset(
		frappe.qb.from_(building)
		.select(building.grid)
		.where(building.name.isin(list(buildings)))
		.run(pluck=True)
	)


def _own_residents(user: str) -> tuple[frozenset, frozenset]:
	if user == "Guest":
		return frozenset(), frozenset()
	resident = frappe.qb.DocType("Resident")
	rows = (
		frappe.qb.from_(resident).select(resident.name, resident.building).where(resident.user == user).run()
	)
	return frozenset(name for name, _ in rows), frozenset(building for _, building in rows if building)


# --- lists, reports, link search -------------------------------------------------------------


def query_condition(user: str | None = None, doctype: str | None = None) -> str:
	"""``permission_query_conditions`` hook: the SQL condition that limits a list to the user's scope."""
	scope = get_scope(user)
	if scope.sees_all:
		return ""
	table = frappe.qb.DocType(doctype)
	terms = []
	for part, columns in RULES[doctype].items():
		values = scope.part(part)
		if not values:
			continue
		for column in columns:
			terms.append(_column_in(doctype, table, column, list(values)))
	for role, match in BOARDS.get(doctype, {}).items():
		if role in scope.roles:
			terms.append(Criterion.all([table[column] == value for column, value in match.items()]))
	if not terms:
		return NOTHING
	return "({})".format(Criterion.any(terms).get_sql(quote_char="`", with_namespace=True))


def _column_in(doctype: str, table, column, values: list):
	if isinstance(column, tuple):
		table_field, child_column = column
		child = frappe.qb.DocType(frappe.get_meta(doctype).get_field(table_field).options)
		matching_parents = (
			frappe.qb.from_(child)
			.select(child.parent)
			.where((child.parenttype == doctype) & child[child_column].isin(values))
		)
		return table.name.isin(matching_parents)
	return table[column].isin(values)


# --- single documents ------------------------------------------------------------------------


def has_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False) -> bool:
	"""``has_permission`` hook: may the user touch this document? Roles decide *what* they may do;
	this decides *where*. Evaluated in Python so it also judges documents not yet saved."""
	scope = get_scope(user)
	if scope.sees_all:
		return True
	if not in_scope(doc, scope):
		return False
	if ptype not in READ_RIGHTS and not doc.is_new() and frappe.db.exists(doc.doctype, doc.name):
		# judge the stored record too: an edit must not carry a record into the user's scope
		return in_scope(frappe.get_doc(doc.doctype, doc.name), scope)
	return True


def in_scope(doc, scope: Scope) -> bool:
	for role, match in BOARDS.get(doc.doctype, {}).items():
		if role in scope.roles and all(doc.get(column) == value for column, value in match.items()):
			return True
	for part, columns in RULES[doc.doctype].items():
		values = scope.part(part)
		if not values:
			continue
		for column in columns:
			if any(value in values for value in _values_of(doc, column)):
				return True
	return False


def _values_of(doc, column) -> list:
	if isinstance(column, tuple):
		table_field, child_column = column
		return [_value(row, child_column) for row in doc.get(table_field) or []]
	if column == "name" and doc.is_new():
		return []
	return [_value(doc, column)]


def _value(doc, column: str):
	value = doc.get(column)
	if not value and column == "grid" and doc.get("building"):
		# a new record's fetched grid is filled only after the permission check
		value = frappe.get_cached_value("Building", doc.building, "grid")
	return value
