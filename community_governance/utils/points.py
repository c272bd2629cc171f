"""Points are whole numbers: shared by every form that takes them."""

import frappe
from frappe import _


def whole_points(value) -> int:
	"""The value as an int, or a clear error when it is not a whole number."""
	try:
		number = float(value or 0)
	except (TypeError, ValueError):
		number = None
	if number is None or number != int(number):
		frappe.throw(
			_("Points are whole numbers; {0} is not.").format(frappe.bold(value)), title=_("Invalid Points")
		)
	return int(number)
