# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""Open requests past a deadline: unanswered past their response deadline, or unresolved past their
resolution deadline, the longest overdue first, with who is responsible for them at their level.

Both lists come from ``frappe.get_list``, so each viewer sees only the requests in their scope.
"""

import frappe
from community_governance import sla
from frappe import _
from frappe.utils import get_datetime, now_datetime

DOCTYPE = "Service Request"
FIELDS = (
	"name",
	"subject",
	"building",
	"grid",
	"community",
	"workflow_state",
	"handler",
	"current_owner",
	"escalation_level",
	"response_due",
	"resolution_due",
)


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	return get_columns(), get_data(filters, now_datetime())


def get_columns() -> list[dict]:
	return [
		{
			"fieldname": "request",
			"label": _("Service Request"),
			"fieldtype": "Link",
			"options": DOCTYPE,
			"width": 150,
		},
		{"fieldname": "subject", "label": _("Subject"), "fieldtype": "Data", "width": 220},
		{
			"fieldname": "building",
			"label": _("Building"),
			"fieldtype": "Link",
			"options": "Building",
			"width": 110,
		},
		{"fieldname": "grid", "label": _("Grid"), "fieldtype": "Link", "options": "Grid", "width": 90},
		{
			"fieldname": "community",
			"label": _("Community"),
			"fieldtype": "Link",
			"options": "Grid",
			"width": 100,
		},
		{"fieldname": "state", "label": _("Status"), "fieldtype": "Data", "width": 100},
		{"fieldname": "handler", "label": _("Handler"), "fieldtype": "Link", "options": "User", "width": 160},
		{
			"fieldname": "current_owner",
			"label": _("Responsible at this Level"),
			"fieldtype": "Link",
			"options": "User",
			"width": 170,
		},
		{"fieldname": "escalation_level", "label": _("Handling Level"), "fieldtype": "Data", "width": 110},
		{"fieldname": "breach", "label": _("Breach"), "fieldtype": "Data", "width": 100},
		{"fieldname": "due", "label": _("Missed Deadline"), "fieldtype": "Datetime", "width": 160},
		{
			"fieldname": "hours_overdue",
			"label": _("Hours Overdue"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 120,
		},
	]


def get_data(filters, now) -> list[dict]:
	place = [
		[DOCTYPE, fieldname, "=", filters.get(fieldname)]
		for fieldname in ("community", "grid", "escalation_level")
		if filters.get(fieldname)
	]
	unanswered = overdue(place, "response_due", sla.AWAITING_RESPONSE, now)
	unresolved = overdue(place, "resolution_due", sla.UNRESOLVED, now)

	rows = {}
	# an unanswered request is reported for its response deadline, as escalation treats it
	for kind, requests, due_field in (
		(sla.RESPONSE, unanswered, "response_due"),
		(sla.RESOLUTION, unresolved, "resolution_due"),
	):
		for request in requests:
			if request.name not in rows:
				rows[request.name] = row(request, kind, get_datetime(request[due_field]), now)
	return sorted(rows.values(), key=lambda row: -row["hours_overdue"])


def overdue(place: list, due_field: str, states: tuple, now) -> list:
	return frappe.get_list(
		DOCTYPE,
		filters=[
			*place,
			[DOCTYPE, "workflow_state", "in", states],
			[DOCTYPE, due_field, "is", "set"],
			[DOCTYPE, due_field, "<", now],
		],
		fields=list(FIELDS),
		order_by=None,  # ordered by hours overdue once both lists are merged
		limit_page_length=0,
	)


def row(request, kind: str, due, now) -> dict:
	return {
		"request": request.name,
		"subject": request.subject,
		"building": request.building,
		"grid": request.grid,
		"community": request.community,
		"state": _(request.workflow_state),
		"handler": request.handler,
		"current_owner": request.current_owner,
		"escalation_level": _(request.escalation_level),
		"breach": _(kind),
		"due": due,
		"hours_overdue": sla.hours_between(due, now),
	}
