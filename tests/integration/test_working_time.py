"""Deadlines on working time: the settings, the holidays (the app's own list, or ERPNext's Holiday
List when ERPNext is installed) and a holiday added after filing."""

from datetime import datetime, time, timedelta

import pytest

import frappe
from community_governance import install
from community_governance.api import service_request as api
from community_governance.patches import working_day_defaults
from frappe import installer
from frappe.utils import add_days, get_datetime, get_time, getdate, today
from tests.integration.test_service_requests import file_request, run_as

SETTINGS = "Community Governance Settings"
DOCTYPE = "Service Request"
# every day, all day: working time that behaves like the calendar except for holidays, so the
# deadlines do not depend on the hour the test runs
ALL_WEEK = {"working_days": "1,2,3,4,5,6,7", "work_day_start": "00:00:00", "work_day_end": "23:59:59"}


@pytest.fixture
def working_hours():
	settings = frappe.get_single(SETTINGS)
	settings.update({"sla_clock": "Working Hours", **ALL_WEEK})
	settings.save()
	yield settings
	frappe.db.rollback()
	frappe.clear_document_cache(SETTINGS, SETTINGS)


def holiday(day):
	frappe.get_doc({"doctype": "Public Holiday", "holiday_date": day, "description": "Test holiday"}).insert()


def due(name, field="response_due"):
	return get_datetime(frappe.db.get_value(DOCTYPE, name, field))


def test_a_request_filed_on_a_holiday_is_due_after_it(world, working_hours):
	holiday(today())
	doc = file_request(world)
	tomorrow = datetime.combine(getdate(add_days(today(), 1)), time(0))
	assert get_datetime(doc.response_due) == tomorrow + timedelta(hours=4)  # the category's 4 hours
	assert get_datetime(doc.response_due_from_filing) == tomorrow + timedelta(hours=4)
	assert get_datetime(doc.resolution_due) > tomorrow + timedelta(hours=47)


def test_a_holiday_added_after_filing_does_not_move_the_deadline_given(world, working_hours):
	name = file_request(world).name
	given = due(name), due(name, "resolution_due_from_filing")
	frappe.set_user("Administrator")
	holiday(today())
	holiday(add_days(today(), 1))
	run_as(world, "captain1", api.dispatch, name, world.users["cw1"])
	assert (due(name), due(name, "resolution_due_from_filing")) == given
	# a request filed after the holiday was added counts around it
	later = file_request(world)
	assert get_datetime(later.response_due).date() > getdate(add_days(today(), 1))


def test_calendar_hours_ignore_holidays(world):
	frappe.get_single(SETTINGS).db_set("sla_clock", "Calendar Hours")
	frappe.clear_document_cache(SETTINGS, SETTINGS)
	holiday(today())
	doc = file_request(world)
	assert get_datetime(doc.response_due) - get_datetime(doc.creation) == timedelta(hours=4)
	frappe.db.rollback()
	frappe.clear_document_cache(SETTINGS, SETTINGS)


@pytest.mark.parametrize(
	"values, message",
	[
		({"working_days": "Mon-Fri"}, "day numbers"),
		({"working_days": "0,8"}, "day numbers"),
		({"sla_clock": "Working Hours", "working_days": " "}, "at least one working day"),
		(
			{"sla_clock": "Working Hours", "work_day_start": "18:00:00", "work_day_end": "09:00:00"},
			"end after",
		),
	],
)
def test_settings_refuse_a_working_week_without_hours(world, values, message):
	settings = frappe.get_single(SETTINGS)
	settings.update(values)
	with pytest.raises(frappe.ValidationError, match=message):
		settings.save()
	frappe.db.rollback()
	frappe.clear_document_cache(SETTINGS, SETTINGS)


@pytest.mark.erpnext
def test_erpnext_holiday_list_is_used_when_named(world, working_hours):
	if "erpnext" not in frappe.get_installed_apps():
		pytest.skip("ERPNext is not installed on this site")
	name = f"CG Test Holidays {frappe.generate_hash(length=6)}"
	frappe.get_doc(
		{
			"doctype": "Holiday List",
			"holiday_list_name": name,
			"from_date": add_days(today(), -30),
			"to_date": add_days(today(), 30),
			"holidays": [{"holiday_date": today(), "description": "Test holiday"}],
		}
	).insert()
	working_hours.holiday_list = name
	working_hours.save()
	doc = file_request(world)
	tomorrow = datetime.combine(getdate(add_days(today(), 1)), time(0))
	assert get_datetime(doc.response_due) == tomorrow + timedelta(hours=4)


def test_a_fresh_site_stores_the_documented_working_day(world):
	"""Frappe saves a new Single with the current time in its Time fields before the app's install
	hook: the install must store 09:00 to 18:00, not the install moment twice."""
	frappe.db.delete("Singles", {"doctype": SETTINGS})
	installer.init_singles()
	frappe.clear_document_cache(SETTINGS, SETTINGS)
	try:
		install.store_working_day()
		install.set_settings_defaults()
		stored = frappe.db.get_singles_dict(SETTINGS)
		assert (get_time(stored.work_day_start), get_time(stored.work_day_end)) == (time(9), time(18))
	finally:
		frappe.db.rollback()
		frappe.clear_document_cache(SETTINGS, SETTINGS)


def test_the_patch_gives_a_site_holding_the_install_moment_its_working_day(world):
	frappe.db.set_single_value(SETTINGS, {"work_day_start": "17:55:34", "work_day_end": "17:55:34"})
	try:
		working_day_defaults.execute()
		stored = frappe.db.get_singles_dict(SETTINGS)
		assert (get_time(stored.work_day_start), get_time(stored.work_day_end)) == (time(9), time(18))
		frappe.db.set_single_value(SETTINGS, {"work_day_start": "08:30:00", "work_day_end": "17:30:00"})
		working_day_defaults.execute()
		stored = frappe.db.get_singles_dict(SETTINGS)
		assert (get_time(stored.work_day_start), get_time(stored.work_day_end)) == (time(8, 30), time(17, 30))
	finally:
		frappe.db.rollback()
		frappe.clear_document_cache(SETTINGS, SETTINGS)
