"""Residents join by phone (自助注册): a registration their building's captain or grid worker verifies.

A person registers at /me/join with their name, mobile number, home and a password. That makes a
pending Resident Registration and nothing else: no User, no Resident. The verifier matches it to
the resident record (or lets approval create one) and approves or rejects it. Approval creates the
login: the mobile number is the user name (System Settings "Allow Login using Mobile Number"), the
e-mail a placeholder that is never mailed.

When the site has SMS Settings, a one-time code proves the phone (and resets a forgotten password);
without SMS, the verifier's match is the proof and a grid worker hands over a reset code in person.
"""

import secrets

import frappe
from community_governance import personal_data, scope, sms
from community_governance.accounts import grant_role, insert_verified_user
from community_governance.utils.phone import is_mobile, normalize_phone
from community_governance.utils.text import plain_text
from frappe import _
from frappe.utils import now_datetime
from frappe.utils.password import (
	get_decrypted_password,
	passlibctx,
	remove_encrypted_password,
	update_password,
)

REGISTRATION = "Resident Registration"
PENDING, APPROVED, REJECTED = "Awaiting Verification", "Approved", "Rejected"
RESIDENT_ROLE = "Resident"
# a placeholder address: the User needs an e-mail, the resident has none, nothing is ever sent to it
PLACEHOLDER_EMAIL_DOMAIN = "phone.invalid"
NAME_MAX_LENGTH = 60
PLACE_MAX_LENGTH = 20
MIN_PASSWORD_LENGTH = 8
VERIFIERS = scope.SEES_ALL_ROLES | scope.STAFF_ROLES | {scope.CAPTAIN_ROLE}

# one-time codes
CODE_VALID_SECONDS = 10 * 60
CODE_MAX_TRIES = 5
PHONE_CODE = "phone"  # proves a registration's number
RESET_CODE = "reset"  # sets a new password


# --- input ------------------------------------------------------------------------------------


def clean_text(value: str | None, label: str, max_length: int, *, required: bool = True) -> str:
	"""A person's words as plain text: markup dropped, trimmed, not empty, not too long."""
	text = " ".join(plain_text(value or "").split())
	if required and not text:
		frappe.throw(_("Please fill in {0}.").format(_(label)), title=_("Missing Information"))
	if len(text) > max_length:
		frappe.throw(
			_("{0} is too long: at most {1} characters.").format(_(label), max_length), title=_("Too Long")
		)
	return text


def clean_mobile(raw: str | None) -> str:
	mobile = normalize_phone(raw)
	if not is_mobile(mobile):
		frappe.throw(
			_("{0} is not a mobile number: please enter the 11 digits of your mobile.").format(
				frappe.bold(plain_text(raw or ""))
			),
			title=_("Invalid Mobile Number"),
		)
	return mobile


def check_building(building: str | None) -> None:
	if not building or not frappe.db.exists("Building", building):
		frappe.throw(
			_("Building {0} does not exist: please choose your building from the list.").format(
				frappe.bold(plain_text(building or ""))
			),
			frappe.DoesNotExistError,
			title=_("Unknown Building"),
		)


def check_number_free(mobile: str, registration: str | None = None) -> None:
	"""A number belongs to one login and one live registration."""
	if user_of_mobile(mobile):
		frappe.throw(
			_("The number {0} is already registered: please log in with it, or reset your password.").format(
				frappe.bold(mobile)
			),
			frappe.DuplicateEntryError,
			title=_("Number Already Registered"),
		)
	filters = {"live_mobile": mobile, "status": PENDING}
	if registration:
		filters["name"] = ("!=", registration)
	if frappe.db.exists(REGISTRATION, filters):
		frappe.throw(
			_(
				"The number {0} already has a registration waiting for verification by your building captain or grid worker."
			).format(frappe.bold(mobile)),
			frappe.DuplicateEntryError,
			title=_("Number Already Registered"),
		)


def check_password_strength(password: str | None) -> None:
	if not password or len(password) < MIN_PASSWORD_LENGTH:
		frappe.throw(
			_("Please choose a password of at least {0} characters.").format(MIN_PASSWORD_LENGTH),
			title=_("Password Too Short"),
		)
	from frappe.core.doctype.user.user import test_password_strength

	result = test_password_strength(password) or {}
	if result.get("feedback", {}).get("password_policy_validation_passed") is False:
		frappe.throw(
			_("This password is too easy to guess: please choose a longer one."), title=_("Weak Password")
		)


def user_of_mobile(mobile: str) -> str | None:
	return frappe.db.get_value("User", {"mobile_no": mobile}, "name")


# --- registering ------------------------------------------------------------------------------


def register(
	full_name: str, mobile: str, building: str, unit: str, room: str, password: str, consent: bool
) -> "frappe.model.document.Document":
	"""A pending registration (never a User nor a Resident); a code to the phone when SMS is set up."""
	if not consent:
		frappe.throw(_("Please read and accept the privacy notice to register."), title=_("Consent Needed"))
	check_password_strength(password)
	doc = frappe.get_doc(
		{
			"doctype": REGISTRATION,
			"full_name": full_name,
			"mobile": mobile,
			"building": building,
			"unit": unit,
			"room": room,
			"password": password,
			"privacy_notice_version": personal_data.notice_version(),
			"privacy_consent_on": now_datetime(),
			"language": frappe.local.lang,
		}
	)
	doc.insert(ignore_permissions=True)
	if sms.configured():
		send_code(PHONE_CODE, doc.mobile, _("Your code to join the community is {0}, valid for 10 minutes."))
	return doc


def confirm_phone(registration: str, mobile: str, code: str) -> None:
	"""The code sent to the registration's number, typed back: the phone is theirs."""
	doc = pending_registration(registration, mobile)
	check_code(PHONE_CODE, doc.mobile, code)
	frappe.db.set_value(REGISTRATION, doc.name, "phone_verified", 1)


def pending_registration(registration: str, mobile: str):
	"""The registration, when the caller knows both its name and its number (a Guest has no other
	way to show it is theirs)."""
	mobile = normalize_phone(mobile)
	found = frappe.db.get_value(
		REGISTRATION, {"name": registration, "mobile": mobile}, ["name", "status", "mobile"], as_dict=True
	)
	if not found:
		frappe.throw(_("No such registration."), frappe.DoesNotExistError, title=_("Not Found"))
	if found.status != PENDING:
		frappe.throw(_("This registration has already been decided."), title=_("Already Decided"))
	return found


def latest_registration(mobile: str | None) -> frappe._dict | None:
	"""The newest registration of a number that has no login yet."""
	mobile = normalize_phone(mobile)
	if not is_mobile(mobile) or user_of_mobile(mobile):
		return None
	latest = frappe.get_all(
		REGISTRATION,
		filters={"mobile": mobile},
		fields=["name", "status", "rejection_reason", "language"],
		order_by="creation desc",
		limit=1,
	)
	return latest[0] if latest else None


def status_message(found: frappe._dict | None) -> str | None:
	"""What a person whose registration is not approved is told when they try to log in."""
	if not found:
		return None
	if found.status == PENDING:
		return _(
			"Your registration is waiting for your building captain or grid worker to verify it. You can log in once it is approved."
		)
	if found.status == REJECTED:
		return _(
			"Your registration was not approved: {0}. Please contact your building captain or grid worker."
		).format(found.rejection_reason or _("no reason given"))
	return None


# --- verifying --------------------------------------------------------------------------------


def locked_for_decision(registration: str):
	"""The registration, row-locked, when the session user may decide it: a verifier whose
	buildings or grids hold it (403 otherwise), and it is still pending."""
	if not VERIFIERS & set(frappe.get_roles()) and frappe.session.user != "Administrator":
		frappe.throw(
			_("Only building captains and grid workers verify registrations."), frappe.PermissionError
		)
	if not frappe.db.exists(REGISTRATION, registration):
		frappe.throw(
			_("Registration {0} not found.").format(frappe.bold(registration)), frappe.DoesNotExistError
		)
	doc = frappe.get_doc(REGISTRATION, registration, for_update=True)
	if not doc.has_permission("write"):
		frappe.throw(
			_("Registration {0} is for a building outside your responsibility.").format(
				frappe.bold(doc.name)
			),
			frappe.PermissionError,
		)
	if doc.status != PENDING:
		frappe.throw(
			_("Registration {0} has already been decided: {1}.").format(frappe.bold(doc.name), _(doc.status)),
			title=_("Already Decided"),
		)
	return doc


def suggest_residents(registration) -> list[dict]:
	"""Resident records without a login in the registration's building that may be this person:
	the same name, room or phone. Best matches first."""
	resident = frappe.qb.DocType("Resident")
	rows = (
		frappe.qb.from_(resident)
		.select(resident.name, resident.full_name, resident.unit, resident.room, resident.phone)
		.where(
			(resident.building == registration.building)
			& (resident.status == personal_data.ACTIVE)
			& (resident.user.isnull() | (resident.user == ""))
			& (
				(resident.full_name == registration.full_name)
				| (resident.phone == registration.mobile)
				| ((resident.room == registration.room) & (resident.unit == registration.unit))
			)
		)
		.limit(20)
		.run(as_dict=True)
	)
	for row in rows:
		row["matches"] = [
			_(label)
			for label, same in (
				("Name", row.full_name == registration.full_name),
				("Room", (row.unit, row.room) == (registration.unit, registration.room)),
				("Phone", row.phone == registration.mobile),
			)
			if same
		]
		row.pop("phone")  # what matched is enough: the number stays at its permission level
	return sorted(rows, key=lambda row: -len(row["matches"]))


def approve(registration: str, resident: str | None = None) -> dict:
	"""Create the login, link it to the resident (the matched record or a new one), tell them."""
	doc = locked_for_decision(registration)
	check_number_free(doc.mobile, doc.name)
	resident_doc = matched_resident(doc, resident) if resident else new_resident(doc)
	user = create_user(doc)
	resident_doc.user = user
	if not resident_doc.phone:
		resident_doc.phone = doc.mobile
	if doc.privacy_notice_version == personal_data.notice_version():
		resident_doc.privacy_notice_version = doc.privacy_notice_version
		resident_doc.privacy_consent_on = doc.privacy_consent_on
	resident_doc.flags.ignore_permissions = True  # the verifier may not write level-1 fields
	resident_doc.save()
	grant_role(user, RESIDENT_ROLE)
	doc.update(
		{
			"status": APPROVED,
			"resident": resident_doc.name,
			"user": user,
			"verified_by": frappe.session.user,
			"verified_on": now_datetime(),
		}
	)
	doc.flags.ignore_permissions = True
	doc.save()
	remove_encrypted_password(REGISTRATION, doc.name)
	tell(
		doc.mobile,
		_("Your registration is approved: log in with your mobile number {0} and your password.").format(
			doc.mobile
		),
	)
	return {"registration": doc.name, "resident": resident_doc.name, "user": user}


def reject(registration: str, reason: str) -> dict:
	doc = locked_for_decision(registration)
	reason = clean_text(reason, "Reason for Rejection", 200)
	doc.update(
		{
			"status": REJECTED,
			"rejection_reason": reason,
			"verified_by": frappe.session.user,
			"verified_on": now_datetime(),
		}
	)
	doc.flags.ignore_permissions = True
	doc.save()
	remove_encrypted_password(REGISTRATION, doc.name)
	tell(doc.mobile, _("Your registration was not approved: {0}.").format(reason))
	return {"registration": doc.name, "status": REJECTED}


def matched_resident(registration, resident: str):
	if not frappe.db.exists("Resident", resident):
		frappe.throw(_("Resident {0} not found.").format(frappe.bold(resident)), frappe.DoesNotExistError)
	doc = frappe.get_doc("Resident", resident)
	if not doc.has_permission("write") or doc.building != registration.building:
		frappe.throw(
			_("Resident {0} does not live in the registration's building.").format(
				frappe.bold(doc.full_name)
			),
			frappe.PermissionError,
		)
	if doc.user:
		frappe.throw(
			_("Resident {0} already has a login.").format(frappe.bold(doc.full_name)),
			title=_("Already Linked"),
		)
	return doc


def new_resident(registration):
	return frappe.get_doc(
		{
			"doctype": "Resident",
			"full_name": registration.full_name,
			"building": registration.building,
			"unit": registration.unit or None,
			"room": registration.room,
			"phone": registration.mobile,
		}
	)


def create_user(registration) -> str:
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": f"{registration.mobile}@{PLACEHOLDER_EMAIL_DOMAIN}",
			"first_name": registration.full_name,
			"mobile_no": registration.mobile,
			"user_type": "Website User",
			"send_welcome_email": 0,
			"language": registration.language or None,
		}
	)
	user.flags.no_welcome_mail = True
	insert_verified_user(user)
	password = get_decrypted_password(REGISTRATION, registration.name, "password", raise_exception=False)
	if password:
		update_password(user.name, password)
	return user.name


# --- SMS and one-time codes -------------------------------------------------------------------


def tell(mobile: str, message: str) -> None:
	"""An SMS where the site can send one; otherwise the resident learns it on their next login."""
	sms.send([mobile], message)


def _code_keys(purpose: str, mobile: str) -> tuple[bytes, bytes]:
	"""The site's cache keys of a number's code and of the tries at it."""
	name = f"community_governance:code:{purpose}:{mobile}"
	return frappe.cache.make_key(name), frappe.cache.make_key(f"{name}:tries")


def new_code(purpose: str, mobile: str) -> str:
	"""A fresh six-digit code for the number, stored hashed for 10 minutes with no tries used."""
	code = f"{secrets.randbelow(10**6):06d}"
	key, tries_key = _code_keys(purpose, mobile)
	frappe.cache.setex(key, CODE_VALID_SECONDS, passlibctx.hash(code))
	frappe.cache.delete(tries_key)
	return code


def send_code(purpose: str, mobile: str, message: str) -> None:
	sms.send([mobile], message.format(new_code(purpose, mobile)))


def check_code(purpose: str, mobile: str, code: str | None) -> None:
	"""The code is right, within 10 minutes and 5 tries; it is used up once it matches. Tries are
	counted by Redis' own increment, so tries arriving together each count."""
	key, tries_key = _code_keys(purpose, mobile)
	tries = frappe.cache.incrby(tries_key, 1)
	frappe.cache.expire(tries_key, CODE_VALID_SECONDS)
	stored = frappe.cache.get(key)
	if not stored:
		frappe.throw(_("The code has expired: please ask for a new one."), title=_("Code Expired"))
	if tries > CODE_MAX_TRIES:
		frappe.cache.delete(key)
		frappe.throw(_("Too many wrong codes: please ask for a new one."), title=_("Code Blocked"))
	if not code or not passlibctx.verify(str(code).strip(), frappe.safe_decode(stored)):
		frappe.throw(
			_("The code is wrong: {0} tries left.").format(CODE_MAX_TRIES - tries), title=_("Wrong Code")
		)
	frappe.cache.delete(key, tries_key)


# --- forgotten passwords ------------------------------------------------------------------------


def resident_user_of(mobile: str) -> str | None:
	"""The login of a resident with this number (staff reset theirs the usual way)."""
	user = user_of_mobile(mobile)
	if user and frappe.db.exists("Resident", {"user": user}):
		return user
	return None


def send_reset_code(mobile: str) -> None:
	"""A code by SMS to a resident's number; the same answer whether or not the number is theirs."""
	if not sms.configured():
		frappe.throw(
			_("This site cannot send SMS: please ask your grid worker for a reset code."), title=_("No SMS")
		)
	mobile = clean_mobile(mobile)
	if resident_user_of(mobile):
		send_code(RESET_CODE, mobile, _("Your code to set a new password is {0}, valid for 10 minutes."))


def issue_reset_code(resident: str) -> dict:
	"""A grid worker's code for a resident of their grid, handed over in person."""
	if not scope.STAFF_ROLES & set(frappe.get_roles()) and not scope.get_scope().sees_all:
		frappe.throw(_("Only grid and community workers issue reset codes."), frappe.PermissionError)
	if not frappe.db.exists("Resident", resident):
		frappe.throw(_("Resident {0} not found.").format(frappe.bold(resident)), frappe.DoesNotExistError)
	doc = frappe.get_doc("Resident", resident)
	if not doc.has_permission("write"):
		frappe.throw(
			_("Resident {0} is outside your responsibility.").format(frappe.bold(doc.full_name)),
			frappe.PermissionError,
		)
	mobile = doc.user and frappe.db.get_value("User", doc.user, "mobile_no")
	if not mobile:
		frappe.throw(
			_("{0} has no login by mobile number.").format(frappe.bold(doc.full_name)), title=_("No Login")
		)
	personal_data.log_access(doc.name, "Issue Reset Code")
	return {"mobile": mobile, "code": new_code(RESET_CODE, mobile), "valid_minutes": CODE_VALID_SECONDS // 60}


def reset_password(mobile: str, code: str, new_password: str) -> None:
	mobile = clean_mobile(mobile)
	check_password_strength(new_password)
	check_code(RESET_CODE, mobile, code)
	user = resident_user_of(mobile)
	if not user:  # a code is only ever issued for a resident's login
		frappe.throw(_("The code is wrong."), title=_("Wrong Code"))
	update_password(user, new_password, logout_all_sessions=True)
