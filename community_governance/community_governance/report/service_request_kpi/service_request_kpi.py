# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""The three rates hotlines judge grassroots work on (response, resolution, satisfaction), with
handling times and the level at which requests were closed, per community, grid, building,
category or handler, for requests filed in a period.

All figures come from one aggregate ``frappe.get_list`` query, so each viewer counts only the
requests in their own scope.
"""

from collections import defaultdict

import frappe
from community_governance import sla
from community_governance.reports import report_period
from frappe import _
from frappe.utils import flt, get_first_day, today

DOCTYPE = "Service Request"
TABLE = f"`tab{DOCTYPE}`"
# group_by filter value -> (column label, linked DocType)
GROUPS = {
	"community": ("Community", "Grid"),
	"grid": ("Grid", "Grid"),
	"building": ("Building", "Building"),
	"category": ("Category", "Service Request Category"),
	"handler": ("Handler", "User"),
}
DEFAULT_GROUP = "community"
# sums the query returns per group; the rates and averages are derived from them
SUMS = (
	"volume",
	"rejected",
	"responded_on_time",
	"resolved_on_time",
	"rated",
	"satisfied",
	"accepted",
	"hours_to_accept",
	"resolved",
	"hours_to_resolve",
	*(f"closed_at_{level.lower()}" for level in sla.LEVELS),
)
# a chart of more bars than this cannot be read; the table still lists every group
CHART_GROUPS = 20


def execute(filters: dict | None = None):
	filters = normalised(filters)
	sums = get_sums(filters)
	rows = sorted((figures(group, values) for group, values in sums.items()), key=by_volume)
	total = totals(sums)
	data = [*rows, total] if rows else []
	return get_columns(filters), data, None, get_chart(rows), get_summary(total)


def normalised(filters: dict | None) -> frappe._dict:
	filters = report_period(filters, default_from=get_first_day(today()))
	filters.group_by = filters.get("group_by") or DEFAULT_GROUP
	if filters.group_by not in GROUPS:
		frappe.throw(_("Requests cannot be grouped by {0}.").format(frappe.bold(filters.group_by)))
	return filters


def get_columns(filters: dict | None = None) -> list[dict]:
	label, doctype = GROUPS[(filters or {}).get("group_by") or DEFAULT_GROUP]
	return [
		{"fieldname": "group", "label": _(label), "fieldtype": "Link", "options": doctype, "width": 180},
		{"fieldname": "volume", "label": _("Requests"), "fieldtype": "Int", "width": 90},
		{"fieldname": "response_rate", "label": _("Response Rate"), "fieldtype": "Percent", "width": 120},
		{
			"fieldname": "resolution_rate",
			"label": _("On-time Resolution Rate"),
			"fieldtype": "Percent",
			"width": 160,
		},
		{
			"fieldname": "satisfaction_rate",
			"label": _("Satisfaction Rate"),
			"fieldtype": "Percent",
			"width": 130,
		},
		{"fieldname": "rated", "label": _("Rated"), "fieldtype": "Int", "width": 80},
		{
			"fieldname": "avg_hours_to_accept",
			"label": _("Average Hours to Accept"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 160,
		},
		{
			"fieldname": "avg_hours_to_resolve",
			"label": _("Average Hours to Resolve"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 160,
		},
		{"fieldname": "closed", "label": _("Closed"), "fieldtype": "Int", "width": 80},
		{
			"fieldname": "closed_at_grid",
			"label": _("Closed at Grid Level"),
			"fieldtype": "Percent",
			"width": 140,
		},
		{
			"fieldname": "closed_at_community",
			"label": _("Closed at Community Level"),
			"fieldtype": "Percent",
			"width": 170,
		},
		{
			"fieldname": "closed_at_street",
			"label": _("Closed at Street Level"),
			"fieldtype": "Percent",
			"width": 150,
		},
	]


def get_sums(filters) -> dict:
	"""Per group, the sums the figures are made of, from a single aggregate query.

	The query also groups by state and handling level, so rejected requests and closures per level
	come from the same scan as everything else; the finer rows are added up here.
	"""
	group_column = f"{TABLE}.`{filters.group_by}`"
	rows = frappe.get_list(
		DOCTYPE,
		filters=list_filters(filters),
		fields=[
			f"{group_column} as group_value",
			"workflow_state",
			"escalation_level",
			f"count({TABLE}.`name`) as volume",
			f"sum({TABLE}.`responded_on_time`) as responded_on_time",
			f"sum({TABLE}.`resolved_on_time`) as resolved_on_time",
			f"count({TABLE}.`rated_on`) as rated",
			f"sum({TABLE}.`satisfied`) as satisfied",
			f"count({TABLE}.`accepted_on`) as accepted",
			f"sum({TABLE}.`hours_to_accept`) as hours_to_accept",
			f"count({TABLE}.`resolved_on`) as resolved",
			f"sum({TABLE}.`hours_to_resolve`) as hours_to_resolve",
		],
		group_by=f"{group_column}, {TABLE}.`workflow_state`, {TABLE}.`escalation_level`",
		order_by=None,  # groups are ordered by volume below
		limit_page_length=0,
	)
	sums = defaultdict(lambda: dict.fromkeys(SUMS, 0))
	for row in rows:
		group = sums[row.group_value]
		for key in SUMS:
			group[key] += flt(row.get(key))
		if row.workflow_state == "Rejected":
			group["rejected"] += row.volume
		elif row.workflow_state == "Closed" and row.escalation_level in sla.LEVELS:
			group[f"closed_at_{row.escalation_level.lower()}"] += row.volume
	return sums


def list_filters(filters) -> list:
	conditions = [[DOCTYPE, "creation", "between", [filters.from_date, filters.to_date]]]
	for fieldname in ("community", "grid", "category"):
		if filters.get(fieldname):
			conditions.append([DOCTYPE, fieldname, "=", filters.get(fieldname)])
	return conditions


def figures(group, sums: dict) -> dict:
	closed = sum(sums[f"closed_at_{level.lower()}"] for level in sla.LEVELS)
	return {
		"group": group,
		"volume": int(sums["volume"]),
		"response_rate": percent(sums["responded_on_time"], sums["volume"]),
		"resolution_rate": percent(sums["resolved_on_time"], sums["volume"] - sums["rejected"]),
		"satisfaction_rate": percent(sums["satisfied"], sums["rated"]),
		"rated": int(sums["rated"]),
		"avg_hours_to_accept": average(sums["hours_to_accept"], sums["accepted"]),
		"avg_hours_to_resolve": average(sums["hours_to_resolve"], sums["resolved"]),
		"closed": int(closed),
		**{
			f"closed_at_{level.lower()}": percent(sums[f"closed_at_{level.lower()}"], closed)
			for level in sla.LEVELS
		},
	}


def totals(sums: dict) -> dict:
	# rates of the whole are computed from the summed parts, never averaged over the groups
	overall = dict.fromkeys(SUMS, 0)
	for group in sums.values():
		for key in SUMS:
			overall[key] += group[key]
	return {**figures(_("Total"), overall), "is_total": 1}


def percent(part, whole) -> float | None:
	return round(100 * flt(part) / whole, 1) if whole else None


def average(total, count) -> float | None:
	return round(flt(total) / count, 2) if count else None


def by_volume(row: dict):
	return (-row["volume"], row["group"] or "")


def get_chart(rows: list[dict]) -> dict | None:
	shown = rows[:CHART_GROUPS]
	if not shown:
		return None
	return {
		"data": {
			"labels": [row["group"] or _("Not Set") for row in shown],
			"datasets": [
				{"name": _("Requests"), "chartType": "bar", "values": [row["volume"] for row in shown]},
				{
					"name": _("Satisfaction Rate (%)"),
					# a line through one group draws nothing readable: show it as a bar too
					"chartType": "line" if len(shown) > 1 else "bar",
					"values": [row["satisfaction_rate"] or 0 for row in shown],
				},
			],
		},
		"type": "axis-mixed",
		"colors": ["#5e64ff", "#28a745"],
	}


def get_summary(total: dict) -> list[dict]:
	if not total["volume"]:
		return []
	return [
		{"label": _("Requests"), "value": total["volume"], "datatype": "Int", "indicator": "Blue"},
		*(
			{"label": label, "value": total[key] or 0, "datatype": "Percent", "indicator": "Green"}
			for key, label in (
				("response_rate", _("Response Rate")),
				("resolution_rate", _("On-time Resolution Rate")),
				("satisfaction_rate", _("Satisfaction Rate")),
			)
		),
	]
