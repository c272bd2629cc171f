# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

from community_governance.scope import ScopedRow


class PropertyServiceRectification(ScopedRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		average_score: DF.Float
		criterion: DF.Literal["Cleaning", "Security", "Greenery", "Repairs", "Parking"]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		service_request: DF.Link | None
	# end: auto-generated types
	pass
