# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

import frappe
from community_governance.accounts import grant_role
from community_governance.utils.phone import normalize_phone
from frappe import _
from frappe.model.document import Document


class Resident(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		building: DF.Link
		child_in_difficulty: DF.Check
		community: DF.Link | None
		date_of_birth: DF.Date | None
		elderly_living_alone: DF.Check
		full_name: DF.Data
		grid: DF.Link | None
		has_disability: DF.Check
		household: DF.Data | None
		is_volunteer: DF.Check
		party_member: DF.Check
		phone: DF.Data | None
		room: DF.Data | None
		special_care: DF.Check
		status: DF.Literal["Active", "Moved Out", "Deceased"]
		unit: DF.Data | None
		user: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.strip_names()
		self.validate_phone()
		self.validate_unit()
		self.validate_user()

	def strip_names(self):
		for fieldname in ("full_name", "unit", "room", "household"):
			if self.get(fieldname):
				self.set(fieldname, self.get(fieldname).strip())

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

	def on_update(self):
		grant_role(self.user, "Resident")
