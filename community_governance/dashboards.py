"""What the workspace's number cards compute beyond a plain count or sum (read on the site's read
replica where it has one, see replica.py)."""

import frappe
from community_governance.community_governance.report.service_request_kpi import service_request_kpi
from frappe import _
from frappe.utils import get_first_day, today

KPI_REPORT = "Service Request KPI"
# a card shows a plain string as it is
NO_RATE = "–"


@frappe.whitelist()
@frappe.read_only()
def satisfaction_rate_this_month(filters=None) -> dict | str:  # the card sends its filters; it has none
	"""This month's satisfaction rate exactly as the KPI report states it with its default filters:
	satisfied among the rated requests filed since the first of the month, over the requests the
	user may see. A click on the card opens that report."""
	if not frappe.get_cached_doc("Report", KPI_REPORT).is_permitted():
		frappe.throw(_("You cannot see the Service Request KPI."), frappe.PermissionError)
	period = {"from_date": get_first_day(today()), "to_date": today()}
	data = service_request_kpi.execute(period)[1]
	rate = data[-1]["satisfaction_rate"] if data else None
	if rate is None:
		return NO_RATE  # nothing rated yet is no rate at all, not 0 %
	return {"value": rate, "fieldtype": "Percent", "route": ["query-report", KPI_REPORT]}
