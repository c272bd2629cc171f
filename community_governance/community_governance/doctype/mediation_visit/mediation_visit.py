# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

from community_governance.scope import ScopedRow


class MediationVisit(ScopedRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		note: DF.SmallText | None
		obligation: DF.SmallText | None
		obligation_no: DF.Int
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		result: DF.Literal["Kept", "Pending", "Broken"]
		visit_date: DF.Date
		visited_by: DF.Link | None
	# end: auto-generated types

	pass
