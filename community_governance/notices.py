"""Notices to residents (通知公告): who a notice may go to, whom it reaches, and who has read it.

A notice is posted to places (the street, a community, a grid or some buildings), optionally only to
a care group there, and is listed as the buildings it goes to. When it is published its audience
is resolved once, in one ``INSERT ... SELECT``, into one receipt per resident: the notice reaches who
lived there when it went out, as a letter in the mailbox would, so the unread list a captain walks
stays the same while they walk it. Resolving lazily on every read would let the list shift as people
move, and would cost a query per resident page. A street of 6,300 residents is one statement (see
the README for the figure); only the SMS, which waits on a gateway, goes to the background.

Residents act on their own receipt only (read, confirm), never on the notice.
"""

from pypika.terms import ValueWrapper

import frappe
from community_governance import personal_data, scope, sms
from community_governance.care import CARE_TAGS
from frappe import _
from frappe.desk.doctype.notification_log.notification_log import make_notification_logs
from frappe.query_builder import Criterion
from frappe.query_builder.functions import Coalesce, Concat, Count
from frappe.utils import get_datetime, now_datetime

NOTICE = "Community Notice"
RECEIPT = "Community Notice Receipt"
BUILDING_ROW = "Community Notice Building"
ACTIVE = "Active"
# care group (as offered on the notice) -> the Resident's care tag
CARE_GROUPS = dict(
	zip(
		("Elderly Living Alone", "Special Care", "Has Disability", "Child in Difficulty"),
		CARE_TAGS,
		strict=True,
	)
)
# audience -> the Building column naming the node (Buildings are chosen one by one)
AUDIENCE_NODE = {"Grid": "grid", "Community": "community"}
SMS_JOB = "community_governance.notices.send_sms_of"
SMS_LENGTH = 140


# --- the audience --------------------------------------------------------------------------------


def buildings_of_audience(audience: str, community: str | None, grid: str | None) -> list[str] | None:
	"""The buildings a Grid, Community or Street notice goes to; None for a hand-picked list."""
	building = frappe.qb.DocType("Building")
	query = frappe.qb.from_(building).select(building.name).orderby(building.name)
	if audience == "Street":
		return query.run(pluck=True)
	if audience in AUDIENCE_NODE:
		node = grid if audience == "Grid" else community
		if not node:
			return []
		return query.where(building[AUDIENCE_NODE[audience]] == node).run(pluck=True)
	return None


def buildings_outside_scope(buildings: list[str], user: str | None = None) -> list[str]:
	"""The buildings the user may not post to: a captain posts to the buildings they run, a worker to
	those of their grids and communities, an admin anywhere."""
	user_scope = scope.get_scope(user)
	if user_scope.sees_all or not buildings:
		return []
	grids = dict(
		frappe.get_all("Building", filters={"name": ("in", buildings)}, fields=["name", "grid"], as_list=True)
	)
	return [
		name
		for name in buildings
		if name not in user_scope.captain_buildings and grids.get(name) not in user_scope.grids
	]


def may_address_care_groups(user: str | None = None) -> bool:
	"""Care tags are personal: only who may read them (workers, not captains) picks a care group."""
	return personal_data.may_read_personal_fields(user)


def audience_condition(resident, notice: str, care_group: str | None):
	"""Which Resident rows a notice reaches: the active residents of its buildings (of its care
	group, if any)."""
	row = frappe.qb.DocType(BUILDING_ROW)
	buildings = (
		frappe.qb.from_(row).select(row.building).where((row.parenttype == NOTICE) & (row.parent == notice))
	)
	condition = (resident.status == ACTIVE) & resident.building.isin(buildings)
	if care_group:
		condition &= resident[CARE_GROUPS[care_group]] == 1
	return condition


# --- publishing ----------------------------------------------------------------------------------


def receipt_name(notice: str, resident: str) -> str:
	"""One receipt per notice and resident: the name is the key the database keeps unique."""
	return f"{notice}-{resident}"


def is_due(notice) -> bool:
	return get_datetime(notice.publish_on) <= now_datetime()


def deliver(notice) -> int:
	"""Give every resident of the audience a receipt (one statement, however many), tell the desk
	users of those buildings, and queue the SMS. Delivering twice adds no receipt."""
	resident = frappe.qb.DocType("Resident")
	receipt = frappe.qb.DocType(RECEIPT)
	now = ValueWrapper(str(now_datetime()))
	author = ValueWrapper(notice.owner)
	(
		frappe.qb.into(receipt)
		.columns(
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"docstatus",
			"idx",
			"notice",
			"resident",
			"full_name",
			"building",
			"unit",
			"room",
			"grid",
		)
		.from_(resident)
		.select(
			Concat(ValueWrapper(notice.name), ValueWrapper("-"), resident.name),
			now,
			now,
			author,
			author,
			ValueWrapper(0),
			ValueWrapper(0),
			ValueWrapper(notice.name),
			resident.name,
			resident.full_name,
			resident.building,
			resident.unit,
			resident.room,
			resident.grid,
		)
		.where(audience_condition(resident, notice.name, notice.care_group))
		.ignore()
		.run()
	)
	count = frappe.db.count(RECEIPT, {"notice": notice.name})
	notice.db_set({"delivered_on": now_datetime(), "recipients": count}, update_modified=False)
	notify_desk_users(notice)
	if sms.configured() and count:
		frappe.enqueue(
			SMS_JOB,
			queue="long",
			job_id=sms_job_id(notice.name),
			enqueue_after_commit=True,
			notice=notice.name,
		)
	return count


def deliver_due_notices() -> None:
	"""Scheduled: publish the submitted notices whose publish time has come."""
	due = frappe.get_all(
		NOTICE,
		filters={"docstatus": 1, "delivered_on": ("is", "not set"), "publish_on": ("<=", now_datetime())},
		pluck="name",
	)
	for name in due:
		deliver(frappe.get_doc(NOTICE, name))


def desk_users_of(buildings: list[str]) -> set[str]:
	"""The captains of the buildings, and the responsible users and staff of their grids and of the
	communities above them: whoever works those doors from the desk or the captain's phone."""
	if not buildings:
		return set()
	captain = frappe.qb.DocType("Building Captain")
	run = frappe.qb.DocType("Building Captain Building")
	users = set(
		frappe.qb.from_(run)
		.join(captain)
		.on(run.parent == captain.name)
		.select(captain.user)
		.where(run.building.isin(buildings) & (captain.status == ACTIVE) & captain.user.isnotnull())
		.run(pluck=True)
	)
	building = frappe.qb.DocType("Building")
	places = (
		frappe.qb.from_(building)
		.select(building.grid, building.community)
		.where(building.name.isin(buildings))
	)
	nodes = {node for pair in places.run() for node in pair if node}
	if nodes:
		grid = frappe.qb.DocType("Grid")
		staff = frappe.qb.DocType("Grid Staff")
		users |= set(
			frappe.qb.from_(grid)
			.select(grid.responsible_user)
			.where(grid.name.isin(list(nodes)) & grid.responsible_user.isnotnull())
			.run(pluck=True)
		)
		users |= set(
			frappe.qb.from_(staff)
			.select(staff.user)
			.where((staff.parenttype == "Grid") & staff.parent.isin(list(nodes)))
			.run(pluck=True)
		)
	return users


def notify_desk_users(notice) -> None:
	"""A Notification Log for each desk user of the audience, in their own language."""
	recipients = desk_users_of([row.building for row in notice.buildings]) - {notice.owner}
	if not recipients:
		return
	languages = dict(
		frappe.get_all(
			"User",
			filters={"name": ("in", list(recipients)), "enabled": 1},
			fields=["name", "language"],
			as_list=True,
		)
	)
	default = frappe.db.get_default("lang") or "en"
	by_language: dict[str, list[str]] = {}
	for user, language in languages.items():
		by_language.setdefault(language or default, []).append(user)
	for language, users in by_language.items():
		subject = _("New notice to your buildings: {0}", lang=language).format(notice.title)
		make_notification_logs(
			{"type": "Alert", "document_type": NOTICE, "document_name": notice.name, "subject": subject},
			users,
		)


def sms_job_id(notice: str) -> str:
	"""Frappe prefixes it with the site: one SMS job per notice and site."""
	return f"community-notice-sms::{notice}"


def send_sms_of(notice: str) -> list[str]:
	"""Background job: the notice's title by SMS to every recipient with a phone number."""
	if not sms.configured():
		return []
	doc = frappe.get_doc(NOTICE, notice)
	receipt = frappe.qb.DocType(RECEIPT)
	resident = frappe.qb.DocType("Resident")
	phones = (
		frappe.qb.from_(receipt)
		.join(resident)
		.on(receipt.resident == resident.name)
		.select(resident.phone)
		.distinct()
		.where((receipt.notice == notice) & resident.phone.isnotnull() & (resident.phone != ""))
		.run(pluck=True)
	)
	if not phones:
		return []
	language = frappe.db.get_default("lang") or "zh"
	text = _("Community notice: {0}. Read it on the resident pages.", lang=language).format(doc.title)
	sms.send(phones, text[:SMS_LENGTH])
	return phones


# --- residents -----------------------------------------------------------------------------------


def live_condition(notice_table, now=None):
	"""Published, delivered, not withdrawn and not expired."""
	now = now or now_datetime()
	return (
		(notice_table.docstatus == 1)
		& notice_table.delivered_on.isnotnull()
		& (notice_table.publish_on <= now)
		& (notice_table.expires_on.isnull() | (notice_table.expires_on > now))
	)


def notices_of(resident: str) -> list[dict]:
	"""The live notices delivered to the resident: unread first, then the newest."""
	notice = frappe.qb.DocType(NOTICE)
	receipt = frappe.qb.DocType(RECEIPT)
	return (
		frappe.qb.from_(receipt)
		.join(notice)
		.on(receipt.notice == notice.name)
		.select(
			notice.name,
			notice.title,
			notice.publish_on,
			notice.expires_on,
			notice.requires_confirmation,
			receipt.read_on,
			receipt.confirmed_on,
		)
		.where((receipt.resident == resident) & live_condition(notice))
		.orderby(receipt.read_on.isnull(), order=frappe.qb.desc)
		.orderby(notice.publish_on, order=frappe.qb.desc)
		.run(as_dict=True)
	)


def unread_count(resident: str) -> int:
	notice = frappe.qb.DocType(NOTICE)
	receipt = frappe.qb.DocType(RECEIPT)
	return (
		frappe.qb.from_(receipt)
		.join(notice)
		.on(receipt.notice == notice.name)
		.select(Count("*"))
		.where((receipt.resident == resident) & receipt.read_on.isnull() & live_condition(notice))
		.run()[0][0]
	)


def own_receipt(notice: str, residents: frozenset) -> str:
	"""The name of the session user's receipt of the notice, or a 403 when it was not sent to them."""
	names = [receipt_name(notice, resident) for resident in sorted(residents)]
	found = (
		frappe.get_all(RECEIPT, filters={"name": ("in", names)}, pluck="name", order_by="name")
		if names
		else []
	)
	if not found:
		frappe.throw(
			_("This notice was not sent to you."), frappe.PermissionError, title=_("Not Your Notice")
		)
	return found[0]


def mark(receipt: str, *, confirm: bool) -> dict:
	"""Record that the resident read (and, if asked, confirmed) the notice: one conditional UPDATE
	of their own row, so doing it twice, or in two tabs at once, keeps the first time."""
	table = frappe.qb.DocType(RECEIPT)
	now = now_datetime()
	frappe.qb.update(table).set(table.read_on, now).where(
		(table.name == receipt) & table.read_on.isnull()
	).run()
	if confirm:
		frappe.qb.update(table).set(table.confirmed_on, now).where(
			(table.name == receipt) & table.confirmed_on.isnull()
		).run()
	return frappe.db.get_value(RECEIPT, receipt, ["notice", "read_on", "confirmed_on"], as_dict=True)


def check_live(notice: str) -> frappe._dict:
	table = frappe.qb.DocType(NOTICE)
	rows = (
		frappe.qb.from_(table)
		.select(table.name, table.requires_confirmation)
		.where((table.name == notice) & live_condition(table))
		.run(as_dict=True)
	)
	if not rows:
		frappe.throw(_("This notice is no longer published."), title=_("Notice Not Published"))
	return rows[0]


# --- who has not read it -------------------------------------------------------------------------


def unread_by_building(notice, user: str | None = None) -> dict:
	"""Per building in the user's scope, the doors (unit and room) with residents who have not
	confirmed (or, for a notice that asks no confirmation, not opened) the notice."""
	user_scope = scope.get_scope(user)
	receipt = frappe.qb.DocType(RECEIPT)
	building = frappe.qb.DocType("Building")
	resident = frappe.qb.DocType("Resident")
	done = receipt.confirmed_on if notice.requires_confirmation else receipt.read_on
	condition = receipt.notice == notice.name
	if not user_scope.sees_all:
		places = []
		if user_scope.captain_buildings:
			places.append(receipt.building.isin(list(user_scope.captain_buildings)))
		if user_scope.grids:
			places.append(receipt.grid.isin(list(user_scope.grids)))
		if not places:
			return _unread_summary(notice, [])
		condition &= Criterion.any(places)
	shows_phone = may_see_masked_phones(user)
	rows = (
		frappe.qb.from_(receipt)
		.left_join(building)
		.on(receipt.building == building.name)
		.left_join(resident)
		.on(receipt.resident == resident.name)
		.select(
			receipt.building,
			building.building_name,
			receipt.unit,
			receipt.room,
			receipt.resident,
			receipt.full_name,
			resident.phone_masked,
			receipt.read_on,
			receipt.confirmed_on,
			done.isnotnull().as_("done"),
		)
		.where(condition)
		.orderby(receipt.building)
		.orderby(receipt.unit)
		.orderby(receipt.room)
		.orderby(receipt.full_name)
		.run(as_dict=True)
	)
	buildings: dict[str, dict] = {}
	for row in rows:
		entry = buildings.setdefault(
			row.building,
			{
				"building": row.building,
				"building_name": row.building_name,
				"recipients": 0,
				"done": 0,
				"doors": {},
			},
		)
		entry["recipients"] += 1
		if row.done:
			entry["done"] += 1
			continue
		door = entry["doors"].setdefault(
			(row.unit, row.room), {"unit": row.unit, "room": row.room, "residents": []}
		)
		door["residents"].append(
			{
				"resident": row.resident,
				"full_name": row.full_name,
				"phone_masked": row.phone_masked if shows_phone else None,
				"read_on": row.read_on,
			}
		)
	listed = []
	for entry in buildings.values():
		entry["doors"] = list(entry["doors"].values())
		entry["pending"] = entry["recipients"] - entry["done"]
		listed.append(entry)
	return _unread_summary(notice, listed)


def to_confirm_for_captain(user: str | None = None) -> list[dict]:
	"""The live notices asking for confirmation that residents of the captain's buildings have not
	all confirmed, each with its unread doors (the captain's page; care groups stay with workers)."""
	buildings = list(scope.get_scope(user).captain_buildings)
	if not buildings:
		return []
	receipt, notice = frappe.qb.DocType(RECEIPT), frappe.qb.DocType(NOTICE)
	names = (
		frappe.qb.from_(receipt)
		.join(notice)
		.on(receipt.notice == notice.name)
		.select(notice.name)
		.distinct()
		.where(
			receipt.building.isin(buildings)
			& receipt.confirmed_on.isnull()
			& (notice.requires_confirmation == 1)
			& (Coalesce(notice.care_group, "") == "")
			& live_condition(notice)
		)
		.orderby(notice.name, order=frappe.qb.desc)
		.run(pluck=True)
	)
	return [unread_by_building(frappe.get_doc(NOTICE, name), user) for name in names]


def _unread_summary(notice, buildings: list[dict]) -> dict:
	return {
		"notice": notice.name,
		"title": notice.title,
		"requires_confirmation": bool(notice.requires_confirmation),
		"counts": "confirmed" if notice.requires_confirmation else "read",
		"recipients": sum(entry["recipients"] for entry in buildings),
		"done": sum(entry["done"] for entry in buildings),
		"buildings": buildings,
	}


def may_see_masked_phones(user: str | None = None) -> bool:
	"""The masked phone is a door-to-door field (personal_data): shown to who may read that level."""
	user = user or frappe.session.user
	levels = frappe.get_meta("Resident").get_permlevel_access("read", user=user)
	return (
		scope.get_scope(user).sees_all
		or personal_data.DOOR_TO_DOOR_LEVEL in levels
		or (personal_data.PERSONAL_LEVEL in levels)
	)
