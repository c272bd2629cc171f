# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""The three rates hotlines judge grassroots work on (response, resolution, satisfaction) and the
on-time resolution rate, with handling times and the level at which requests were closed, per
community, grid, building, category or handler, for requests filed in a period.

Every figure is defined in ``community_governance.kpi`` (and stated on screen): each rate counts the
requests due it when the report runs. All figures come from one aggregate ``frappe.get_list``
query, so each viewer counts only the requests in their own scope.
"""

import frappe
from community_governance import kpi
from community_governance.reports import report_period
from frappe import _
from frappe.utils import escape_html, get_first_day, now_datetime, today

DOCTYPE = "Service Request"
# group_by filter value -> (column label, linked DocType)
GROUPS = {
	"community": ("Community", "Grid"),
	"grid": ("Grid", "Grid"),
	"building": ("Building", "Building"),
	"category": ("Category", "Service Request Category"),
	"handler": ("Handler", "User"),
}
DEFAULT_GROUP = "community"
# a chart of more bars than this cannot be read; the table still lists every group
CHART_GROUPS = 20


def execute(filters: dict | None = None):
	filters = normalised(filters)
	sums = get_sums(filters)
	rows = sorted(({"group": group, **kpi.figures(values)} for group, values in sums.items()), key=by_volume)
	total = totals(sums)
	data = [*rows, total] if rows else []
	return get_columns(filters), data, get_message(), get_chart(rows), get_summary(total)


def normalised(filters: dict | None) -> frappe._dict:
	filters = report_period(filters, default_from=get_first_day(today()))
	filters.group_by = filters.get("group_by") or DEFAULT_GROUP
	if filters.group_by not in GROUPS:
		frappe.throw(_("Requests cannot be grouped by {0}.").format(frappe.bold(filters.group_by)))
	return filters


# (fieldname, fieldtype, width) after the group column; each column's help is its definition
COLUMNS = (
	("volume", "Int", 90),
	("due_response", "Int", 120),
	("response_rate", "Percent", 120),
	("answered", "Int", 130),
	("resolution_rate", "Percent", 130),
	("due_resolution", "Int", 130),
	("on_time_resolution_rate", "Percent", 160),
	("rated", "Int", 80),
	("satisfaction_rate", "Percent", 130),
	("avg_hours_to_accept", "Float", 160),
	("avg_hours_to_resolve", "Float", 160),
	("closed", "Int", 80),
	("closed_at_grid", "Percent", 140),
	("closed_at_community", "Percent", 170),
	("closed_at_street", "Percent", 150),
)


def column_labels() -> dict[str, str]:
	return {
		"volume": _("Requests"),
		"due_response": _("Due a Response"),
		"response_rate": _("Response Rate"),
		"answered": _("Answered Solved?"),
		"resolution_rate": _("Resolution Rate"),
		"due_resolution": _("Due a Resolution"),
		"on_time_resolution_rate": _("On-time Resolution Rate"),
		"rated": _("Rated"),
		"satisfaction_rate": _("Satisfaction Rate"),
		"avg_hours_to_accept": _("Average Hours to Accept"),
		"avg_hours_to_resolve": _("Average Hours to Resolve"),
		"closed": _("Closed"),
		"closed_at_grid": _("Closed at Grid Level"),
		"closed_at_community": _("Closed at Community Level"),
		"closed_at_street": _("Closed at Street Level"),
	}


def get_columns(filters: dict | None = None) -> list[dict]:
	label, doctype = GROUPS[(filters or {}).get("group_by") or DEFAULT_GROUP]
	definitions, labels = kpi.definitions(), column_labels()
	columns = [
		{"fieldname": "group", "label": _(label), "fieldtype": "Link", "options": doctype, "width": 180}
	]
	for fieldname, fieldtype, width in COLUMNS:
		column = {
			"fieldname": fieldname,
			"label": labels[fieldname],
			"fieldtype": fieldtype,
			"width": width,
			"description": definitions[fieldname],
		}
		if fieldtype == "Float":
			column["precision"] = 1
		columns.append(column)
	return columns


def get_message() -> str:
	"""The definitions, shown above the table."""
	labels = column_labels()
	items = "".join(
		f"<li><b>{escape_html(labels[fieldname])}</b>: {escape_html(text)}</li>"
		for fieldname, text in kpi.definitions().items()
		if fieldname in RATE_DEFINITIONS
	)
	intro = escape_html(
		_("Requests filed in the period; each rate counts the requests due it when the report runs.")
	)
	return f'<div class="kpi-definitions small text-muted">{intro}<ul>{items}</ul></div>'


RATE_DEFINITIONS = (
	"due_response",
	"response_rate",
	"answered",
	"resolution_rate",
	"due_resolution",
	"on_time_resolution_rate",
	"satisfaction_rate",
)


def get_sums(filters) -> dict:
	return kpi.grouped_sums(filters.group_by, list_filters(filters), now_datetime())


def list_filters(filters) -> list:
	conditions = [[DOCTYPE, "creation", "between", [filters.from_date, filters.to_date]]]
	for fieldname in ("community", "grid", "category"):
		if filters.get(fieldname):
			conditions.append([DOCTYPE, fieldname, "=", filters.get(fieldname)])
	return conditions


def totals(sums: dict) -> dict:
	overall = kpi.empty_sums()
	for group in sums.values():
		kpi.add_sums(overall, group)
	return {"group": _("Total"), **kpi.figures(overall), "is_total": 1}


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
				("resolution_rate", _("Resolution Rate")),
				("on_time_resolution_rate", _("On-time Resolution Rate")),
				("satisfaction_rate", _("Satisfaction Rate")),
			)
		),
	]
