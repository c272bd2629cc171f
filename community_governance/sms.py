"""Texts to residents' phones through Frappe's own SMS Settings and ``send_sms``.

Frappe's ``send_sms`` records what it sent in the SMS Log, a DocType that ERPNext brings; on a site
without ERPNext that record is what fails, after the texts went out. Such a site sends through the
same Frappe gateway calls and skips only the log.
"""

import frappe


def configured() -> bool:
	return bool(frappe.db.get_single_value("SMS Settings", "sms_gateway_url"))


def send(numbers: list[str], text: str) -> None:
	"""Send ``text`` to each number, if the site has an SMS gateway."""
	if not numbers or not configured():
		return
	from frappe.core.doctype.sms_settings import sms_settings

	if frappe.db.exists("DocType", "SMS Log"):
		sms_settings.send_sms(numbers, text, success_msg=False)
		return
	settings = frappe.get_doc("SMS Settings")
	headers = sms_settings.get_headers(settings)
	use_json = headers.get("Content-Type") == "application/json"
	params = {settings.message_parameter: text}
	params.update({row.parameter: row.value for row in settings.parameters if not row.header})
	for number in sms_settings.validate_receiver_nos(numbers):
		params[settings.receiver_parameter] = number
		sms_settings.send_request(settings.sms_gateway_url, params, headers, settings.use_post, use_json)
