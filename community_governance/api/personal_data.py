"""Residents' personal data: a captain's logged "reveal to call", and the resident's own requests
(accept the privacy notice, ask for a correction). Writes by POST only."""

import frappe
from community_governance import personal_data
from community_governance.resident_pages import own_resident
from community_governance.utils.text import plain_text
from frappe import _

CORRECTION_MAX_LENGTH = 500


@frappe.whitelist(methods=["POST"])
def reveal_phone(resident: str) -> dict:
	"""The full phone number of a resident of the caller's buildings, to call them. Logged."""
	return {"phone": personal_data.reveal_phone(resident)}


@frappe.whitelist(methods=["POST"])
def accept_privacy_notice() -> dict:
	"""The session user's resident accepts the current privacy notice."""
	resident = _own_resident_or_throw()
	values = personal_data.record_consent(resident.name)
	return {"version": values["privacy_notice_version"], "consent_on": str(values["privacy_consent_on"])}


@frappe.whitelist(methods=["POST"])
def request_correction(what: str) -> dict:
	"""The session user's resident says what in their data is wrong: a to-do for their grid worker."""
	resident = _own_resident_or_throw()
	what = plain_text(what or "").strip()
	if not what:
		frappe.throw(_("Say what is wrong and what it should be."), title=_("Nothing to Correct"))
	if len(what) > CORRECTION_MAX_LENGTH:
		frappe.throw(
			_("Please keep it under {0} characters.").format(CORRECTION_MAX_LENGTH),
			title=_("Too Long"),
		)
	return {"todo": personal_data.request_correction(resident.name, what)}


def _own_resident_or_throw():
	resident = own_resident()
	if not resident:
		frappe.throw(_("Your login is not linked to a resident record."), frappe.PermissionError)
	return resident
