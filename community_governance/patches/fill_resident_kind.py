"""Everyone registered before contributors existed lives in the street: their kind is Resident."""

import frappe


def execute():
	resident = frappe.qb.DocType("Resident")
	frappe.qb.update(resident).set(resident.resident_kind, "Resident").where(
		resident.resident_kind.isnull() | (resident.resident_kind == "")
	).run()
