"""The clock deadlines run on, read from the settings: calendar hours, or working hours with the
working week, the daily hours and the holidays (ERPNext's Holiday List when ERPNext is installed
and one is named, otherwise the app's own Public Holiday list)."""

import frappe
from community_governance import sla
from frappe.utils import get_time, getdate

SETTINGS = "Community Governance Settings"
WORKING_HOURS = "Working Hours"
DEFAULT_WORKING_DAYS = "1,2,3,4,5"


def working_time() -> sla.WorkingTime | None:
	"""None for calendar hours."""
	settings = frappe.get_cached_doc(SETTINGS)
	if settings.sla_clock != WORKING_HOURS:
		return None
	return sla.WorkingTime(
		weekdays=sla.parse_weekdays(settings.working_days or DEFAULT_WORKING_DAYS),
		day_start=get_time(settings.work_day_start or "09:00:00"),
		day_end=get_time(settings.work_day_end or "18:00:00"),
		holidays=holidays(settings.holiday_list),
	)


def holidays(holiday_list: str | None = None) -> frozenset:
	if holiday_list and "erpnext" in frappe.get_installed_apps():
		days = frappe.get_all(
			"Holiday", filters={"parenttype": "Holiday List", "parent": holiday_list}, pluck="holiday_date"
		)
	else:
		days = frappe.get_all("Public Holiday", pluck="holiday_date")
	return frozenset(getdate(day) for day in days)
