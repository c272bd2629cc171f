"""Points for phones: a resident's balance and statement, and asking for a reward."""

import frappe
from community_governance import ledger, scope
from frappe import _
from frappe.model.workflow import get_transitions


def _resident_to_read(resident: str | None) -> str:
	"""The resident asked about: yourself by default; anyone else only within your scope."""
	if not resident:
		own = scope.get_scope().residents
		if not own:
			frappe.throw(_("You are not registered as a resident."), frappe.PermissionError)
		return next(iter(own))
	if not frappe.has_permission("Resident", "read", doc=resident):
		frappe.throw(_("You can only see your own points."), frappe.PermissionError)
	return resident


@frappe.whitelist()
def get_balance(resident: str | None = None) -> dict:
	return ledger.balance_of(_resident_to_read(resident))


@frappe.whitelist()
def get_statement(resident: str | None = None, limit: int = 100) -> list[dict]:
	return ledger.statement(_resident_to_read(resident), limit=min(int(limit), 500))


@frappe.whitelist()
def get_rewards() -> list[dict]:
	"""The catalogue a resident can redeem from today."""
	today = frappe.utils.getdate()
	# a shop that is no longer a caring merchant hands nothing over
	closed_shops = set(frappe.get_all("Caring Merchant", filters={"is_active": 0}, pluck="name"))
	rewards = frappe.get_list(
		"Reward",
		filters={"is_active": 1, "stock": (">", 0)},
		fields=[
			"name",
			"reward_name",
			"reward_type",
			"provider",
			"merchant",
			"points_cost",
			"stock",
			"image",
			"valid_from",
			"valid_until",
		],
		order_by="points_cost asc",
		limit_page_length=0,
	)
	return [
		reward
		for reward in rewards
		if reward.merchant not in closed_shops
		and (not reward.valid_from or reward.valid_from <= today)
		and (not reward.valid_until or reward.valid_until >= today)
	]


@frappe.whitelist(methods=["POST"])
def request_redemption(reward: str, quantity: int = 1, resident: str | None = None) -> dict:
	"""A resident asks for a reward (a worker may ask on a resident's behalf)."""
	doc = frappe.get_doc(
		{"doctype": "Reward Redemption", "reward": reward, "quantity": quantity, "resident": resident}
	).insert()
	return {"name": doc.name, "status": doc.workflow_state, "points": doc.points}


@frappe.whitelist(methods=["POST"])
def act_on_redemption(name: str, action: str, reason: str | None = None) -> dict:
	"""Approve, Reject, Fulfil, Revoke or Withdraw a redemption, as the workflow allows this user."""
	doc = frappe.get_doc("Reward Redemption", name)
	next_state = {row.action: row.next_state for row in get_transitions(doc)}.get(action)
	if not next_state:
		frappe.throw(
			_("You cannot {0} redemption {1} while it is {2}.").format(
				_(action).lower(), name, _(doc.workflow_state)
			),
			frappe.PermissionError,
		)
	if reason:
		doc.rejection_reason = reason
	doc.workflow_state = next_state
	doc.save()
	return {"name": doc.name, "status": doc.workflow_state}
