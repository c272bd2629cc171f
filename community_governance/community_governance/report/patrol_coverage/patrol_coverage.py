# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""Which buildings were patrolled on which day: building × day, coverage and gaps."""

import frappe
from community_governance.utils.periods import days_between, each_day
from frappe import _
from frappe.utils import add_days, getdate, today

LONGEST_RANGE_DAYS = 62


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	start, end = period(filters)
	days = list(each_day(start, end))
	return get_columns(days), get_data(filters, start, end, days)


def period(filters):
	end = getdate(filters.get("to_date") or today())
	start = getdate(filters.get("from_date") or add_days(end, -6))
	if start > end:
		frappe.throw(_("The From Date must not be after the To Date."), title=_("Invalid Period"))
	if days_between(start, end) > LONGEST_RANGE_DAYS:
		frappe.throw(_("Choose at most {0} days.").format(LONGEST_RANGE_DAYS), title=_("Invalid Period"))
	return start, end


def day_field(day) -> str:
	return "d_" + day.strftime("%Y%m%d")


def get_columns(days=()) -> list[dict]:
	columns = [
		{
			"fieldname": "building",
			"label": _("Building"),
			"fieldtype": "Link",
			"options": "Building",
			"width": 160,
		},
		{"fieldname": "grid", "label": _("Grid"), "fieldtype": "Link", "options": "Grid", "width": 110},
		{"fieldname": "captain_name", "label": _("Captain Name"), "fieldtype": "Data", "width": 120},
	]
	columns += [
		{"fieldname": day_field(day), "label": day.strftime("%m-%d"), "fieldtype": "Data", "width": 60}
		for day in days
	]
	columns += [
		{"fieldname": "patrolled_days", "label": _("Days Patrolled"), "fieldtype": "Int", "width": 110},
		{"fieldname": "gaps", "label": _("Days Missed"), "fieldtype": "Int", "width": 100},
		{"fieldname": "coverage", "label": _("Coverage"), "fieldtype": "Percent", "width": 100},
	]
	return columns


def get_data(filters, start, end, days) -> list[dict]:
	place = {key: filters[key] for key in ("community", "grid") if filters.get(key)}
	buildings = frappe.get_list(
		"Building", filters=place, fields=["name", "grid"], order_by="grid asc, name asc", limit_page_length=0
	)
	if not buildings:
		return []
	names = [row.name for row in buildings]
	logs = frappe.get_list(
		"Patrol Log",
		filters={"building": ("in", names), "patrol_date": ("between", [start, end])},
		fields=["building", "patrol_date"],
		limit_page_length=0,
	)
	patrolled = {(row.building, getdate(row.patrol_date)) for row in logs}
	captain_of = {
		row.building: row.captain_name
		for row in frappe.get_all(
			"Building Captain",
			filters={"status": "Active"},
			fields=["captain_name", "`tabBuilding Captain Building`.`building` as building"],
		)
		if row.building in set(names)
	}
	rows = []
	for building in buildings:
		row = {
			"building": building.name,
			"grid": building.grid,
			"captain_name": captain_of.get(building.name),
		}
		done = 0
		for day in days:
			hit = (building.name, day) in patrolled
			row[day_field(day)] = "✓" if hit else "✗"
			done += hit
		row.update(
			{"patrolled_days": done, "gaps": len(days) - done, "coverage": round(100 * done / len(days), 1)}
		)
		rows.append(row)
	return rows
