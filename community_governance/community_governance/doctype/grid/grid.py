# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import sbool
from frappe.utils.nestedset import NestedSet

# The only parent level each level may hang on; a Street is a root.
PARENT_LEVEL = {"Street": None, "Community": "Street", "Grid": "Community"}


class Grid(NestedSet):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from community_governance.community_governance.doctype.grid_staff.grid_staff import GridStaff
		from frappe.types import DF

		code: DF.Data
		grid_name: DF.Data
		is_group: DF.Check
		level: DF.Literal["Street", "Community", "Grid"]
		lft: DF.Int
		old_parent: DF.Link | None
		parent_grid: DF.Link | None
		responsible_user: DF.Link | None
		rgt: DF.Int
		staff: DF.Table[GridStaff]
	# end: auto-generated types

	nsm_parent_field = "parent_grid"

	def validate(self):
		self.validate_parent_level()
		self.set_is_group()
		self.validate_level_change()
		self.validate_staff_unique()

	def validate_parent_level(self):
		expected = PARENT_LEVEL[self.level]
		if not expected:
			if self.parent_grid:
				frappe.throw(
					_("A Street is the top of the tree and cannot have a parent."), title=_("Invalid Parent")
				)
			return
		if not self.parent_grid:
			frappe.throw(
				_("A {0} must belong to a {1}.").format(_(self.level), _(expected)), title=_("Invalid Parent")
			)
		parent_level = frappe.db.get_value("Grid", self.parent_grid, "level")
		if parent_level != expected:
			frappe.throw(
				_("A {0} can only belong to a {1}, but {2} is a {3}.").format(
					_(self.level), _(expected), frappe.bold(self.parent_grid), _(parent_level or "")
				),
				title=_("Invalid Parent"),
			)

	def set_is_group(self):
		# buildings hang only on Grid-level nodes, which are therefore the leaves
		self.is_group = 0 if self.level == "Grid" else 1

	def validate_level_change(self):
		if self.is_new() or self.level == "Grid" or not self.has_value_changed("level"):
			return
		if frappe.db.exists("Building", {"grid": self.name}):
			frappe.throw(
				_(
					"{0} has buildings, which hang only on Grid-level nodes; move them before changing its level."
				).format(frappe.bold(self.grid_name)),
				title=_("Buildings Attached"),
			)

	def validate_staff_unique(self):
		seen = set()
		for row in self.staff:
			if row.user in seen or row.user == self.responsible_user:
				frappe.throw(
					_("Row {0}: {1} is already responsible for this node.").format(
						row.idx, frappe.bold(row.user)
					),
					title=_("Duplicate Staff"),
				)
			seen.add(row.user)

	def on_trash(self):
		if frappe.db.exists("Building", {"grid": self.name}):
			frappe.throw(
				_("Cannot delete {0}: buildings still belong to it. Move or delete them first.").format(
					frappe.bold(self.grid_name)
				),
				title=_("Buildings Attached"),
			)
		super().on_trash(allow_root_deletion=True)


@frappe.whitelist()
def get_children(
	doctype: str = "Grid", parent: str = "", is_root: bool | str = False, **filters
) -> list[dict]:
	"""The Grid tree view as the user may see it. Frappe's own lists the nodes whose parent is the
	root, so a community worker, whose community hangs on a street outside their scope, saw an empty
	tree: at the root each user gets the top nodes of their own subtrees instead."""
	if doctype != "Grid":
		frappe.throw(_("This tree shows grids only."), frappe.PermissionError)
	fields = ["name as value", "grid_name as title", "is_group as expandable", "parent_grid"]
	if sbool(is_root) or not parent or not frappe.db.exists("Grid", parent):
		visible = frappe.get_list("Grid", fields=fields, order_by="lft asc", limit_page_length=0)
		names = {node.value for node in visible}
		return [node for node in visible if node.parent_grid not in names]
	return frappe.get_list(
		"Grid", fields=fields, filters={"parent_grid": parent}, order_by="lft asc", limit_page_length=0
	)
