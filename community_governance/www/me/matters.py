"""居民议事: the open matters of the resident's buildings, with a button to support one, and the
decisions taken on them."""

import frappe
import frappe.sessions
from community_governance.resident_pages import (
	own_resident,
	require_consent,
	require_login,
	script_messages,
	set_page,
)
from frappe import _
from frappe.utils import format_date

no_cache = 1
sitemap = 0

OPEN_STATES = ("Proposed", "Supported", "On Agenda")
DECIDED_STATES = ("Decided", "Rejected", "Implemented", "Reviewed")
SUPPORT_STATES = ("Proposed", "Supported")
DECISION_ROWS = 30
STATE_COLOURS = {
	"Proposed": "secondary",
	"Supported": "info",
	"On Agenda": "warning",
	"Decided": "success",
	"Rejected": "danger",
	"Implemented": "success",
	"Reviewed": "success",
}


def get_context(context):
	require_login()
	set_page(context, _("Matters for Deliberation"))
	context.script_messages = script_messages("Support this matter?")
	context.resident = own_resident()
	require_consent(context.resident)
	if not context.resident:
		return
	context.open_matters = matters(OPEN_STATES, "creation desc")
	supported = supported_by(context.resident.name, [row.name for row in context.open_matters])
	for row in context.open_matters:
		row.supported = row.name in supported
		row.can_support = row.workflow_state in SUPPORT_STATES and not row.supported
	context.decisions = matters(DECIDED_STATES, "decided_on desc", DECISION_ROWS)
	# the support button POSTs with the session's CSRF token (see rewards.py)
	frappe.sessions.get_csrf_token()


def matters(states: tuple, order_by: str, limit: int = 0) -> list[dict]:
	# get_list applies the scope: a resident sees the matters of the buildings they live in
	rows = frappe.get_list(
		"Deliberation Matter",
		filters={"workflow_state": ("in", states)},
		fields=[
			"name",
			"title",
			"category",
			"description",
			"workflow_state",
			"support_count",
			"support_needed",
			"outcome",
			"decision",
			"decided_on",
			"review_date",
		],
		order_by=order_by,
		limit_page_length=limit,
	)
	for row in rows:
		row.state_label = _(row.workflow_state)
		row.state_colour = STATE_COLOURS.get(row.workflow_state, "secondary")
		row.category_label = _(row.category)
		row.decided_date = format_date(row.decided_on) if row.decided_on else ""
	return rows


def supported_by(resident: str, names: list[str]) -> set[str]:
	if not names:
		return set()
	supporter = frappe.qb.DocType("Deliberation Supporter")
	return set(
		frappe.qb.from_(supporter)
		.select(supporter.parent)
		.where(
			(supporter.parenttype == "Deliberation Matter")
			& supporter.parent.isin(names)
			& (supporter.resident == resident)
		)
		.run(pluck=True)
	)
