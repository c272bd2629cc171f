# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class Building(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from community_governance.community_governance.doctype.building_unit.building_unit import BuildingUnit
		from frappe.types import DF

		address: DF.SmallText | None
		building_name: DF.Data
		building_type: DF.Literal["Multi-storey", "High-rise", "Villa", "Street Segment"]
		community: DF.Link | None
		grid: DF.Link
		units: DF.Table[BuildingUnit]
	# end: auto-generated types

	def validate(self):
		self.validate_grid_level()
		self.validate_unit_names()

	def validate_grid_level(self):
		level = frappe.db.get_value("Grid", self.grid, "level")
		if level != "Grid":
			frappe.throw(
				_("Buildings hang only on Grid-level nodes; {0} is a {1}.").format(
					frappe.bold(self.grid), _(level or "")
				),
				title=_("Invalid Grid"),
			)

	def validate_unit_names(self):
		seen = set()
		for unit in self.units:
			unit.unit_name = (unit.unit_name or "").strip()
			if unit.unit_name in seen:
				frappe.throw(
					_("Row {0}: unit {1} is listed twice.").format(unit.idx, frappe.bold(unit.unit_name)),
					title=_("Duplicate Unit"),
				)
			seen.add(unit.unit_name)

	def unit_names(self) -> set[str]:
		return {unit.unit_name for unit in self.units}
