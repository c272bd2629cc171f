"""Residents' personal data, minimum necessary (China's Personal Information Protection Law).

The fields themselves are guarded by Frappe's permission levels on Resident (see the README's
matrix): level 1 holds the personal fields (phone, date of birth, household, the care tags), level 2
what door-to-door work needs (the masked phone, whether the household is on the visit round). This
module holds what the levels cannot: the derived level-2 fields, the trail of who looked, consent to
the privacy notice and the anonymisation of residents who left.
"""

import re

import frappe
from community_governance import care, scope
from community_governance.utils.phone import mask_phone
from frappe import _
from frappe.core.doctype.access_log.access_log import make_access_log
from frappe.utils import add_months, getdate, now_datetime, nowdate

RESIDENT = "Resident"
PERSONAL_FIELDS = ("phone", "date_of_birth", "household", *care.CARE_TAGS)
# what a building captain sees instead, kept by the controller
DOOR_TO_DOOR_FIELDS = ("phone_masked", "needs_visit")
PERSONAL_LEVEL = 1
DOOR_TO_DOOR_LEVEL = 2
# records whose prints and exports carry residents' personal data (the plan shows its resident's
# phone to the visitor, a mediation case its parties' contacts, a party organisation its members)
PERSONAL_DOCTYPES = (RESIDENT, "Care Visit Plan", "Mediation Case", "Party Organisation")

# how each access is named in the Access Log's method (Frappe's own exports say "Export"/"Print")
REVEAL_PHONE = "Reveal Phone"
VIEW_MY_DATA = "View Own Data"
ACTIVE = "Active"


# --- the derived door-to-door fields ------------------------------------------------------------


def set_door_to_door_fields(resident) -> None:
	resident.phone_masked = mask_phone(resident.phone)
	resident.needs_visit = 1 if care.is_care_tagged(resident) else 0


def may_read_personal_fields(user: str | None = None) -> bool:
	"""Whether the user's roles open the personal level of Resident (an admin may change which do
	in Role Permissions Manager)."""
	user = user or frappe.session.user
	if user == "Administrator":
		return True
	return PERSONAL_LEVEL in frappe.get_meta(RESIDENT).get_permlevel_access("read", user=user)


# --- filters as an oracle ------------------------------------------------------------------------

# the list arguments of a request (REST v1 and v2, frappe.client, the report view, exports, counts)
LIST_ARGUMENTS = ("filters", "or_filters", "order_by", "group_by")
PERSONAL_FIELD_NAMED = re.compile(r"\b(?:{})\b".format("|".join(PERSONAL_FIELDS)))


def resident_query_condition(user: str | None = None, doctype: str | None = None) -> str:
	"""Resident's ``permission_query_conditions``: the scope, and nothing at all when a user who may
	not read the personal fields filters or sorts by one. Frappe 15.44 drops such fields from what a
	list returns but still filters by them, so ``has_disability=1`` would tell who is disabled."""
	if filters_by_personal_fields(user):
		return scope.NOTHING
	return scope.query_condition(user, doctype)


# the tables of a party organisation that say who is a party member (permission level 1)
PARTY_MEMBERSHIP_NAMED = re.compile(
	r"Party Organisation Member|Party Household Care|\bmembers\.|\bcentral_households\."
)


def party_organisation_query_condition(user: str | None = None, doctype: str | None = None) -> str:
	"""Party Organisation's ``permission_query_conditions``: the scope, and nothing at all when a
	user who may not read the members filters or sorts by them (which organisation a resident's
	filter returns would tell whether they are a party member)."""
	form = getattr(frappe.local, "form_dict", None) or {}
	named = " ".join(str(form.get(argument) or "") for argument in LIST_ARGUMENTS)
	if PARTY_MEMBERSHIP_NAMED.search(named) and not scope.may_read_table(
		"Party Organisation", "Party Organisation Member", user
	):
		return scope.NOTHING
	return scope.query_condition(user, doctype)


def filters_by_personal_fields(user: str | None = None) -> bool:
	form = getattr(frappe.local, "form_dict", None) or {}
	named = " ".join(str(form.get(argument) or "") for argument in LIST_ARGUMENTS)
	return bool(PERSONAL_FIELD_NAMED.search(named)) and not may_read_personal_fields(user)


# --- the trail ------------------------------------------------------------------------------------


def log_access(resident: str, method: str) -> None:
	"""One Access Log row: who (the session user) touched whose data (``resident``), how, when."""
	make_access_log(doctype=RESIDENT, document=resident, method=method)


def reveal_phone(resident: str) -> str | None:
	"""The full number of a resident the user may read, for a call; every reveal is logged."""
	if not resident or not frappe.db.exists(RESIDENT, resident):
		frappe.throw(_("Resident {0} not found.").format(frappe.bold(resident)), frappe.DoesNotExistError)
	doc = frappe.get_doc(RESIDENT, resident)
	if not doc.has_permission("read") or not (
		may_read_personal_fields() or DOOR_TO_DOOR_LEVEL in doc.meta.get_permlevel_access("read")
	):
		frappe.throw(_("You may not call this resident."), frappe.PermissionError)
	if not doc.phone:
		frappe.throw(_("{0} has no phone number on record.").format(frappe.bold(doc.full_name)))
	log_access(doc.name, REVEAL_PHONE)
	return doc.phone


# --- consent to the privacy notice --------------------------------------------------------------


def notice_version() -> str:
	return frappe.db.get_single_value("Community Governance Settings", "privacy_notice_version") or "1"


def has_consented(resident: str) -> bool:
	return frappe.db.get_value(RESIDENT, resident, "privacy_notice_version") == notice_version()


def record_consent(resident: str) -> dict:
	"""The resident accepts the current notice: its version and the time, on their record."""
	values = {"privacy_notice_version": notice_version(), "privacy_consent_on": now_datetime()}
	frappe.db.set_value(RESIDENT, resident, values)
	return values


# --- corrections ----------------------------------------------------------------------------------


def grid_worker_of(resident: str) -> str | None:
	"""Who answers for the resident's data: the responsible user of their grid, else of its
	community."""
	grid, community = frappe.db.get_value(RESIDENT, resident, ["grid", "community"])
	for node in (grid, community):
		user = node and frappe.db.get_value("Grid", node, "responsible_user")
		if user:
			return user
	return None


def request_correction(resident: str, what: str) -> str:
	"""A ToDo for the grid worker: the resident says their data is wrong and how."""
	worker = grid_worker_of(resident)
	if not worker:
		frappe.throw(_("Your grid has no grid worker yet: please ask at the community office."))
	todo = frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": worker,
			"reference_type": RESIDENT,
			"reference_name": resident,
			"description": _("Correction asked by the resident: {0}").format(what),
			"priority": "Medium",
			"assigned_by": frappe.session.user,
		}
	).insert(ignore_permissions=True)
	return todo.name


# --- retention ------------------------------------------------------------------------------------


def retention_months() -> int:
	months = frappe.db.get_single_value("Community Governance Settings", "personal_data_retention_months")
	return int(months) if months and int(months) > 0 else 24


def residents_due_for_anonymisation(today=None) -> list[str]:
	"""Residents who left (moved out or died) more than the retention period ago and still carry
	personal data."""
	cutoff = add_months(getdate(today or nowdate()), -retention_months())
	resident = frappe.qb.DocType(RESIDENT)
	return (
		frappe.qb.from_(resident)
		.select(resident.name)
		.where(
			(resident.status != ACTIVE)
			& resident.left_on.isnotnull()
			& (resident.left_on <= cutoff)
			& resident.anonymised_on.isnull()
		)
		.run(pluck=True)
	)


def anonymise(resident: str, today=None) -> None:
	"""Clear what identifies the person; keep where they lived and what they were counted as, so the
	building's, grid's and community's statistics stay. The name becomes a placeholder."""
	values = {fieldname: None for fieldname in ("phone", "phone_masked", "date_of_birth", "household")}
	values.update({tag: 0 for tag in care.CARE_TAGS})
	values.update(
		{
			"full_name": _("Anonymised resident"),
			"needs_visit": 0,
			"room": None,
			"privacy_notice_version": None,
			"privacy_consent_on": None,
			"anonymised_on": getdate(today or nowdate()),
		}
	)
	# a direct write: the record is closed and its validation (phone, unit) has nothing left to judge
	frappe.db.set_value(RESIDENT, resident, values, update_modified=False)
	for doctype, link, copy in name_copies():
		table = frappe.qb.DocType(doctype)
		frappe.qb.update(table).set(table[copy], values["full_name"]).where(table[link] == resident).run()


def name_copies() -> list[tuple[str, str, str]]:
	"""(DocType, link to Resident, field) of every copy of a resident's name in the module: fields
	fetched from ``<link>.full_name``, and the care visit's copy of its plan's."""
	copies = [("Care Visit", "resident", "resident_name")]
	for doctype in frappe.get_all("DocType", filters={"module": "Community Governance"}, pluck="name"):
		meta = frappe.get_meta(doctype)
		links = {df.fieldname for df in meta.fields if df.fieldtype == "Link" and df.options == RESIDENT}
		for df in meta.fields:
			link, _dot, source = (df.fetch_from or "").partition(".")
			if link in links and source == "full_name":
				copies.append((doctype, link, df.fieldname))
	return copies


def anonymise_departed(today=None) -> list[str]:
	"""Daily job: anonymise every resident past the retention period. Running it again changes
	nothing."""
	names = residents_due_for_anonymisation(today)
	for name in names:
		anonymise(name, today)
	return names
