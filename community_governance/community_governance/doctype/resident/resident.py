# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

import frappe
from community_governance import care, personal_data
from community_governance.accounts import grant_role
from community_governance.utils.phone import normalize_phone
from frappe import _
from frappe.model.document import Document
from frappe.utils import nowdate

RESIDENT = "Resident"
CONTRIBUTOR = "Contributor"
CONTRIBUTOR_ROLE = "Contributor"


class Resident(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from community_governance.community_governance.doctype.resident_skill.resident_skill import (
			ResidentSkill,
		)
		from frappe.types import DF

		anonymised_on: DF.Date | None
		building: DF.Link | None
		child_in_difficulty: DF.Check
		community: DF.Link | None
		contributor_type: DF.Literal[
			"", "Delivery Rider", "Courier", "In-service Party Member", "Partner Unit Staff", "Other"
		]
		date_of_birth: DF.Date | None
		elderly_living_alone: DF.Check
		employer: DF.Data | None
		full_name: DF.Data
		grid: DF.Link | None
		has_disability: DF.Check
		household: DF.Data | None
		is_volunteer: DF.Check
		left_on: DF.Date | None
		needs_visit: DF.Check
		party_member: DF.Check
		phone: DF.Data | None
		phone_masked: DF.Data | None
		privacy_consent_on: DF.Datetime | None
		privacy_notice_version: DF.Data | None
		resident_kind: DF.Literal["Resident", "Contributor"]
		room: DF.Data | None
		skills: DF.Table[ResidentSkill]
		special_care: DF.Check
		status: DF.Literal["Active", "Moved Out", "Deceased"]
		unit: DF.Data | None
		user: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.strip_names()
		self.validate_kind()
		self.set_place()
		self.validate_phone()
		self.validate_unit()
		self.validate_user()
		self.set_left_on()
		personal_data.set_door_to_door_fields(self)

	def strip_names(self):
		for fieldname in ("full_name", "unit", "room", "household"):
			if self.get(fieldname):
				self.set(fieldname, self.get(fieldname).strip())

	def validate_kind(self):
		"""A contributor works in the street but lives elsewhere: no home building, so nothing that
		belongs to a home (unit, room, household, door-to-door care tags) either."""
		self.resident_kind = self.resident_kind or RESIDENT
		if self.resident_kind == RESIDENT:
			self.contributor_type = self.employer = None
			return
		if self.building:
			frappe.throw(
				_(
					"A contributor does not live in the street and has no building: leave the building empty and choose the grid they work in."
				),
				title=_("Contributor with a Building"),
			)
		if not self.grid:
			frappe.throw(_("Choose the grid the contributor works in."), title=_("Grid Missing"))
		for fieldname in ("unit", "room", "household", *care.CARE_TAGS):
			self.set(fieldname, None if self.meta.get_field(fieldname).fieldtype != "Check" else 0)

	def set_place(self):
		"""A resident's grid follows their building; a contributor's grid is chosen, and must be a grid
		(the lowest level), so that its workers are theirs."""
		if self.resident_kind == RESIDENT:
			if not self.building:
				frappe.throw(_("Choose the building the resident lives in."), title=_("Building Missing"))
			self.grid, self.community = frappe.db.get_value("Building", self.building, ["grid", "community"])
			return
		level, community = frappe.db.get_value("Grid", self.grid, ["level", "parent_grid"]) or (None, None)
		if level != "Grid":
			frappe.throw(
				_("{0} is not a grid: a contributor is registered for one grid.").format(
					frappe.bold(self.grid)
				),
				title=_("Invalid Grid"),
			)
		self.community = community

	def validate_phone(self):
		if not self.phone:
			return
		phone = normalize_phone(self.phone)
		if not phone:
			frappe.throw(
				_(
					"{0} is not a valid phone number: use an 11-digit mobile or a landline with its area code."
				).format(frappe.bold(self.phone)),
				title=_("Invalid Phone"),
			)
		self.phone = phone

	def validate_unit(self):
		if not self.unit:
			return
		units = frappe.get_all(
			"Building Unit", filters={"parent": self.building, "parenttype": "Building"}, pluck="unit_name"
		)
		if self.unit not in units:
			frappe.throw(
				_("Unit {0} is not a unit of building {1}.").format(
					frappe.bold(self.unit), frappe.bold(self.building)
				),
				title=_("Invalid Unit"),
			)

	def validate_user(self):
		if not self.user:
			return
		other = frappe.db.get_value("Resident", {"user": self.user, "name": ("!=", self.name)}, "full_name")
		if other:
			frappe.throw(
				_("User {0} already belongs to resident {1}.").format(
					frappe.bold(self.user), frappe.bold(other)
				),
				title=_("User Taken"),
			)

	def set_left_on(self):
		"""The day a resident moved out or died starts the retention period; back to Active clears it."""
		if self.status == personal_data.ACTIVE:
			self.left_on = None
		elif not self.left_on:
			self.left_on = nowdate()

	def on_update(self):
		# the Resident role carries what a points holder may do on the /me pages; a contributor's
		# login holds it too, and the Contributor role says they do not live here
		grant_role(self.user, "Resident")
		if self.resident_kind == CONTRIBUTOR:
			grant_role(self.user, CONTRIBUTOR_ROLE)
