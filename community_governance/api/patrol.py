"""The captain's patrol on a phone: a nil report in one tap, a finding in one step, and a finding
turned into a service request."""

import frappe
from community_governance import shared_records
from community_governance.community_governance.doctype.patrol_log.patrol_log import active_captaincy
from community_governance.community_governance.doctype.service_request.service_request import ServiceRequest
from frappe import _
from frappe.utils import cint, today

LOG = "Patrol Log"


@frappe.whitelist(methods=["POST"])
@shared_records.retry_on_deadlock
def send_nil_report(building: str) -> dict:
	"""零报告: nothing found in the building today. Sending it again, or from two phones at once,
	keeps the one log of the day (and a day that already has findings keeps them)."""
	captaincy = lock_own_captaincy(building)
	existing = todays_log(captaincy, building)
	if existing:
		return {"patrol_log": existing.name, "nil_report": existing.nil_report, "created": False}
	log = frappe.get_doc(
		{"doctype": LOG, "building": building, "captain": captaincy, "patrol_date": today(), "nil_report": 1}
	).insert()
	return {"patrol_log": log.name, "nil_report": 1, "created": True}


@frappe.whitelist(methods=["POST"])
@shared_records.retry_on_deadlock
def log_finding(
	building: str,
	finding_type: str,
	description: str,
	photo: str | None = None,
	severity: str = "Medium",
	needs_handling: int | str = 0,
	category: str | None = None,
	priority: str = "Medium",
) -> dict:
	"""A finding of today's patrol (a photo, a kind and a line of text), added to the day's log; when
	it needs handling it becomes a service request in the same step (all or nothing)."""
	captaincy = lock_own_captaincy(building)
	existing = todays_log(captaincy, building)
	if existing:
		log = frappe.get_doc(LOG, existing.name, for_update=True)
		log.nil_report = 0  # something was found after all
	else:
		log = frappe.get_doc(
			{"doctype": LOG, "building": building, "captain": captaincy, "patrol_date": today()}
		)
	row = log.append(
		"findings",
		{"finding_type": finding_type, "severity": severity, "description": description, "photo": photo},
	)
	if existing:
		log.save()
	else:
		log.insert()
	result = {"patrol_log": log.name, "finding": row.name, "service_request": None, "status": None}
	if cint(needs_handling):
		reported = report_finding(log.name, row.name, category=category, priority=priority)
		result.update(reported)
	return result


def lock_own_captaincy(building: str) -> str:
	"""The session user's active captaincy of the building, locked: one captaincy's patrol of a day
	is written by one request at a time."""
	if not building or not frappe.db.exists("Building", building):
		frappe.throw(_("Building {0} does not exist.").format(building or ""), frappe.DoesNotExistError)
	captaincy = active_captaincy(frappe.session.user, building)
	if not captaincy:
		frappe.throw(
			_("You are not the active captain of building {0}.").format(frappe.bold(building)),
			frappe.PermissionError,
		)
	frappe.db.get_value("Building Captain", captaincy, "name", for_update=True)
	return captaincy


def todays_log(captaincy: str, building: str):
	# a locking read sees what another request committed while this one waited for the lock
	return frappe.db.get_value(
		LOG,
		{"captain": captaincy, "building": building, "patrol_date": today()},
		["name", "nil_report"],
		as_dict=True,
		for_update=True,
	)


@frappe.whitelist(methods=["POST"])
def report_finding(
	patrol_log: str, finding: str, category: str | None = None, priority: str = "Medium"
) -> dict:
	"""Open a service request (channel: patrol) for a finding of the log, linked to it until closed."""
	log = frappe.get_doc(LOG, patrol_log)
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
