# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

from community_governance.scope import ScopedRow


class MediationObligation(ScopedRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		agreed_on: DF.Date | None
		checked_on: DF.Date | None
		due_date: DF.Date
		obligation: DF.SmallText
		owed_by: DF.Data
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		status: DF.Literal["Open", "Kept", "Broken", "Superseded"]
	# end: auto-generated types

	pass
