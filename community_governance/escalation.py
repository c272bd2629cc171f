"""Escalating overdue service requests, many at a time: the site side of the rules in ``sla.py``.

Every 15 minutes the scheduler calls ``run``: it finds the overdue requests and hands them to
Frappe's background queue in batches. A batch locks its requests' rows, escalates each one whose
breach ``sla.breach`` still confirms, and writes only what an escalation changes: the level, the
owner and the renewed deadlines on the request, one escalation row, the new owner's assignment
(ToDo) and their notification. No full document save: a street's thousand overdue requests must not
take a thousand saves, each with its version, hooks and commit.

Safe to run twice: an escalated breach has a fresh window, so ``sla.breach`` no longer reports it,
and the database refuses a second escalation row for the same breach. A run does not start while
the batches of the previous one are still working (a lock in Redis, released by the last batch or
after the scheduler's interval).
"""

import json

import frappe
from community_governance import sla, work_calendar
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import flt, get_datetime, now_datetime

DOCTYPE = "Service Request"
ESCALATION = "Service Request Escalation"
BATCH_SIZE = 200
QUEUE = "long"
RUN_LOCK = "cg-escalation-run"
BATCHES_LEFT = "cg-escalation-batches-left"
RUN_INTERVAL_SECONDS = 15 * 60


# --- the scheduled run ---------------------------------------------------------------------------


def run(now=None, inline: bool = False) -> int | None:
	"""Queue the overdue requests in batches (or escalate them here when ``inline``). Returns how
	many requests were queued or escalated, or None when the previous run is still working."""
	now = now or now_datetime()
	mark_overdue(now)
	names = overdue_request_names(now)
	if not names:
		return 0
	if inline:
		return sum(escalate(batch, now) for batch in batches(names))
	if not _take_run_lock():
		return None
	chunks = list(batches(names))
	frappe.cache.set(_key(BATCHES_LEFT), len(chunks), ex=RUN_INTERVAL_SECONDS)
	# the batches go out when this run's transaction commits: until then its Overdue marks hold
	# the rows' locks, and a worker starting at once would wait on them
	frappe.db.after_rollback.add(_release_run_lock)
	for index, batch in enumerate(chunks):
		frappe.enqueue(
			"community_governance.escalation.escalate_batch",
			queue=QUEUE,
			job_id=f"cg-escalate-{index}",
			deduplicate=True,
			enqueue_after_commit=True,
			names=batch,
			at=now.isoformat(),  # not `now`: that is enqueue's own "run it here" switch
		)
	return len(names)


def escalate_batch(names: list[str], at: str) -> int:
	"""A background job: escalate one batch, as overdue at ``at``, in its own transaction."""
	try:
		escalated = escalate(names, get_datetime(at))
		frappe.db.commit()
		return escalated
	except Exception:
		frappe.db.rollback()
		raise
	finally:
		if frappe.cache.decr(_key(BATCHES_LEFT)) <= 0:
			_release_run_lock()


def mark_overdue(now) -> None:
	"""Show as Overdue every unfinished request past a deadline. Those below the top level are then
	escalated with fresh deadlines; one already at the street stays overdue until it is done, and
	the queues and cards that count overdue requests must count it."""
	request = frappe.qb.DocType(DOCTYPE)
	(
		frappe.qb.update(request)
		.set(request.sla_status, "Overdue")
		.where((request.sla_status == "On Track") & missed_deadline(request, now))
		.run()
	)


def missed_deadline(request, now):
	response_missed = request.workflow_state.isin(sla.AWAITING_RESPONSE) & (request.response_due < now)
	resolution_missed = request.workflow_state.isin(sla.UNRESOLVED) & (request.resolution_due < now)
	return response_missed | resolution_missed


def overdue_request_names(now) -> list[str]:
	request = frappe.qb.DocType(DOCTYPE)
	return (
		frappe.qb.from_(request)
		.select(request.name)
		.where((request.escalation_level != sla.LEVELS[-1]) & missed_deadline(request, now))
		.orderby(request.resolution_due)
		.run(pluck=True)
	)


def batches(names: list[str], size: int | None = None):
	size = size or BATCH_SIZE
	for start in range(0, len(names), size):
		yield names[start : start + size]


def _key(name: str) -> str:
	return frappe.cache.make_key(name)


def _take_run_lock() -> bool:
	return bool(frappe.cache.set(_key(RUN_LOCK), 1, nx=True, ex=RUN_INTERVAL_SECONDS))


def _release_run_lock() -> None:
	frappe.cache.delete(_key(RUN_LOCK))


# --- one batch -----------------------------------------------------------------------------------


def escalate(names: list[str], now) -> int:
	"""Escalate those of ``names`` that are overdue at ``now`` by one level; returns how many."""
	requests = _locked(names)
	planned = [plan for plan in (_plan(row, now) for row in requests) if plan]
	if not planned:
		return 0
	owners = _owners_at_levels({(plan.row.grid, plan.row.community) for plan in planned})
	working = work_calendar.working_time()
	for plan in planned:
		plan.owner = owners.get((plan.row.grid, plan.row.community), {}).get(plan.to_level)
		plan.response_due, plan.resolution_due = sla.renewed_deadlines(
			plan.kind,
			now,
			request_targets(plan.row.category, plan.row.priority),
			plan.row.response_due,
			plan.row.resolution_due,
			working,
		)
	_write_requests(planned, now)
	_write_escalation_rows(planned, now)
	_assign_new_owners(planned)
	return len(planned)


class _Plan:
	__slots__ = ("kind", "owner", "resolution_due", "response_due", "row", "to_level")

	def __init__(self, row, kind: str):
		self.row, self.kind = row, kind
		self.to_level = sla.next_level(row.escalation_level)
		self.owner = self.response_due = self.resolution_due = None


def _locked(names: list[str]) -> list:
	request = frappe.qb.DocType(DOCTYPE)
	return (
		frappe.qb.from_(request)
		.select(
			request.name,
			request.subject,
			request.workflow_state,
			request.escalation_level,
			request.response_due,
			request.resolution_due,
			request.responded_on_time,
			request.resolved_on_time,
			request.grid,
			request.community,
			request.category,
			request.priority,
			request._assign,
		)
		.where(request.name.isin(list(names)))
		.orderby(request.name)  # one order for every batch: two runs never deadlock on each other
		.for_update()
		.run(as_dict=True)
	)


def _plan(row, now) -> _Plan | None:
	row.response_due = row.response_due and get_datetime(row.response_due)
	row.resolution_due = row.resolution_due and get_datetime(row.resolution_due)
	kind = sla.breach(row.workflow_state, row.escalation_level, row.response_due, row.resolution_due, now)
	return _Plan(row, kind) if kind else None


def _owners_at_levels(places: set[tuple]) -> dict:
	"""{(grid, community): {level: the responsible user of that level's node}}, in two queries."""
	grid = frappe.qb.DocType("Grid")
	nodes = {name for place in places for name in place if name}
	rows = {
		row.name: row
		for row in frappe.qb.from_(grid)
		.select(grid.name, grid.parent_grid, grid.responsible_user)
		.where(grid.name.isin(list(nodes) or [""]))
		.run(as_dict=True)
	}
	communities = {
		community or (rows.get(grid_name) or {}).get("parent_grid") for grid_name, community in places
	}
	streets = {(rows.get(c) or {}).get("parent_grid") for c in communities if c} - set(rows) - {None}
	if streets:
		for row in (
			frappe.qb.from_(grid)
			.select(grid.name, grid.parent_grid, grid.responsible_user)
			.where(grid.name.isin(list(streets)))
			.run(as_dict=True)
		):
			rows[row.name] = row
	owners = {}
	for grid_name, community in places:
		community = community or (rows.get(grid_name) or {}).get("parent_grid")
		street = (rows.get(community) or {}).get("parent_grid")
		owners[(grid_name, community)] = {
			level: (rows.get(node) or {}).get("responsible_user")
			for level, node in zip(sla.LEVELS, (grid_name, community, street), strict=True)
		}
	return owners


def request_targets(category: str | None, priority: str | None) -> sla.Targets:
	"""The response and resolution targets of a request of this category and priority."""
	settings = frappe.get_cached_doc("Community Governance Settings")
	default = sla.Targets(flt(settings.default_response_hours), flt(settings.default_resolution_hours))
	rows = frappe.get_cached_doc("Service Request Category", category).targets if category else []
	return sla.targets_for(priority, [row.as_dict() for row in rows], default)


def _write_requests(planned: list[_Plan], now) -> None:
	request = frappe.qb.DocType(DOCTYPE)
	modified, user = now_datetime(), frappe.session.user
	for plan in planned:
		status = sla.sla_status(
			plan.row.workflow_state,
			plan.response_due,
			plan.resolution_due,
			now,
			plan.row.responded_on_time,
			plan.row.resolved_on_time,
		)
		(
			frappe.qb.update(request)
			.set(request.escalation_level, plan.to_level)
			.set(request.current_owner, plan.owner)
			.set(request.response_due, plan.response_due)
			.set(request.resolution_due, plan.resolution_due)
			.set(request.sla_status, status)
			.set(request.modified, modified)
			.set(request.modified_by, user)
			.where(request.name == plan.row.name)
			.run()
		)
		frappe.clear_document_cache(DOCTYPE, plan.row.name)


def _write_escalation_rows(planned: list[_Plan], now) -> None:
	row = frappe.qb.DocType(ESCALATION)
	counts = dict(
		frappe.qb.from_(row)
		.select(row.parent, Count("*"))
		.where((row.parenttype == DOCTYPE) & row.parent.isin([plan.row.name for plan in planned]))
		.groupby(row.parent)
		.run()
	)
	created, user = now_datetime(), frappe.session.user
	frappe.db.bulk_insert(
		ESCALATION,
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"docstatus",
			"parent",
			"parenttype",
			"parentfield",
			"idx",
			"escalated_on",
			"breach",
			"missed_due",
			"from_level",
			"to_level",
			"new_owner",
		],
		[
			(
				frappe.generate_hash(length=10),
				created,
				created,
				user,
				user,
				0,
				plan.row.name,
				DOCTYPE,
				"escalations",
				counts.get(plan.row.name, 0) + 1,
				now,
				plan.kind,
				plan.row.response_due if plan.kind == sla.RESPONSE else plan.row.resolution_due,
				plan.row.escalation_level,
				plan.to_level,
				plan.owner,
			)
			for plan in planned
		],
	)


def _assign_new_owners(planned: list[_Plan]) -> None:
	"""The new owner finds the request in their to-do list and is told, as Frappe's assignment
	would do it, in one insert each for all the batch's requests."""
	request = frappe.qb.DocType(DOCTYPE)
	todos, notices, owners = [], [], set()
	created, user = now_datetime(), frappe.session.user
	for plan in planned:
		assigned = json.loads(plan.row._assign or "[]")
		if not plan.owner or plan.owner in assigned:
			continue
		description = _("Escalated to you: {0}").format(plan.row.subject)
		todos.append(
			(
				frappe.generate_hash(length=10),
				created,
				created,
				user,
				user,
				"Open",
				"Medium",
				plan.owner,
				description,
				DOCTYPE,
				plan.row.name,
				user,
			)
		)
		notices.append(
			(
				frappe.generate_hash(length=10),
				created,
				created,
				user,
				user,
				description,
				plan.owner,
				"Assignment",
				DOCTYPE,
				plan.row.name,
				user,
				0,
			)
		)
		owners.add(plan.owner)
		frappe.qb.update(request).set(request._assign, json.dumps([*assigned, plan.owner])).where(
			request.name == plan.row.name
		).run()
	if not todos:
		return
	frappe.db.bulk_insert(
		"ToDo",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"status",
			"priority",
			"allocated_to",
			"description",
			"reference_type",
			"reference_name",
			"assigned_by",
		],
		todos,
	)
	frappe.db.bulk_insert(
		"Notification Log",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"subject",
			"for_user",
			"type",
			"document_type",
			"document_name",
			"from_user",
			"read",
		],
		notices,
	)
	for owner in owners:
		frappe.publish_realtime("notification", after_commit=True, user=owner)
