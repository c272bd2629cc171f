"""积分兑换: the rewards a resident can ask for with their points, and what they have asked for."""

import frappe
import frappe.sessions
from community_governance import ledger, merchants
from community_governance.api.points import get_rewards
from community_governance.notice_board import qr_code_data_uri
from community_governance.resident_pages import (
	own_resident,
	require_consent,
	require_login,
	script_messages,
	set_page,
)
from frappe import _
from frappe.utils import format_date, format_datetime, get_datetime, now_datetime

no_cache = 1
sitemap = 0

REDEMPTION_ROWS = 50
# the Bootstrap colour of each redemption state
STATE_COLOURS = {
	"Requested": "warning",
	"Approved": "info",
	"Fulfilled": "success",
	"Rejected": "danger",
	"Cancelled": "secondary",
}


def get_context(context):
	require_login()
	set_page(context, _("Redeem Points"))
	context.script_messages = script_messages("Redeem {0} for {1} points?")
	context.resident = own_resident()
	require_consent(context.resident)
	if not context.resident:
		return
	context.balance = ledger.balance_of(context.resident.name)["balance"]
	context.rewards = [with_affordability(reward, context.balance) for reward in get_rewards()]
	context.redemptions = own_redemptions()
	context.just_requested = just_requested(context.redemptions)
	# The redeem button POSTs with the session's CSRF token, which the page sets as frappe.csrf_token.
	# A session has one only once a page asks for it, and until then Frappe checks none at all.
	frappe.sessions.get_csrf_token()


def with_affordability(reward, balance: int) -> dict:
	reward.points_short = max(reward.points_cost - balance, 0)
	return reward


def own_redemptions() -> list[dict]:
	# get_list applies the scope, which limits a resident to their own redemptions
	rows = frappe.get_list(
		"Reward Redemption",
		fields=[
			"name",
			"reward_name",
			"quantity",
			"points",
			"workflow_state",
			"creation",
			"rejection_reason",
			"merchant",
			"redemption_code",
			"code_expires_on",
			"fulfilled_on",
		],
		order_by="creation desc",
		limit_page_length=REDEMPTION_ROWS,
	)
	shops = merchants.merchant_names(row.merchant for row in rows)
	for row in rows:
		row.state_label = _(row.workflow_state)
		row.state_colour = STATE_COLOURS.get(row.workflow_state, "secondary")
		row.date = format_date(row.creation)
		row.shop = shops.get(row.merchant)
		with_counter_code(row)
	return rows


def with_counter_code(row) -> None:
	"""An approved redemption of a merchant's reward: the code to show at the counter, as text and
	as a QR code the counter can scan, while it is valid."""
	row.counter_code = None
	if row.workflow_state != "Approved" or not row.redemption_code:
		return
	row.code_expired = bool(row.code_expires_on and get_datetime(row.code_expires_on) < now_datetime())
	row.code_valid_until = format_datetime(row.code_expires_on, "yyyy-MM-dd HH:mm")
	if row.code_expired:
		return
	row.counter_code = merchants.format_code(row.redemption_code)
	row.counter_qr = qr_code_data_uri(row.counter_code)


def just_requested(redemptions: list[dict]) -> dict | None:
	"""The redemption the page was reloaded for after the redeem button succeeded."""
	name = frappe.form_dict.get("requested")
	return next((row for row in redemptions if row.name == name), None) if name else None
