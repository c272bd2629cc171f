"""Care records are confidential: only the visitor, the workers of the resident's grid and Street
Office Admins see a plan and its visits — in lists, single documents, link search, the report
and REST. Not the resident's building captain, not the resident, not other grids' workers."""

import json

import pytest

import frappe
from community_governance.api import care as api
from frappe.client import get as client_get
from frappe.desk.query_report import run as run_report
from frappe.desk.search import search_link
from frappe.utils import today
from tests.integration.conftest import as_user
from tests.integration.test_care_visits import PLAN, VISIT, make_plan, run_as

REPORT = "Care Visits"
# the plan's visitor, the grid worker and community worker of the resident's grid, an admin
INSIDERS = ["volunteer", "gw11", "cw1", "soa"]
# roles with no access to care records at all
WITHOUT_ACCESS = ["resident1", "resident2", "mediator"]
# roles that may hold care records, but not these: the resident's own building captain, the
# worker of the neighbouring grid, another community's workers
NOT_THESE = ["captain1", "gw12", "gw21", "cw2", "captain2"]
OUTSIDERS = WITHOUT_ACCESS + NOT_THESE


@pytest.fixture
def records(world):
	plan = make_plan(world)
	visit = run_as(world, "volunteer", api.log_visit, plan, "Poor", notes="Lives on rice porridge")["name"]
	return {PLAN: plan, VISIT: visit}


@pytest.mark.parametrize("doctype", [PLAN, VISIT])
@pytest.mark.parametrize("user_key", OUTSIDERS)
def test_outsiders_find_nothing_in_lists_or_link_search(world, records, doctype, user_key):
	as_user(world.users[user_key])
	if user_key in WITHOUT_ACCESS:
		with pytest.raises(frappe.PermissionError):
			frappe.get_list(doctype, limit_page_length=0)
		return
	assert records[doctype] not in frappe.get_list(doctype, pluck="name", limit_page_length=0)
	assert not search_link(doctype, "", filters={"name": records[doctype]})


@pytest.mark.parametrize("doctype", [PLAN, VISIT])
@pytest.mark.parametrize("user_key", OUTSIDERS)
def test_outsiders_cannot_open_the_records(world, records, doctype, user_key):
	doc = frappe.get_doc(doctype, records[doctype])
	assert not frappe.has_permission(doctype, "read", doc=doc, user=world.users[user_key])
	as_user(world.users[user_key])
	with pytest.raises(frappe.PermissionError):
		client_get(doctype, records[doctype])


@pytest.mark.parametrize("doctype", [PLAN, VISIT])
@pytest.mark.parametrize("user_key", INSIDERS)
def test_the_circle_sees_the_records(world, records, doctype, user_key):
	doc = frappe.get_doc(doctype, records[doctype])
	assert frappe.has_permission(doctype, "read", doc=doc, user=world.users[user_key])
	as_user(world.users[user_key])
	assert records[doctype] in frappe.get_list(doctype, pluck="name", limit_page_length=0)
	assert client_get(doctype, records[doctype])["name"] == records[doctype]


def test_a_volunteer_visitor_sees_only_their_own_plans(world, records):
	other = make_plan(world, resident_key="neighbour1", visitor_key="gw11")
	as_user(world.users["volunteer"])
	visible = frappe.get_list(PLAN, pluck="name", limit_page_length=0)
	assert records[PLAN] in visible and other not in visible


def test_the_resident_captain_cannot_edit_a_plan_into_their_sight(world, records):
	as_user(world.users["captain1"])
	doc = frappe.get_doc(PLAN, records[PLAN])
	doc.visitor = world.users["captain1"]
	with pytest.raises(frappe.PermissionError):
		doc.save()


def report_figures(world, user_key) -> dict:
	as_user(world.users[user_key])
	try:
		result = run_report(REPORT, filters={"from_date": today(), "to_date": today()})["result"]
	finally:
		as_user("Administrator")
	return {row["grid"]: row for row in result}


@pytest.mark.parametrize("user_key", ["captain1", "volunteer", "resident1", "mediator"])
def test_the_report_is_for_the_grids_workers_and_admins(world, user_key):
	with pytest.raises(frappe.PermissionError):
		report_figures(world, user_key)


def test_the_report_counts_only_the_grids_the_viewer_works(world, records):
	assert "TG11" in report_figures(world, "gw11")
	assert "TG11" not in report_figures(world, "gw21")
	assert "TG11" not in report_figures(world, "cw2")


# --- over HTTP ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def committed_visit(world, server):
	planner = server.session(world.users["gw11"], world.password)
	for plan in planner.get(
		f"/api/resource/{PLAN}",
		filters=json.dumps({"resident": world.residents["resident1"], "status": "Active"}),
	).json()["data"]:
		assert planner.put(f"/api/resource/{PLAN}/{plan['name']}", status="Ended").status_code == 200
	response = planner.post(
		f"/api/resource/{PLAN}", resident=world.residents["resident1"], visitor=world.users["volunteer"]
	)
	assert response.status_code == 200, response.text
	plan = response.json()["data"]["name"]
	phone = server.session(world.users["volunteer"], world.password)
	logged = phone.post("/api/method/community_governance.api.care.log_visit", plan=plan, condition="Good")
	assert logged.status_code == 200, logged.text
	return {PLAN: plan, VISIT: logged.json()["message"]["name"]}


@pytest.mark.http
@pytest.mark.parametrize("user_key", ["captain1", "gw21", "resident1"])
def test_outsiders_are_refused_over_rest(world, server, committed_visit, user_key):
	client = server.session(world.users[user_key], world.password)
	for doctype, name in committed_visit.items():
		assert client.get(f"/api/resource/{doctype}/{name}").status_code == 403
		listed = client.get(f"/api/resource/{doctype}", limit_page_length=0)
		assert listed.status_code == 403 or name not in {row["name"] for row in listed.json()["data"]}


@pytest.mark.http
@pytest.mark.parametrize("user_key", ["volunteer", "gw11", "soa"])
def test_the_circle_reads_over_rest(world, server, committed_visit, user_key):
	client = server.session(world.users[user_key], world.password)
	for doctype, name in committed_visit.items():
		assert client.get(f"/api/resource/{doctype}/{name}").status_code == 200
		assert name in client.list_names(doctype)


@pytest.mark.http
@pytest.mark.parametrize(
	"user_key, status", [("captain1", 403), ("volunteer", 403), ("gw11", 200), ("soa", 200)]
)
def test_the_report_over_rest(world, server, committed_visit, user_key, status):
	client = server.session(world.users[user_key], world.password)
	response = client.get(
		"/api/method/frappe.desk.query_report.run",
		report_name=REPORT,
		filters=json.dumps({"from_date": today(), "to_date": today()}),
	)
	assert response.status_code == status
	if status == 200:
		grids = {row.get("grid") for row in response.json()["message"]["result"]}
		assert "TG11" in grids
