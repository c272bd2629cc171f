"""The caring merchant's counter, for phones: look a resident's code up, hand the reward over.

Both calls are limited per counter login (Community Governance Settings › Code Look-ups per Counter
Login per Hour) with Frappe's rate limiter, so a login cannot try codes until one fits.
"""

from functools import wraps

import frappe
from community_governance import merchants
from frappe.rate_limiter import rate_limit

# the rate limiter counts per value of a request argument: set here to the session's user, so the
# count follows the login whatever the caller sends (and not the address, which counters may share)
LOGIN_KEY = "_counter_login"
WINDOW_SECONDS = 60 * 60


def limited_per_login(method):
	limited = rate_limit(
		key=LOGIN_KEY, limit=merchants.lookups_per_hour, seconds=WINDOW_SECONDS, ip_based=False
	)(method)

	@wraps(method)
	def wrapper(*args, **kwargs):
		frappe.form_dict[LOGIN_KEY] = frappe.session.user
		return limited(*args, **kwargs)

	return wrapper


@frappe.whitelist()
@limited_per_login
def look_up_code(code: str) -> dict:
	"""What the code redeems at your counter: the reward, the quantity and the resident's name."""
	return merchants.look_up(code, frappe.session.user)


@frappe.whitelist(methods=["POST"])
@limited_per_login
def honour_code(code: str) -> dict:
	"""Hand the reward over at your counter: the redemption is fulfilled, and the code used up."""
	return merchants.honour(code, frappe.session.user)


@frappe.whitelist()
def my_counter() -> dict:
	"""The shops you serve at, their offers, how many residents are still to come and what was
	handed over lately."""
	shops = merchants.counter_merchants(frappe.session.user)
	if not shops:
		frappe.throw(
			frappe._("Your login does not serve at the counter of an active caring merchant."),
			frappe.PermissionError,
		)
	names = [shop.name for shop in shops]
	return {
		"merchants": [{"merchant_name": shop.merchant_name, "address": shop.address} for shop in shops],
		"offers": [
			{"reward_name": offer.reward_name, "points_cost": offer.points_cost, "stock": offer.stock}
			for offer in merchants.offers_of(names)
			if offer.is_active
		],
		"waiting": merchants.waiting_count(names),
		"served_recently": merchants.served_recently(names),
	}
