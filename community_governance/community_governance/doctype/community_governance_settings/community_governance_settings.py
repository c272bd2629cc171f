# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt


class CommunityGovernanceSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		captain_duties: DF.SmallText | None
		default_monthly_allowance: DF.Currency
		default_passing_threshold: DF.Percent
		default_patrol_category: DF.Link | None
		default_quorum_percent: DF.Percent
		default_resolution_hours: DF.Float
		default_response_hours: DF.Float
		low_evaluation_score: DF.Float
		matter_support_needed: DF.Int
		max_photo_size_mb: DF.Float
		patrol_reminder_hour: DF.Int
		personal_data_retention_months: DF.Int
		privacy_notice_version: DF.Data | None
		rectification_category: DF.Link | None
		satisfied_rating: DF.Int
	# end: auto-generated types

	def validate(self):
		self.validate_allowance()

	def validate_allowance(self):
		if flt(self.default_monthly_allowance) < 0:
			frappe.throw(_("The monthly allowance cannot be negative."), title=_("Invalid Allowance"))
