"""Who sees what: the one permission model every governed DocType shares.

A user's scope is derived from what they are:

- Street Office Admins (and System Managers) see everything;
- Community Workers and Grid Workers see the subtrees of the Grid nodes they are responsible for
  (as the node's responsible user or one of its staff);
- Building Captains see the buildings of their active captaincies and what belongs to them;
- anyone linked to a Resident record sees that record and its home building;
- a resident on a compound's owners' committee (for the current term) sees that compound's
  evaluations and matters.

Each governed DocType names, in ``RULES``, which of its columns tie a record to each part of a scope.
The same rules become a query condition for lists, reports and link search
(``permission_query_conditions``) and a check on single documents (``has_permission``), so both
always agree. A new DocType joins by adding a rule here and its two lines to hooks.py.
"""

from dataclasses import dataclass, field

from pypika.terms import LiteralValue

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder import Criterion

SEES_ALL_ROLES = frozenset({"System Manager", "Street Office Admin"})
STAFF_ROLES = frozenset({"Community Worker", "Grid Worker"})
CAPTAIN_ROLE = "Building Captain"
# who works records on behalf of residents (as opposed to residents and volunteers themselves)
WORKER_ROLES = SEES_ALL_ROLES | STAFF_ROLES | {CAPTAIN_ROLE}
READ_RIGHTS = frozenset({"read", "select", "print", "email", "report", "export", "share"})

# A query condition that matches no row, for users whose scope is empty.
NOTHING = "1=0"

# The parts of a scope that say *where* a record belongs (as opposed to who made it or whom it names):
# a new record, or one whose place changes, is judged by these alone.
PLACE_PARTS = frozenset(
	{"grids", "captain_buildings", "captain_grids", "home_buildings", "captaincies", "care_plans"}
)


@dataclass(frozen=True)
class LinkedRows:
	"""A column of another DocType's records that point at this one (``link_field`` = its name): the
	record matches when any of them does. For rows too many to be a child table (one receipt per
	resident of a notice)."""

	doctype: str
	link_field: str
	column: str


# scope part -> columns of the DocType that may hold a value of that part. A column written as
# (table_field, column) looks into a child table: the record matches when any of its rows does;
# one written as ``LinkedRows`` looks into the records of another DocType that point at it.
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
	"Points Monthly Total": {
		"grids": ("grid",),
		"residents": ("resident",),
	},
	# a half-year's total carries the greatest place of its earnings (see ledger.add_to_period_totals)
	"Points Period Total": {
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
		"committee_compounds": ("compound",),
	},
	"Deliberation Meeting": {
		"grids": ("community", "grid", ("buildings", "grid")),
		"captain_buildings": (("buildings", "building"),),
		"users": ("owner",),
		"committee_compounds": ("compound",),
	},
	# the owners' committee of the compound follows its company's evaluations (not the scorecards)
	"Property Service Evaluation": {
		"grids": ("community", ("buildings", "grid")),
		"captain_buildings": (("buildings", "building"),),
		"users": ("owner",),
		"committee_compounds": ("compound",),
	},
	# care records: the visitor, the workers of the resident's grid and admins (not the captains,
	# not the resident)
	"Care Visit Plan": {
		"grids": ("grid",),
		"users": ("visitor",),
	},
	"Care Visit": {
		"grids": ("grid",),
		"care_plans": ("plan",),
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
	# a compound: its community's workers and the workers of the grids it reaches into, the captains
	# and residents of its buildings, and its owners' committee
	"Compound": {
		"grids": ("community", ("buildings", "grid")),
		"captain_buildings": (("buildings", "building"),),
		"home_buildings": (("buildings", "building"),),
		"committee_compounds": ("name",),
	},
	# the party organisation: the workers of the community and grid it covers, the captains of its
	# buildings (who see the organisation, not its members: see personal_data.py)
	"Party Organisation": {
		"grids": ("community", "grid", ("buildings", "grid")),
		"captain_buildings": (("buildings", "building"),),
	},
	# a registration waits for the captain or grid worker of the building the person says is home
	"Resident Registration": {
		"grids": ("grid",),
		"captain_buildings": ("building",),
	},
	# a caring merchant: the workers of its grid and community, and whoever serves at its counter
	"Caring Merchant": {
		"grids": ("grid",),
		"users": (("counter_users", "user"),),
	},
	# a notice: the workers and captains of the buildings it goes to, its author, and the residents
	# it was delivered to (one receipt each), never the rest of a building (a care group's notice)
	"Community Notice": {
		"grids": ("community", "grid", ("buildings", "grid")),
		"captain_buildings": (("buildings", "building"),),
		"residents": (LinkedRows("Community Notice Receipt", "notice", "resident"),),
		"users": ("owner",),
	},
	# who received a care group's notice says who is in the care group: not for captains, who see
	# the unread doors of their buildings through api.notices.unread_by_building instead
	"Community Notice Receipt": {
		"grids": ("grid",),
		"residents": ("resident",),
	},
}

# Where a record belongs when its read rule names no place: a mediation case is read by its team
# and registrar alone, yet registered (or moved) only inside the registering user's places.
PLACE_RULES: dict[str, dict[str, tuple]] = {
	"Mediation Case": {"grids": ("community", "grid"), "captain_buildings": ("building",)},
	# a notice is posted to places; its receipts say whom it reached, not where it belongs
	"Community Notice": {
		"grids": ("community", "grid", ("buildings", "grid")),
		"captain_buildings": (("buildings", "building"),),
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
	care_plans: frozenset = field(default_factory=frozenset)
	committee_compounds: frozenset = field(default_factory=frozenset)

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
		care_plans=_visited_plans(user),
		committee_compounds=_committee_compounds(residents),
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


def _visited_plans(user: str) -> frozenset:
	"""The care plans naming the user as their visitor: where the visitor logs visits."""
	if user == "Guest":
		return frozenset()
	plan = frappe.qb.DocType("Care Visit Plan")
	return frozenset(frappe.qb.from_(plan).select(plan.name).where(plan.visitor == user).run(pluck=True))


def _committee_compounds(residents: frozenset) -> frozenset:
	"""The compounds whose owners' committee the user's resident record sits on, this term."""
	if not residents:
		return frozenset()
	member = frappe.qb.DocType("Owners Committee Member")
	today = frappe.utils.nowdate()
	return frozenset(
		frappe.qb.from_(member)
		.select(member.parent)
		.distinct()
		.where(
			(member.parenttype == "Compound")
			& member.resident.isin(list(residents))
			& (member.term_start <= today)
			& (member.term_end.isnull() | (member.term_end >= today))
		)
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
	if isinstance(column, LinkedRows):
		linked = frappe.qb.DocType(column.doctype)
		pointing = (
			frappe.qb.from_(linked)
			.select(linked[column.link_field])
			.where(linked[column.column].isin(values))
		)
		return table.name.isin(pointing)
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


# --- child tables read on their own ----------------------------------------------------------


def child_query_condition(user: str | None = None, doctype: str | None = None) -> str:
	"""``permission_query_conditions`` for every child table of a governed DocType: a row read on its
	own (``get_list(child, parent=...)``, REST, reports) is visible only when its record is. A child
	table of several governed DocTypes (Deliberation Building) answers for each of them."""
	row = frappe.qb.DocType(doctype)
	terms = []
	for parent_doctype in governed_parents_of(doctype):
		if not may_read_table(parent_doctype, doctype, user):
			continue
		of_parent = row.parenttype == parent_doctype
		if condition := query_condition(user, parent_doctype):
			of_parent = of_parent & row.parent.isin(_names_matching(parent_doctype, condition))
		terms.append(of_parent)
	if not terms:
		return NOTHING
	return "({})".format(Criterion.any(terms).get_sql(quote_char="`", with_namespace=True))


class ScopedRow(Document):
	"""The controller of every child table of a governed DocType. A row opened on its own by name
	(REST ``/api/resource/<child>/<row>``, ``frappe.client.get``) is loaded without its record, and
	Frappe then checks only the role on the parent DocType: here the record itself is judged too."""

	def has_permission(self, permtype="read", *, debug=False, user=None) -> bool:
		if not super().has_permission(permtype, debug=debug, user=user):
			return False
		if self.flags.ignore_permissions or self.parent_doc is not None or not self.parenttype:
			return True  # loaded with its record, which Frappe has judged
		if not self.parent or not frappe.db.exists(self.parenttype, self.parent):
			return False
		if not may_read_table(self.parenttype, self.doctype, user):
			return False
		record = frappe.get_doc(self.parenttype, self.parent)
		ptype = "read" if permtype in READ_RIGHTS else "write"
		return record.has_permission(ptype, debug=debug, user=user)


def may_read_table(parent_doctype: str, child_doctype: str, user: str | None = None) -> bool:
	"""Whether the user's roles open the permission level of the parent's table fields holding the
	child table: rows behind a level (a party organisation's members, an evaluation's scorecards)
	are not read on their own by whoever may read only the record's level 0."""
	meta = frappe.get_meta(parent_doctype)
	levels = {df.permlevel or 0 for df in meta.get_table_fields() if df.options == child_doctype}
	if levels <= {0} or (user or frappe.session.user) == "Administrator":
		return True
	return bool(levels & set(meta.get_permlevel_access("read", user=user or frappe.session.user)))


def _names_matching(doctype: str, condition: str):
	"""A subquery of the names of the DocType's records that a permission condition lets through."""
	table = frappe.qb.DocType(doctype)
	return frappe.qb.from_(table).select(table.name).where(LiteralValue(condition))


def governed_parents_of(child_doctype: str) -> list[str]:
	"""The governed DocTypes holding the child table in one of their table fields."""
	return [
		doctype
		for doctype in RULES
		if any(df.options == child_doctype for df in frappe.get_meta(doctype).get_table_fields())
	]


def keep_row_with_its_record(row, method=None):
	"""``validate`` of every child table, saved on its own (REST ``PUT`` on the row): a row stays with
	the record it was written in, so naming another parent cannot carry it into the user's scope."""
	if row.is_new() or row.flags.ignore_permissions:
		return
	stored = frappe.db.get_value(row.doctype, row.name, ["parent", "parenttype", "parentfield"], as_dict=True)
	if stored and (stored.parent, stored.parenttype, stored.parentfield) != (
		row.parent,
		row.parenttype,
		row.parentfield,
	):
		frappe.throw(
			_("A row of {0} cannot be moved to another record.").format(_(stored.parenttype)),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)


# --- single documents ------------------------------------------------------------------------


def has_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False) -> bool:
	"""``has_permission`` hook: may the user touch this document? Roles decide *what* they may do;
	this decides *where*.

	A new document is not judged here: its ``owner`` is already the session user and its place is
	often filled in by its controller (a resident's request goes to their home building), so it is
	judged by its place alone once filled in, by ``keep_in_place``. So is an edit that moves a record."""
	scope = get_scope(user)
	if scope.sees_all or doc.is_new():
		return True
	if not in_scope(doc, scope):
		return False
	if ptype not in READ_RIGHTS and frappe.db.exists(doc.doctype, doc.name):
		# judge the stored record too: an edit must not carry a record into the user's scope
		return in_scope(frappe.get_doc(doc.doctype, doc.name), scope)
	return True


def keep_in_place(doc, method=None):
	"""``validate`` of every governed DocType, after its controller filled the place in: a new
	record, or one whose place changes, must belong to one of the user's places. Who made it, or
	being named on it, is not enough: a captain cannot file for another building nor move their own
	resident record out of their buildings. Records the app writes itself (``ignore_permissions``:
	the web form, scheduled jobs, joins through an API) are judged by their own controllers."""
	if doc.flags.ignore_permissions:
		return
	scope = get_scope()
	if scope.sees_all:
		return
	before = None if doc.is_new() else doc.get_doc_before_save()
	if before is not None and not place_changed(doc, before):
		return
	if not in_place(doc, scope):
		frappe.throw(
			_(
				"This {0} belongs to a place outside your responsibility: you can create or move records only inside your own buildings, grids or community."
			).format(_(doc.doctype)),
			frappe.PermissionError,
			title=_("Outside Your Scope"),
		)


def in_scope(doc, scope: Scope) -> bool:
	"""Is the document the user's to see: by its place, the people it names, or an open board?"""
	for role, match in BOARDS.get(doc.doctype, {}).items():
		if role in scope.roles and all(doc.get(column) == value for column, value in match.items()):
			return True
	return _matches(doc, scope, RULES[doc.doctype])


def in_place(doc, scope: Scope) -> bool:
	"""Is the document inside the user's places (not merely made by or naming them)? A resident acting
	for themselves (their own record named) is in place only at their home building."""
	rules = PLACE_RULES.get(doc.doctype) or RULES[doc.doctype]
	if not any(part in PLACE_PARTS or part == "residents" for part in rules):
		return in_scope(doc, scope)  # a record with no place: its people decide
	if _matches(doc, scope, {part: columns for part, columns in rules.items() if part in PLACE_PARTS}):
		return True
	if "residents" in rules and _matches(doc, scope, {"residents": rules["residents"]}):
		building = doc.get("building") if doc.meta.has_field("building") else None
		return not building or building in scope.home_buildings
	return False


def place_changed(doc, before) -> bool:
	return any(
		sorted(map(str, filter(None, _values_of(doc, column))))
		!= sorted(map(str, filter(None, _values_of(before, column))))
		for column in place_columns(doc.doctype)
	)


def place_columns(doctype: str) -> list:
	"""The columns saying where a record belongs: those of its place parts and the residents it is
	about (a redemption or request belongs where its resident lives), never its own name."""
	return [
		column
		for part, columns in (PLACE_RULES.get(doctype) or RULES[doctype]).items()
		if part in PLACE_PARTS or part == "residents"
		for column in columns
		if column != "name"
	]


def _matches(doc, scope: Scope, rules: dict) -> bool:
	for part, columns in rules.items():
		values = scope.part(part)
		if not values:
			continue
		for column in columns:
			if isinstance(column, LinkedRows):
				if _linked_rows_match(doc, column, values):
					return True
			elif any(value in values for value in _values_of(doc, column)):
				return True
	return False


def _linked_rows_match(doc, column: LinkedRows, values: frozenset) -> bool:
	if doc.is_new():
		return False
	return bool(
		frappe.db.exists(column.doctype, {column.link_field: doc.name, column.column: ("in", list(values))})
	)


def _values_of(doc, column) -> list:
	if isinstance(column, LinkedRows):
		if doc.is_new():
			return []
		return frappe.get_all(column.doctype, filters={column.link_field: doc.name}, pluck=column.column)
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


# --- files attached to governed records ---------------------------------------------------------


def file_query_condition(user: str | None = None, doctype: str | None = None) -> str:
	"""``permission_query_conditions`` for File, on top of Frappe's own: a file attached to a governed
	record (or one of its rows) is listed only when the user may list that record."""
	if get_scope(user).sees_all:
		return ""
	file = frappe.qb.DocType("File")
	governed = sorted(governed_doctypes())
	terms = [file.attached_to_doctype.isnull(), file.attached_to_doctype.notin(governed)]
	for attached_doctype in governed:
		of_doctype = file.attached_to_doctype == attached_doctype
		if condition := _list_condition(user, attached_doctype):
			of_doctype = of_doctype & file.attached_to_name.isin(_names_matching(attached_doctype, condition))
		terms.append(of_doctype)
	return "({})".format(Criterion.any(terms).get_sql(quote_char="`", with_namespace=True))


def file_has_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False):
	"""``has_permission`` for File, on top of Frappe's own: a file attached to a governed record is
	refused when the user may not read that record. Answers only to refuse (``None`` otherwise), so
	Frappe's own File rule still decides the rest."""
	if doc.is_new():
		return False if _borrows_private_file(doc, user) else None
	if doc.attached_to_doctype not in governed_doctypes() or not doc.attached_to_name:
		return None
	if get_scope(user).sees_all:
		return None
	if not frappe.db.exists(doc.attached_to_doctype, doc.attached_to_name):
		return False
	record = frappe.get_doc(doc.attached_to_doctype, doc.attached_to_name)
	if frappe.is_table(record.doctype):
		record = frappe.get_doc(record.parenttype, record.parent)
	if not in_scope(record, get_scope(user)):
		return False
	return None


def _borrows_private_file(doc, user: str | None) -> bool:
	"""A new File naming a private address without bytes of its own would make its creator the owner
	of someone else's file (Frappe lets an owner download it): allowed only to who may read a File
	already holding that address."""
	url = doc.file_url or ""
	if doc.is_folder or doc.get("content") or not url.startswith("/private/files/"):
		return False
	if get_scope(user).sees_all:
		return False
	holders = frappe.get_all("File", filters={"file_url": url, "is_folder": 0}, pluck="name")
	return not any(frappe.has_permission("File", "read", doc=holder, user=user) for holder in holders)


def governed_doctypes() -> set[str]:
	"""Every DocType the scope model governs, with the child tables of them."""
	return set(RULES) | {
		df.options for doctype in RULES for df in frappe.get_meta(doctype).get_table_fields()
	}


def _list_condition(user: str | None, doctype: str) -> str:
	if frappe.is_table(doctype):
		return child_query_condition(user, doctype)
	return query_condition(user, doctype)
