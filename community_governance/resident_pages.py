"""What the resident's phone pages under www/me share: who is asking and which Resident they are.

The pages read through the same rules as the API: the Resident is always the session user's own
(from their scope), never one named in the request.
"""

from urllib.parse import urlencode

import frappe
from community_governance import personal_data, scope
from frappe import _

HUB_ROUTE = "/me/services"
CAPTAIN_ROUTE = "/me/captain"
PRIVACY_ROUTE = "/me/privacy"
SERVICE_REQUEST_FORM_ROUTE = "service-request"


def require_login() -> None:
	"""Send a Guest to the login page, which brings them back here afterwards."""
	if frappe.session.user != "Guest":
		return
	frappe.flags.redirect_location = "/login?" + urlencode({"redirect-to": frappe.request.path})
	# 302, not Frappe's default 301: a browser remembers a 301 and would skip the page after login
	raise frappe.Redirect(302)


def require_consent(resident: frappe._dict | None) -> None:
	"""Send a resident who has not accepted the current privacy notice to it first, and back here
	after they accept."""
	if not resident or personal_data.has_consented(resident.name):
		return
	frappe.flags.redirect_location = PRIVACY_ROUTE + "?" + urlencode({"redirect-to": frappe.request.path})
	raise frappe.Redirect(302)


def own_resident() -> frappe._dict | None:
	"""The session user's own Resident record, or None when their login is linked to none."""
	residents = scope.get_scope().residents
	if not residents:
		return None
	# a login is normally linked to one record; if to several, always show the same one
	return frappe.db.get_value("Resident", min(residents), ["name", "full_name"], as_dict=True)


def set_page(context, title: str, *, with_hub_link: bool = True) -> None:
	"""Title and the breadcrumb back to the hub, the same on every resident page."""
	context.title = title
	context.no_breadcrumbs = not with_hub_link
	context.parents = [{"route": HUB_ROUTE, "title": _("Resident Services")}] if with_hub_link else []


def service_request_form_published() -> bool:
	"""Whether the residents' service-request web form is on this site, so the hub links to it."""
	return bool(frappe.db.exists("Web Form", {"route": SERVICE_REQUEST_FORM_ROUTE, "published": 1}))


def script_messages(*messages: str) -> dict:
	"""Translations for a page's own script: web pages, unlike the desk, load none for ``__()``."""
	return {message: _(message) for message in messages}


def has_desk_access() -> bool:
	"""Whether the app's desk entry is offered to the session user: not to residents, who use /me."""
	user = frappe.session.user
	return user != "Guest" and frappe.get_cached_value("User", user, "user_type") == "System User"


# where each role's day starts after login, the first role the user holds deciding: staff on their
# queues in the desk, a building captain on their phone page (residents: hooks.role_home_page)
ROLE_HOMES = (
	("Street Office Admin", "/app/community-governance"),
	("Community Worker", "/app/community-work"),
	("Grid Worker", "/app/grid-work"),
	(scope.CAPTAIN_ROLE, CAPTAIN_ROUTE),
)


def send_each_role_home(login_manager) -> None:
	"""``on_session_creation``: after login, send the user to what they do (see ``ROLE_HOMES``)."""
	if login_manager.user == "Administrator":
		return
	roles = set(frappe.get_roles(login_manager.user))
	home = next((route for role, route in ROLE_HOMES if role in roles), None)
	if home:
		frappe.local.response["home_page"] = home
