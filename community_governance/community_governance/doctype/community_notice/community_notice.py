# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""A notice to residents (通知公告). Submitting publishes it: at once, or when its publish time comes
(a scheduled job); cancelling withdraws it from the residents' pages. Who it may go to and whom it
reaches are the rules of ``community_governance.notices``."""

import frappe
from community_governance import attachments, notices
from community_governance.utils.text import plain_text, rich_text
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime


class CommunityNotice(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from community_governance.community_governance.doctype.community_notice_building.community_notice_building import (
			CommunityNoticeBuilding,
		)
		from frappe.types import DF

		amended_from: DF.Link | None
		attachment: DF.Attach | None
		audience: DF.Literal["Buildings", "Grid", "Community", "Street"]
		body: DF.TextEditor
		buildings: DF.TableMultiSelect[CommunityNoticeBuilding]
		care_group: DF.Literal[
			"", "Elderly Living Alone", "Special Care", "Has Disability", "Child in Difficulty"
		]
		community: DF.Link | None
		delivered_on: DF.Datetime | None
		expires_on: DF.Datetime | None
		grid: DF.Link | None
		publish_on: DF.Datetime
		recipients: DF.Int
		requires_confirmation: DF.Check
		title: DF.Data
	# end: auto-generated types

	def validate(self):
		self.sanitise_text()
		self.validate_times()
		self.set_buildings()
		self.validate_audience_in_scope()
		self.validate_care_group()
		self.validate_attachment()

	def sanitise_text(self):
		self.title = " ".join(plain_text(self.title or "").split())
		if not self.title:
			frappe.throw(_("Give the notice a title."), title=_("Title Missing"))
		self.body = rich_text(self.body)
		if not plain_text(self.body):
			frappe.throw(_("Write what the notice says."), title=_("Body Missing"))

	def validate_attachment(self):
		"""The attachment must be a file of this site the author may use (see attachments.py)."""
		attachments.check_attachments(self)

	def validate_times(self):
		if self.expires_on and get_datetime(self.expires_on) <= get_datetime(self.publish_on):
			frappe.throw(_("A notice must expire after it is published."), title=_("Invalid Expiry Time"))

	def set_buildings(self):
		"""A grid's, community's or street's notice lists every building in it when saved."""
		buildings = notices.buildings_of_audience(self.audience, self.community, self.grid)
		if buildings is not None:
			self.set("buildings", [{"building": name} for name in buildings])
		if not self.buildings:
			frappe.throw(
				_("Choose who the notice goes to: some buildings, a grid, a community or the street."),
				title=_("Audience Missing"),
			)
		for row in self.buildings:
			row.grid = frappe.get_cached_value("Building", row.building, "grid")
		if self.audience == "Buildings":
			grids = {row.grid for row in self.buildings}
			communities = {frappe.get_cached_value("Grid", grid, "parent_grid") for grid in grids}
			self.grid = grids.pop() if len(grids) == 1 else None
			self.community = communities.pop() if len(communities) == 1 else None
		elif self.audience == "Street":
			self.grid = self.community = None

	def validate_audience_in_scope(self):
		if self.flags.ignore_permissions:
			return
		outside = notices.buildings_outside_scope([row.building for row in self.buildings])
		if outside:
			frappe.throw(
				_(
					"You can post notices only to your own buildings, grids or community: {0} is outside them."
				).format(", ".join(outside[:5])),
				frappe.PermissionError,
				title=_("Outside Your Scope"),
			)

	def validate_care_group(self):
		if self.care_group and not self.flags.ignore_permissions and not notices.may_address_care_groups():
			frappe.throw(
				_("Only workers who may read residents' care tags can address a care group."),
				frappe.PermissionError,
				title=_("Care Group Not Allowed"),
			)

	def before_cancel(self):
		# withdrawing a notice is posting it again: a captain cannot withdraw the street's notice
		self.validate_audience_in_scope()

	def on_submit(self):
		if notices.is_due(self):
			notices.deliver(self)
