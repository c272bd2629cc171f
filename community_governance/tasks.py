"""Scheduled jobs (registered in hooks.py)."""

import frappe
from community_governance import sla
from frappe.utils import now_datetime


def escalate_overdue_requests(now=None) -> int:
	"""Every 15 minutes: move each overdue request up one level. Safe to run twice: a breach that
	was escalated has a fresh window, and the database refuses a second row for the same breach."""
	now = now or now_datetime()
	escalated = 0
	for name in overdue_request_names(now):
		request = frappe.get_doc("Service Request", name, for_update=True)
		if request.escalate(now):
			escalated += 1
		frappe.db.commit()  # one request at a time: a failure leaves the others escalated
	return escalated


def overdue_request_names(now) -> list[str]:
	request = frappe.qb.DocType("Service Request")
	response_missed = request.workflow_state.isin(sla.AWAITING_RESPONSE) & (request.response_due < now)
	resolution_missed = request.workflow_state.isin(sla.UNRESOLVED) & (request.resolution_due < now)
	return (
		frappe.qb.from_(request)
		.select(request.name)
		.where((request.escalation_level != sla.LEVELS[-1]) & (response_missed | resolution_missed))
		.orderby(request.resolution_due)
		.run(pluck=True)
	)
