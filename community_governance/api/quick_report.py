"""Quick reports (随手拍) from the phone: filing one, and a grid worker confirming it was real."""

import frappe
from community_governance import quick_report


@frappe.whitelist(methods=["POST"])
def file_quick_report(
	photo: str | None = None,
	note: str | None = None,
	category: str | None = None,
	building: str | None = None,
	latitude: float | None = None,
	longitude: float | None = None,
) -> dict:
	"""A photo, a note, and where: the phone's position or a building of the reporter's street."""
	name = quick_report.file(photo, note, category, building, latitude, longitude)
	return {"name": name, "building": frappe.db.get_value("Service Request", name, "building")}


@frappe.whitelist(methods=["POST"])
def mark_valid(request: str) -> dict:
	"""The grid's worker confirms the report was real: its reporter earns the reporting points."""
	return quick_report.mark_valid(request)
