"""Errors over HTTP: the body names the error without the server's traceback, and malformed list
arguments answer a clear 4xx (never a 500) for every route that lists the app's DocTypes."""

import json

import pytest

import frappe
from community_governance import install
from tests.integration.http import UserSession

pytestmark = pytest.mark.http

SR = "Service Request"
RESOURCE = f"/api/resource/{SR}"
V2_LIST = f"/api/v2/document/{SR}"
METHOD = "/api/method/"
TRACEBACK_SETTING = ("System Settings", "allow_error_traceback")


def assert_no_traceback(response):
	body = response.text
	for marker in ("Traceback", 'File "', "apps/frappe", ".py", "pymysql"):
		assert marker not in body, f"{marker!r} in {body[:600]}"
	data = response.json()
	assert not {"exc", "exception", "_exc_source", "_debug_messages"} & set(data), data
	for error in data.get("errors", []):
		assert "exception" not in error, error


def message_of(response) -> str:
	data = response.json()
	if "errors" in data:
		return " ".join(error["message"] for error in data["errors"])
	return " ".join(json.loads(message)["message"] for message in json.loads(data["_server_messages"]))


def server_errors_logged() -> int:
	frappe.db.rollback()
	return frappe.db.count("Error Log")


@pytest.fixture
def clients(world, server):
	return {
		"cw1": server.session(world.users["cw1"], world.password),
		"resident1": server.session(world.users["resident1"], world.password),
		"Administrator": server.session("Administrator", "admin"),
	}


def test_tracebacks_are_off_once_the_app_is_installed(site):
	assert not frappe.db.get_single_value(*TRACEBACK_SETTING)


def test_migrating_keeps_an_administrator_s_choice_to_show_tracebacks(site):
	frappe.db.set_single_value(*TRACEBACK_SETTING, 1)
	install.after_migrate()
	assert frappe.db.get_single_value(*TRACEBACK_SETTING) == 1
	frappe.db.rollback()


# --- every kind of error, as a logged-in user ------------------------------------------------------


def a_permission_error(world, clients):
	# a resident may not read another building's request
	return clients["resident1"].get(f"/api/resource/{SR}/{world.request_of_another}")


def a_validation_error(world, clients):
	# the rating is checked before anything else
	return clients["resident1"].post(
		f"{METHOD}community_governance.api.service_request.rate", name=world.request_of_another, rating=9
	)


def a_missing_record(world, clients):
	return clients["cw1"].get(f"{RESOURCE}/SR-1999-99999")


def a_missing_record_v2(world, clients):
	return clients["cw1"].get(f"{V2_LIST}/SR-1999-99999")


def a_malformed_query(world, clients):
	return clients["cw1"].get(RESOURCE, fields=json.dumps(["name`"]))


def a_malformed_query_v2(world, clients):
	return clients["cw1"].get(V2_LIST, order_by="name sideways")


ERRORS = {
	"permission": (a_permission_error, 403),
	"validation": (a_validation_error, 417),
	"missing": (a_missing_record, 404),
	"missing-v2": (a_missing_record_v2, 404),
	"malformed": (a_malformed_query, 417),
	"malformed-v2": (a_malformed_query_v2, 417),
}


@pytest.fixture(scope="module")
def request_of_another(world):
	"""A request of resident2 (another building and community): resident1 may not read or rate it."""
	frappe.set_user(world.users["resident2"])
	name = (
		frappe.get_doc(
			{"doctype": SR, "category": world.categories["repairs"], "description": "Door lock broken"}
		)
		.insert()
		.name
	)
	frappe.set_user("Administrator")
	frappe.db.commit()
	world.request_of_another = name
	yield name
	frappe.db.rollback()
	frappe.delete_doc(SR, name, force=True, ignore_permissions=True)
	frappe.db.commit()


@pytest.mark.parametrize("kind", ERRORS)
def test_error_bodies_carry_no_traceback(world, clients, request_of_another, kind):
	make_error, status = ERRORS[kind]
	response = make_error(world, clients)
	assert response.status_code == status, response.text[:500]
	assert message_of(response)
	assert_no_traceback(response)


def test_an_administrator_may_turn_tracebacks_back_on(world, clients, request_of_another):
	# the check above would fail with Frappe's default: the same error then carries the traceback
	frappe.db.set_single_value(*TRACEBACK_SETTING, 1)
	frappe.db.commit()
	try:
		response = a_validation_error(world, clients)
		assert response.status_code == 417
		assert "Traceback" in response.text
	finally:
		frappe.db.set_single_value(*TRACEBACK_SETTING, 0)
		frappe.db.commit()


# --- malformed list arguments ----------------------------------------------------------------------

GET_LIST = f"{METHOD}frappe.client.get_list"
GET_COUNT = f"{METHOD}frappe.client.get_count"
GET_VALUE = f"{METHOD}frappe.client.get_value"
REPORT_VIEW = f"{METHOD}frappe.desk.reportview.get"
REPORT_COUNT = f"{METHOD}frappe.desk.reportview.get_count"
GROUP_BY_COUNT = f"{METHOD}frappe.desk.listview.get_group_by_count"
V2_COUNT = f"/api/v2/doctype/{SR}/count"

NOT_A_FIELD = "is not a field name, or a function"
NOT_SORTABLE = "must be field names, each optionally followed by asc or desc"
UNKNOWN_SORT = "Cannot sort or group by"
UNKNOWN_FILTER = "Cannot filter by"
NOT_JSON = "must be valid JSON"
NOT_A_CONDITION = "Each filter is [field, operator, value]"

# each answered 500 with Frappe alone (a database syntax error, an unknown column, or a Python error)
MALFORMED = {
	"field with a stray backquote": ("GET", RESOURCE, {"fields": ["name`"]}, NOT_A_FIELD),
	"unclosed function": ("GET", RESOURCE, {"fields": ["sum(rating"]}, NOT_A_FIELD),
	"alias missing": ("GET", RESOURCE, {"fields": ["name as"]}, NOT_A_FIELD),
	"alias of two words": ("GET", RESOURCE, {"fields": ["name as x y"]}, NOT_A_FIELD),
	"field that is a number": ("GET", RESOURCE, {"fields": [1]}, NOT_A_FIELD),
	"fields not JSON": ("GET", RESOURCE, {"fields": "[name"}, NOT_JSON),
	"filters not JSON": ("GET", RESOURCE, {"filters": '[["name"'}, NOT_JSON),
	"or filters not JSON": ("GET", RESOURCE, {"or_filters": "{"}, NOT_JSON),
	"filter too short": ("GET", RESOURCE, {"filters": [["name"]]}, NOT_A_CONDITION),
	"filters a number": ("GET", RESOURCE, {"filters": 5}, "must be a list of conditions"),
	"order by an unknown column": ("GET", RESOURCE, {"order_by": "nosuch desc"}, UNKNOWN_SORT),
	"order by junk": ("GET", RESOURCE, {"order_by": "name`"}, NOT_SORTABLE),
	"order by a bad direction": ("GET", RESOURCE, {"order_by": "name sideways"}, NOT_SORTABLE),
	"group by an unknown column": ("GET", RESOURCE, {"group_by": "nosuch"}, UNKNOWN_SORT),
	"group by junk": ("GET", RESOURCE, {"group_by": "name`"}, NOT_SORTABLE),
	"get_list field junk": ("GET", GET_LIST, {"doctype": SR, "fields": ["name`"]}, NOT_A_FIELD),
	"get_list group junk": ("GET", GET_LIST, {"doctype": SR, "group_by": "name`"}, NOT_SORTABLE),
	"get_list order unknown": ("GET", GET_LIST, {"doctype": SR, "order_by": "nosuch"}, UNKNOWN_SORT),
	"get_list filters not JSON": ("GET", GET_LIST, {"doctype": SR, "filters": "[["}, NOT_JSON),
	"get_count unknown filter": ("GET", GET_COUNT, {"doctype": SR, "filters": {"nosuch": 1}}, UNKNOWN_FILTER),
	"get_value field junk": (
		"GET",
		GET_VALUE,
		{"doctype": SR, "fieldname": ["name`"], "filters": {"name": "x"}},
		NOT_A_FIELD,
	),
	"report view field junk": ("POST", REPORT_VIEW, {"doctype": SR, "fields": ["name`"]}, NOT_A_FIELD),
	"report view group unknown": (
		"POST",
		REPORT_VIEW,
		{"doctype": SR, "fields": ["name"], "group_by": "nosuch"},
		UNKNOWN_SORT,
	),
	"report view order unknown": (
		"POST",
		REPORT_VIEW,
		{"doctype": SR, "fields": ["name"], "order_by": "nosuch desc"},
		UNKNOWN_SORT,
	),
	"report view filters not JSON": (
		"POST",
		REPORT_VIEW,
		{"doctype": SR, "fields": ["name"], "filters": "[["},
		NOT_JSON,
	),
	"report count filters not JSON": ("POST", REPORT_COUNT, {"doctype": SR, "filters": "[["}, NOT_JSON),
	"sidebar count of an unknown field": (
		"POST",
		GROUP_BY_COUNT,
		{"doctype": SR, "current_filters": "[]", "field": "nosuch"},
		"is not a field of",
	),
	"v2 field junk": ("GET", V2_LIST, {"fields": ["name`"]}, NOT_A_FIELD),
	"v2 fields not JSON": ("GET", V2_LIST, {"fields": "[x"}, NOT_JSON),
	"v2 group junk": ("GET", V2_LIST, {"group_by": "name`"}, NOT_SORTABLE),
	"v2 order unknown": ("GET", V2_LIST, {"order_by": "nosuch"}, UNKNOWN_SORT),
	"v2 filters not JSON": ("GET", V2_LIST, {"filters": "[["}, NOT_JSON),
	"v2 count unknown filter": ("GET", V2_COUNT, {"filters": {"nosuch": 1}}, UNKNOWN_FILTER),
}


def call(client: UserSession, method: str, path: str, arguments: dict):
	encoded = {
		key: value if isinstance(value, str) else json.dumps(value) for key, value in arguments.items()
	}
	if method == "GET":
		return client.http.get(f"{client.url}{path}", params=encoded, timeout=60)
	return client.http.post(f"{client.url}{path}", data=encoded, timeout=60)


@pytest.mark.parametrize("user", ["cw1", "Administrator"])
@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_list_arguments_answer_a_clear_4xx(clients, case, user):
	method, path, arguments, message = MALFORMED[case]
	errors_before = server_errors_logged()
	response = call(clients[user], method, path, arguments)
	assert 400 <= response.status_code < 500, response.text[:500]
	assert message in message_of(response)
	assert_no_traceback(response)
	assert server_errors_logged() == errors_before  # a 500 would have logged one


# what Frappe's desk and ordinary clients send: the guard lets it all through
WELL_FORMED = {
	"list view": (
		"POST",
		REPORT_VIEW,
		{
			"doctype": SR,
			"fields": [f"`tab{SR}`.`name`", f"`tab{SR}`.`_assign`", f"`tab{SR}`.`workflow_state`"],
			"filters": [[SR, "workflow_state", "!=", "Closed"]],
			"order_by": f"`tab{SR}`.`modified` desc",
			"start": 0,
			"page_length": 20,
			"view": "List",
			"group_by": "",
			"with_comment_count": 1,
		},
	),
	"report view with a child column": (
		"POST",
		REPORT_VIEW,
		{
			"doctype": SR,
			"fields": [
				f"`tab{SR}`.`name`",
				"`tabService Request Escalation`.`to_level` as 'Service Request Escalation:to_level'",
				"building.building_name as building_building_name",
			],
			"order_by": f"`tab{SR}`.`creation` asc, name desc",
		},
	),
	"count": ("POST", REPORT_COUNT, {"doctype": SR, "filters": "[]", "distinct": "false"}),
	"sidebar counts": ("POST", GROUP_BY_COUNT, {"doctype": SR, "current_filters": "[]", "field": "owner"}),
	"aggregates": (
		"GET",
		RESOURCE,
		{
			"fields": ["building", "count(distinct name) as requests", "avg(rating) as rating"],
			"group_by": "building",
			"order_by": "requests desc",
			"filters": {"priority": ["in", ["Low", "Medium"]]},
		},
	),
	"every field": ("GET", RESOURCE, {"fields": ["*"], "limit": 2}),
	"a value by name": ("GET", GET_VALUE, {"doctype": SR, "fieldname": "workflow_state", "filters": "SR-X"}),
	"v2 list": ("GET", V2_LIST, {"fields": ["name", "subject"], "order_by": "creation desc"}),
	"v2 count": ("GET", V2_COUNT, {"filters": {"workflow_state": "Open"}}),
}


@pytest.mark.parametrize("case", WELL_FORMED)
def test_well_formed_list_arguments_still_answer(clients, case):
	method, path, arguments = WELL_FORMED[case]
	response = call(clients["cw1"], method, path, arguments)
	assert response.status_code == 200, response.text[:500]


def app_doctypes_with_lists() -> list[str]:
	frappe.db.rollback()
	return frappe.get_all(
		"DocType", {"module": "Community Governance", "issingle": 0, "istable": 0}, pluck="name"
	)


def test_every_app_doctype_refuses_malformed_list_arguments(clients):
	"""Generated from the metadata, so a DocType added later is covered without a new rule."""
	for doctype in app_doctypes_with_lists():
		for arguments in ({"fields": '["name`"]'}, {"order_by": "nosuch desc"}, {"filters": "[["}):
			response = call(clients["Administrator"], "GET", f"/api/resource/{doctype}", arguments)
			assert response.status_code == 417, (doctype, arguments, response.text[:300])
			assert_no_traceback(response)
