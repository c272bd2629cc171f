"""隐私告知: the privacy notice a resident accepts before using the resident pages."""

import frappe
import frappe.sessions
from community_governance import personal_data
from community_governance.resident_pages import HUB_ROUTE, own_resident, require_login, set_page
from frappe import _

no_cache = 1
sitemap = 0


def get_context(context):
	require_login()
	set_page(context, _("Privacy Notice"))
	context.resident = own_resident()
	context.version = personal_data.notice_version()
	context.accepted = bool(context.resident) and personal_data.has_consented(context.resident.name)
	context.next = safe_next(frappe.form_dict.get("redirect-to"))
	context.retention_months = personal_data.retention_months()
	frappe.sessions.get_csrf_token()


def safe_next(path: str | None) -> str:
	"""Back to the resident page that sent them here; never to another site."""
	if path and path.startswith("/me/") and "//" not in path:
		return path
	return HUB_ROUTE
