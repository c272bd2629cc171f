# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

from community_governance.scope import ScopedRow


class PatrolFinding(ScopedRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		description: DF.SmallText
		finding_type: DF.Literal[
			"Hazard", "Sanitation", "Facility", "Parking", "Dispute", "Care Need", "Other"
		]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		photo: DF.AttachImage | None
		request_status: DF.Data | None
		service_request: DF.Link | None
		severity: DF.Literal["Low", "Medium", "High"]
	# end: auto-generated types

	pass
