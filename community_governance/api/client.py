"""Frappe's whitelisted client calls that answer without the permission model, made to use it.

Registered in hooks.py under ``override_whitelisted_methods``: the site answers them with these.
"""

import frappe
from community_governance import scope
from frappe import _
from frappe.client import validate_link as frappe_validate_link
from frappe.model.db_query import check_parent_permission
from frappe.utils import get_safe_filters


@frappe.whitelist()
def get_count(
	doctype: str, filters=None, debug: bool = False, cache: bool = False, parent: str | None = None
) -> int:
	"""``frappe.client.get_count`` counts only what the user's own list would show: Frappe 15's
	counts every row, so ``get_count("Resident", {"name": X, "has_disability": 1})`` answered yes or
	no about anyone. ``debug`` and ``cache`` are accepted and ignored (a cached count is shared
	across users)."""
	if not isinstance(doctype, str) or not frappe.db.exists("DocType", doctype):
		frappe.throw(_("DocType {0} not found").format(doctype), frappe.DoesNotExistError)
	if frappe.is_table(doctype):
		check_parent_permission(parent, doctype)
	elif not frappe.has_permission(doctype, "read") and not frappe.has_permission(doctype, "select"):
		frappe.throw(_("No permission for {0}").format(_(doctype)), frappe.PermissionError)
	rows = frappe.get_list(
		doctype,
		filters=get_safe_filters(filters),
		fields=[f"count(distinct `tab{doctype}`.`name`) as total_count"],
		parent_doctype=parent,
		order_by=None,
		limit_page_length=0,
	)
	return rows[0].total_count if rows else 0


@frappe.whitelist()
def validate_link(doctype: str, docname: str, fields=None):
	"""``frappe.client.validate_link`` answers for a governed record only when the user may read it:
	Frappe 15's tells anyone with read access to the DocType whether a name exists (a resident's
	name, a building of another community). A record outside the scope is answered as missing."""
	if (
		isinstance(doctype, str)
		and isinstance(docname, str)
		and doctype in scope.RULES
		and frappe.db.exists(doctype, docname)
		and not (
			frappe.has_permission(doctype, "select", doc=docname)
			or frappe.has_permission(doctype, "read", doc=docname)
		)
	):
		return frappe._dict(name=None)
	return frappe_validate_link(doctype, docname, fields)
