# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

from community_governance.scope import ScopedRow


class DeliberationAttendance(ScopedRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		attendee_name: DF.Data | None
		attendee_type: DF.Literal[
			"Resident",
			"Building Captain",
			"Property Company",
			"Owners' Committee",
			"Partner Unit",
			"Community Worker",
			"Other",
		]
		household: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		proxy_for: DF.Link | None
		resident: DF.Link | None
		rule_key: DF.Data | None
		signed_in_on: DF.Datetime | None
	# end: auto-generated types
	pass
