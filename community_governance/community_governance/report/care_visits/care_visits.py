# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""Care visits per grid: how many care-tagged residents there are and how many have an active
visit plan (coverage), the plans overdue today, the visits made in the period and the needs they
found, by the status of the service request each need became.

- coverage: care-tagged active residents with an active plan, among all care-tagged active residents;
- overdue: active plans whose next visit was due before today (as the daily reminder counts them);
- needs met: their request is resolved or closed; open: not yet; rejected: the request was refused.

Every figure comes from ``frappe.get_list`` queries, so a viewer counts only the residents and
care records they may see (care records are confidential to the grid's workers and admins).
"""

from collections import defaultdict

import frappe
from community_governance import care
from community_governance.care.visits import MET_STATES
from community_governance.reports import report_period
from frappe import _
from frappe.utils import get_year_start, getdate, today

PLAN, VISIT = "Care Visit Plan", "Care Visit"
SUMS = (
	"care_residents",
	"planned_residents",
	"active_plans",
	"overdue_plans",
	"visits",
	"residents_visited",
	"needs_found",
	"needs_met",
	"needs_open",
	"needs_rejected",
)


def execute(filters: dict | None = None):
	filters = normalised(filters)
	sums = get_sums(filters)
	rows = [figures(grid, values) for grid, values in sorted(sums.items(), key=lambda item: item[0] or "")]
	total = totals(sums)
	data = [*rows, total] if rows else []
	return get_columns(filters), data, None, None, get_summary(total)


def normalised(filters: dict | None) -> frappe._dict:
	filters = report_period(filters, default_from=get_year_start(today()))
	return filters


def get_columns(filters: dict | None = None) -> list[dict]:
	def column(fieldname, label, fieldtype="Int", width=120, **extra):
		return {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width, **extra}

	return [
		column("grid", _("Grid"), "Link", 140, options="Grid"),
		column("care_residents", _("Care-tagged Residents"), width=160),
		column("planned_residents", _("With a Visit Plan"), width=140),
		column("coverage", _("Coverage"), "Percent", 100),
		column("overdue_plans", _("Overdue Visits"), width=120),
		column("visits", _("Visits"), width=80),
		column("residents_visited", _("Residents Visited"), width=140),
		column("needs_found", _("Needs Found"), width=110),
		column("needs_met", _("Needs Met"), width=100),
		column("needs_open", _("Needs Open"), width=100),
		column("needs_rejected", _("Needs Rejected"), width=120),
	]


def place_filters(filters) -> dict:
	return {key: filters.get(key) for key in ("community", "grid") if filters.get(key)}


def get_sums(filters) -> dict:
	sums = defaultdict(lambda: dict.fromkeys(SUMS, 0))
	place = place_filters(filters)

	care_residents = frappe.get_list(
		"Resident",
		filters={**place, "status": "Active"},
		or_filters={tag: 1 for tag in care.CARE_TAGS},
		fields=["name", "grid"],
		limit_page_length=0,
	)
	tagged = {row.name for row in care_residents}
	for row in care_residents:
		sums[row.grid]["care_residents"] += 1

	plans = frappe.get_list(
		PLAN,
		filters={**place, "status": "Active"},
		fields=["grid", "resident", "next_due_date"],
		limit_page_length=0,
	)
	planned = defaultdict(set)
	day = getdate(today())
	for plan in plans:
		sums[plan.grid]["active_plans"] += 1
		if plan.resident in tagged:
			planned[plan.grid].add(plan.resident)
		if care.is_overdue(getdate(plan.next_due_date) if plan.next_due_date else None, day):
			sums[plan.grid]["overdue_plans"] += 1
	for grid, residents in planned.items():
		sums[grid]["planned_residents"] = len(residents)

	visits = frappe.get_list(
		VISIT,
		filters={**place, "visit_date": ["between", [filters.from_date, filters.to_date]]},
		fields=["grid", "resident", "need_found", "request_status", "count(name) as visits"],
		group_by="grid, resident, need_found, request_status",
		order_by=None,
		limit_page_length=0,
	)
	visited = defaultdict(set)
	for row in visits:
		group = sums[row.grid]
		group["visits"] += row.visits
		visited[row.grid].add(row.resident)
		if not row.need_found:
			continue
		group["needs_found"] += row.visits
		if row.request_status in MET_STATES:
			group["needs_met"] += row.visits
		elif row.request_status == "Rejected":
			group["needs_rejected"] += row.visits
		else:
			group["needs_open"] += row.visits
	for grid, residents in visited.items():
		sums[grid]["residents_visited"] = len(residents)
	return sums


def figures(grid, sums: dict) -> dict:
	return {
		"grid": grid,
		**{key: int(sums[key]) for key in SUMS},
		"coverage": care.coverage(sums["planned_residents"], sums["care_residents"]),
	}


def totals(sums: dict) -> dict:
	overall = dict.fromkeys(SUMS, 0)
	for group in sums.values():
		for key in SUMS:
			overall[key] += group[key]
	return {**figures(_("Total"), overall), "is_total": 1}


def get_summary(total: dict) -> list[dict]:
	if not total["care_residents"] and not total["active_plans"]:
		return []
	return [
		{"label": _("Coverage"), "value": total["coverage"] or 0, "datatype": "Percent", "indicator": "Blue"},
		{
			"label": _("Overdue Visits"),
			"value": total["overdue_plans"],
			"datatype": "Int",
			"indicator": "Red" if total["overdue_plans"] else "Green",
		},
		{"label": _("Visits"), "value": total["visits"], "datatype": "Int", "indicator": "Blue"},
		{
			"label": _("Needs Open"),
			"value": total["needs_open"],
			"datatype": "Int",
			"indicator": "Orange" if total["needs_open"] else "Green",
		},
	]
