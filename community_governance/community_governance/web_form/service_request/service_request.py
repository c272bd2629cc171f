"""The residents' service-request web form: file a request from a phone, follow it and rate the result.

Frappe's web form saves through ``frappe.website.doctype.web_form.web_form.accept`` and the Service
Request controller decides what is kept: the requester, channel and building of a resident's
request, and which fields a resident may change afterwards. This module only shapes the pages.
"""

import frappe
from community_governance import scope
from frappe import _
from frappe.utils import get_datetime

CATEGORY = "Service Request Category"
# Frappe's web form script shows these itself, but of the translations only the form's own labels
# reach the page; service_request.js adds these
SCRIPT_MESSAGES = (
	"Updated",
	"Your form has been successfully updated",
	"Edit your response",
	"Discard",
	"Discard?",
	"Are you sure you want to discard the changes?",
	"Missing Values Required",
	"Following fields have missing values:",
	"Mandatory fields required:",
	"Invalid values for fields:",
	"Couldn't save, please check the data you have entered",
	"Validation Error",
	"Error",
	# the photo's upload dialog
	"Upload",
	"Private",
	"Optimize",
	"Set all public",
	"Clear",
	"Reload File",
	"My Device",
	"Library",
	"Link",
	"Camera",
	"Upload file",
	"Upload {0} files",
	"Drag and drop files here or upload from",
)


def get_context(context):
	# Guests never get here: Frappe refuses them a login-required form (Not Permitted)
	if not scope.get_scope().residents:
		frappe.throw(
			_("Only registered residents can file requests; please ask your community to register you."),
			frappe.PermissionError,
		)

	# Frappe puts these on the page untranslated; labels and its own messages it translates itself
	if context.introduction_text:
		context.introduction_text = _(context.introduction_text)
	if context.is_new:
		context.title = _("New {0}").format(_(context.doc.title))
	elif context.is_list:
		context.title = _(context.doc.list_title or context.doc.title)

	if not context.is_list:
		context.web_form_doc.script_messages = {message: _(message) for message in SCRIPT_MESSAGES}
		offer_active_categories(context)
		show_times_to_the_second(context)


def offer_active_categories(context):
	"""A web form lists every record of a linked DocType; a resident chooses only among active
	categories (and still sees the category of a request filed before it was retired)."""
	categories = frappe.get_all(CATEGORY, filters={"is_active": 1}, pluck="name", order_by="name")
	filed_under = (context.reference_doc or {}).get("category")
	if filed_under and filed_under not in categories:
		categories.append(filed_under)
	for field in context.web_form_doc.web_form_fields:
		if field.fieldname == "category":
			field.options = "\n".join(categories)


def show_times_to_the_second(context):
	"""The web form's date-time control rejects the microseconds the database keeps (it shows an error
	dialog instead of the deadline), so the page gets the times to the second."""
	request = context.reference_doc
	if not request:
		return
	for field in context.web_form_doc.web_form_fields:
		if field.fieldtype == "Datetime" and request.get(field.fieldname):
			request[field.fieldname] = get_datetime(request[field.fieldname]).replace(microsecond=0)


def get_list_context(context):
	"""My requests: those the resident filed and those staff filed on their behalf, nothing else the
	user may also see (a volunteer's micro-wish board, requests dispatched to them)."""
	own_residents = sorted(scope.get_scope().residents)
	if own_residents:
		context.filters = {"requester": ("in", own_residents)}
	else:
		context.filters = {"owner": frappe.session.user}
	return context
