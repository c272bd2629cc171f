"""爱心商家柜台: a caring merchant's counter on the phone. The resident shows a code (or its QR
code); the counter types or scans it, sees what it redeems at this shop and hands it over."""

import frappe
import frappe.sessions
from community_governance import merchants
from community_governance.resident_pages import require_login, script_messages, set_page
from frappe import _
from frappe.utils import format_datetime

no_cache = 1
sitemap = 0


def get_context(context):
	require_login()
	set_page(context, _("Merchant Counter"), with_hub_link=False)
	context.shops = merchants.counter_merchants(frappe.session.user)
	if not context.shops:
		return
	names = [shop.name for shop in context.shops]
	context.offers = [offer for offer in merchants.offers_of(names) if offer.is_active]
	context.waiting = merchants.waiting_count(names)
	context.served = [
		{**row, "when": format_datetime(row.fulfilled_on, "MM-dd HH:mm")}
		for row in merchants.served_recently(names)
	]
	context.script_messages = script_messages(
		"Look Up",
		"Hand Over",
		"Handed over: {0} × {1} for {2}.",
		"Something went wrong. Please try again.",
		"Point the camera at the resident's QR code",
		"The camera could not be opened.",
	)
	# the counter POSTs with the session's CSRF token, which the page sets as frappe.csrf_token
	frappe.sessions.get_csrf_token()
