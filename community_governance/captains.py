"""Building captains at work: what each captain did in a period, in bulk, for evaluations and reports.

The figures come from the records themselves (patrol logs, their findings, service requests), so an
evaluation recomputed from the same records gives the same numbers.
"""

from collections import defaultdict
from datetime import date

import frappe
from community_governance.utils.periods import days_between
from frappe.query_builder.functions import Count, Sum

# weights of the evaluation score (they add up to 1)
SCORE_WEIGHTS = {"patrol_coverage": 0.4, "on_time_rate": 0.2, "satisfaction_rate": 0.2, "worker_rating": 0.2}


def buildings_of(captains: list[str]) -> dict[str, list[str]]:
	row = frappe.qb.DocType("Building Captain Building")
	pairs = (
		frappe.qb.from_(row)
		.select(row.parent, row.building)
		.where((row.parenttype == "Building Captain") & row.parent.isin(captains))
		.run()
	)
	buildings = defaultdict(list)
	for captain, building in pairs:
		buildings[captain].append(building)
	return buildings


def metrics_for(captains: list[str], start: date, end: date) -> dict[str, dict]:
	"""Each captain's figures for the period, from a fixed number of grouped queries."""
	if not captains:
		return {}
	buildings = buildings_of(captains)
	users = dict(
		frappe.qb.from_(captain := frappe.qb.DocType("Building Captain"))
		.select(captain.name, captain.user)
		.where(captain.name.isin(captains))
		.run()
	)
	days = days_between(start, end)
	log = frappe.qb.DocType("Patrol Log")
	finding = frappe.qb.DocType("Patrol Finding")
	in_period = (log.patrol_date >= start) & (log.patrol_date <= end) & log.captain.isin(captains)
	logs = dict(
		frappe.qb.from_(log).select(log.captain, Count(log.name)).where(in_period).groupby(log.captain).run()
	)
	findings = dict(
		frappe.qb.from_(finding)
		.join(log)
		.on(finding.parent == log.name)
		.select(log.captain, Count(finding.name))
		.where(in_period & (finding.parenttype == "Patrol Log"))
		.groupby(log.captain)
		.run()
	)
	request = frappe.qb.DocType("Service Request")
	dispatched = dict(
		frappe.qb.from_(request)
		.select(request.dispatched_by, Count(request.name))
		.where(
			request.dispatched_by.isin([user for user in users.values() if user] or [""])
			& (request.dispatched_on >= start)
			& (request.dispatched_on < frappe.utils.add_days(end, 1))
		)
		.groupby(request.dispatched_by)
		.run()
	)
	own_buildings = [b for names in buildings.values() for b in names] or [""]
	period_end = frappe.utils.add_days(end, 1)
	closed = grouped_by_building(
		request,
		[Count(request.name), Sum(request.resolved_on_time)],
		own_buildings,
		(request.workflow_state == "Closed")
		& (request.closed_on >= start)
		& (request.closed_on < period_end),
	)
	rated = grouped_by_building(
		request,
		[Count(request.name), Sum(request.satisfied)],
		own_buildings,
		(request.rated_on >= start) & (request.rated_on < period_end),
	)
	figures = {}
	for captain in captains:
		own = buildings.get(captain, [])
		closed_count, on_time = total(closed, own)
		rated_count, satisfied = total(rated, own)
		expected = len(own) * days
		figures[captain] = {
			"buildings": len(own),
			"patrol_days_expected": expected,
			"patrol_logs": int(logs.get(captain, 0)),
			"patrol_coverage": percent(logs.get(captain, 0), expected),
			"findings": int(findings.get(captain, 0)),
			"requests_dispatched": int(dispatched.get(users.get(captain), 0)),
			"requests_closed": closed_count,
			"requests_closed_on_time": on_time,
			"satisfaction_rate": percent(satisfied, rated_count),
		}
	return figures


def grouped_by_building(request, aggregates: list, buildings: list, condition) -> dict:
	rows = (
		frappe.qb.from_(request)
		.select(request.building, *aggregates)
		.where(request.building.isin(buildings) & condition)
		.groupby(request.building)
		.run()
	)
	return {row[0]: row[1:] for row in rows}


def total(grouped: dict, buildings: list) -> tuple[int, int]:
	"""Sum the two figures of ``grouped`` over the captain's buildings."""
	first = sum(int(grouped.get(building, (0, 0))[0] or 0) for building in buildings)
	second = sum(int(grouped.get(building, (0, 0))[1] or 0) for building in buildings)
	return first, second


def score(figures: dict, worker_rating: int) -> float:
	on_time_rate = percent(figures["requests_closed_on_time"], figures["requests_closed"])
	parts = {
		"patrol_coverage": figures["patrol_coverage"],
		# a period without requests is not held against the captain
		"on_time_rate": on_time_rate if figures["requests_closed"] else 100,
		"satisfaction_rate": figures["satisfaction_rate"] if figures["requests_closed"] else 100,
		"worker_rating": worker_rating * 20,
	}
	return round(sum(SCORE_WEIGHTS[name] * value for name, value in parts.items()), 1)


def percent(part, whole) -> float:
	return round(100 * float(part or 0) / whole, 1) if whole else 0.0


# --- the captain's day on the phone (www/me/captain) -------------------------------------------

# a request in these states still waits for someone; the others are dealt with
UNFINISHED_STATES = ("Open", "Reopened", "Dispatched", "Accepted")
TO_DISPATCH_STATES = ("Open", "Reopened")
REQUEST_FIELDS = [
	"name",
	"subject",
	"description",
	"building",
	"category",
	"request_type",
	"priority",
	"workflow_state",
	"sla_status",
	"escalation_level",
	"resolution_due",
	"handler",
	"creation",
]


def own_buildings(user: str) -> list[dict]:
	"""The buildings of the user's active captaincies, with the captaincy running each."""
	captain = frappe.qb.DocType("Building Captain")
	row = frappe.qb.DocType("Building Captain Building")
	building = frappe.qb.DocType("Building")
	return (
		frappe.qb.from_(row)
		.join(captain)
		.on((row.parent == captain.name) & (row.parenttype == "Building Captain"))
		.join(building)
		.on(building.name == row.building)
		.select(
			row.building.as_("name"),
			building.building_name,
			building.grid,
			captain.name.as_("captain"),
		)
		.where((captain.user == user) & (captain.status == "Active"))
		.orderby(row.building)
		.run(as_dict=True)
	)


def patrol_today(buildings: list[dict], day) -> list[dict]:
	"""Each building with the state of its patrol on ``day``: not yet, nil report, or findings."""
	if not buildings:
		return []
	log = frappe.qb.DocType("Patrol Log")
	finding = frappe.qb.DocType("Patrol Finding")
	logs = {
		row.building: row
		for row in frappe.qb.from_(log)
		.select(log.name, log.building, log.nil_report)
		.where(log.building.isin([b.name for b in buildings]) & (log.patrol_date == day))
		.run(as_dict=True)
	}
	counts = dict(
		frappe.qb.from_(finding)
		.select(finding.parent, Count(finding.name))
		.where(
			(finding.parenttype == "Patrol Log")
			& finding.parent.isin([found.name for found in logs.values()] or [""])
		)
		.groupby(finding.parent)
		.run()
	)
	for building in buildings:
		found = logs.get(building.name)
		building.patrol_log = found.name if found else None
		building.findings = int(counts.get(found.name, 0)) if found else 0
		building.patrol_state = (
			"Not Patrolled" if not found else "Nil Report" if found.nil_report else "Findings"
		)
	return buildings


def requests_of(buildings: list[str], **filters) -> list[dict]:
	"""Requests of the buildings the session user may list (get_list: the scope decides)."""
	if not buildings:
		return []
	return frappe.get_list(
		"Service Request",
		filters={"building": ("in", buildings), **filters},
		fields=REQUEST_FIELDS,
		order_by="creation asc",
		limit_page_length=100,
	)


def captain_day(user: str, day) -> frappe._dict:
	"""Everything on the captain's page: today's patrols, requests to dispatch, what is overdue and
	what was escalated above them."""
	buildings = patrol_today(own_buildings(user), day)
	names = [building.name for building in buildings]
	return frappe._dict(
		buildings=buildings,
		to_dispatch=requests_of(names, workflow_state=("in", TO_DISPATCH_STATES)),
		overdue=requests_of(names, workflow_state=("in", UNFINISHED_STATES), sla_status="Overdue"),
		escalated=requests_of(
			names, workflow_state=("in", UNFINISHED_STATES), escalation_level=("in", ("Community", "Street"))
		),
	)
