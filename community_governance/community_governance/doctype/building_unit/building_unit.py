# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

from community_governance.scope import ScopedRow


class BuildingUnit(ScopedRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		floors: DF.Int
		households: DF.Int
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		unit_head: DF.Link | None
		unit_head_name: DF.Data | None
		unit_name: DF.Data
	# end: auto-generated types

	pass
