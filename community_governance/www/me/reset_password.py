"""忘记密码: a resident sets a new password with a code, sent by SMS or handed over by their grid
worker."""

import frappe
import frappe.sessions
from community_governance import registration, sms
from community_governance.resident_pages import script_messages, set_page
from frappe import _

no_cache = 1
sitemap = 0


def get_context(context):
	set_page(context, _("Forgot Password"), with_hub_link=False)
	context.sms = sms.configured()
	context.min_password_length = registration.MIN_PASSWORD_LENGTH
	context.script_messages = script_messages("The two passwords differ.")
	frappe.sessions.get_csrf_token()
