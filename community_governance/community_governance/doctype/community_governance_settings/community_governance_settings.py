# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

import frappe
from community_governance import sla
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, get_time


class CommunityGovernanceSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		captain_duties: DF.SmallText | None
		counter_lookups_per_hour: DF.Int
		default_monthly_allowance: DF.Currency
		default_passing_threshold: DF.Percent
		default_patrol_category: DF.Link | None
		default_quorum_percent: DF.Percent
		default_resolution_hours: DF.Float
		default_response_hours: DF.Float
		holiday_list: DF.Data | None
		low_evaluation_score: DF.Float
		matter_support_needed: DF.Int
		max_photo_size_mb: DF.Float
		patrol_reminder_hour: DF.Int
		personal_data_retention_months: DF.Int
		privacy_notice_version: DF.Data | None
		rectification_category: DF.Link | None
		redemption_code_valid_days: DF.Int
		satisfied_rating: DF.Int
		sla_clock: DF.Literal["Calendar Hours", "Working Hours"]
		work_day_end: DF.Time | None
		work_day_start: DF.Time | None
		working_days: DF.Data | None
	# end: auto-generated types

	def validate(self):
		self.validate_allowance()
		self.validate_working_time()
		self.validate_counter_settings()

	def validate_counter_settings(self):
		# a code valid for no day, or a counter allowed no look-up, would stop every redemption
		for fieldname in ("redemption_code_valid_days", "counter_lookups_per_hour"):
			if self.get(fieldname) is not None and self.get(fieldname) < 1:
				frappe.throw(
					_("{0} must be at least 1.").format(_(self.meta.get_label(fieldname))),
					title=_("Invalid Setting"),
				)

	def validate_working_time(self):
		try:
			days = sla.parse_weekdays(self.working_days or "")
		except ValueError:
			frappe.throw(
				_("Working days are day numbers from 1 (Monday) to 7 (Sunday), e.g. 1,2,3,4,5."),
				title=_("Invalid Working Days"),
			)
		if self.sla_clock != "Working Hours":
			return
		if not days:
			frappe.throw(_("Working hours need at least one working day."), title=_("Invalid Working Days"))
		if get_time(self.work_day_end or "00:00:00") <= get_time(self.work_day_start or "00:00:00"):
			frappe.throw(_("The working day must end after it starts."), title=_("Invalid Working Hours"))

	def validate_allowance(self):
		if flt(self.default_monthly_allowance) < 0:
			frappe.throw(_("The monthly allowance cannot be negative."), title=_("Invalid Allowance"))
