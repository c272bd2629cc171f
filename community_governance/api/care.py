"""Care visits from a phone: the visitor's plans, and one POST call to log a visit."""

import frappe
from community_governance import care
from frappe.utils import getdate, nowdate

PLAN = "Care Visit Plan"


@frappe.whitelist(methods=["GET"])
def my_plans() -> list[dict]:
	"""The active plans naming the user as visitor, the most overdue first."""
	today = getdate(nowdate())
	plans = frappe.get_list(
		PLAN,
		filters={"visitor": frappe.session.user, "status": "Active"},
		fields=[
			"name",
			"resident",
			"resident_name",
			"building",
			"frequency",
			"last_visit_date",
			"next_due_date",
		],
		order_by="next_due_date asc",
		limit_page_length=0,
	)
	for plan in plans:
		plan["days_overdue"] = care.days_overdue(getdate(plan.next_due_date), today)
	return plans


@frappe.whitelist(methods=["POST"])
def log_visit(
	plan: str,
	condition: str,
	visit_date: str | None = None,
	notes: str | None = None,
	need: str | None = None,
	category: str | None = None,
) -> dict:
	"""Log a home visit; a need found becomes a service request. The controller checks who may log
	it, the date and the need."""
	frappe.get_doc(PLAN, plan).check_permission("read")
	visit = frappe.get_doc(
		{
			"doctype": "Care Visit",
			"plan": plan,
			"visit_date": visit_date or nowdate(),
			"condition": condition,
			"notes": notes,
			"need_found": 1 if need else 0,
			"need_description": need,
			"need_category": category,
		}
	).insert()
	next_due = frappe.db.get_value(PLAN, plan, "next_due_date")
	return {
		"name": visit.name,
		"service_request": visit.service_request,
		"request_status": visit.request_status,
		"next_due_date": str(next_due),
	}
