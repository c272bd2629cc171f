"""Install, migrate and uninstall: what the framework does not do by itself."""

import frappe
from community_governance.workflow_setup import remove_workflows, sync_workflows

APP_ROLES = (
	"Street Office Admin",
	"Community Worker",
	"Grid Worker",
	"Building Captain",
	"Mediator",
	"Volunteer",
	"Resident",
	"Caring Merchant",
	"Contributor",
)

SETTINGS_DEFAULTS = {
	"default_monthly_allowance": 150,
	"default_response_hours": 24,
	"default_resolution_hours": 72,
	"satisfied_rating": 3,
	"max_photo_size_mb": 5,
	"patrol_reminder_hour": 18,
	"captain_duties": "日巡查、日报告、日处理、闭环办结",
	"matter_support_needed": 5,
	"default_quorum_percent": 50,
	"default_passing_threshold": 50,
	"low_evaluation_score": 3,
	"privacy_notice_version": "2026-1",
	"personal_data_retention_months": 24,
	"sla_clock": "Calendar Hours",
	"working_days": "1,2,3,4,5",
	"work_day_start": "09:00:00",
	"work_day_end": "18:00:00",
	"redemption_code_valid_days": 30,
	"counter_lookups_per_hour": 60,
}
WORKING_DAY_FIELDS = ("work_day_start", "work_day_end")


# Staff register grids, buildings and residents in bulk with Frappe's own Data Import.
DATA_IMPORT_ROLES = ("Street Office Admin", "Community Worker")


def after_install():
	store_working_day()
	after_migrate()
	hide_error_tracebacks()
	allow_login_by_mobile_number()


def after_migrate():
	set_settings_defaults()
	allow_data_import()
	sync_workflows()
	add_unique_keys()


def hide_error_tracebacks():
	"""Frappe ships with System Settings > Show Full Error on, so every error response carries the
	server's Python traceback. Residents and staff need the message, not the code: turn it off once,
	on install (and by a patch on sites that had the app before). Not on migrate, so an administrator
	who turns it back on to debug keeps it on."""
	frappe.db.set_single_value("System Settings", "allow_error_traceback", 0)


def allow_login_by_mobile_number():
	"""Residents join by phone and log in with their mobile number as user name (System Settings >
	Allow Login using Mobile Number): on install, and by a patch on sites that had the app before."""
	frappe.db.set_single_value("System Settings", "allow_login_using_mobile_number", 1)


# Guards the database keeps even when two writers race: (DocType, constraint, columns)
UNIQUE_KEYS = (
	# one escalation per request, breach and missed deadline, even if the job runs twice at once
	("Service Request Escalation", "unique_escalation", ("parent", "breach", "missed_due")),
	# a source pays (or reverses) a resident at most once
	("Points Transaction", "unique_source_award", ("source_doctype", "source_name", "resident", "kind")),
	# one patrol log per captain, building and day
	("Patrol Log", "unique_daily_patrol", ("captain", "building", "patrol_date")),
)


def add_unique_keys():
	for doctype, constraint, columns in UNIQUE_KEYS:
		ensure_unique_key(doctype, constraint, columns)


def ensure_unique_key(doctype: str, constraint: str, columns: tuple):
	# frappe.db.add_unique looks the constraint up in every database on the server, not this site's
	exists = frappe.db.sql(
		"""select 1 from information_schema.table_constraints
		where table_schema = database() and table_name = %s and constraint_name = %s""",
		(f"tab{doctype}", constraint),
	)
	if not exists:
		column_list = ", ".join(f"`{column}`" for column in columns)
		frappe.db.sql_ddl(f"alter table `tab{doctype}` add unique `{constraint}` ({column_list})")


def store_working_day():
	"""Before the app's install hook, Frappe saves every new Single once with its defaults, but fills
	each Time field with the current time whatever its default: replace that install moment with the
	documented working day."""
	frappe.db.set_single_value(
		"Community Governance Settings", {field: SETTINGS_DEFAULTS[field] for field in WORKING_DAY_FIELDS}
	)


def set_settings_defaults():
	"""Store the documented defaults once, so reports and controllers read real values. What is stored
	is read from the database, not from a loaded document (a loaded Single shows the current time in
	a Time field that was never stored)."""
	stored = frappe.db.get_singles_dict("Community Governance Settings")
	missing = {key: value for key, value in SETTINGS_DEFAULTS.items() if stored.get(key) is None}
	if missing:
		settings = frappe.get_single("Community Governance Settings")
		settings.update(missing)
		settings.flags.ignore_permissions = True
		settings.save()


def allow_data_import():
	from frappe.permissions import add_permission, update_permission_property

	for role in DATA_IMPORT_ROLES:
		if frappe.db.exists("Custom DocPerm", {"parent": "Data Import", "role": role}):
			continue
		add_permission("Data Import", role)
		for right in ("create", "write"):
			update_permission_property("Data Import", role, 0, right, 1)


def before_uninstall():
	"""Remove what is not owned by the module and would outlive it: workflows and roles."""
	remove_workflows()
	has_role = frappe.qb.DocType("Has Role")
	frappe.qb.from_(has_role).delete().where(has_role.role.isin(APP_ROLES)).run()
	for doctype in ("Custom DocPerm", "DocPerm"):
		table = frappe.qb.DocType(doctype)
		frappe.qb.from_(table).delete().where(table.role.isin(APP_ROLES)).run()
	for role in APP_ROLES:
		frappe.delete_doc("Role", role, force=True, ignore_missing=True, ignore_permissions=True)
	restore_standard_permissions("Data Import")
	# removing a Single DocType keeps its stored values
	frappe.db.delete("Singles", {"doctype": "Community Governance Settings"})
	frappe.clear_cache()


def restore_standard_permissions(doctype: str):
	"""Adding our roles copied the standard rules into Custom DocPerm; if nobody changed them
	since, drop the copies so the DocType is back on its shipped permissions."""
	from frappe.permissions import reset_perms

	rights = ("role", "permlevel", "if_owner", "read", "write", "create", "delete", "submit", "cancel")
	custom = {
		tuple(row) for row in frappe.get_all("Custom DocPerm", {"parent": doctype}, rights, as_list=True)
	}
	standard = {tuple(row) for row in frappe.get_all("DocPerm", {"parent": doctype}, rights, as_list=True)}
	if custom and custom == standard:
		reset_perms(doctype)
