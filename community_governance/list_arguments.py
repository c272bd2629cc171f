"""Malformed list arguments get a clear 4xx before Frappe builds SQL from them.

Frappe's list endpoints pass ``fields``, ``filters``, ``order_by`` and ``group_by`` into SQL after its
own guards (no sub-queries, no blacklisted functions, known field names in ``fields``), but some
malformed values pass those guards and fail in the database or in Python, which answers 500 with the
server's error: ``fields=["name`"]``, ``["sum(rating"]``, ``["name as"]``, an unknown column in
``order_by`` or ``group_by``, filters that are not JSON or not ``[field, operator, value]``, an
unknown field counted by ``frappe.client.get_count``.

One ``before_request`` hook checks these arguments, for this app's DocTypes, on every route that
lists them: REST v1 ``GET /api/resource/<DocType>`` and v2 ``GET /api/v2/document/<DocType>`` (these
call ``frappe.client.get_list`` directly, so ``override_whitelisted_methods`` would not reach them),
v2's count, and the whitelisted list methods in ``LIST_METHODS``. It only refuses: what passes is
handed to Frappe unchanged, so Frappe's own SQL-injection guards and permission checks still run on
every query. Other apps' DocTypes are left to Frappe.
"""

import json
import re

import frappe
from frappe import _
from frappe.utils import escape_html

APP = "community_governance"

# the whitelisted methods that list or count a DocType, and where each keeps its arguments
LIST_METHODS = {
	"frappe.client.get_list": {"fields": "fields"},
	"frappe.client.get_count": {},
	"frappe.client.get_value": {"fieldname": "fields"},
	"frappe.desk.reportview.get": {"fields": "fields"},
	"frappe.desk.reportview.get_list": {"fields": "fields"},
	"frappe.desk.reportview.get_count": {"fields": "fields"},
	"frappe.desk.reportview.export_query": {"fields": "fields"},
	"frappe.desk.listview.get_group_by_count": {"current_filters": "filters", "field": "column"},
}
# where these take a plain record name as their filters, the way Frappe documents them
NAME_AS_FILTERS = ("frappe.client.get_count", "frappe.client.get_value")
COMMON_ARGUMENTS = {
	"filters": "filters",
	"or_filters": "filters",
	"order_by": "order",
	"group_by": "order",
}

REST_LIST = re.compile(r"^/api(?:/v1)?/resource/([^/]+)/?$")
REST_V2_LIST = re.compile(r"^/api/v2/document/([^/]+)/?$")
REST_V2_COUNT = re.compile(r"^/api/v2/doctype/([^/]+)/count/?$")
METHOD = re.compile(r"^/api(?:/v1|/v2)?/method/([^/]+)/?$")

IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
NAME = rf"(?:{IDENTIFIER}|`[^`]+`)"
COLUMN = re.compile(rf"(?:(?P<table>{NAME})\.)?(?P<column>{NAME}|\*)")
FUNCTION = re.compile(rf"(?P<function>{IDENTIFIER})\s*\((?P<argument>.*)\)", re.DOTALL)
DISTINCT = re.compile(r"distinct\s+", re.IGNORECASE)
ALIASED = re.compile(
	rf"(?P<expression>.+?)\s+as\s+(?P<alias>{IDENTIFIER}|`[^`]+`|'[^']+'|\"[^\"]+\")",
	re.IGNORECASE | re.DOTALL,
)
ORDER_TERM = re.compile(r"(?P<expression>.+?)(?:\s+(?:asc|desc))?", re.IGNORECASE | re.DOTALL)
# the column Frappe's report view adds for a group-by aggregate, and the list sidebar's assignees
VIRTUAL_COLUMNS = ("_aggregate_column", "assigned_to")


def check_list_request():
	"""``before_request`` hook."""
	request = getattr(frappe.local, "request", None)
	if not request or not request.path.startswith("/api/"):
		return
	route = list_route(request)
	if not route:
		return
	doctype, method, arguments = route
	if not is_app_doctype(doctype):
		return
	ListArguments(doctype, method).check(arguments)


def list_route(request) -> tuple[str, str, dict] | None:
	path, form = request.path, frappe.local.form_dict
	if request.method == "GET":
		for pattern, method in (
			(REST_LIST, "frappe.client.get_list"),
			(REST_V2_LIST, "frappe.client.get_list"),
			(REST_V2_COUNT, "frappe.desk.reportview.get_count"),
		):
			if found := pattern.match(path):
				return found.group(1), method, LIST_METHODS[method]
	if (found := METHOD.match(path)) and found.group(1) in LIST_METHODS:
		return form.get("doctype"), found.group(1), LIST_METHODS[found.group(1)]
	return None


def is_app_doctype(doctype) -> bool:
	if not isinstance(doctype, str):
		return False
	found = frappe.db.get_value("DocType", doctype, ["module", "issingle"], as_dict=True)
	# Frappe answers an unknown DocType itself (404), and a Single has no list
	return bool(found) and not found.issingle and found.module in frappe.get_module_list(APP)


class ListArguments:
	def __init__(self, doctype: str, method: str):
		self.doctype, self.method = doctype, method
		self.aliases: set[str] = set()

	def check(self, arguments: dict):
		form = frappe.local.form_dict
		for argument, kind in {**arguments, **COMMON_ARGUMENTS}.items():
			value = form.get(argument)
			if value in (None, "", [], {}):
				continue
			if kind == "fields":
				self.check_fields(argument, value)
			elif kind == "filters":
				self.check_filters(argument, value)
			elif kind == "order":
				self.check_order(argument, value)
			elif kind == "column":
				self.check_column_name(argument, value)

	# --- fields ----------------------------------------------------------------------------------

	def check_fields(self, argument: str, value):
		if isinstance(value, str):
			if value.strip() == "*":
				return
			try:
				value = json.loads(value)
			except ValueError:
				if self.method != "frappe.client.get_value":
					refuse(_("{0} must be valid JSON.").format(argument))
				value = [value]  # get_value takes one field name as it is
			if isinstance(value, str):
				value = [value]
		if not isinstance(value, list):
			refuse(_("{0} must be a list of field names.").format(argument))
		for field in value:
			if field in (None, ""):
				continue
			if not isinstance(field, str) or not self.is_select_item(field):
				refuse(
					_("{0} is not a field name, or a function such as count() of one, with an alias.").format(
						shown(field)
					)
				)

	def is_select_item(self, field: str) -> bool:
		text = field.strip()
		if aliased := ALIASED.fullmatch(text):
			text, alias = aliased.group("expression").strip(), aliased.group("alias")
			# Frappe splits a bare column's alias on spaces
			if re.search(r"\s", alias) and not (text.startswith("`") or "(" in text):
				return False
			self.aliases.add(alias.strip("`'\""))
		return is_expression(DISTINCT.sub("", text, count=1))

	# --- filters ---------------------------------------------------------------------------------

	def check_filters(self, argument: str, value):
		if isinstance(value, str):
			try:
				value = json.loads(value)
			except ValueError:
				if self.method in NAME_AS_FILTERS:
					return  # a record's name
				refuse(_("{0} must be valid JSON.").format(argument))
			if isinstance(value, str | int | float) and self.method in NAME_AS_FILTERS:
				return
		if isinstance(value, dict):
			for fieldname, condition in value.items():
				if isinstance(condition, list) and (len(condition) < 2 or not isinstance(condition[0], str)):
					refuse(
						_("Filter {0} must be a value or an [operator, value] pair.").format(shown(fieldname))
					)
				self.check_filter_field(self.doctype, fieldname)
		elif isinstance(value, list):
			for condition in value:
				self.check_condition(condition)
		else:
			refuse(_("{0} must be a list of conditions or an object of field values.").format(argument))

	def check_condition(self, condition):
		shape = _("Each filter is [field, operator, value] or [DocType, field, operator, value]: {0}")
		if not isinstance(condition, list) or not 3 <= len(condition) <= 5:
			refuse(shape.format(shown(condition)))
		if len(condition) == 3:
			doctype, (fieldname, operator) = self.doctype, condition[:2]
		else:
			doctype, fieldname, operator = condition[:3]
		if not all(isinstance(part, str) for part in (doctype, fieldname, operator)):
			refuse(shape.format(shown(condition)))
		if not frappe.db.exists("DocType", doctype):
			refuse(_("Filter {0} names an unknown DocType.").format(shown(condition)))
		self.check_filter_field(doctype, fieldname)

	def check_filter_field(self, doctype: str, fieldname: str):
		# a field of a child table or a linked record is written table.field
		table = doctype
		if "." in fieldname:
			link, fieldname = fieldname.split(".", 1)
			df = frappe.get_meta(doctype).get_field(link)
			if df and df.fieldtype in ("Link", "Table", "Table MultiSelect"):
				table = df.options
			else:  # or `tabChild DocType`.field
				table = link.strip("`")[3:] if link.strip("`").startswith("tab") else None
		if not table or fieldname.strip("`") not in columns_of(table):
			refuse(_("Cannot filter by {0}: it is not a field of {1}.").format(shown(fieldname), _(doctype)))

	# --- order and group by ----------------------------------------------------------------------

	def check_order(self, argument: str, value):
		if not isinstance(value, str):
			refuse(_("{0} must be field names, each optionally followed by asc or desc.").format(argument))
		for term in value.split(","):
			expression = ORDER_TERM.fullmatch(term.strip())
			if not expression or not is_expression(expression.group("expression").strip()):
				refuse(
					_("{0} must be field names, each optionally followed by asc or desc.").format(argument)
				)
			for table, column in referenced_columns(expression.group("expression").strip()):
				self.check_known_column(argument, table, column)

	def check_column_name(self, argument: str, value):
		if not isinstance(value, str) or (
			value not in VIRTUAL_COLUMNS and value not in columns_of(self.doctype)
		):
			refuse(_("{0} is not a field of {1}.").format(shown(value), _(self.doctype)))

	def check_known_column(self, argument: str, table: str | None, column: str):
		if column == "*":
			return
		if table is None:
			known = columns_of(self.doctype) | self.aliases | set(VIRTUAL_COLUMNS)
		else:
			doctype = table.strip("`").removeprefix("tab")
			if not table.strip("`").startswith("tab") or doctype not in self.queried_doctypes():
				refuse(
					_("Cannot sort or group by {0}: it is not a field of {1}.").format(
						shown(table), _(self.doctype)
					)
				)
			known = columns_of(doctype)
		if column.strip("`") not in known:
			refuse(
				_("Cannot sort or group by {0}: it is not a field of {1}.").format(
					shown(column.strip("`")), _(self.doctype)
				)
			)

	def queried_doctypes(self) -> set[str]:
		meta = frappe.get_meta(self.doctype)
		return {self.doctype} | {df.options for df in meta.get_table_fields()}


def is_expression(text: str) -> bool:
	"""A column (``name``, ``table.column``, backquoted parts, ``*``) or a function of one, nested."""
	text = text.strip()
	if COLUMN.fullmatch(text):
		return True
	if call := FUNCTION.fullmatch(text):
		return is_expression(DISTINCT.sub("", call.group("argument").strip(), count=1))
	return False


def referenced_columns(expression: str) -> list[tuple[str | None, str]]:
	text = expression.strip()
	while call := FUNCTION.fullmatch(text):
		text = DISTINCT.sub("", call.group("argument").strip(), count=1).strip()
	column = COLUMN.fullmatch(text)
	return [(column.group("table"), column.group("column"))] if column else []


def columns_of(doctype: str) -> set[str]:
	return set(frappe.db.get_db_table_columns(f"tab{doctype}"))  # empty for a DocType without a table


def shown(value) -> str:
	text = value if isinstance(value, str) else json.dumps(value, default=str)
	return frappe.bold(escape_html(text[:140]))


def refuse(message: str):
	frappe.throw(message, frappe.DataError, title=_("Invalid Query"))
