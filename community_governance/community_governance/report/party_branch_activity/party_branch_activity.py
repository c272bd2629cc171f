# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""What the members of a party branch (or committee, or group, with every node below it) did in a
period: requests handled and micro-wishes fulfilled as handler, volunteer activities and hours,
care visits made and days patrolled as a building captain. One row a member, from grouped queries
(see party.member_contributions). Who is a member is personal data: the report answers only to
those who may read the organisation's members."""

import frappe
from community_governance import party
from community_governance.reports import report_period
from frappe import _
from frappe.utils import get_year_start, today


def execute(filters: dict | None = None):
	filters = report_period(filters, default_from=get_year_start(today()))
	organisation = filters.get("party_organisation")
	if not organisation:
		return get_columns(), []
	check_access(organisation)
	rows = party.members_under(organisation)
	figures = party.member_contributions(rows, filters.from_date, filters.to_date)
	return get_columns(), [
		{
			"organisation": row.organisation,
			"organisation_name": row.organisation_name,
			"member_name": row.member_name,
			"member_type": _(row.member_type),
			"joined_on": row.joined_on,
			**figures[row.name],
		}
		for row in rows
	]


def check_access(organisation: str) -> None:
	if not frappe.db.exists("Party Organisation", organisation):
		frappe.throw(
			_("Party organisation {0} does not exist.").format(frappe.bold(organisation)),
			frappe.DoesNotExistError,
		)
	doc = frappe.get_doc("Party Organisation", organisation)
	if not doc.has_permission("read") or party.MEMBERS_LEVEL not in doc.get_permlevel_access("read"):
		frappe.throw(_("You may not see the members of this organisation."), frappe.PermissionError)


def get_columns() -> list[dict]:
	return [
		{
			"fieldname": "organisation",
			"label": _("Party Organisation"),
			"fieldtype": "Link",
			"options": "Party Organisation",
			"width": 110,
		},
		{
			"fieldname": "organisation_name",
			"label": _("Organisation Name"),
			"fieldtype": "Data",
			"width": 150,
		},
		{"fieldname": "member_name", "label": _("Member Name"), "fieldtype": "Data", "width": 120},
		{"fieldname": "member_type", "label": _("Member Type"), "fieldtype": "Data", "width": 110},
		{
			"fieldname": "joined_on",
			"label": _("Joined the Organisation Here"),
			"fieldtype": "Date",
			"width": 110,
		},
		{"fieldname": "requests_handled", "label": _("Requests Handled"), "fieldtype": "Int", "width": 120},
		{"fieldname": "micro_wishes", "label": _("Micro-wishes Fulfilled"), "fieldtype": "Int", "width": 140},
		{"fieldname": "activities", "label": _("Activities"), "fieldtype": "Int", "width": 90},
		{"fieldname": "hours", "label": _("Volunteer Hours"), "fieldtype": "Float", "width": 110},
		{"fieldname": "care_visits", "label": _("Care Visits"), "fieldtype": "Int", "width": 100},
		{"fieldname": "patrol_days", "label": _("Patrol Days as Captain"), "fieldtype": "Int", "width": 140},
	]
