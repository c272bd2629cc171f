# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""The evaluation figures per captain and period, for the captains the viewer may see."""

import frappe
from community_governance import captains
from community_governance.utils.periods import PERIODS, period_bounds
from frappe import _
from frappe.utils import cint, getdate

FIGURES = (
	("buildings", "Buildings", "Int"),
	("patrol_logs", "Patrol Logs", "Int"),
	("patrol_coverage", "Patrol Coverage", "Percent"),
	("findings", "Findings", "Int"),
	("requests_dispatched", "Requests Dispatched", "Int"),
	("requests_closed", "Requests Closed", "Int"),
	("requests_closed_on_time", "Requests Closed on Time", "Int"),
	("satisfaction_rate", "Satisfaction Rate", "Percent"),
)


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	year = cint(filters.get("year")) or getdate().year
	period = filters.get("period") or "H1"
	if period not in PERIODS:
		frappe.throw(_("Unknown period {0}.").format(period))
	start, end = period_bounds(year, period)
	return get_columns(), get_data(filters, year, period, start, end)


def get_columns() -> list[dict]:
	columns = [
		{
			"fieldname": "captain",
			"label": _("Building Captain"),
			"fieldtype": "Link",
			"options": "Building Captain",
			"width": 120,
		},
		{"fieldname": "captain_name", "label": _("Captain Name"), "fieldtype": "Data", "width": 120},
	]
	columns += [
		{"fieldname": name, "label": _(label), "fieldtype": fieldtype, "width": 120}
		for name, label, fieldtype in FIGURES
	]
	columns += [
		{
			"fieldname": "evaluation",
			"label": _("Captain Evaluation"),
			"fieldtype": "Link",
			"options": "Captain Evaluation",
			"width": 130,
		},
		{"fieldname": "grade", "label": _("Grade"), "fieldtype": "Data", "width": 90},
	]
	return columns


def get_data(filters, year, period, start, end) -> list[dict]:
	visible = frappe.get_list(
		"Building Captain",
		filters={"term_start": ("<=", end)},
		fields=["name", "captain_name", "term_end"],
		limit_page_length=0,
	)
	visible = [row for row in visible if not row.term_end or getdate(row.term_end) >= start]
	if not visible:
		return []
	figures = captains.metrics_for([row.name for row in visible], start, end)
	evaluations = {
		row.captain: row
		for row in frappe.get_list(
			"Captain Evaluation",
			filters={"year": year, "period": period, "docstatus": 1},
			fields=["name", "captain", "grade"],
			limit_page_length=0,
		)
	}
	rows = []
	for captain in visible:
		evaluation = evaluations.get(captain.name) or frappe._dict()
		rows.append(
			{
				"captain": captain.name,
				"captain_name": captain.captain_name,
				**figures[captain.name],
				"evaluation": evaluation.name,
				"grade": _(evaluation.grade) if evaluation.grade else None,
			}
		)
	return sorted(rows, key=lambda row: row["patrol_coverage"], reverse=True)
