"""我的信息: what the street holds about the resident, and a way to ask for a correction."""

import frappe
import frappe.sessions
from community_governance import personal_data
from community_governance.resident_pages import (
	own_resident,
	require_consent,
	require_login,
	script_messages,
	set_page,
)
from frappe import _
from frappe.utils import format_date, format_datetime

no_cache = 1
sitemap = 0

# what the page shows, in this order: (fieldname, how to show it)
SHOWN = (
	"full_name",
	"phone",
	"date_of_birth",
	"building",
	"unit",
	"room",
	"household",
	"grid",
	"community",
	"status",
	"elderly_living_alone",
	"special_care",
	"has_disability",
	"child_in_difficulty",
	"party_member",
	"is_volunteer",
)


def get_context(context):
	require_login()
	set_page(context, _("My Data"))
	context.script_messages = script_messages("Your request was sent to your grid worker.")
	context.resident = own_resident()
	require_consent(context.resident)
	if not context.resident:
		return
	record = frappe.db.get_value(
		"Resident",
		context.resident.name,
		[*SHOWN, "privacy_notice_version", "privacy_consent_on"],
		as_dict=True,
	)
	meta = frappe.get_meta("Resident")
	context.items = [item(meta, fieldname, record.get(fieldname)) for fieldname in SHOWN]
	context.consent = {
		"version": record.privacy_notice_version,
		"on": format_datetime(record.privacy_consent_on) if record.privacy_consent_on else "",
	}
	context.worker = personal_data.grid_worker_of(context.resident.name)
	personal_data.log_access(context.resident.name, personal_data.VIEW_MY_DATA)
	frappe.sessions.get_csrf_token()


def item(meta, fieldname: str, value) -> dict:
	df = meta.get_field(fieldname)
	if df.fieldtype == "Check":
		shown = _("Yes") if value else _("No")
	elif df.fieldtype == "Date":
		shown = format_date(value) if value else ""
	elif df.fieldtype == "Select":
		shown = _(value) if value else ""
	else:
		shown = value or ""
	return {"fieldname": fieldname, "label": _(df.label), "value": shown}
