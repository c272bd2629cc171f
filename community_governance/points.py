"""Where the rest of the app earns volunteers their points (through the ledger)."""

import frappe
from community_governance import ledger

VOLUNTEER_ROLE = "Volunteer"


def award_for_closed_request(request) -> None:
	"""A volunteer who resolved ``request`` to the resident's satisfaction earns the category's points
	in the category's section. Paid once: the ledger refuses a second award for the same request."""
	if (
		request.points_awarded
		or not request.handler
		or VOLUNTEER_ROLE not in frappe.get_roles(request.handler)
	):
		return
	volunteer = frappe.db.get_value("Resident", {"user": request.handler}, "name")
	section, points = frappe.db.get_value(
		"Service Request Category", request.category, ["points_section", "volunteer_points"]
	)
	if not volunteer or not points:
		return
	ledger.post(volunteer, points, "Earn", section=section, source=request, remark=request.subject)
	request.db_set("points_awarded", 1, update_modified=False)
