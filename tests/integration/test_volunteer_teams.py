"""Volunteer teams: a community worker forms a named team with its leader and members, residents
join from their phone, and the team's totals of activities, hours and points agree with a count
made straight from the tables."""

import json
import uuid

import pytest

import frappe
from community_governance.api import volunteer_team as api
from frappe.desk.query_report import run as run_report
from frappe.utils import add_days, today
from tests.integration.conftest import as_user

DOCTYPE = "Volunteer Team"
REPORT = "Volunteer Team Totals"
API = "/api/method/community_governance.api.volunteer_team"


def run_as(world, user_key, function, *args, **kwargs):
	as_user(world.users[user_key])
	try:
		return function(*args, **kwargs)
	finally:
		as_user("Administrator")


def member(world, key, role="Member", joined_on=None) -> dict:
	return {
		"resident": world.residents[key],
		"team_role": role,
		"joined_on": joined_on or add_days(today(), -30),
	}


def make_team(world, members=None, by="cw1", **values) -> str:
	doc = {
		"doctype": DOCTYPE,
		"team_name": f"Silver Helpers {uuid.uuid4().hex[:6]}",
		"community": "TC1",
		"description": "Shopping and company for elderly neighbours",
		"members": members
		if members is not None
		else [member(world, "volunteer", "Leader"), member(world, "captain1")],
		**values,
	}
	return run_as(world, by, lambda: frappe.get_doc(doc).insert().name)


def activity(world, attendees: list[tuple], days_ago=0, points=2, submit=True) -> str:
	"""(resident key, hours, points or None) -> a volunteer activity of community TC1."""
	doc = frappe.get_doc(
		{
			"doctype": "Volunteer Activity",
			"title": "Spring clean-up",
			"activity_date": add_days(today(), -days_ago),
			"section": "Civilisation Creation",
			"points_per_attendee": points,
			"community": "TC1",
			"attendees": [
				{"resident": world.residents[key], "hours": hours, "points": own_points}
				for key, hours, own_points in attendees
			],
		}
	)
	run_as(world, "cw1", doc.insert)
	if submit:
		run_as(world, "cw1", doc.submit)
	return doc.name


# --- forming a team ----------------------------------------------------------------------------


def test_a_team_has_a_leader_and_members(world):
	team = frappe.get_doc(DOCTYPE, make_team(world))
	assert team.member_count == 2 and team.status == "Active" and team.open_to_join
	assert [(row.resident_name, row.team_role) for row in team.members] == [
		("Zhao Lei", "Leader"),
		("Zhang Wei", "Member"),
	]


def test_a_member_listed_twice_is_refused(world):
	before = frappe.db.count(DOCTYPE)
	with pytest.raises(frappe.ValidationError, match="already a member of the team"):
		make_team(
			world,
			members=[
				member(world, "volunteer", "Leader"),
				member(world, "captain1"),
				member(world, "volunteer"),
			],
		)
	assert frappe.db.count(DOCTYPE) == before


def test_a_team_without_a_leader_is_refused(world):
	with pytest.raises(frappe.ValidationError, match="at least one leader"):
		make_team(world, members=[member(world, "captain1")])


def test_a_team_belongs_to_a_community(world):
	with pytest.raises(frappe.ValidationError, match="not a community"):
		make_team(world, community="TG11")
	with pytest.raises(frappe.ValidationError, match="is not in community"):
		make_team(world, grid="TG21")


# --- who sees a team ---------------------------------------------------------------------------


@pytest.mark.parametrize(
	"user_key, sees",
	[
		("cw1", True),
		("soa", True),
		("volunteer", True),
		("captain1", False),
		("cw2", False),
		("resident2", False),
	],
)
def test_who_sees_a_team(world, user_key, sees):
	# its community's workers, admins and its members (captain1 is a member only through a resident
	# record: a captain role alone does not show the team)
	name = make_team(world, members=[member(world, "volunteer", "Leader")])
	doc = frappe.get_doc(DOCTYPE, name)
	assert frappe.has_permission(DOCTYPE, "read", doc=doc, user=world.users[user_key]) is sees
	as_user(world.users[user_key])
	try:
		visible = frappe.get_list(DOCTYPE, pluck="name", limit_page_length=0)
	except frappe.PermissionError:
		visible = []
	assert (name in visible) is sees


@pytest.mark.parametrize(
	"user_key, sees", [("volunteer", True), ("cw1", True), ("resident2", False), ("cw2", False)]
)
def test_member_rows_read_on_their_own_are_as_visible_as_the_team(world, user_key, sees):
	name = make_team(world)
	as_user(world.users[user_key])
	rows = frappe.get_list(
		"Volunteer Team Member", parent_doctype=DOCTYPE, filters={"parent": name}, fields=["resident_name"]
	)
	assert bool(rows) is sees


# --- residents join ----------------------------------------------------------------------------


def test_a_resident_joins_an_open_team_of_their_community(world):
	name = make_team(world, members=[member(world, "volunteer", "Leader")])
	assert name in [row.name for row in run_as(world, "resident1", api.open_teams)]
	result = run_as(world, "resident1", api.join, name)
	assert result["members"] == 2
	team = frappe.get_doc(DOCTYPE, name)
	assert (
		team.members[-1].resident == world.residents["resident1"] and team.members[-1].team_role == "Member"
	)
	as_user(world.users["resident1"])
	assert name in frappe.get_list(DOCTYPE, pluck="name")


def test_joining_twice_is_refused(world):
	name = make_team(world)
	with pytest.raises(frappe.ValidationError, match="already a member"):
		run_as(world, "captain1", api.join, name)
	assert frappe.get_doc(DOCTYPE, name).member_count == 2


def test_a_resident_of_another_community_or_a_closed_team_cannot_join(world):
	name = make_team(world, members=[member(world, "volunteer", "Leader")])
	assert name not in [row.name for row in run_as(world, "resident2", api.open_teams)]
	with pytest.raises(frappe.ValidationError, match="does not take members"):
		run_as(world, "resident2", api.join, name)
	closed = make_team(world, members=[member(world, "volunteer", "Leader")], open_to_join=0)
	with pytest.raises(frappe.ValidationError, match="does not take members"):
		run_as(world, "resident1", api.join, closed)
	assert frappe.get_doc(DOCTYPE, name).member_count == 1


def test_only_registered_residents_join(world):
	name = make_team(world)
	with pytest.raises(frappe.PermissionError):
		run_as(world, "gw11", api.join, name)


@pytest.mark.http
def test_a_resident_joins_over_rest(world, server):
	worker = server.session(world.users["cw1"], world.password)
	response = worker.post(
		f"/api/resource/{DOCTYPE}",
		team_name=f"Lift Watch {uuid.uuid4().hex[:6]}",
		community="TC1",
		members=[member(world, "volunteer", "Leader")],
	)
	assert response.status_code == 200, response.text
	name = response.json()["data"]["name"]
	phone = server.session(world.users["resident1"], world.password)
	assert name in [row["name"] for row in phone.get(f"{API}.open_teams").json()["message"]]
	assert phone.get(f"{API}.join", team=name).status_code in (403, 405)
	assert phone.post(f"{API}.join", team=name).status_code == 200
	again = phone.post(f"{API}.join", team=name)
	assert again.status_code == 417 and "already a member" in again.text
	outsider = server.session(world.users["resident2"], world.password)
	assert outsider.post(f"{API}.join", team=name).status_code == 417
	assert outsider.get(f"/api/resource/{DOCTYPE}/{name}").status_code == 403
	# a resident cannot edit the team they joined
	assert phone.put(f"/api/resource/{DOCTYPE}/{name}", description="Ours now").status_code == 403
	assert json.loads(worker.get(f"/api/resource/{DOCTYPE}/{name}").text)["data"]["member_count"] == 2


# --- the team's totals -------------------------------------------------------------------------


def independent_totals(team: str, from_date, to_date) -> dict:
	"""The team's attendance counted row by row from the tables, without the report's query."""
	members = frappe.get_all(
		"Volunteer Team Member",
		filters={"parent": team, "parenttype": DOCTYPE},
		fields=["resident", "joined_on"],
	)
	activities, attendances, hours, points = set(), 0, 0.0, 0
	for row in members:
		for attended in frappe.get_all(
			"Volunteer Activity Attendee",
			filters={"resident": row.resident, "parenttype": "Volunteer Activity"},
			fields=["parent", "hours", "points"],
		):
			act = frappe.db.get_value(
				"Volunteer Activity",
				attended.parent,
				["docstatus", "activity_date", "points_per_attendee"],
				as_dict=True,
			)
			if act.docstatus != 1 or not (str(from_date) <= str(act.activity_date) <= str(to_date)):
				continue
			if row.joined_on and act.activity_date < row.joined_on:
				continue
			activities.add(attended.parent)
			attendances += 1
			hours += attended.hours or 0
			points += attended.points or act.points_per_attendee
	return {"activities": len(activities), "attendances": attendances, "hours": hours, "points": points}


def team_row(world, user_key, team, from_date, to_date) -> dict | None:
	as_user(world.users[user_key])
	try:
		result = run_report(REPORT, filters={"from_date": from_date, "to_date": to_date})["result"]
	finally:
		as_user("Administrator")
	return next((row for row in result if row["team"] == team), None)


def test_the_team_totals_match_an_independent_count(world):
	team = make_team(
		world,
		members=[
			member(world, "volunteer", "Leader"),
			member(world, "captain1"),
			member(world, "resident1", joined_on=add_days(today(), -1)),  # joined after the first activity
		],
	)
	activity(
		world,
		[("volunteer", 2, None), ("captain1", 3, 5), ("resident1", 4, None), ("neighbour1", 6, None)],
		days_ago=5,
	)
	activity(world, [("volunteer", 1.5, None), ("resident1", 2, None)])
	activity(world, [("captain1", 8, None)], submit=False)  # a draft pays nobody
	activity(world, [("volunteer", 9, None)], days_ago=60)  # outside the period
	period = (add_days(today(), -10), today())
	row = team_row(world, "cw1", team, *period)
	expected = independent_totals(team, *period)
	assert {key: row[key] for key in expected} == expected
	assert (row["members"], row["activities"], row["attendances"], row["hours"], row["points"]) == (
		3,
		2,
		4,
		8.5,
		11,
	)


def test_the_totals_show_only_the_teams_a_viewer_may_see(world):
	team = make_team(world)
	assert team_row(world, "cw1", team, today(), today()) is not None
	assert team_row(world, "cw2", team, today(), today()) is None
	with pytest.raises(frappe.PermissionError):
		team_row(world, "volunteer", team, today(), today())
