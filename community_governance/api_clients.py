"""What clients other than the desk need from every API answer (a WeChat mini-program, an app on
frappe-js-sdk): messages in the user's own language, an error's text as plain text, and a refused
login that says why when the number's registration is not approved yet.

Frappe sets ``frappe.local.lang`` from the user only when it resumes a session (the ``sid`` cookie);
a request authenticated by API token or OAuth bearer token is authenticated later, after the
language was taken from Accept-Language, so such a resident got English. ``auth_hooks`` run right
after that authentication.
"""

import json

import frappe
from community_governance import registration
from community_governance.utils.text import plain_text
from frappe.translate import get_user_lang

LOGIN_PATH = "/api/method/login"


def use_language_of_authenticated_user():
	"""``auth_hooks``: after token or OAuth authentication, speak the user's language (unless the
	request asks for one with ``_lang``)."""
	user = frappe.session.user
	if not user or user == "Guest" or frappe.form_dict.get("_lang"):
		return
	if not frappe.get_request_header("Authorization"):
		return  # a session: Frappe set the user's language when it resumed it
	frappe.local.lang = get_user_lang(user)


def explain_refused_login(response=None, request=None):
	"""``after_request``: a login refused for a number whose registration is pending or rejected says
	so, in the language the person registered in, instead of "Invalid login credentials"."""
	if not _is_json_error(request, response) or request.path != LOGIN_PATH or response.status_code != 401:
		return
	found = registration.latest_registration(frappe.form_dict.get("usr"))
	if not found:
		return
	if found.language:
		frappe.local.lang = found.language
	message = registration.status_message(found)
	if not message:
		return
	body = _body(response)
	body["message"] = message
	# the login page shows what is in _server_messages
	body["_server_messages"] = json.dumps([json.dumps({"message": message, "indicator": "orange"})])
	response.set_data(json.dumps(body))


def add_plain_text_message(response=None, request=None):
	"""``after_request``: an API error carries ``message_text``, its messages as plain text, besides
	Frappe's ``_server_messages`` (HTML inside JSON strings), which the desk keeps reading."""
	if not _is_json_error(request, response):
		return
	body = _body(response)
	if body is None or "message_text" in body:
		return
	text = _messages_text(body)
	if text:
		body["message_text"] = text
		response.set_data(json.dumps(body))


def _is_json_error(request, response) -> bool:
	return bool(
		request is not None
		and response is not None
		and request.path.startswith("/api/")
		and response.status_code >= 400
		and (response.mimetype or "") == "application/json"
	)


def _body(response) -> dict | None:
	try:
		body = json.loads(response.get_data(as_text=True) or "{}")
	except ValueError:
		return None
	return body if isinstance(body, dict) else None


def _messages_text(body: dict) -> str:
	texts = []
	try:
		messages = json.loads(body.get("_server_messages") or "[]")
	except ValueError:
		messages = []
	for raw in messages:
		try:
			message = json.loads(raw)
		except (TypeError, ValueError):
			message = {"message": raw}
		text = message.get("message") if isinstance(message, dict) else message
		if text:
			texts.append(" ".join(plain_text(str(text)).split()))
	if not texts and isinstance(body.get("message"), str):
		texts.append(plain_text(body["message"]))
	if not texts and body.get("exception"):
		# "frappe.exceptions.ValidationError: the message"
		texts.append(plain_text(str(body["exception"]).split(": ", 1)[-1]))
	return "\n".join(text for text in texts if text)
