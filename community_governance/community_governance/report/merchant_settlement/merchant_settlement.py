# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""What each caring merchant honoured, month by month: the redemptions handed over (fulfilled in
the month), the items, the points they were worth and the residents served — for the street's
thanks and its yearly "caring merchant" honours.

One grouped query over the redemptions of the merchants the viewer may see (the scope's condition
on Caring Merchant), so a community worker sees their community's shops only.
"""

from pypika.terms import LiteralValue

import frappe
from community_governance import scope
from community_governance.reports import report_period
from frappe import _
from frappe.query_builder.functions import Count, DateFormat, Sum
from frappe.utils import add_days, get_year_start, today

HONOURED_STATE = "Fulfilled"


def execute(filters: dict | None = None):
	filters = report_period(filters, default_from=get_year_start(today()))
	return get_columns(), settlement(filters)


def get_columns(filters: dict | None = None) -> list[dict]:
	return [
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 90},
		{
			"fieldname": "merchant",
			"label": _("Caring Merchant"),
			"fieldtype": "Link",
			"options": "Caring Merchant",
			"width": 110,
		},
		{"fieldname": "merchant_name", "label": _("Merchant Name"), "fieldtype": "Data", "width": 160},
		{"fieldname": "grid", "label": _("Grid"), "fieldtype": "Link", "options": "Grid", "width": 100},
		{"fieldname": "redemptions", "label": _("Redemptions Honoured"), "fieldtype": "Int", "width": 150},
		{"fieldname": "items", "label": _("Items Handed Over"), "fieldtype": "Int", "width": 130},
		{"fieldname": "points", "label": _("Points Value"), "fieldtype": "Int", "width": 110},
		{"fieldname": "residents", "label": _("Residents Served"), "fieldtype": "Int", "width": 130},
	]


def settlement(filters) -> list[dict]:
	redemption = frappe.qb.DocType("Reward Redemption")
	merchant = frappe.qb.DocType("Caring Merchant")
	month = DateFormat(redemption.fulfilled_on, "%Y-%m")
	query = (
		frappe.qb.from_(redemption)
		.join(merchant)
		.on(merchant.name == redemption.merchant)
		.select(
			month.as_("month"),
			merchant.name.as_("merchant"),
			merchant.merchant_name,
			merchant.grid,
			Count(redemption.name).as_("redemptions"),
			Sum(redemption.quantity).as_("items"),
			Sum(redemption.points).as_("points"),
			Count(redemption.resident).distinct().as_("residents"),
		)
		.where(
			(redemption.workflow_state == HONOURED_STATE)
			& (redemption.fulfilled_on >= filters.from_date)
			& (redemption.fulfilled_on < add_days(filters.to_date, 1))
		)
		.groupby(month, merchant.name, merchant.merchant_name, merchant.grid)
		.orderby(month)
		.orderby(merchant.merchant_name)
	)
	for fieldname in ("community", "grid"):
		if filters.get(fieldname):
			query = query.where(merchant[fieldname] == filters[fieldname])
	if filters.get("merchant"):
		query = query.where(merchant.name == filters.merchant)
	condition = scope.query_condition(frappe.session.user, "Caring Merchant")
	if condition:
		query = query.where(LiteralValue(condition))
	return [
		{**row, "items": int(row["items"] or 0), "points": int(row["points"] or 0)}
		for row in query.run(as_dict=True)
	]
