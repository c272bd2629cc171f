"""Host-platform users: the roles that follow from what a person is in the community."""

import frappe

# Frappe refuses a new User once more than ``throttle_user_limit`` (60) were made in the last hour,
# against floods of sign-ups. The app's users are made by a verifier approving a registration that
# is itself rate-limited per address, or by staff, and a street's residents join by the hundred in
# its first week: those must not be refused.
VERIFIED_USERS_PER_HOUR = 100_000


def insert_verified_user(user) -> None:
	"""Insert the User ``user`` (a new document), made on a verifier's or staff member's decision."""
	conf = frappe.local.conf
	before = conf.get("throttle_user_limit")
	conf["throttle_user_limit"] = max(int(before or 0), VERIFIED_USERS_PER_HOUR)
	try:
		user.insert(ignore_permissions=True)
	finally:
		if before is None:
			conf.pop("throttle_user_limit", None)
		else:
			conf["throttle_user_limit"] = before


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
