# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

from community_governance.scope import ScopedRow


class CommunityNoticeBuilding(ScopedRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		building: DF.Link
		grid: DF.Link | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
	# end: auto-generated types
	pass
