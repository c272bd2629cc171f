"""加入社区: a person registers as a resident of their building from their phone, often from the
"join" QR code on the building's notice board (which chooses the building for them)."""

import frappe
import frappe.sessions
from community_governance import personal_data, registration
from community_governance.resident_pages import HUB_ROUTE, PRIVACY_ROUTE, script_messages, set_page
from frappe import _

no_cache = 1
sitemap = 0


def get_context(context):
	if frappe.session.user != "Guest":
		frappe.flags.redirect_location = HUB_ROUTE  # already has a login
		raise frappe.Redirect(302)
	set_page(context, _("Join Your Community"), with_hub_link=False)
	context.buildings = buildings()
	chosen = frappe.form_dict.get("building")
	context.chosen = next((row for row in context.buildings if row.name == chosen), None)
	context.unknown_building = bool(chosen) and not context.chosen
	context.notice_version = personal_data.notice_version()
	context.privacy_route = PRIVACY_ROUTE
	context.min_password_length = registration.MIN_PASSWORD_LENGTH
	context.script_messages = script_messages(
		"The two passwords differ.",
		"Thank you. Your building captain or grid worker will verify your registration.",
		"Your phone number is confirmed.",
	)
	frappe.sessions.get_csrf_token()


def buildings() -> list[frappe._dict]:
	"""Every building of the street, by community and grid, for the list to choose from."""
	building = frappe.qb.DocType("Building")
	grid = frappe.qb.DocType("Grid")
	return (
		frappe.qb.from_(building)
		.left_join(grid)
		.on(grid.name == building.grid)
		.select(building.name, building.building_name, grid.grid_name)
		.orderby(grid.grid_name)
		.orderby(building.building_name)
		.run(as_dict=True)
	)
