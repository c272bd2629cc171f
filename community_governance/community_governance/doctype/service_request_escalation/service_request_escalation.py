# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

from community_governance.scope import ScopedRow


class ServiceRequestEscalation(ScopedRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		breach: DF.Literal["Response", "Resolution"]
		escalated_on: DF.Datetime | None
		from_level: DF.Literal["Grid", "Community", "Street"]
		missed_due: DF.Datetime | None
		new_owner: DF.Link | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		to_level: DF.Literal["Grid", "Community", "Street"]
	# end: auto-generated types

	pass
