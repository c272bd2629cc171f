# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

from community_governance.scope import ScopedRow


class DeliberationVote(ScopedRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		choice: DF.Literal["In Favour", "Opposed", "Abstain"]
		household: DF.Data | None
		is_proxy: DF.Check
		matter: DF.Link
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		proxy_holder: DF.Data | None
		recorded_by: DF.Link | None
		resident: DF.Link
		resident_name: DF.Data | None
		rule_key: DF.Data | None
		voted_on: DF.Datetime | None
	# end: auto-generated types
	pass
