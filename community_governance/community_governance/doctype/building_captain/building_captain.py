# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

import frappe
from community_governance import attachments
from community_governance.accounts import grant_role, revoke_role
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, getdate

CAPTAIN_ROLE = "Building Captain"


class BuildingCaptain(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from community_governance.community_governance.doctype.building_captain_building.building_captain_building import (
			BuildingCaptainBuilding,
		)
		from frappe.types import DF

		buildings: DF.Table[BuildingCaptainBuilding]
		captain_name: DF.Data | None
		monthly_allowance: DF.Currency
		photo: DF.AttachImage | None
		public_phone: DF.Data | None
		resident: DF.Link
		status: DF.Literal["Active", "Inactive", "Ended"]
		term_end: DF.Date | None
		term_start: DF.Date
		user: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.set_default_allowance()
		self.validate_allowance()
		self.validate_term()
		self.validate_buildings()
		self.validate_photos()
		self.validate_one_active_captain_per_building()

	def set_default_allowance(self):
		if self.monthly_allowance is None:
			self.monthly_allowance = frappe.db.get_single_value(
				"Community Governance Settings", "default_monthly_allowance"
			)

	def validate_allowance(self):
		if flt(self.monthly_allowance) < 0:
			frappe.throw(_("The monthly allowance cannot be negative."), title=_("Invalid Allowance"))

	def validate_term(self):
		if self.term_end and getdate(self.term_end) < getdate(self.term_start):
			frappe.throw(
				_("The term cannot end ({0}) before it starts ({1}).").format(
					frappe.format(self.term_end, "Date"), frappe.format(self.term_start, "Date")
				),
				title=_("Invalid Term"),
			)

	def validate_buildings(self):
		if not self.buildings:
			frappe.throw(_("A building captain must run at least one building."), title=_("No Building"))
		seen = set()
		for row in self.buildings:
			if row.building in seen:
				frappe.throw(
					_("Row {0}: building {1} is listed twice.").format(row.idx, frappe.bold(row.building)),
					title=_("Duplicate Building"),
				)
			seen.add(row.building)

	def validate_photos(self):
		# a photo is a file uploaded to this site, never a string that only looks like one
		attachments.check_attachments(self)

	def validate_one_active_captain_per_building(self):
		if self.status != "Active":
			return
		buildings = [row.building for row in self.buildings]
		# lock the buildings so two captains saved at once cannot both become active for one building
		building = frappe.qb.DocType("Building")
		frappe.qb.from_(building).select(building.name).where(
			building.name.isin(buildings)
		).for_update().run()

		captain = frappe.qb.DocType("Building Captain")
		row = frappe.qb.DocType("Building Captain Building")
		clash = (
			frappe.qb.from_(row)
			.join(captain)
			.on(row.parent == captain.name)
			.select(row.building, captain.captain_name)
			.where(
				(captain.status == "Active")
				& (captain.name != (self.name or ""))
				& row.building.isin(buildings)
			)
			.limit(1)
			.run()
		)
		if clash:
			building_name, captain_name = clash[0]
			frappe.throw(
				_("Building {0} already has an active captain, {1}. End that captaincy first.").format(
					frappe.bold(building_name), frappe.bold(captain_name)
				),
				title=_("Captain Already Active"),
			)

	def on_update(self):
		self.sync_captain_role()

	def on_trash(self):
		self.status = "Ended"
		self.sync_captain_role()

	def sync_captain_role(self):
		if self.status == "Active":
			grant_role(self.user, CAPTAIN_ROLE)
			return
		still_active = frappe.db.exists(
			"Building Captain", {"user": self.user, "status": "Active", "name": ("!=", self.name)}
		)
		if not still_active:
			revoke_role(self.user, CAPTAIN_ROLE)
