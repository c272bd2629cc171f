# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""One resident's points ledger, row by row with the running balance, like a bank statement.

Only for staff who may read the resident; the rows come through ``frappe.get_list``, so a viewer
never sees a ledger row outside their scope either.
"""

import frappe
from community_governance.ledger import TOTALS, month_of
from frappe import _
from frappe.utils import cint, getdate

DOCTYPE = "Points Transaction"
TABLE = f"`tab{DOCTYPE}`"


def execute(filters: dict | None = None):
	filters = normalised(filters)
	opening = opening_balance(filters)
	rows = get_data(filters, opening)
	return get_columns(), rows, None, None, get_summary(opening, rows)


def normalised(filters: dict | None) -> frappe._dict:
	filters = frappe._dict(filters or {})
	if not filters.get("resident"):
		frappe.throw(_("Choose a resident."), title=_("Resident Missing"))
	if not frappe.has_permission("Resident", "read", doc=filters.resident):
		frappe.throw(
			_("You cannot see the points of {0}.").format(frappe.bold(filters.resident)),
			frappe.PermissionError,
		)
	filters.from_date = getdate(filters.from_date) if filters.get("from_date") else None
	filters.to_date = getdate(filters.to_date) if filters.get("to_date") else None
	if filters.from_date and filters.to_date and filters.from_date > filters.to_date:
		frappe.throw(_("The From Date must not be after the To Date."), title=_("Invalid Period"))
	return filters


def get_columns() -> list[dict]:
	return [
		{"fieldname": "posting_date", "label": _("Posting Date"), "fieldtype": "Date", "width": 110},
		{"fieldname": "kind", "label": _("Kind"), "fieldtype": "Data", "width": 90},
		{"fieldname": "section", "label": _("Section"), "fieldtype": "Data", "width": 140},
		# plain text, not a Link to DocType: the report applies the viewer's permissions to every
		# linked DocType, and staff may not read DocTypes
		{"fieldname": "source_doctype", "label": _("Source Type"), "fieldtype": "Data", "width": 140},
		{
			"fieldname": "source_name",
			"label": _("Source"),
			"fieldtype": "Dynamic Link",
			"options": "source_doctype",
			"width": 160,
		},
		{"fieldname": "remark", "label": _("Remark"), "fieldtype": "Data", "width": 220},
		{"fieldname": "points", "label": _("Points"), "fieldtype": "Int", "width": 80},
		{"fieldname": "balance", "label": _("Balance"), "fieldtype": "Int", "width": 90},
		{
			"fieldname": "transaction",
			"label": _("Points Transaction"),
			"fieldtype": "Link",
			"options": DOCTYPE,
			"width": 160,
		},
	]


def ledger_filters(filters, before_period: bool = False) -> list:
	conditions = [[DOCTYPE, "resident", "=", filters.resident], [DOCTYPE, "docstatus", "=", 1]]
	if before_period:
		conditions.append([DOCTYPE, "posting_date", "<", filters.from_date])
		return conditions
	if filters.from_date:
		conditions.append([DOCTYPE, "posting_date", ">=", filters.from_date])
	if filters.to_date:
		conditions.append([DOCTYPE, "posting_date", "<=", filters.to_date])
	return conditions


def opening_balance(filters) -> int | None:
	"""What the resident had before the period: only asked for when the period has a start. The
	whole months before it come from the monthly totals the ledger keeps, the rest of its first
	month from the rows."""
	if not filters.from_date:
		return None
	first_of_month = month_of(filters.from_date)
	months = frappe.get_list(
		TOTALS,
		filters=[[TOTALS, "resident", "=", filters.resident], [TOTALS, "month", "<", first_of_month]],
		fields=[f"sum(`tab{TOTALS}`.`net_points`) as points"],
		order_by=None,
		limit_page_length=0,
	)
	days = frappe.get_list(
		DOCTYPE,
		filters=[
			*ledger_filters(filters, before_period=True),
			[DOCTYPE, "posting_date", ">=", first_of_month],
		],
		fields=[f"sum({TABLE}.`points`) as points"],
		order_by=None,
		limit_page_length=0,
	)
	return sum(cint(total[0].points) if total else 0 for total in (months, days))


def get_data(filters, opening: int | None) -> list[dict]:
	transactions = frappe.get_list(
		DOCTYPE,
		filters=ledger_filters(filters),
		fields=[
			"name",
			"posting_date",
			"kind",
			"section",
			"source_doctype",
			"source_name",
			"remark",
			"points",
		],
		# the order the balance moved in within a day: rows are written one after another
		order_by=f"{TABLE}.`posting_date` asc, {TABLE}.`creation` asc, {TABLE}.`name` asc",
		limit_page_length=0,
	)
	rows = []
	balance = opening or 0
	if opening is not None:
		rows.append(
			{
				"posting_date": filters.from_date,
				"remark": _("Opening Balance"),
				"balance": opening,
				"is_opening": 1,
			}
		)
	for row in transactions:
		balance += row.points
		rows.append(
			{
				"posting_date": row.posting_date,
				"kind": _(row.kind),
				"section": _(row.section) if row.section else None,
				"source_doctype": row.source_doctype,
				"source_name": row.source_name,
				"remark": row.remark,
				"points": row.points,
				"balance": balance,
				"transaction": row.name,
			}
		)
	return rows


def get_summary(opening: int | None, rows: list[dict]) -> list[dict]:
	moved = [row["points"] for row in rows if not row.get("is_opening")]
	closing = rows[-1]["balance"] if rows else 0
	summary = [
		{
			"label": _("Points In"),
			"value": sum(points for points in moved if points > 0),
			"datatype": "Int",
			"indicator": "Green",
		},
		{
			"label": _("Points Out"),
			"value": -sum(points for points in moved if points < 0),
			"datatype": "Int",
			"indicator": "Red",
		},
		{"label": _("Closing Balance"), "value": closing, "datatype": "Int", "indicator": "Blue"},
	]
	if opening is not None:
		summary.insert(
			0, {"label": _("Opening Balance"), "value": opening, "datatype": "Int", "indicator": "Grey"}
		)
	return summary
