# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""Who visits a care-tagged resident, and how often. The schedule (last visit, next due date,
overdue) is written by the app from the plan's visits (see care.visits.refresh_plan)."""

import frappe
from community_governance import care
from community_governance.utils.text import plain_text
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, nowdate

# written only by the app, from the plan's visits
SCHEDULE_FIELDS = ("last_visit_date", "visit_count", "next_due_date", "is_overdue")


class CareVisitPlan(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		building: DF.Link | None
		community: DF.Link | None
		frequency: DF.Literal["Weekly", "Fortnightly", "Monthly", "Quarterly"]
		grid: DF.Link | None
		is_overdue: DF.Check
		last_visit_date: DF.Date | None
		next_due_date: DF.Date | None
		notes: DF.SmallText | None
		resident: DF.Link
		resident_care_needs: DF.Data | None
		resident_date_of_birth: DF.Date | None
		resident_name: DF.Data | None
		resident_phone: DF.Data | None
		start_date: DF.Date
		status: DF.Literal["Active", "Paused", "Ended"]
		visit_count: DF.Int
		visitor: DF.Link
		visitor_name: DF.Data | None
	# end: auto-generated types

	def validate(self):
		self.keep_the_schedule()
		self.set_place()
		self.validate_resident_needs_care()
		self.validate_visitor()
		self.validate_one_active_plan()
		self.sanitise_notes()
		self.set_schedule()

	def keep_the_schedule(self):
		before = self.get_doc_before_save()
		for fieldname in SCHEDULE_FIELDS:
			self.set(fieldname, before.get(fieldname) if before else None)

	def set_place(self):
		resident = frappe.db.get_value(
			"Resident", self.resident, ["full_name", "building", "grid", "community"], as_dict=True
		)
		if not resident:
			frappe.throw(_("Choose the resident to visit."), title=_("Resident Missing"))
		self.resident_name = resident.full_name
		self.building, self.grid, self.community = resident.building, resident.grid, resident.community

	def validate_resident_needs_care(self):
		tags = frappe.db.get_value("Resident", self.resident, list(care.CARE_TAGS), as_dict=True)
		if not care.is_care_tagged(tags):
			frappe.throw(
				_(
					"{0} has no care tag: visit plans are for elderly people living alone, residents in"
					" special care or with a disability and children in difficulty."
				).format(frappe.bold(self.resident_name)),
				title=_("Not a Care Resident"),
			)

	def validate_visitor(self):
		if not self.visitor:
			frappe.throw(
				_(
					"Name the visitor of the plan: a grid worker, community worker, building captain or volunteer."
				),
				title=_("No Visitor"),
			)
		if not frappe.db.get_value("User", self.visitor, "enabled"):
			frappe.throw(
				_("{0} is not an active user and cannot visit.").format(frappe.bold(self.visitor)),
				title=_("Invalid Visitor"),
			)
		if not set(care.VISITOR_ROLES) & set(frappe.get_roles(self.visitor)):
			frappe.throw(
				_(
					"{0} cannot visit: the visitor must be a grid worker, community worker, building captain"
					" or volunteer."
				).format(frappe.bold(self.visitor)),
				title=_("Invalid Visitor"),
			)
		self.visitor_name = frappe.db.get_value("User", self.visitor, "full_name")

	def validate_one_active_plan(self):
		if self.status != "Active":
			return
		other = frappe.db.exists(
			"Care Visit Plan",
			{"resident": self.resident, "status": "Active", "name": ("!=", self.name or "")},
		)
		if other:
			frappe.throw(
				_("{0} already has an active visit plan: {1}.").format(
					frappe.bold(self.resident_name), other
				),
				title=_("Plan Exists"),
			)

	def sanitise_notes(self):
		if self.notes:
			self.notes = plain_text(self.notes)

	def set_schedule(self):
		last = getdate(self.last_visit_date) if self.last_visit_date else None
		self.next_due_date = care.next_due(self.frequency, getdate(self.start_date), last)
		self.is_overdue = int(
			self.status == "Active" and care.is_overdue(getdate(self.next_due_date), getdate(nowdate()))
		)

	# The visitor's brief: the resident's personal data, shown to whoever may read this plan (its
	# visitor, the grid's workers, admins) and never stored here, so it is never stale or copied.
	@property
	def resident_phone(self):
		return self._resident_brief().phone

	@property
	def resident_date_of_birth(self):
		return self._resident_brief().date_of_birth

	@property
	def resident_care_needs(self):
		brief = self._resident_brief()
		labels = [frappe.get_meta("Resident").get_label(tag) for tag in care.CARE_TAGS if brief.get(tag)]
		return ", ".join(_(label) for label in labels)

	def _resident_brief(self) -> frappe._dict:
		if getattr(self, "_brief", None) is None or self._brief.get("name") != self.resident:
			fields = ["name", "phone", "date_of_birth", *care.CARE_TAGS]
			self._brief = (
				self.resident and frappe.db.get_value("Resident", self.resident, fields, as_dict=True)
			) or frappe._dict()
		return self._brief
