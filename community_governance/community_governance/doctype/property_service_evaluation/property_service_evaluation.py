# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""Evaluation of the property-management company (物业服务评议): for one compound and one period
(weekly, monthly or quarterly), residents and captains score cleaning, security, greenery, repairs
and parking from 1 to 5. Submitting the evaluation closes the period; every criterion averaging
below the low score opens a rectification request to the company's contact."""

import frappe
from community_governance import compounds, deliberation, scope, shared_records
from community_governance.community_governance.doctype.service_request.service_request import HANDLER_ROLES
from community_governance.utils.text import plain_text
from frappe import _
from frappe.desk.form import assign_to
from frappe.model.document import Document
from frappe.utils import flt, getdate, now_datetime, today

RESULT_FIELDS = ("scorecards", "overall_score", *(f"avg_{criterion}" for criterion in deliberation.CRITERIA))


class PropertyServiceEvaluation(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from community_governance.community_governance.doctype.deliberation_building.deliberation_building import (
			DeliberationBuilding,
		)
		from community_governance.community_governance.doctype.property_service_rectification.property_service_rectification import (
			PropertyServiceRectification,
		)
		from community_governance.community_governance.doctype.property_service_score.property_service_score import (
			PropertyServiceScore,
		)
		from frappe.types import DF

		amended_from: DF.Link | None
		avg_cleaning: DF.Float
		avg_greenery: DF.Float
		avg_parking: DF.Float
		avg_repairs: DF.Float
		avg_security: DF.Float
		buildings: DF.TableMultiSelect[DeliberationBuilding]
		cadence: DF.Literal["Monthly", "Weekly", "Quarterly"]
		comments: DF.SmallText | None
		community: DF.Link
		company_contact: DF.Link
		compound: DF.Link | None
		compound_name: DF.Data | None
		low_score_below: DF.Float
		overall_score: DF.Float
		period_end: DF.Date | None
		period_start: DF.Date
		property_company: DF.Data
		rectifications: DF.Table[PropertyServiceRectification]
		scorecards: DF.Int
		scores: DF.Table[PropertyServiceScore]
	# end: auto-generated types

	def validate(self):
		self.take_from_compound()
		self.set_period()
		self.validate_period_started()
		self.validate_one_evaluation_a_period()
		self.set_low_score()
		self.validate_place()
		self.validate_scores()
		self.compute_results()

	def take_from_compound(self):
		"""A compound's evaluation covers its buildings and evaluates its company; one without a
		compound record (registered before compounds were) names its compound and buildings by hand."""
		# followed while the period is open; closing it keeps what was evaluated
		if self.compound and self.docstatus == 0:
			compounds.take_place_from_compound(self)
			compounds.take_company_from_compound(self)
		self.compound_name = plain_text(self.compound_name or "").strip()
		if not self.compound_name:
			frappe.throw(_("Choose the compound evaluated."), title=_("Compound Missing"))

	def set_period(self):
		self.comments = plain_text(self.comments or "").strip() or None
		self.period_end = deliberation.period_end(getdate(self.period_start), self.cadence)

	def validate_period_started(self):
		if getdate(self.period_start) > getdate(today()):
			frappe.throw(
				_("The period starting {0} has not started yet; it cannot be evaluated.").format(
					frappe.format(self.period_start, "Date")
				),
				title=_("Period Not Started"),
			)

	def validate_one_evaluation_a_period(self):
		compound = {"compound": self.compound} if self.compound else {"compound_name": self.compound_name}
		existing = frappe.db.exists(
			self.doctype,
			{
				**compound,
				"period_start": self.period_start,
				"docstatus": ("<", 2),
				"name": ("!=", self.name),
			},
		)
		if existing:
			frappe.throw(
				_("{0} already has an evaluation for the period starting {1}: {2}.").format(
					frappe.bold(self.compound_name), frappe.format(self.period_start, "Date"), existing
				),
				title=_("Already Evaluated"),
			)

	def set_low_score(self):
		if not flt(self.low_score_below):
			self.low_score_below = flt(
				frappe.db.get_single_value("Community Governance Settings", "low_evaluation_score")
			)

	def validate_place(self):
		for row in self.buildings:
			row.grid = frappe.get_cached_value("Building", row.building, "grid")
			if frappe.get_cached_value("Building", row.building, "community") != self.community:
				frappe.throw(
					_("Building {0} is not in community {1}.").format(
						frappe.bold(row.building), frappe.bold(self.community)
					),
					title=_("Outside the Community"),
				)

	def validate_scores(self):
		buildings = {row.building for row in self.buildings}
		residents = compounds.residents_by_name([row.resident for row in self.scores])
		seen = set()
		for row in self.scores:
			resident = residents[row.resident]
			if resident.building not in buildings:
				frappe.throw(
					_("Row {0}: {1} does not live in {2}.").format(
						row.idx, frappe.bold(resident.full_name), frappe.bold(self.compound_name)
					),
					title=_("Outside the Compound"),
				)
			if row.resident in seen:
				frappe.throw(
					_("{0} has already scored this period.").format(frappe.bold(resident.full_name)),
					title=_("Already Scored"),
				)
			seen.add(row.resident)
			for criterion in deliberation.CRITERIA:
				if not deliberation.score_in_range(row.get(criterion)):
					frappe.throw(
						_("Row {0}: the {1} score must be a whole number from {2} to {3}.").format(
							row.idx,
							_(row.meta.get_label(criterion)),
							deliberation.MIN_SCORE,
							deliberation.MAX_SCORE,
						),
						title=_("Score Out of Range"),
					)
			row.resident_name, row.household = resident.full_name, resident.household
			row.rule_key = shared_records.rule_key(self.name, row.resident)  # one scorecard a period
			row.comment = plain_text(row.comment or "").strip() or None
			row.scored_by = row.scored_by or frappe.session.user
			row.scored_on = row.scored_on or now_datetime()

	def compute_results(self):
		averages = deliberation.average_scores([row.as_dict() for row in self.scores])
		for criterion, average in averages.items():
			self.set(f"avg_{criterion}", average or 0)
		self.overall_score = deliberation.overall_score(averages) or 0
		self.scorecards = len(self.scores)

	def averages(self) -> dict:
		return {criterion: flt(self.get(f"avg_{criterion}")) or None for criterion in deliberation.CRITERIA}

	# --- closing the period -----------------------------------------------------------------------

	def before_submit(self):
		if not self.scores:
			frappe.throw(_("No one has scored this period yet."), title=_("No Scores"))
		self.set("rectifications", [])
		averages = self.averages()
		for criterion in deliberation.low_criteria(averages, flt(self.low_score_below)):
			self.append(
				"rectifications",
				{
					"criterion": criterion.title(),
					"average_score": averages[criterion],
					"service_request": self.open_rectification(criterion, averages[criterion]),
				},
			)

	def open_rectification(self, criterion: str, average: float) -> str:
		"""Filed by the worker who closes the period, on the residents' behalf, and handed to the
		company's contact: dispatched when they may take requests, otherwise assigned to them."""
		category = frappe.db.get_single_value("Community Governance Settings", "rectification_category")
		if not category:
			frappe.throw(
				_("Set the category for rectification requests in Community Governance Settings."),
				title=_("Category Missing"),
			)
		if not scope.is_worker():
			frappe.throw(_("Only staff close an evaluation period."), frappe.PermissionError)
		label = _(criterion.title())
		request = frappe.get_doc(
			{
				"doctype": "Service Request",
				"channel": "Property Evaluation",
				"building": self.buildings[0].building,
				"category": category,
				"priority": "High",
				"subject": _("Rectify {0} at {1}").format(label, self.compound_name)[:140],
				"description": _(
					"{0} scored {1} on average for {2} in the period {3} to {4} (below {5}). Please rectify."
				).format(
					self.property_company,
					average,
					label,
					frappe.format(self.period_start, "Date"),
					frappe.format(self.period_end, "Date"),
					flt(self.low_score_below),
				),
			}
		).insert()
		if set(HANDLER_ROLES) & set(frappe.get_roles(self.company_contact)):
			request.handler = self.company_contact
			request.workflow_state = "Dispatched"
			request.save()
		else:
			assign_to.add(
				{
					"assign_to": [self.company_contact],
					"doctype": request.doctype,
					"name": request.name,
					"description": request.subject,
				},
				ignore_permissions=True,
			)
		return request.name
