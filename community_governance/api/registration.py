"""Joining by phone: a Guest registers and proves their number, a verifier decides, a resident resets a
forgotten password. Writes by POST only; what a Guest may call is rate-limited per address."""

import frappe
from community_governance import registration as joining
from community_governance import sms
from frappe import _
from frappe.rate_limiter import rate_limit

# per address and hour: a family registering together passes, a script does not
REGISTRATIONS_PER_HOUR = 5
CODE_CHECKS_PER_HOUR = 20
RESET_CODES_PER_HOUR = 5


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=REGISTRATIONS_PER_HOUR, seconds=60 * 60)
def register(
	full_name: str,
	mobile: str,
	building: str,
	room: str,
	password: str,
	consent: int = 0,
	unit: str | None = None,
) -> dict:
	"""A pending registration: nothing else exists until the building's captain or grid worker
	approves it. With SMS on the site, a code goes to the number (``confirm_phone``)."""
	doc = joining.register(full_name, mobile, building, unit, room, password, bool(int(consent or 0)))
	return {
		"registration": doc.name,
		"status": doc.status,
		"code_sent": sms.configured(),
		"message": _("Thank you. Your building captain or grid worker will verify your registration."),
	}


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=CODE_CHECKS_PER_HOUR, seconds=60 * 60)
def confirm_phone(registration: str, mobile: str, code: str) -> dict:
	"""The code sent to the registration's number: proves the phone is theirs."""
	joining.confirm_phone(registration, mobile, code)
	return {"registration": registration, "phone_verified": 1}


@frappe.whitelist(allow_guest=True)
@rate_limit(limit=CODE_CHECKS_PER_HOUR, seconds=60 * 60)
def login_status(mobile: str) -> dict:
	"""What a person with this number is told when their login does not work yet."""
	found = joining.latest_registration(mobile)
	return {"status": found.status if found else None, "message": joining.status_message(found)}


@frappe.whitelist()
def pending_registrations() -> list[dict]:
	"""The registrations waiting for the session user: those of their own buildings and grids."""
	return frappe.get_list(
		joining.REGISTRATION,
		filters={"status": joining.PENDING},
		fields=["name", "full_name", "building", "unit", "room", "phone_verified", "creation"],
		order_by="creation asc",
	)


@frappe.whitelist()
def suggest_residents(registration: str) -> list[dict]:
	"""Resident records the registration may be (same name, room or phone), for the verifier."""
	if not frappe.db.exists(joining.REGISTRATION, registration):
		frappe.throw(
			_("Registration {0} not found.").format(frappe.bold(registration)), frappe.DoesNotExistError
		)
	doc = frappe.get_doc(joining.REGISTRATION, registration)
	doc.check_permission("read")
	return joining.suggest_residents(doc)


@frappe.whitelist(methods=["POST"])
def approve(registration: str, resident: str | None = None) -> dict:
	"""Approve: the login is created (the mobile number is its user name) and linked to ``resident``
	(or to a new resident record when none is named)."""
	return joining.approve(registration, resident or None)


@frappe.whitelist(methods=["POST"])
def reject(registration: str, reason: str) -> dict:
	"""Reject with a reason the person is told (on their next login, and by SMS where there is SMS)."""
	return joining.reject(registration, reason)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=RESET_CODES_PER_HOUR, seconds=60 * 60)
def send_reset_code(mobile: str) -> dict:
	"""A code by SMS to set a new password (sent only to a resident's number; the answer is the same)."""
	joining.send_reset_code(mobile)
	return {"message": _("If {0} is a resident's login, a code is on its way.").format(mobile)}


@frappe.whitelist(methods=["POST"])
def issue_reset_code(resident: str) -> dict:
	"""A grid worker's one-time code for a resident who forgot their password, handed over in person."""
	return joining.issue_reset_code(resident)


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=CODE_CHECKS_PER_HOUR, seconds=60 * 60)
def reset_password(mobile: str, code: str, new_password: str) -> dict:
	joining.reset_password(mobile, code, new_password)
	return {"message": _("Your new password is set: please log in with your mobile number.")}
