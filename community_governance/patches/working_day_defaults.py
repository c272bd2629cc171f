import frappe
from frappe.utils import get_time

SETTINGS = "Community Governance Settings"


def execute():
	"""Sites installed before the app stored its working day hold the install moment as both its start
	and its end (Frappe fills a new Single's Time fields with the current time): give them the
	documented 09:00 to 18:00. A working day an administrator set (end after start) is kept."""
	stored = frappe.db.get_singles_dict(SETTINGS)
	start, end = stored.get("work_day_start"), stored.get("work_day_end")
	if start is None or end is None or get_time(end) <= get_time(start):
		frappe.db.set_single_value(SETTINGS, {"work_day_start": "09:00:00", "work_day_end": "18:00:00"})
