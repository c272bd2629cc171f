"""Caring merchants (爱心商家) and the counter where they honour residents' rewards.

A merchant's offers are the Rewards naming it. When a community worker approves a redemption of
such a reward, the redemption gets a short code that the resident shows (typed, or as a QR code);
a login serving at that merchant's counter looks the code up, sees what it redeems there — the
reward, the quantity and the resident's name, nothing else of the resident — and confirms it,
which moves the redemption to Fulfilled through the workflow. The points left the resident's
account at approval, so the counter never touches the ledger.

A code is refused at any other merchant, used once (the confirmation locks the redemption's row,
so of two counters confirming together one wins) and expires after the days the settings give.
Counter logins have no right to Reward Redemption or Resident themselves: this module is their
only door, and it answers for their own shops alone.
"""

import secrets

import frappe
from community_governance.accounts import grant_role, revoke_role
from frappe import _
from frappe.model.workflow import get_transitions
from frappe.query_builder.functions import Count
from frappe.utils import add_days, cint, format_datetime, get_datetime, now_datetime

COUNTER_ROLE = "Caring Merchant"
# no 0/O, 1/I/L: read off a phone and typed at a counter without mistakes
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8  # 31^8, about 8.5e11 codes: out of reach of a rate-limited counter
DEFAULT_VALID_DAYS = 30
DEFAULT_LOOKUPS_PER_HOUR = 60
FULFIL_ACTION = "Fulfil"
RECENT_ROWS = 20


class CodeNotFound(frappe.DoesNotExistError):
	pass


# --- the register --------------------------------------------------------------------------------


def validate_grid(grid: str) -> None:
	if frappe.db.get_value("Grid", grid, "level") != "Grid":
		frappe.throw(
			_("{0} is not a grid: a caring merchant belongs to the grid its shop is in.").format(
				frappe.bold(grid)
			),
			title=_("Invalid Grid"),
		)


def validate_counter_users(merchant) -> None:
	"""Each counter login once, and only active logins."""
	seen = set()
	for row in merchant.counter_users:
		if row.user in seen:
			frappe.throw(
				_("{0} is listed twice at the counter.").format(frappe.bold(row.user)),
				title=_("Duplicate Counter User"),
			)
		seen.add(row.user)
		if row.user in ("Administrator", "Guest") or not frappe.db.get_value("User", row.user, "enabled"):
			frappe.throw(
				_("{0} is not an active user.").format(frappe.bold(row.user)), title=_("Invalid User")
			)


def sync_counter_roles(merchant) -> None:
	"""Whoever serves at a counter has the Caring Merchant role; whoever no longer serves at any
	counter loses it."""
	now = {row.user for row in merchant.counter_users}
	before = merchant.get_doc_before_save()
	earlier = {row.user for row in before.counter_users} if before else set()
	for user in now:
		grant_role(user, COUNTER_ROLE)
	for user in earlier - now:
		if not counter_merchants(user, active_only=False):
			revoke_role(user, COUNTER_ROLE)


def counter_merchants(user: str, active_only: bool = True) -> list[frappe._dict]:
	"""The merchants at whose counter the user serves: one query."""
	merchant = frappe.qb.DocType("Caring Merchant")
	row = frappe.qb.DocType("Caring Merchant Counter User")
	query = (
		frappe.qb.from_(merchant)
		.join(row)
		.on((row.parent == merchant.name) & (row.parenttype == "Caring Merchant"))
		.select(merchant.name, merchant.merchant_name, merchant.address, merchant.is_active)
		.where(row.user == user)
		.distinct()
		.orderby(merchant.merchant_name)
	)
	if active_only:
		query = query.where(merchant.is_active == 1)
	return query.run(as_dict=True)


def merchant_names(names) -> dict[str, frappe._dict]:
	"""Name and address of each merchant: what a resident is told about where to go (public, as the
	shop's sign is)."""
	names = sorted({name for name in names if name})
	if not names:
		return {}
	merchant = frappe.qb.DocType("Caring Merchant")
	rows = (
		frappe.qb.from_(merchant)
		.select(merchant.name, merchant.merchant_name, merchant.address)
		.where(merchant.name.isin(names))
		.run(as_dict=True)
	)
	return {row.name: row for row in rows}


# --- codes ---------------------------------------------------------------------------------------


def new_code() -> str:
	"""A random code no redemption holds yet (the unique key on the column guards a race)."""
	for _attempt in range(10):
		code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
		if not frappe.db.exists("Reward Redemption", {"redemption_code": code}):
			return code
	frappe.throw(_("No free redemption code could be found; please try again."))


def code_expiry(approved_on=None):
	days = cint(frappe.db.get_single_value("Community Governance Settings", "redemption_code_valid_days"))
	return add_days(get_datetime(approved_on or now_datetime()), days or DEFAULT_VALID_DAYS)


def lookups_per_hour() -> int:
	return (
		cint(frappe.db.get_single_value("Community Governance Settings", "counter_lookups_per_hour"))
		or DEFAULT_LOOKUPS_PER_HOUR
	)


def format_code(code: str | None) -> str:
	"""Two groups of four, as the resident reads it out: ``ABCD-EFGH``."""
	if not code:
		return ""
	half = len(code) // 2
	return f"{code[:half]}-{code[half:]}"


def normalise_code(typed: str | None) -> str:
	"""The code as stored, from what was typed or scanned: case, spaces and dashes do not matter."""
	code = "".join(str(typed or "").split()).replace("-", "").upper()
	if len(code) != CODE_LENGTH or any(character not in CODE_ALPHABET for character in code):
		frappe.throw(
			_("This is not a redemption code: a code has {0} letters and digits, like {1}.").format(
				CODE_LENGTH, "ABCD-2345"
			),
			title=_("Invalid Code"),
		)
	return code


# --- the counter ---------------------------------------------------------------------------------


def look_up(typed: str, user: str) -> dict:
	"""What a code redeems at the user's counter, or why it cannot be redeemed there."""
	served = served_merchants(user)
	found = _redemption_with_code(normalise_code(typed), lock=False)
	_check_redeemable_at(found, served)
	return counter_view(found)


def honour(typed: str, user: str) -> dict:
	"""Hand the reward over: the redemption moves to Fulfilled, once, at its own merchant only."""
	served = served_merchants(user)
	code = normalise_code(typed)
	# the row lock makes a second counter wait, then read the redemption as the first one left it
	found = _redemption_with_code(code, lock=True)
	_check_redeemable_at(found, served)
	redemption = frappe.get_doc("Reward Redemption", found.name, for_update=True)
	# counter logins may not read redemptions (they would see the resident's record): this module
	# has judged the shop, and the workflow still judges the role and the shop by its condition
	redemption.flags.ignore_permissions = True
	redemption.flags.honoured_at_counter = True
	next_state = {row.action: row.next_state for row in get_transitions(redemption)}.get(FULFIL_ACTION)
	if not next_state:
		frappe.throw(
			_("Code {0} cannot be redeemed at your shop.").format(format_code(code)), frappe.PermissionError
		)
	redemption.workflow_state = next_state
	redemption.save()
	found.update(workflow_state=redemption.workflow_state, fulfilled_on=redemption.fulfilled_on)
	return counter_view(found)


def counter_view(found) -> dict:
	"""What the counter is shown: the reward, how many, and the resident's name alone."""
	return {
		"code": format_code(found.redemption_code),
		"merchant_name": found.merchant_name,
		"reward_name": found.reward_name,
		"quantity": found.quantity,
		"resident_name": found.resident_name,
		"expires_on": format_datetime(found.code_expires_on, "yyyy-MM-dd HH:mm"),
		"fulfilled": found.workflow_state == "Fulfilled",
		"fulfilled_on": format_datetime(found.fulfilled_on, "yyyy-MM-dd HH:mm")
		if found.fulfilled_on
		else None,
	}


def _redemption_with_code(code: str, lock: bool) -> frappe._dict:
	redemption = frappe.qb.DocType("Reward Redemption")
	query = (
		frappe.qb.from_(redemption)
		.select(
			redemption.name,
			redemption.redemption_code,
			redemption.merchant,
			redemption.reward_name,
			redemption.quantity,
			redemption.resident_name,
			redemption.workflow_state,
			redemption.code_expires_on,
			redemption.fulfilled_on,
		)
		.where(redemption.redemption_code == code)
	)
	if lock:
		query = query.for_update()
	rows = query.run(as_dict=True)
	if not rows:
		frappe.throw(
			_("No redemption has the code {0}. Check the code with the resident.").format(format_code(code)),
			CodeNotFound,
			title=_("Unknown Code"),
		)
	found = rows[0]
	found.merchant_name = (
		frappe.db.get_value("Caring Merchant", found.merchant, "merchant_name") if found.merchant else None
	)
	return found


def served_merchants(user: str) -> set[str]:
	"""The active merchants the user serves at; refused when there is none."""
	served = {merchant.name for merchant in counter_merchants(user)}
	if not served:
		frappe.throw(
			_("Your login does not serve at the counter of an active caring merchant."),
			frappe.PermissionError,
			title=_("Not a Caring Merchant"),
		)
	return served


def _check_redeemable_at(found, served: set[str]) -> None:
	code = format_code(found.redemption_code)
	if found.merchant not in served:
		# said the same way whoever's code it is: the counter learns nothing about other shops
		frappe.throw(
			_("Code {0} cannot be redeemed at your shop.").format(code),
			frappe.PermissionError,
			title=_("Another Merchant's Code"),
		)
	if found.workflow_state == "Fulfilled":
		frappe.throw(
			_("Code {0} has already been used, on {1}.").format(
				code, format_datetime(found.fulfilled_on, "yyyy-MM-dd HH:mm")
			),
			title=_("Code Already Used"),
		)
	if found.workflow_state != "Approved":
		frappe.throw(
			_("Code {0} is no longer valid: the redemption is {1}.").format(code, _(found.workflow_state)),
			title=_("Code No Longer Valid"),
		)
	if found.code_expires_on and get_datetime(found.code_expires_on) < now_datetime():
		frappe.throw(
			_("Code {0} expired on {1}. The resident can ask their community worker for help.").format(
				code, format_datetime(found.code_expires_on, "yyyy-MM-dd HH:mm")
			),
			title=_("Redemption Code Expired"),
		)


def served_recently(merchants: list[str], limit: int = RECENT_ROWS) -> list[dict]:
	"""The counter's own record: what was handed over at these shops lately, as the counter saw it."""
	if not merchants:
		return []
	redemption = frappe.qb.DocType("Reward Redemption")
	return (
		frappe.qb.from_(redemption)
		.select(
			redemption.reward_name,
			redemption.quantity,
			redemption.resident_name,
			redemption.fulfilled_on,
		)
		.where(redemption.merchant.isin(merchants) & (redemption.workflow_state == "Fulfilled"))
		.orderby(redemption.fulfilled_on, order=frappe.qb.desc)
		.limit(limit)
		.run(as_dict=True)
	)


def offers_of(merchants: list[str]) -> list[dict]:
	"""The rewards naming these merchants: what their counters hand over."""
	if not merchants:
		return []
	reward = frappe.qb.DocType("Reward")
	return (
		frappe.qb.from_(reward)
		.select(reward.name, reward.reward_name, reward.points_cost, reward.stock, reward.is_active)
		.where(reward.merchant.isin(merchants))
		.orderby(reward.reward_name)
		.run(as_dict=True)
	)


def waiting_count(merchants: list[str]) -> int:
	"""Approved redemptions of these shops whose residents have not come by yet."""
	if not merchants:
		return 0
	redemption = frappe.qb.DocType("Reward Redemption")
	return (
		frappe.qb.from_(redemption)
		.select(Count(redemption.name))
		.where(redemption.merchant.isin(merchants) & (redemption.workflow_state == "Approved"))
		.run()[0][0]
	)
