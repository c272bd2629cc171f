"""我的积分: a resident's balance, what they earned in each section, and their statement."""

from community_governance import ledger
from community_governance.resident_pages import own_resident, require_consent, require_login, set_page
from frappe import _
from frappe.utils import format_date

no_cache = 1
sitemap = 0

STATEMENT_ROWS = 100


def get_context(context):
	require_login()
	set_page(context, _("My Points"))
	context.resident = own_resident()
	require_consent(context.resident)
	if not context.resident:
		return
	account = ledger.balance_of(context.resident.name)
	context.balance = account["balance"]
	context.sections = list(account["by_section"].items())
	# one row more than is shown tells whether older rows were left out
	rows = ledger.statement(context.resident.name, limit=STATEMENT_ROWS + 1)
	context.statement = [statement_line(row) for row in rows[:STATEMENT_ROWS]]
	context.statement_is_cut = len(rows) > STATEMENT_ROWS


def statement_line(row) -> dict:
	return {
		# the source's own words (activity title, request subject, reward) say most; the kind otherwise
		"what": row.remark or _(row.kind),
		"kind": _(row.kind),
		"section": _(row.section) if row.section else "",
		"date": format_date(row.posting_date),
		"points": row.points,
		"balance": row.balance,
	}
