# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

from community_governance import registration
from frappe.model.document import Document


class ResidentRegistration(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		building: DF.Link
		full_name: DF.Data
		grid: DF.Link | None
		language: DF.Link | None
		live_mobile: DF.Data | None
		mobile: DF.Data
		password: DF.Password | None
		phone_verified: DF.Check
		privacy_consent_on: DF.Datetime | None
		privacy_notice_version: DF.Data | None
		rejection_reason: DF.SmallText | None
		resident: DF.Link | None
		room: DF.Data | None
		status: DF.Literal["Awaiting Verification", "Approved", "Rejected"]
		unit: DF.Data | None
		user: DF.Link | None
		verified_by: DF.Link | None
		verified_on: DF.Datetime | None
	# end: auto-generated types

	def validate(self):
		self.clean_names()
		self.validate_mobile()
		self.validate_home()
		self.set_live_mobile()

	def clean_names(self):
		self.full_name = registration.clean_text(self.full_name, "Full Name", registration.NAME_MAX_LENGTH)
		for fieldname, label in (("unit", "Unit"), ("room", "Room")):
			self.set(
				fieldname,
				registration.clean_text(
					self.get(fieldname), label, registration.PLACE_MAX_LENGTH, required=fieldname == "room"
				),
			)

	def validate_mobile(self):
		self.mobile = registration.clean_mobile(self.mobile)
		if self.is_new():
			registration.check_number_free(self.mobile)

	def validate_home(self):
		registration.check_building(self.building)

	def set_live_mobile(self):
		# a rejected registration frees its number for another try
		self.live_mobile = None if self.status == registration.REJECTED else self.mobile
