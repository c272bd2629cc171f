"""Photo fields saved before their addresses were checked: an address that is not a file uploaded to
this site, or that carries markup, is cleared so that no page prints it."""

import frappe
from community_governance.attachments import ATTACH_FIELDTYPES, is_local_address


def execute():
	doctypes = frappe.get_all("DocType", {"module": "Community Governance"}, pluck="name")
	fields = frappe.get_all(
		"DocField",
		filters={"fieldtype": ("in", ATTACH_FIELDTYPES), "parent": ("in", doctypes)},
		fields=["parent", "fieldname"],
	)
	for field in fields:
		table = frappe.qb.DocType(field.parent)
		column = table[field.fieldname]
		stored = frappe.qb.from_(table).select(table.name, column).where(column.isnotnull() & (column != ""))
		for name, url in stored.run():
			if not (is_local_address(url) and frappe.db.exists("File", {"file_url": url})):
				frappe.qb.update(table).set(column, None).where(table.name == name).run()
