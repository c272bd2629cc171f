"""通知公告: the notices sent to the resident, unread first; one opened, with its attachments and, when
the notice asks, a button to confirm having read it. Expired and withdrawn notices are not listed."""

import frappe
import frappe.sessions
from community_governance import notices
from community_governance.resident_pages import (
	own_resident,
	require_consent,
	require_login,
	script_messages,
	set_page,
)
from frappe import _
from frappe.utils import format_datetime

no_cache = 1
sitemap = 0


def get_context(context):
	require_login()
	set_page(context, _("Notices"))
	context.script_messages = script_messages("Confirmed. Thank you.")
	context.resident = own_resident()
	require_consent(context.resident)
	if not context.resident:
		return
	rows = notices.notices_of(context.resident.name)
	for row in rows:
		row.published = format_datetime(row.publish_on, "yyyy-MM-dd HH:mm")
		row.expires = format_datetime(row.expires_on, "yyyy-MM-dd HH:mm") if row.expires_on else ""
	context.notices = rows
	context.opened = opened(frappe.form_dict.get("notice"), rows)
	if context.opened:
		context.title = context.opened.title
	# the read and confirm buttons POST with the session's CSRF token (see rewards.py)
	frappe.sessions.get_csrf_token()


def opened(name: str | None, rows: list) -> frappe._dict | None:
	"""The notice asked for, if it is one of the resident's live notices (others are not shown)."""
	row = next((row for row in rows if name and row.name == name), None)
	if not row:
		return None
	row.body = frappe.db.get_value(notices.NOTICE, row.name, "body")
	row.files = frappe.get_all(
		"File",
		filters={"attached_to_doctype": notices.NOTICE, "attached_to_name": row.name, "is_folder": 0},
		fields=["file_name", "file_url"],
		order_by="creation asc",
	)
	return row
