"""随手拍: a resident or contributor photographs a problem in the street and sends it to the grid."""

import frappe
import frappe.sessions
from community_governance import quick_report
from community_governance.resident_pages import (
	own_resident,
	require_consent,
	require_login,
	script_messages,
	set_page,
)
from frappe import _

no_cache = 1
sitemap = 0


def get_context(context):
	require_login()
	set_page(context, _("Quick Report"))
	context.script_messages = script_messages(
		"Take a photo of what you are reporting.",
		"Locating you…",
		"Location found: the report goes to the nearest building.",
		"Your phone did not share its location: choose the building nearest to what you saw.",
		"Sending…",
		"Sent: {0} is on its way to the grid worker of {1}.",
	)
	context.resident = own_resident()
	require_consent(context.resident)
	if not context.resident:
		return
	grid = frappe.db.get_value("Resident", context.resident.name, "grid")
	# the grid's own buildings to choose from; a position may find any building of the street
	context.buildings = [
		{"name": name, "label": frappe.get_cached_value("Building", name, "building_name") or name}
		for name in quick_report.buildings_in(grid)
	]
	context.categories = frappe.get_all(
		"Service Request Category",
		filters={"is_active": 1},
		fields=["name", "category_name", "reporting_points"],
		order_by="category_name asc",
	)
	for category in context.categories:
		category.label = _(category.category_name)
	# the form POSTs with the session's CSRF token (see /me/rewards)
	frappe.sessions.get_csrf_token()
