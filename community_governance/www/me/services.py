"""居民服务: the resident's home on the phone, a few large links to what they can do."""

from community_governance import ledger, notices
from community_governance.resident_pages import (
	SERVICE_REQUEST_FORM_ROUTE,
	own_resident,
	require_consent,
	require_login,
	service_request_form_published,
	set_page,
)
from frappe import _

no_cache = 1
sitemap = 0


def get_context(context):
	require_login()
	set_page(context, _("Resident Services"), with_hub_link=False)
	context.resident = own_resident()
	require_consent(context.resident)
	if not context.resident:
		return
	context.balance = ledger.balance_of(context.resident.name)["balance"]
	unread = notices.unread_count(context.resident.name)
	context.links = [
		{"route": "/me/notices", "label": _("Notices"), "note": "", "badge": unread},
		{"route": "/me/points", "label": _("My Points"), "note": _("Balance {0}").format(context.balance)},
		{"route": "/me/rewards", "label": _("Redeem Points"), "note": ""},
		{"route": "/me/matters", "label": _("Matters for Deliberation"), "note": ""},
		{"route": "/me/quick-report", "label": _("Quick Report"), "note": _("Photograph a problem")},
	]
	if service_request_form_published():
		context.links.insert(
			0, {"route": f"/{SERVICE_REQUEST_FORM_ROUTE}/list", "label": _("My Requests"), "note": ""}
		)
