# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""Points earn rewards (积分兑换): a resident asks, a worker approves — which spends the points and
takes the reward from stock in one transaction — and hands it over. Rejecting asks for a reason;
revoking an approved redemption refunds the points and returns the stock."""

import frappe
from community_governance import ledger, merchants, scope
from community_governance.ledger import whole_points
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime


class RewardRedemption(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		approved_on: DF.Datetime | None
		code_expires_on: DF.Datetime | None
		community: DF.Link | None
		fulfilled_by: DF.Link | None
		fulfilled_on: DF.Datetime | None
		merchant: DF.Link | None
		grid: DF.Link | None
		points: DF.Int
		quantity: DF.Int
		redemption_code: DF.Data | None
		rejection_reason: DF.SmallText | None
		resident: DF.Link
		resident_name: DF.Data | None
		resident_user: DF.Link | None
		reward: DF.Link
		reward_name: DF.Data | None
		stock_entry: DF.Data | None
		workflow_state: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.set_resident_for_resident_filer()
		self.set_derived_links()
		self.validate_quantity()
		self.set_points()
		self.validate_request()
		self.keep_counter_fields()
		self.validate_step()
		self.let_the_counter_through_the_workflow_check()

	def set_resident_for_resident_filer(self):
		if not self.is_new() or scope.is_worker():
			return
		own = scope.get_scope().residents
		if not own:
			frappe.throw(_("Only registered residents can redeem points."), frappe.PermissionError)
		self.resident = next(iter(own))

	def set_derived_links(self):
		# set here as well as by fetch_from: the resident may be filled in by validate
		self.resident_name, self.resident_user, self.grid, self.community = frappe.db.get_value(
			"Resident", self.resident, ["full_name", "user", "grid", "community"]
		)

	def validate_quantity(self):
		self.quantity = whole_points(self.quantity)
		if self.quantity < 1:
			frappe.throw(_("Redeem at least one."), title=_("Invalid Quantity"))

	def set_points(self):
		if self.is_new() or self.workflow_state == "Requested":
			self.points, self.merchant = frappe.db.get_value(
				"Reward", self.reward, ["points_cost", "merchant"]
			)
			self.points *= self.quantity

	def validate_request(self):
		if not self.is_new():
			return
		reason = frappe.get_doc("Reward", self.reward).unavailable_reason(self.quantity)
		if reason:
			frappe.throw(reason, title=_("Reward Unavailable"))
		balance = ledger.balance_of(self.resident)["balance"]
		if balance < self.points:
			frappe.throw(
				_("{0} points are needed and the balance is {1}.").format(self.points, balance),
				ledger.InsufficientPoints,
				title=_("Not Enough Points"),
			)

	def keep_counter_fields(self):
		"""The code, its expiry and who handed the reward over are the app's to write, whatever a
		REST save sends."""
		before = self.get_doc_before_save()
		for fieldname in ("redemption_code", "code_expires_on", "fulfilled_by"):
			self.set(fieldname, before.get(fieldname) if before else None)

	def validate_step(self):
		if self.is_moving_to("Rejected") and not (self.rejection_reason or "").strip():
			frappe.throw(_("Give the resident a reason for the rejection."), title=_("Reason Missing"))
		if self.is_moving_to("Approved"):
			self.approved_on = now_datetime()
			self.issue_counter_code()
		if self.is_moving_to("Fulfilled"):
			self.fulfilled_on = now_datetime()
			self.fulfilled_by = frappe.session.user

	def issue_counter_code(self):
		"""A merchant's reward is handed over at its counter against a code the resident shows."""
		if self.merchant:
			self.redemption_code = merchants.new_code()
			self.code_expires_on = merchants.code_expiry(self.approved_on)

	def let_the_counter_through_the_workflow_check(self):
		"""Frappe checks a workflow step against the stored copy, asking for the right to read it.
		A counter login has none (it would show the resident's record): merchants.honour has judged
		the shop and lets the workflow judge the role and its condition alone."""
		before = self.get_doc_before_save()
		if before and self.flags.honoured_at_counter and self.flags.ignore_permissions:
			before.flags.ignore_permissions = True

	@property
	def previous_state(self):
		before = self.get_doc_before_save()
		return before.workflow_state if before else None

	def is_moving_to(self, state: str) -> bool:
		return self.workflow_state == state and self.previous_state not in (None, state)

	def on_update(self):
		if self.is_moving_to("Approved"):
			self.take_points_and_stock()
		elif self.is_moving_to("Cancelled") and self.previous_state in ("Approved", "Fulfilled"):
			self.refund_points_and_stock()
		elif self.is_moving_to("Fulfilled"):
			self.issue_stock_in_erpnext()

	def take_points_and_stock(self):
		reward = frappe.qb.DocType("Reward")
		stock = (
			frappe.qb.from_(reward)
			.select(reward.stock)
			.where(reward.name == self.reward)
			.for_update()
			.run()[0][0]
		)
		if (stock or 0) < self.quantity:
			frappe.throw(_("{0} is out of stock.").format(self.reward_name), title=_("Reward Unavailable"))
		frappe.qb.update(reward).set(reward.stock, stock - self.quantity).where(
			reward.name == self.reward
		).run()
		ledger.post(self.resident, -self.points, "Redeem", source=self, remark=self.reward_name)

	def refund_points_and_stock(self):
		ledger.reverse_source(self, remark=_("Redemption {0} revoked").format(self.name))
		reward = frappe.qb.DocType("Reward")
		frappe.qb.update(reward).set(reward.stock, reward.stock + self.quantity).where(
			reward.name == self.reward
		).run()

	def issue_stock_in_erpnext(self):
		"""With ERPNext, a reward linked to an item leaves the warehouse with a Material Issue."""
		if "erpnext" not in frappe.get_installed_apps():
			return
		item_code, warehouse = frappe.db.get_value("Reward", self.reward, ["item_code", "warehouse"])
		if not (item_code and warehouse):
			return
		entry = frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Issue",
				"company": frappe.db.get_value("Warehouse", warehouse, "company"),
				"remarks": _("Reward redemption {0} for {1}").format(self.name, self.resident_name),
				"items": [{"item_code": item_code, "qty": self.quantity, "s_warehouse": warehouse}],
			}
		)
		entry.flags.ignore_permissions = True
		entry.insert()
		entry.submit()
		self.db_set("stock_entry", entry.name)
