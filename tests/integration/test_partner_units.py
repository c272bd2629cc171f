"""Partner units (共建单位) and in-service members reporting to the community (双报到): registered
by the community's workers, their people claim micro-wishes and take requests as volunteers, and
the Partner Contribution report agrees with a count made straight from the tables."""

import uuid
from types import SimpleNamespace

import pytest

import frappe
from community_governance.api import service_request as request_api
from frappe.desk.query_report import run as run_report
from frappe.utils import add_days, today
from tests.integration import world as world_module
from tests.integration.conftest import as_user

UNIT, MEMBER = "Partner Unit", "Reporting Member"
REPORT = "Partner Contribution"
REQUEST = "Service Request"
API = "/api/method/community_governance.api.service_request"
# logins of partners' people: no roles of their own, registering them gives the Volunteer role
PARTNER_USERS = ("unitcontact", "partymember", "restcontact")


@pytest.fixture(scope="module")
def people(world):
	users = {key: world_module.ensure_user(key, ()) for key in PARTNER_USERS}
	# the reporting member lives in the community: their activities count through this record
	resident = world_module.ensure_resident("Qian Jun", "TG11-2", "1", "802", users["partymember"])
	frappe.db.commit()
	return SimpleNamespace(
		users={**world.users, **users},
		residents={**world.residents, "partymember": resident},
		password=world.password,
		categories=world.categories,
	)


def run_as(people, user_key, function, *args, **kwargs):
	as_user(people.users[user_key])
	try:
		return function(*args, **kwargs)
	finally:
		as_user("Administrator")


def register_unit(people, by="cw1", **values) -> str:
	doc = {
		"doctype": UNIT,
		"unit_name": f"City Water Company {uuid.uuid4().hex[:6]}",
		"unit_type": "Enterprise",
		"community": "TC1",
		"contact_person": "Mr Ma",
		"contact_phone": "138 0000 1234",
		"contact_user": people.users["unitcontact"],
		"offers_services": 1,
		"offers_professional_help": 1,
		"offer_details": "Plumbers on Saturdays",
		**values,
	}
	return run_as(people, by, lambda: frappe.get_doc(doc).insert().name)


def register_member(people, unit: str | None, user_key="partymember", by="cw1", **values) -> str:
	doc = {
		"doctype": MEMBER,
		"member_name": "Qian Jun",
		"phone": "13900009999",
		"user": people.users[user_key] if user_key else None,
		"community": "TC1",
		"partner_unit": unit,
		**values,
	}
	return run_as(people, by, lambda: frappe.get_doc(doc).insert().name)


def micro_wish(people, description="Walk my dog while I am in hospital") -> str:
	as_user(people.users["resident1"])
	doc = frappe.get_doc(
		{
			"doctype": REQUEST,
			"request_type": "Micro-wish",
			"category": people.categories["errands"],
			"description": description,
		}
	).insert()
	as_user("Administrator")
	return doc.name


def fulfilled_wish(people, claimer="unitcontact") -> str:
	name = micro_wish(people)
	run_as(people, claimer, request_api.claim, name)
	run_as(people, claimer, request_api.resolve, name, "Walked twice a day")
	return name


def state(name) -> str:
	return frappe.db.get_value(REQUEST, name, "workflow_state")


# --- the registers -----------------------------------------------------------------------------


def test_registering_a_unit_and_a_member(people):
	unit = frappe.get_doc(UNIT, register_unit(people))
	assert unit.contact_phone == "13800001234" and unit.offers_services and not unit.offers_funds
	member = frappe.get_doc(MEMBER, register_member(people, unit.name))
	assert (
		member.resident == people.residents["partymember"]
		and member.party_member
		and member.status == "Active"
	)
	# their people claim wishes and take requests as volunteers
	for key in ("unitcontact", "partymember"):
		assert "Volunteer" in frappe.get_roles(people.users[key])


def test_a_login_is_registered_once(people):
	register_unit(people)
	with pytest.raises(frappe.ValidationError, match="already registered"):
		register_unit(people)
	unit = register_unit(people, contact_user=None)
	register_member(people, unit)
	with pytest.raises(frappe.ValidationError, match="already registered"):
		register_member(people, unit)


def test_bad_registrations_are_refused(people):
	with pytest.raises(frappe.ValidationError, match="not a valid phone"):
		register_unit(people, contact_phone="12345")
	with pytest.raises(frappe.ValidationError, match="not a community"):
		register_unit(people, community="TG11")
	inactive = register_unit(people, status="Inactive", contact_user=None)
	with pytest.raises(frappe.ValidationError, match="is not active"):
		register_member(people, inactive)


# --- claiming and handling ---------------------------------------------------------------------


def test_a_partner_contact_claims_and_fulfils_a_micro_wish(people):
	register_unit(people)
	name = micro_wish(people)
	as_user(people.users["unitcontact"])
	assert name in frappe.get_list(REQUEST, pluck="name", limit_page_length=0)  # the wish board
	run_as(people, "unitcontact", request_api.claim, name)
	assert state(name) == "Accepted"
	assert frappe.db.get_value(REQUEST, name, "handler") == people.users["unitcontact"]
	run_as(people, "unitcontact", request_api.resolve, name, "Walked twice a day")
	run_as(people, "resident1", request_api.rate, name, 5)
	assert state(name) == "Closed"


def test_a_reporting_member_takes_a_dispatched_request(people):
	register_member(people, register_unit(people))
	as_user(people.users["resident1"])
	name = (
		frappe.get_doc(
			{"doctype": REQUEST, "category": people.categories["repairs"], "description": "Leaking tap"}
		)
		.insert()
		.name
	)
	run_as(people, "gw11", request_api.dispatch, name, people.users["partymember"])
	run_as(people, "partymember", request_api.accept, name)
	run_as(people, "partymember", request_api.resolve, name, "New washer")
	assert state(name) == "Resolved"


@pytest.mark.parametrize("finish", ["Closed", "Resolved", "Rejected"])
def test_claiming_a_finished_request_is_refused(people, finish):
	register_member(people, register_unit(people))
	if finish == "Rejected":
		name = micro_wish(people)
		run_as(people, "gw11", request_api.reject, name, "Not something volunteers can do")
	else:
		name = fulfilled_wish(people)
		if finish == "Closed":
			run_as(people, "resident1", request_api.rate, name, 5)
	assert state(name) == finish
	with pytest.raises(frappe.ValidationError, match="cannot be claimed"):
		run_as(people, "partymember", request_api.claim, name)
	assert state(name) == finish
	assert frappe.db.get_value(REQUEST, name, "handler") != people.users["partymember"]


# --- who sees the registers --------------------------------------------------------------------


def test_who_sees_the_registers(people):
	unit = register_unit(people)
	member = register_member(people, unit)
	other = register_unit(people, contact_user=None)
	for user_key, sees in (("cw1", {unit, member, other}), ("soa", {unit, member, other}), ("cw2", set())):
		as_user(people.users[user_key])
		visible = set(frappe.get_list(UNIT, pluck="name", limit_page_length=0))
		visible |= set(frappe.get_list(MEMBER, pluck="name", limit_page_length=0))
		assert visible & {unit, member, other} == sees, user_key
	as_user(people.users["unitcontact"])
	assert set(frappe.get_list(UNIT, pluck="name", limit_page_length=0)) & {unit, other} == {unit}
	assert not frappe.has_permission(
		UNIT, "read", doc=frappe.get_doc(UNIT, other), user=people.users["unitcontact"]
	)
	for user_key in ("gw11", "captain1", "resident1"):
		as_user(people.users[user_key])
		with pytest.raises(frappe.PermissionError):
			frappe.get_list(UNIT, limit_page_length=0)


# --- the yearly contribution report ------------------------------------------------------------


def independent_count(unit: str, from_date, to_date) -> dict:
	"""A unit's contribution counted row by row from the tables, without the report's queries."""
	contact = frappe.db.get_value(UNIT, unit, "contact_user")
	members = frappe.get_all(MEMBER, filters={"partner_unit": unit}, fields=["user", "resident"])
	users = {contact} | {row.user for row in members}
	residents = {row.resident for row in members} | {frappe.db.get_value("Resident", {"user": contact})}
	users.discard(None)
	residents.discard(None)
	requests = frappe.get_all(
		REQUEST,
		filters={"handler": ["in", list(users) or [""]], "workflow_state": ["in", ["Resolved", "Closed"]]},
		fields=["request_type", "resolved_on"],
	)
	in_period = [row for row in requests if str(from_date) <= str(row.resolved_on.date()) <= str(to_date)]
	activities, hours = set(), 0.0
	for row in frappe.get_all(
		"Volunteer Activity Attendee",
		filters={"resident": ["in", list(residents) or [""]], "parenttype": "Volunteer Activity"},
		fields=["parent", "hours"],
	):
		docstatus, day = frappe.db.get_value("Volunteer Activity", row.parent, ["docstatus", "activity_date"])
		if docstatus == 1 and str(from_date) <= str(day) <= str(to_date):
			activities.add(row.parent)
			hours += row.hours or 0
	return {
		"members": len(members),
		"requests_handled": sum(1 for row in in_period if row.request_type == "Request"),
		"micro_wishes": sum(1 for row in in_period if row.request_type == "Micro-wish"),
		"activities": len(activities),
		"hours": hours,
	}


def report(people, user_key, **filters) -> list[dict]:
	as_user(people.users[user_key])
	try:
		return run_report(
			REPORT, filters={"from_date": add_days(today(), -30), "to_date": today(), **filters}
		)["result"]
	finally:
		as_user("Administrator")


def attend(people, resident_key: str, hours: float, days_ago=0, submit=True):
	doc = frappe.get_doc(
		{
			"doctype": "Volunteer Activity",
			"title": "Free blood-pressure checks",
			"activity_date": add_days(today(), -days_ago),
			"section": "Neighbourly Help",
			"points_per_attendee": 2,
			"community": "TC1",
			"attendees": [{"resident": people.residents[resident_key], "hours": hours}],
		}
	)
	run_as(people, "cw1", doc.insert)
	if submit:
		run_as(people, "cw1", doc.submit)


@pytest.fixture
def contributions(people):
	unit = register_unit(people)
	member = register_member(people, unit)
	fulfilled_wish(people, "unitcontact")
	fulfilled_wish(people, "partymember")
	as_user(people.users["resident1"])
	request = (
		frappe.get_doc(
			{"doctype": REQUEST, "category": people.categories["repairs"], "description": "Broken lock"}
		)
		.insert()
		.name
	)
	run_as(people, "gw11", request_api.dispatch, request, people.users["partymember"])
	run_as(people, "partymember", request_api.accept, request)
	run_as(people, "partymember", request_api.resolve, request, "Lock replaced")
	claimed_only = micro_wish(people)
	run_as(people, "partymember", request_api.claim, claimed_only)  # claimed, not yet fulfilled
	attend(people, "partymember", 3)
	attend(people, "partymember", 2.5, days_ago=3)
	attend(people, "partymember", 4, submit=False)  # a draft counts for nobody
	attend(people, "partymember", 6, days_ago=90)  # before the period
	fulfilled_wish(people, "volunteer")  # a volunteer outside any unit
	return SimpleNamespace(unit=unit, member=member)


def test_the_report_per_unit_matches_an_independent_count(people, contributions):
	row = next(row for row in report(people, "cw1") if row["partner_unit"] == contributions.unit)
	expected = independent_count(contributions.unit, add_days(today(), -30), today())
	assert {key: row[key] for key in expected} == expected
	assert (
		row["members"],
		row["requests_handled"],
		row["micro_wishes"],
		row["activities"],
		row["hours"],
	) == (
		1,
		1,
		2,
		2,
		5.5,
	)
	assert row["unit_type"] == "Enterprise"


def test_the_report_per_member(people, contributions):
	rows = report(people, "cw1", group_by="reporting_member", partner_unit=contributions.unit)
	assert len(rows) == 1
	row = rows[0]
	assert row["reporting_member"] == contributions.member and row["member_name"] == "Qian Jun"
	assert (row["requests_handled"], row["micro_wishes"], row["activities"], row["hours"]) == (1, 1, 2, 5.5)


def test_the_period_decides_what_counts(people, contributions):
	row = report(people, "cw1", from_date=add_days(today(), -100), to_date=add_days(today(), -60))
	row = next(row for row in row if row["partner_unit"] == contributions.unit)
	assert (row["requests_handled"], row["micro_wishes"], row["activities"], row["hours"]) == (0, 0, 1, 6)


def test_the_report_shows_only_the_units_a_viewer_may_see(people, contributions):
	assert contributions.unit in {row["partner_unit"] for row in report(people, "soa")}
	assert contributions.unit not in {row["partner_unit"] for row in report(people, "cw2")}
	for user_key in ("gw11", "unitcontact", "captain1"):
		with pytest.raises(frappe.PermissionError):
			report(people, user_key)


# --- over HTTP ---------------------------------------------------------------------------------


@pytest.mark.http
def test_a_partner_claims_over_rest_and_a_closed_request_is_refused(people, server):
	# the unit is committed (and kept for later runs): it has a contact of its own
	frappe.clear_cache(user=people.users["restcontact"])
	worker = server.session(people.users["cw1"], people.password)
	existing = worker.get(
		f"/api/resource/{UNIT}", filters=frappe.as_json({"contact_user": people.users["restcontact"]})
	).json()["data"]
	if not existing:
		response = worker.post(
			f"/api/resource/{UNIT}",
			unit_name=f"No. 3 Middle School {uuid.uuid4().hex[:6]}",
			unit_type="School",
			community="TC1",
			contact_user=people.users["restcontact"],
			offers_venue=1,
		)
		assert response.status_code == 200, response.text
	resident = server.session(people.users["resident1"], people.password)
	filed = resident.post(
		f"/api/resource/{REQUEST}",
		request_type="Micro-wish",
		category=people.categories["errands"],
		description="Read the newspaper to me",
	)
	assert filed.status_code == 200, filed.text
	name = filed.json()["data"]["name"]

	contact = server.session(people.users["restcontact"], people.password)
	assert contact.get(f"{API}.claim", name=name).status_code in (403, 405)
	assert contact.post(f"{API}.claim", name=name).status_code == 200
	assert contact.post(f"{API}.resolve", name=name, note="Read every morning").status_code == 200
	assert resident.post(f"{API}.rate", name=name, rating=5).status_code == 200
	assert resident.get(f"/api/resource/{REQUEST}/{name}").json()["data"]["workflow_state"] == "Closed"

	again = contact.post(f"{API}.claim", name=name)
	assert again.status_code == 417 and "cannot be claimed" in again.text
