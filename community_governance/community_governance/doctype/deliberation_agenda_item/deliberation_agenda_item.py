# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

from community_governance.scope import ScopedRow


class DeliberationAgendaItem(ScopedRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		abstentions: DF.Int
		counting: DF.Data | None
		decision: DF.SmallText | None
		eligible_units: DF.Int
		matter: DF.Link
		matter_title: DF.Data | None
		outcome: DF.Literal["", "Passed", "Rejected"]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		quorum_needed: DF.Int
		votes_against: DF.Int
		votes_for: DF.Int
	# end: auto-generated types
	pass
