# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt


class ServiceRequestCategory(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from community_governance.community_governance.doctype.service_request_target.service_request_target import (
			ServiceRequestTarget,
		)
		from frappe.types import DF

		category_name: DF.Data
		is_active: DF.Check
		points_section: DF.Literal[
			"Democratic Building",
			"Civilisation Creation",
			"Neighbourly Help",
			"Production Safety",
			"Dispute Mediation",
		]
		required_skill: DF.Link | None
		targets: DF.Table[ServiceRequestTarget]
		volunteer_points: DF.Int
	# end: auto-generated types

	def validate(self):
		self.validate_targets()

	def validate_targets(self):
		seen = set()
		for row in self.targets:
			if row.priority in seen:
				frappe.throw(
					_("Row {0}: priority {1} has two targets.").format(row.idx, _(row.priority)),
					title=_("Duplicate Priority"),
				)
			seen.add(row.priority)
			if flt(row.response_hours) <= 0 or flt(row.resolution_hours) < flt(row.response_hours):
				frappe.throw(
					_(
						"Row {0}: give a response time above zero and a resolution time no shorter than it."
					).format(row.idx),
					title=_("Invalid Target"),
				)
