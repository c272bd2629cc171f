# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""One resident's copy of one notice: delivered, read, confirmed. Its name is the notice and the
resident (``notices.receipt_name``), so the database keeps one per pair; residents mark their own
row, never the notice, so many confirming at once never touch one shared record."""

from frappe.model.document import Document


class CommunityNoticeReceipt(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		building: DF.Link | None
		confirmed_on: DF.Datetime | None
		full_name: DF.Data | None
		grid: DF.Link | None
		notice: DF.Link
		read_on: DF.Datetime | None
		resident: DF.Link
		room: DF.Data | None
		unit: DF.Data | None
	# end: auto-generated types
	pass
