"""The captain's patrol on a phone: turn a finding into a service request in one step."""

import frappe
from community_governance.community_governance.doctype.service_request.service_request import ServiceRequest
from frappe import _


@frappe.whitelist(methods=["POST"])
def report_finding(
	patrol_log: str, finding: str, category: str | None = None, priority: str = "Medium"
) -> dict:
	"""Open a service request (channel: patrol) for a finding of the log, linked to it until closed."""
	log = frappe.get_doc("Patrol Log", patrol_log)
	log.check_permission("write")
	row = next((row for row in log.findings if row.name == finding), None)
	if not row:
		frappe.throw(_("Finding {0} is not part of patrol log {1}.").format(finding, patrol_log))
	if row.service_request:
		frappe.throw(
			_("This finding is already service request {0}.").format(frappe.bold(row.service_request)),
			title=_("Already Reported"),
		)
	category = category or frappe.db.get_single_value(
		"Community Governance Settings", "default_patrol_category"
	)
	if not category:
		frappe.throw(_("Choose a category for the request."), title=_("Category Missing"))
	request: ServiceRequest = frappe.get_doc(
		{
			"doctype": "Service Request",
			"channel": "Patrol",
			"building": log.building,
			"category": category,
			"priority": priority,
			"description": row.description,
			"photo": row.photo,
			"subject": f"{_(row.finding_type)}: {row.description}"[:140],
		}
	)
	# the photo was checked when the captain saved it on the log; the reporter may be a worker
	request.flags.copied_attachments = {"photo"}
	request.insert()
	row.db_set({"service_request": request.name, "request_status": request.workflow_state})
	return {"service_request": request.name, "status": request.workflow_state}
