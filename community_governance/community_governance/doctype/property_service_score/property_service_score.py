# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

from community_governance.scope import ScopedRow


class PropertyServiceScore(ScopedRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		cleaning: DF.Int
		comment: DF.SmallText | None
		greenery: DF.Int
		household: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		parking: DF.Int
		repairs: DF.Int
		resident: DF.Link
		resident_name: DF.Data | None
		rule_key: DF.Data | None
		scored_by: DF.Link | None
		scored_on: DF.Datetime | None
		security: DF.Int
	# end: auto-generated types
	pass
