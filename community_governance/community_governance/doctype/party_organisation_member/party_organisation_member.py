# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

from community_governance.scope import ScopedRow


class PartyOrganisationMember(ScopedRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		central_household: DF.Check
		joined_on: DF.Date
		member_key: DF.Data | None
		member_name: DF.Data | None
		member_type: DF.Literal["Resident", "Reporting Member"]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		reporting_member: DF.Link | None
		resident: DF.Link | None
	# end: auto-generated types
	pass
