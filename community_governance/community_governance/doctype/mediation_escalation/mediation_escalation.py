# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

from community_governance.scope import ScopedRow


class MediationEscalation(ScopedRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		escalated_by: DF.Link | None
		escalated_on: DF.Datetime | None
		from_level: DF.Literal["Grid", "Community", "Street"]
		from_state: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		reason: DF.SmallText | None
		to_level: DF.Literal["Grid", "Community", "Street"]
	# end: auto-generated types

	pass
