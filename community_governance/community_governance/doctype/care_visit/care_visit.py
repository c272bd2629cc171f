# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""One home visit to a care-tagged resident, logged by the visitor from a phone: the date, the
resident's condition and any need found. A need becomes a service request whose live status the
visit shows; each visit moves its plan's next due date."""

import frappe
from community_governance import scope
from community_governance.care import visits as care_visits
from community_governance.utils.text import plain_text
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, today

# written only by the app
MANAGED_FIELDS = ("visitor", "service_request", "request_status")
PLACE_FIELDS = ("resident", "resident_name", "building", "grid", "community")


class CareVisit(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		building: DF.Link | None
		community: DF.Link | None
		condition: DF.Literal["Good", "Fair", "Poor", "Critical"]
		grid: DF.Link | None
		need_category: DF.Link | None
		need_description: DF.SmallText | None
		need_found: DF.Check
		notes: DF.SmallText | None
		plan: DF.Link
		request_status: DF.Data | None
		resident: DF.Link | None
		resident_name: DF.Data | None
		service_request: DF.Link | None
		visit_date: DF.Date
		visitor: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.keep_managed_fields()
		self.set_from_plan()
		self.validate_plan_open()
		self.validate_visitor_in_scope()
		self.validate_visit_date()
		self.sanitise_text()
		self.validate_need()

	def keep_managed_fields(self):
		before = self.get_doc_before_save()
		for fieldname in MANAGED_FIELDS:
			self.set(fieldname, before.get(fieldname) if before else None)
		if not before:
			self.visitor = frappe.session.user  # whoever logs the visit made it
		elif before.plan != self.plan:
			frappe.throw(_("A logged visit cannot be moved to another plan."), title=_("Plan Changed"))

	def set_from_plan(self):
		plan = frappe.db.get_value("Care Visit Plan", self.plan, ["status", *PLACE_FIELDS], as_dict=True)
		if not plan:
			frappe.throw(_("Choose the visit plan of the resident."), title=_("Plan Missing"))
		for fieldname in PLACE_FIELDS:
			self.set(fieldname, plan.get(fieldname))
		self.flags.plan_status = plan.status

	def validate_plan_open(self):
		if self.is_new() and self.flags.plan_status == "Ended":
			frappe.throw(
				_("Visit plan {0} has ended: start a new plan to log visits.").format(frappe.bold(self.plan)),
				title=_("Plan Ended"),
			)

	def validate_visitor_in_scope(self):
		"""The plan's visitor, and the workers of the resident's grid or building, log its visits."""
		if not self.is_new():
			return
		user = frappe.session.user
		plan_visitor = frappe.db.get_value("Care Visit Plan", self.plan, "visitor")
		user_scope = scope.get_scope(user)
		if (
			user == plan_visitor
			or user_scope.sees_all
			or self.grid in user_scope.grids
			or self.building in user_scope.captain_buildings
		):
			return
		frappe.throw(
			_(
				"{0} is outside your scope: you log visits only for residents whose plan names you, or who"
				" live in your grid or buildings."
			).format(frappe.bold(self.resident_name)),
			title=_("Outside Your Scope"),
		)

	def validate_visit_date(self):
		if getdate(self.visit_date) > getdate(today()):
			frappe.throw(
				_("A visit cannot be logged for a day that has not come yet."), title=_("Future Date")
			)

	def sanitise_text(self):
		for fieldname in ("notes", "need_description"):
			if self.get(fieldname):
				self.set(fieldname, plain_text(self.get(fieldname)).strip())

	def validate_need(self):
		if not self.need_found:
			if not self.service_request:
				self.need_description = self.need_category = None
			return
		if not self.need_description:
			frappe.throw(_("Describe the need found."), title=_("Need Missing"))
		if not self.need_category:
			frappe.throw(
				_("Choose the category of the service request the need becomes."), title=_("Category Missing")
			)

	def on_update(self):
		if self.need_found and not self.service_request:
			request = care_visits.file_request_for_need(self)
			status = frappe.db.get_value("Service Request", request, "workflow_state")
			self.db_set({"service_request": request, "request_status": status}, update_modified=False)
		care_visits.refresh_plan(self.plan)

	def on_trash(self):
		self.flags.plan_to_refresh = self.plan

	def after_delete(self):
		care_visits.refresh_plan(self.flags.plan_to_refresh or self.plan)
