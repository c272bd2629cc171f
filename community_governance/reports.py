"""What the app's script reports share: reading their period filters the same way."""

import frappe
from frappe import _
from frappe.utils import getdate, today


def report_period(filters: dict | None, default_from) -> frappe._dict:
	"""The report's filters with From Date (default ``default_from``) and To Date (default today) as
	dates, refusing a period that ends before it starts."""
	filters = frappe._dict(filters or {})
	filters.from_date = getdate(filters.get("from_date") or default_from)
	filters.to_date = getdate(filters.get("to_date") or today())
	if filters.from_date > filters.to_date:
		frappe.throw(_("The From Date must not be after the To Date."), title=_("Invalid Period"))
	return filters
