# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ServiceRequestTarget(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		priority: DF.Literal["Low", "Medium", "High", "Urgent"]
		resolution_hours: DF.Float
		response_hours: DF.Float
	# end: auto-generated types

	pass
