"""楼栋长的一天: a building captain's day on the phone — today's patrol of each building (a nil
report in one tap, a finding with a photo), their buildings' new requests with one-tap dispatch or
rejection, and what is overdue or was escalated above them. Light on purpose: no desk boot."""

import frappe
import frappe.sessions
from community_governance import captains, dispatch, notices, registration
from community_governance.community_governance.doctype.service_request.service_request import HANDLER_ROLES
from community_governance.resident_pages import require_login, script_messages, set_page
from frappe import _
from frappe.utils import format_datetime, today

no_cache = 1
sitemap = 0

FINDING_TYPES = ("Hazard", "Sanitation", "Facility", "Parking", "Dispute", "Care Need", "Other")
# requests shown with their dispatch list; more wait for the next visit
DISPATCH_ROWS = 20
STATE_COLOURS = {"Not Patrolled": "warning", "Nil Report": "success", "Findings": "info"}
SCRIPT_MESSAGES = (
	"Sending…",
	"Nil report sent.",
	"Finding saved.",
	"Finding saved as request {0}.",
	"Dispatched to {0}.",
	"Request rejected.",
	"Give the resident a reason for the rejection.",
	"Describe what was found.",
	"Something went wrong; please try again.",
	"Take or Choose a Photo",
	"Photo: {0}",
)


def get_context(context):
	require_login()
	set_page(context, _("Captain's Day"), with_hub_link=False)
	if "Building Captain" not in frappe.get_roles():
		frappe.throw(_("This page is for building captains."), frappe.PermissionError)
	context.today = today()
	day = captains.captain_day(frappe.session.user, context.today)
	for building in day.buildings:
		building.state_colour = STATE_COLOURS[building.patrol_state]
	for request in day.to_dispatch[:DISPATCH_ROWS]:
		request.candidates = dispatch.candidates(
			frappe.get_doc("Service Request", request.name), HANDLER_ROLES
		)
	for request in day.to_dispatch + day.overdue + day.escalated:
		request.filed = format_datetime(request.creation, "MM-dd HH:mm")
		request.due = format_datetime(request.resolution_due, "MM-dd HH:mm") if request.resolution_due else ""
	context.day = day
	context.finding_types = FINDING_TYPES
	context.categories = frappe.get_all(
		"Service Request Category", filters={"is_active": 1}, pluck="name", order_by="name"
	)
	context.default_category = frappe.db.get_single_value(
		"Community Governance Settings", "default_patrol_category"
	)
	# notices that need confirming, and the doors of the households that have not confirmed them
	context.notices_to_confirm = notices.to_confirm_for_captain()
	# people who registered for one of their buildings, waiting to be matched and approved in the desk
	context.registrations = frappe.get_list(
		registration.REGISTRATION,
		filters={"status": registration.PENDING},
		fields=["name", "full_name", "building", "unit", "room"],
		order_by="creation asc",
	)
	context.script_messages = script_messages(*SCRIPT_MESSAGES)
	# the buttons POST with the session's CSRF token (see rewards.py)
	frappe.sessions.get_csrf_token()
