# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""A captain's quarterly or half-yearly evaluation: what they did (computed from the records and
frozen on submit) plus a worker's rating; excellent captains are listed for honours."""

import frappe
from community_governance import captains
from community_governance.utils.periods import grade_for, period_bounds
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, getdate, today


class CaptainEvaluation(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amended_from: DF.Link | None
		buildings: DF.Int
		captain: DF.Link
		captain_name: DF.Data | None
		captain_user: DF.Link | None
		community: DF.Link | None
		findings: DF.Int
		grade: DF.Literal["", "Excellent", "Good", "Fair", "Poor"]
		grid: DF.Link | None
		patrol_coverage: DF.Percent
		patrol_days_expected: DF.Int
		patrol_logs: DF.Int
		period: DF.Literal["Q1", "Q2", "Q3", "Q4", "H1", "H2"]
		period_end: DF.Date | None
		period_start: DF.Date | None
		requests_closed: DF.Int
		requests_closed_on_time: DF.Int
		requests_dispatched: DF.Int
		satisfaction_rate: DF.Percent
		score: DF.Float
		worker_comment: DF.SmallText | None
		worker_rating: DF.Int
		year: DF.Int
	# end: auto-generated types

	def validate(self):
		self.set_period()
		self.validate_period_ended()
		self.validate_one_per_period()
		self.set_place()
		self.validate_worker_rating()
		self.compute_metrics()
		self.set_grade()

	def set_period(self):
		self.year = cint(self.year)
		self.period_start, self.period_end = period_bounds(self.year, self.period)

	def validate_period_ended(self):
		if getdate(self.period_end) >= getdate(today()):
			frappe.throw(
				_("{0} {1} has not ended yet; evaluate it after {2}.").format(
					self.period, self.year, frappe.format(self.period_end, "Date")
				),
				title=_("Period Not Over"),
			)

	def validate_one_per_period(self):
		other = frappe.db.exists(
			"Captain Evaluation",
			{
				"captain": self.captain,
				"year": self.year,
				"period": self.period,
				"docstatus": ("<", 2),
				"name": ("!=", self.name),
			},
		)
		if other:
			frappe.throw(
				_("{0} is already evaluated for {1} {2}: {3}.").format(
					self.captain_name, self.period, self.year, other
				),
				title=_("Already Evaluated"),
			)

	def set_place(self):
		first = captains.buildings_of([self.captain]).get(self.captain, [None])[0]
		self.grid, self.community = frappe.db.get_value("Building", first, ["grid", "community"]) or (
			None,
			None,
		)

	def validate_worker_rating(self):
		if not 1 <= cint(self.worker_rating) <= 5:
			frappe.throw(_("The worker's rating is a whole number from 1 to 5."), title=_("Invalid Rating"))

	def compute_metrics(self):
		figures = captains.metrics_for([self.captain], getdate(self.period_start), getdate(self.period_end))
		self.update(figures[self.captain])

	def set_grade(self):
		self.score = captains.score(self.as_dict(), cint(self.worker_rating))
		self.grade = grade_for(self.score)
