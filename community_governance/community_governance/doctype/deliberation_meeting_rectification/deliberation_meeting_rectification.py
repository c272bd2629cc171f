# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

from community_governance.scope import ScopedRow


class DeliberationMeetingRectification(ScopedRow):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		progress_note: DF.SmallText | None
		request_status: DF.Data | None
		service_request: DF.Link
		subject: DF.Data | None
	# end: auto-generated types
	pass
