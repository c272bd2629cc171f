# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

from community_governance.scope import ScopedRow


class OwnersCommitteeMember(ScopedRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		committee_role: DF.Literal["Chair", "Vice Chair", "Member"]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		resident: DF.Link
		resident_name: DF.Data | None
		term_end: DF.Date | None
		term_start: DF.Date
	# end: auto-generated types
	pass
