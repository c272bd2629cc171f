"""Checks that a record's place in the Grid tree is one that exists and holds together."""

import frappe
from frappe import _


def validate_community_and_grid(community: str, grid: str | None = None) -> None:
	"""``community`` must be a Community node and ``grid``, when given, one of its grids."""
	if frappe.db.get_value("Grid", community, "level") != "Community":
		frappe.throw(
			_("{0} is not a community.").format(frappe.bold(community)), title=_("Invalid Community")
		)
	if grid and frappe.db.get_value("Grid", grid, "parent_grid") != community:
		frappe.throw(
			_("Grid {0} is not in community {1}.").format(frappe.bold(grid), frappe.bold(community)),
			title=_("Invalid Grid"),
		)
