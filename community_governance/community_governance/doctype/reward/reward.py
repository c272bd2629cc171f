# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

import frappe
from community_governance import attachments
from community_governance.ledger import whole_points
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate


class Reward(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		description: DF.SmallText | None
		image: DF.AttachImage | None
		is_active: DF.Check
		item_code: DF.Data | None
		merchant: DF.Link | None
		points_cost: DF.Int
		provider: DF.Data | None
		reward_name: DF.Data
		reward_type: DF.Literal["Goods", "Service"]
		stock: DF.Int
		valid_from: DF.Date | None
		valid_until: DF.Date | None
		warehouse: DF.Data | None
	# end: auto-generated types

	def validate(self):
		self.validate_cost()
		self.set_provider()
		self.validate_validity()
		self.validate_stock_item()
		self.validate_photos()

	def validate_cost(self):
		self.points_cost = whole_points(self.points_cost)
		if self.points_cost <= 0:
			frappe.throw(_("A reward costs at least 1 point."), title=_("Invalid Points"))

	def set_provider(self):
		# a merchant's offer names it as its provider, so the catalogue shows where to go
		if self.merchant:
			self.provider = frappe.db.get_value("Caring Merchant", self.merchant, "merchant_name")

	def validate_validity(self):
		if self.valid_from and self.valid_until and getdate(self.valid_until) < getdate(self.valid_from):
			frappe.throw(_("A reward cannot expire before it becomes valid."), title=_("Invalid Validity"))

	def validate_stock_item(self):
		if not (self.item_code or self.warehouse) or "erpnext" not in frappe.get_installed_apps():
			return
		if not (self.item_code and self.warehouse):
			frappe.throw(
				_("Give both the item and the warehouse, or neither."), title=_("Incomplete Stock Link")
			)
		if not frappe.db.exists("Item", self.item_code):
			frappe.throw(_("Item {0} does not exist.").format(frappe.bold(self.item_code)))
		if not frappe.db.exists("Warehouse", self.warehouse):
			frappe.throw(_("Warehouse {0} does not exist.").format(frappe.bold(self.warehouse)))

	def validate_photos(self):
		# a photo is a file uploaded to this site, never a string that only looks like one
		attachments.check_attachments(self)

	def unavailable_reason(self, quantity: int, on_date=None) -> str | None:
		"""Why this reward cannot be redeemed now, or None."""
		today = getdate(on_date)
		if not self.is_active or (
			self.merchant and not frappe.db.get_value("Caring Merchant", self.merchant, "is_active")
		):
			return _("{0} is no longer offered.").format(self.reward_name)
		if self.valid_from and today < getdate(self.valid_from):
			return _("{0} can be redeemed from {1}.").format(
				self.reward_name, frappe.format(self.valid_from, "Date")
			)
		if self.valid_until and today > getdate(self.valid_until):
			return _("{0} expired on {1}.").format(self.reward_name, frappe.format(self.valid_until, "Date"))
		if (self.stock or 0) < quantity:
			return _("{0} is out of stock.").format(self.reward_name)
		return None
