"""Care visits beyond a single record: a plan's schedule kept in step with its visits, a need found
becoming a service request, and the daily reminder of overdue visits.

Care records are confidential to the visitor, the workers of the resident's grid and Street
Office Admins (the "Care Visit Plan" and "Care Visit" rules in scope.py); whatever is sent from
here names the plan, not the resident.
"""

import frappe
from community_governance import care
from frappe import _
from frappe.desk.doctype.notification_log.notification_log import make_notification_logs
from frappe.query_builder.functions import Count, Max
from frappe.utils import formatdate, getdate, nowdate

PLAN = "Care Visit Plan"
VISIT = "Care Visit"
# a need counts as met once its request is resolved or closed
MET_STATES = ("Resolved", "Closed")
# the channel a care visitor's report arrives by
REQUEST_CHANNEL = "Care Visit"


# --- the plan's schedule -----------------------------------------------------------------------


def refresh_plan(plan_name: str, today=None) -> None:
	"""Recompute the plan's last visit, visit count, next due date and overdue flag from its visits.
	Written straight to the plan: a volunteer who logs a visit may not edit the plan itself."""
	visit = frappe.qb.DocType(VISIT)
	count, last = (
		frappe.qb.from_(visit)
		.select(Count(visit.name), Max(visit.visit_date))
		.where(visit.plan == plan_name)
		.run()[0]
	)
	frequency, start = frappe.db.get_value(PLAN, plan_name, ["frequency", "start_date"])
	last = getdate(last) if last else None
	due = care.next_due(frequency, getdate(start), last)
	frappe.db.set_value(
		PLAN,
		plan_name,
		{
			"last_visit_date": last,
			"visit_count": count,
			"next_due_date": due,
			"is_overdue": int(care.is_overdue(due, getdate(today or nowdate()))),
		},
		update_modified=False,
	)


# --- a need found becomes a service request ----------------------------------------------------


def file_request_for_need(visit) -> str:
	"""Open a service request for the need a visit found, filed for the visited resident.

	The visit itself is the authority: the visitor (a volunteer, say) may not file requests or see
	the resident's building otherwise, so the request is inserted on the resident's behalf."""
	request = frappe.get_doc(
		{
			"doctype": "Service Request",
			"request_type": "Request",
			"channel": REQUEST_CHANNEL,
			"requester": visit.resident,
			"building": visit.building,
			"category": visit.need_category,
			"priority": "High" if visit.condition == "Critical" else "Medium",
			"description": visit.need_description,
			"subject": _("Care visit: {0}").format(visit.need_description)[:140],
		}
	)
	request.flags.filed_on_behalf = True
	request.insert(ignore_permissions=True)
	return request.name


def sync_request_status(request, method=None):
	"""``Service Request.on_update``: a visit shows the live status of the request its need became."""
	# a request is linked after it is filed, with its status; later saves matter when it moves
	if request.flags.in_insert or not request.has_value_changed("workflow_state"):
		return
	visit = frappe.qb.DocType(VISIT)
	frappe.qb.update(visit).set(visit.request_status, request.workflow_state).where(
		visit.service_request == request.name
	).run()


# --- reminders ---------------------------------------------------------------------------------


def remind_overdue_visits(today=None) -> int:
	"""Daily: flag the active plans whose visit is overdue (and unflag the rest), and remind each
	overdue plan's visitor. Running twice a day sends nothing new."""
	today = getdate(today or nowdate())
	plan = frappe.qb.DocType(PLAN)
	overdue = (plan.status == "Active") & (plan.next_due_date < today)
	frappe.qb.update(plan).set(plan.is_overdue, 1).where(overdue).run()
	frappe.qb.update(plan).set(plan.is_overdue, 0).where(~overdue | plan.next_due_date.isnull()).run()
	sent = 0
	for row in overdue_plans(today):
		sent += _remind(row, today)
	return sent


def overdue_plans(today) -> list[dict]:
	plan = frappe.qb.DocType(PLAN)
	return (
		frappe.qb.from_(plan)
		.select(plan.name, plan.visitor, plan.next_due_date)
		.where((plan.status == "Active") & (plan.next_due_date < getdate(today)) & plan.visitor.isnotnull())
		.orderby(plan.next_due_date)
		.run(as_dict=True)
	)


def _remind(row, today) -> int:
	lang = frappe.db.get_value("User", row.visitor, "language") or frappe.db.get_default("lang") or "en"
	subject = _("Care visit plan {0} is overdue: a visit was due on {1}.", lang=lang).format(
		row.name, formatdate(row.next_due_date)
	)
	already_sent = frappe.db.exists(
		"Notification Log",
		{"for_user": row.visitor, "document_name": row.name, "subject": subject, "creation": (">=", today)},
	)
	if already_sent:
		return 0
	make_notification_logs(
		{"type": "Alert", "document_type": PLAN, "document_name": row.name, "subject": subject},
		[row.visitor],
	)
	return 1
