"""Host-platform users: the roles that follow from what a person is in the community."""

import frappe


def grant_role(user: str | None, role: str) -> None:
	"""Give ``user`` the role if they lack it. Runs for the staff member saving the record, who
	may not edit Users themselves: the role follows from a record they are allowed to keep."""
	if not user or user in ("Administrator", "Guest") or role in frappe.get_roles(user):
		return
	user_doc = frappe.get_doc("User", user)
	user_doc.flags.ignore_permissions = True
	user_doc.add_roles(role)


def revoke_role(user: str | None, role: str) -> None:
	if not user or user in ("Administrator", "Guest") or role not in frappe.get_roles(user):
		return
	user_doc = frappe.get_doc("User", user)
	user_doc.flags.ignore_permissions = True
	user_doc.remove_roles(role)
