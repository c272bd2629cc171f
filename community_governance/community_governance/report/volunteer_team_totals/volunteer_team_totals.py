# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""What each volunteer team did in a period: its members, the volunteer activities they attended
while members (submitted activities dated on or after the day each joined), their attendances,
hours and points.

The teams are those the viewer may see (``frappe.get_list``); their totals come from one grouped
query over the activities' attendance.
"""

import frappe
from community_governance.reports import report_period
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Sum
from frappe.utils import flt, get_year_start, today

DOCTYPE = "Volunteer Team"
SUMS = ("members", "activities", "attendances", "hours", "points")


def execute(filters: dict | None = None):
	filters = normalised(filters)
	teams = frappe.get_list(
		DOCTYPE,
		filters={key: filters.get(key) for key in ("community",) if filters.get(key)},
		fields=["name", "community", "member_count"],
		order_by="name asc",
		limit_page_length=0,
	)
	totals_by_team = team_totals([team.name for team in teams], filters.from_date, filters.to_date)
	rows = []
	for team in teams:
		figures = totals_by_team.get(team.name, {})
		rows.append(
			{
				"team": team.name,
				"community": team.community,
				"members": team.member_count or 0,
				"activities": int(figures.get("activities") or 0),
				"attendances": int(figures.get("attendances") or 0),
				"hours": flt(figures.get("hours"), 1),
				"points": int(figures.get("points") or 0),
			}
		)
	return get_columns(filters), rows


def normalised(filters: dict | None) -> frappe._dict:
	filters = report_period(filters, default_from=get_year_start(today()))
	return filters


def get_columns(filters: dict | None = None) -> list[dict]:
	return [
		{
			"fieldname": "team",
			"label": _("Volunteer Team"),
			"fieldtype": "Link",
			"options": DOCTYPE,
			"width": 180,
		},
		{
			"fieldname": "community",
			"label": _("Community"),
			"fieldtype": "Link",
			"options": "Grid",
			"width": 130,
		},
		{"fieldname": "members", "label": _("Members"), "fieldtype": "Int", "width": 90},
		{"fieldname": "activities", "label": _("Activities"), "fieldtype": "Int", "width": 90},
		{"fieldname": "attendances", "label": _("Attendances"), "fieldtype": "Int", "width": 110},
		{"fieldname": "hours", "label": _("Hours"), "fieldtype": "Float", "width": 90, "precision": 1},
		{"fieldname": "points", "label": _("Points"), "fieldtype": "Int", "width": 90},
	]


def team_totals(teams: list[str], from_date, to_date) -> dict[str, dict]:
	if not teams:
		return {}
	member = frappe.qb.DocType("Volunteer Team Member")
	attendee = frappe.qb.DocType("Volunteer Activity Attendee")
	activity = frappe.qb.DocType("Volunteer Activity")
	rows = (
		frappe.qb.from_(member)
		.join(attendee)
		.on((attendee.resident == member.resident) & (attendee.parenttype == "Volunteer Activity"))
		.join(activity)
		.on(attendee.parent == activity.name)
		.select(
			member.parent.as_("team"),
			Count(activity.name).distinct().as_("activities"),
			Count(attendee.name).as_("attendances"),
			Sum(attendee.hours).as_("hours"),
			# an attendee without points of their own earns the activity's points per attendee
			Sum(Case().when(attendee.points > 0, attendee.points).else_(activity.points_per_attendee)).as_(
				"points"
			),
		)
		.where(
			(member.parenttype == DOCTYPE)
			& member.parent.isin(teams)
			& (activity.docstatus == 1)
			& (activity.activity_date >= from_date)
			& (activity.activity_date <= to_date)
			& ((member.joined_on.isnull()) | (activity.activity_date >= member.joined_on))
		)
		.groupby(member.parent)
		.run(as_dict=True)
	)
	return {row.team: row for row in rows}
