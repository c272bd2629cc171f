# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""The month's allowance sheet: each captain who served in the month, prorated by days served."""

import frappe
from community_governance.utils.periods import month_bounds, overlap_days, prorated_allowance
from frappe import _
from frappe.utils import cint, flt, getdate


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	today = getdate()
	year = cint(filters.get("year")) or today.year
	month = cint(filters.get("month")) or today.month
	if not 1 <= month <= 12:
		frappe.throw(_("A month is a number from 1 to 12."), title=_("Invalid Month"))
	return get_columns(), get_data(year, month)


def get_columns() -> list[dict]:
	return [
		{
			"fieldname": "captain",
			"label": _("Building Captain"),
			"fieldtype": "Link",
			"options": "Building Captain",
			"width": 120,
		},
		{"fieldname": "captain_name", "label": _("Captain Name"), "fieldtype": "Data", "width": 120},
		{"fieldname": "public_phone", "label": _("Public Phone"), "fieldtype": "Data", "width": 120},
		{"fieldname": "term_start", "label": _("Term Start"), "fieldtype": "Date", "width": 100},
		{"fieldname": "term_end", "label": _("Term End"), "fieldtype": "Date", "width": 100},
		{"fieldname": "days_served", "label": _("Days Served"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "monthly_allowance",
			"label": _("Monthly Allowance"),
			"fieldtype": "Currency",
			"width": 120,
		},
		{"fieldname": "amount", "label": _("Amount"), "fieldtype": "Currency", "width": 110},
		{"fieldname": "signature", "label": _("Signature"), "fieldtype": "Data", "width": 120},
	]


def get_data(year: int, month: int) -> list[dict]:
	month_start, month_end = month_bounds(year, month)
	captains = frappe.get_list(
		"Building Captain",
		filters={"status": ("!=", "Inactive"), "term_start": ("<=", month_end)},
		fields=["name", "captain_name", "public_phone", "term_start", "term_end", "monthly_allowance"],
		order_by="captain_name asc",
		limit_page_length=0,
	)
	rows = []
	for captain in captains:
		term_end = getdate(captain.term_end) if captain.term_end else None
		days = overlap_days(getdate(captain.term_start), term_end, month_start, month_end)
		if not days:
			continue
		rows.append(
			{
				"captain": captain.name,
				"captain_name": captain.captain_name,
				"public_phone": captain.public_phone,
				"term_start": captain.term_start,
				"term_end": captain.term_end,
				"monthly_allowance": captain.monthly_allowance,
				"days_served": days,
				"amount": prorated_allowance(
					flt(captain.monthly_allowance), getdate(captain.term_start), term_end, year, month
				),
				"signature": "",
			}
		)
	if rows:
		rows.append({"captain_name": _("Total"), "amount": round(sum(row["amount"] for row in rows), 2)})
	return rows
