# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""Who looked at whose personal data, when and how: for the street's admin.

One row per access, from Frappe's own trails: the Access Log (a reveal of a phone to call, a resident
reading their own data, and what Frappe logs itself: a print or PDF and a list export or Data Export
of residents' records) and the View Log (a resident's form opened on the desk).
"""

import frappe
from community_governance.personal_data import PERSONAL_DOCTYPES, RESIDENT, REVEAL_PHONE, VIEW_MY_DATA
from community_governance.reports import report_period
from frappe import _
from frappe.utils import add_days, add_months, today

VIEW = "View"


def execute(filters: dict | None = None):
	filters = report_period(filters, default_from=add_months(today(), -1))
	rows = sorted(access_rows(filters) + view_rows(filters), key=lambda row: row["timestamp"], reverse=True)
	add_names(rows)
	labels = how_labels()
	for row in rows:
		row["how"] = labels.get(row["how"], row["how"])
	return get_columns(), rows


def how_labels() -> dict[str, str]:
	return {
		REVEAL_PHONE: _("Reveal Phone"),
		VIEW_MY_DATA: _("View Own Data"),
		VIEW: _("View"),
		"Print": _("Print"),
		"Export": _("Export"),
	}


def get_columns() -> list[dict]:
	return [
		{"fieldname": "timestamp", "label": _("When"), "fieldtype": "Datetime", "width": 170},
		{"fieldname": "user", "label": _("User"), "fieldtype": "Link", "options": "User", "width": 200},
		{"fieldname": "how", "label": _("How"), "fieldtype": "Data", "width": 130},
		{"fieldname": "doctype", "label": _("Record Type"), "fieldtype": "Data", "width": 140},
		{
			"fieldname": "record",
			"label": _("Record"),
			"fieldtype": "Dynamic Link",
			"options": "doctype",
			"width": 140,
		},
		{"fieldname": "resident_name", "label": _("Resident"), "fieldtype": "Data", "width": 150},
		{"fieldname": "details", "label": _("Details"), "fieldtype": "Data", "width": 260},
	]


def _period(table, column, filters):
	return (table[column] >= filters.from_date) & (table[column] < add_days(filters.to_date, 1))


def access_rows(filters) -> list[dict]:
	log = frappe.qb.DocType("Access Log")
	query = (
		frappe.qb.from_(log)
		.select(
			log.creation.as_("timestamp"),
			log.user,
			log.method,
			log.export_from,
			log.reference_document,
			log.file_type,
			log.filters,
		)
		.where(log.export_from.isin(list(PERSONAL_DOCTYPES)) & _period(log, "creation", filters))
	)
	if filters.get("user"):
		query = query.where(log.user == filters.user)
	if filters.get("resident"):
		query = query.where((log.export_from == RESIDENT) & (log.reference_document == filters.resident))
	return [
		{
			"timestamp": row.timestamp,
			"user": row.user,
			# Frappe's own entries: a print names its document, an export only its filters
			"how": row.method or ("Print" if row.reference_document else "Export"),
			"doctype": row.export_from,
			"record": row.reference_document,
			"details": " ".join(part for part in (row.file_type, row.filters) if part),
		}
		for row in query.run(as_dict=True)
	]


def view_rows(filters) -> list[dict]:
	view = frappe.qb.DocType("View Log")
	query = (
		frappe.qb.from_(view)
		.select(view.creation, view.viewed_by, view.reference_name)
		.where((view.reference_doctype == RESIDENT) & _period(view, "creation", filters))
	)
	if filters.get("user"):
		query = query.where(view.viewed_by == filters.user)
	if filters.get("resident"):
		query = query.where(view.reference_name == filters.resident)
	return [
		{
			"timestamp": row.creation,
			"user": row.viewed_by,
			"how": VIEW,
			"doctype": RESIDENT,
			"record": row.reference_name,
			"details": "",
		}
		for row in query.run(as_dict=True)
	]


def add_names(rows: list[dict]) -> None:
	names = {row["record"] for row in rows if row["doctype"] == RESIDENT and row["record"]}
	full_names = (
		dict(
			frappe.get_all(
				RESIDENT, filters={"name": ("in", list(names))}, fields=["name", "full_name"], as_list=True
			)
		)
		if names
		else {}
	)
	for row in rows:
		row["resident_name"] = full_names.get(row["record"], "") if row["doctype"] == RESIDENT else ""
