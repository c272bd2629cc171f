# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""A day off that working-hour deadlines skip, when ERPNext's Holiday List is not used."""

from frappe.model.document import Document


class PublicHoliday(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		description: DF.Data | None
		holiday_date: DF.Date
	# end: auto-generated types

	pass
