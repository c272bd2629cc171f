"""The party organisation that mirrors the grid (党建引领): its tree follows the grid, membership is
personal data read only by admins and the community's and grid's workers, and the branch report
matches an independent count of the raw rows.

    Test Party Committee (TC1)
    ├── Test Branch 1-1 (TG11)      reporting member Xu Ming
    │   └── Test Group 1 (TG11-1)   Zhang Wei (captain1, a party-member household looking after Li Na)
    └── Test Branch 1-2 (TG12)      Gao Lan (lives in TG11-2, joined where she works)
"""

import json
from types import SimpleNamespace

import pytest

import frappe
from frappe.desk.query_report import run as run_report
from frappe.utils import add_days, now_datetime, today
from tests.integration import world as world_module
from tests.integration.conftest import as_user

ORG = "Party Organisation"
REPORT = "Party Branch Activity"
JOINED = "2024-07-01"


def ensure_org(name, level, parent=None, **values) -> str:
	existing = frappe.db.get_value(ORG, {"organisation_name": name})
	if existing:
		return existing
	doc = frappe.get_doc(
		{
			"doctype": ORG,
			"organisation_name": name,
			"level": level,
			"parent_party_organisation": parent,
			**values,
		}
	)
	return doc.insert().name


@pytest.fixture(scope="module")
def party(world):
	frappe.set_user("Administrator")
	users = {key: world_module.ensure_user(key, ()) for key in ("partygao", "partyrm")}
	gao = world_module.ensure_resident("Gao Lan", "TG11-2", "1", "1201", users["partygao"], party_member=1)
	member = frappe.db.get_value("Reporting Member", {"user": users["partyrm"]})
	if not member:
		member = (
			frappe.get_doc(
				{
					"doctype": "Reporting Member",
					"member_name": "Xu Ming",
					"user": users["partyrm"],
					"community": "TC1",
					"employer": "District Tax Office",
					"party_member": 1,
				}
			)
			.insert()
			.name
		)
	captain = world.residents["captain1"]
	committee = ensure_org("Test Party Committee", "Community Committee", grid="TC1", secretary=captain)
	branch = ensure_org(
		"Test Branch 1-1",
		"Grid Branch",
		committee,
		grid="TG11",
		members=[{"member_type": "Reporting Member", "reporting_member": member, "joined_on": JOINED}],
	)
	group = ensure_org(
		"Test Group 1",
		"Building Group",
		branch,
		buildings=[{"building": "TG11-1"}],
		members=[
			{"member_type": "Resident", "resident": captain, "joined_on": JOINED, "central_household": 1}
		],
		central_households=[{"party_member": captain, "served_resident": world.residents["resident1"]}],
	)
	other_branch = ensure_org(
		"Test Branch 1-2",
		"Grid Branch",
		committee,
		grid="TG12",
		members=[{"member_type": "Resident", "resident": gao, "joined_on": JOINED}],
	)
	frappe.db.commit()
	return SimpleNamespace(
		users={**world.users, **users},
		residents={**world.residents, "gao": gao},
		reporting_member=member,
		committee=committee,
		branch=branch,
		group=group,
		other_branch=other_branch,
		password=world.password,
	)


@pytest.fixture(scope="module")
def sessions(server, party):
	cache = {}

	def session(user_key):
		if user_key not in cache:
			cache[user_key] = server.session(party.users[user_key], party.password)
		return cache[user_key]

	return session


# --- the tree --------------------------------------------------------------------------------------


def test_the_tree_follows_the_grid(party):
	group = frappe.get_doc(ORG, party.group)
	assert (group.community, group.grid) == ("TC1", "TG11")
	assert frappe.db.get_value(ORG, party.branch, "community") == "TC1"
	committee = frappe.get_doc(ORG, party.committee)
	assert committee.lft < group.lft and group.rgt < committee.rgt
	assert group.members[0].member_name == "Zhang Wei"


@pytest.mark.parametrize(
	"values, message",
	[
		(
			{"level": "Building Group", "parent": "committee", "buildings": [{"building": "TG11-2"}]},
			"belongs under",
		),
		({"level": "Grid Branch", "parent": "committee", "grid": "TG21"}, "another community"),
		({"level": "Grid Branch", "parent": "committee", "grid": "TC1"}, "covers a node of level"),
		({"level": "Community Committee", "parent": "committee", "grid": "TC1"}, "top of its tree"),
		(
			{"level": "Grid Branch", "parent": "committee", "grid": "TG12", "members": "resident1"},
			"not registered as a party member",
		),
		(
			{"level": "Grid Branch", "parent": "committee", "grid": "TG12", "members": "captain1"},
			"already a member of",
		),
		(
			{"level": "Grid Branch", "parent": "committee", "grid": "TG12", "households": "resident2"},
			"neighbour in community",
		),
	],
)
def test_bad_organisations_are_refused_with_a_clear_message(party, world, values, message):
	values = dict(values)
	doc = {
		"doctype": ORG,
		"organisation_name": "Refused Node",
		"level": values.pop("level"),
		"parent_party_organisation": getattr(party, values.pop("parent")),
		**{key: value for key, value in values.items() if key not in ("members", "households")},
	}
	if "members" in values:
		resident = world.residents[values["members"]]
		doc["members"] = [{"member_type": "Resident", "resident": resident, "joined_on": JOINED}]
	if "households" in values:
		gao = party.residents["gao"]
		frappe.db.delete("Party Organisation Member", {"parent": party.other_branch})  # free Gao Lan
		doc["members"] = [
			{"member_type": "Resident", "resident": gao, "joined_on": JOINED, "central_household": 1}
		]
		doc["central_households"] = [{"party_member": gao, "served_resident": world.residents["resident2"]}]
	with pytest.raises(frappe.ValidationError, match=message):
		frappe.get_doc(doc).insert()


def test_the_database_keeps_one_membership_a_person(party):
	row = frappe.get_doc(
		{
			"doctype": "Party Organisation Member",
			"name": "second-membership",
			"parent": party.other_branch,
			"parenttype": ORG,
			"parentfield": "members",
			"member_type": "Resident",
			"resident": party.residents["captain1"],
			"joined_on": JOINED,
			"member_key": f"Resident:{party.residents['captain1']}",
		}
	)
	with pytest.raises((frappe.UniqueValidationError, frappe.DuplicateEntryError)):
		row.db_insert()


# --- privacy ---------------------------------------------------------------------------------------


@pytest.mark.http
def test_membership_is_read_only_by_admins_and_the_community_and_grid_workers(party, sessions):
	for key in ("soa", "cw1", "gw11"):
		group = sessions(key).get(f"/api/resource/{ORG}/{party.group}").json()["data"]
		assert [row["member_name"] for row in group["members"]] == ["Zhang Wei"], key
		assert group["central_households"][0]["served_resident"] == party.residents["resident1"], key
	# the captain sees the group of their building, not who its members are
	captain = sessions("captain1")
	group = captain.get(f"/api/resource/{ORG}/{party.group}").json()["data"]
	assert group["organisation_name"] == "Test Group 1"
	assert not group.get("members") and not group.get("central_households")
	stored = frappe.get_doc(ORG, party.group)
	for child, table in (
		("Party Organisation Member", "members"),
		("Party Household Care", "central_households"),
	):
		rows = captain.get(f"/api/resource/{child}", parent=ORG, fields='["*"]', limit_page_length=0)
		assert rows.status_code == 403 or rows.json()["data"] == [], child
		assert captain.get(f"/api/resource/{child}/{stored.get(table)[0].name}").status_code == 403, child
	# nor through the list of organisations with the child table's columns
	listed = captain.get(
		f"/api/resource/{ORG}",
		fields=json.dumps(["name", "`tabParty Organisation Member`.resident"]),
		limit_page_length=0,
	)
	assert listed.status_code >= 400 or not any(row.get("resident") for row in listed.json()["data"])
	# nor by filtering the organisations by who is a member
	for filters in (
		[["Party Organisation Member", "resident", "=", party.residents["captain1"]]],
		[["Party Household Care", "served_resident", "=", party.residents["resident1"]]],
	):
		response = captain.get(f"/api/resource/{ORG}", filters=json.dumps(filters))
		assert response.status_code >= 400 or response.json()["data"] == [], filters
		worker = sessions("gw11").get(f"/api/resource/{ORG}", filters=json.dumps(filters)).json()["data"]
		assert party.group in {row["name"] for row in worker}, filters  # the worker's filter works
	# residents, volunteers and another community see nothing of it
	for key in ("resident1", "volunteer", "cw2", "gw21"):
		assert sessions(key).get(f"/api/resource/{ORG}/{party.group}").status_code == 403, key
	assert party.group not in sessions("gw12").list_names(ORG)
	assert party.other_branch in sessions("gw12").list_names(ORG)


# --- what a branch's members did ------------------------------------------------------------------


def insert_raw(doctype, **values) -> str:
	doc = frappe.get_doc({"doctype": doctype, "name": frappe.generate_hash(length=12), **values})
	doc.db_insert()
	return doc.name


@pytest.fixture
def work(party, world):
	"""What the members did, written straight to the tables (rolled back after the test)."""
	captain, rm, gao = party.users["captain1"], party.users["partyrm"], party.users["partygao"]
	now, long_ago = now_datetime(), add_days(now_datetime(), -400)
	request = {
		"building": "TG11-1",
		"grid": "TG11",
		"community": "TC1",
		"category": world.categories["repairs"],
	}
	for handler, kind, state, resolved in (
		(captain, "Request", "Resolved", now),
		(captain, "Request", "Closed", now),
		(captain, "Micro-wish", "Closed", now),
		(captain, "Request", "Resolved", long_ago),  # before the period
		(captain, "Request", "In Progress", None),  # not handled yet
		(rm, "Micro-wish", "Resolved", now),
		(gao, "Request", "Resolved", now),  # another branch's member
	):
		insert_raw(
			"Service Request",
			handler=handler,
			request_type=kind,
			workflow_state=state,
			resolved_on=resolved,
			**request,
		)
	for user, day in (
		(captain, today()),
		(captain, today()),
		(captain, add_days(today(), -1)),
		(gao, today()),
	):
		insert_raw(
			"Care Visit", visitor=user, visit_date=day, building="TG11-1", grid="TG11", community="TC1"
		)
	captaincy = world.captaincies["captain1"]
	for building, day in (("TG11-1", today()), ("TG11-2", today()), ("TG11-1", add_days(today(), -2))):
		insert_raw(
			"Patrol Log",
			captain=captaincy,
			captain_user=captain,
			building=building,
			patrol_date=day,
			grid="TG11",
		)
	for docstatus, hours in ((1, 3), (1, 1.5), (0, 4)):
		activity = insert_raw(
			"Volunteer Activity",
			title="Clean-up",
			activity_date=today(),
			community="TC1",
			docstatus=docstatus,
		)
		insert_raw(
			"Volunteer Activity Attendee",
			parent=activity,
			parenttype="Volunteer Activity",
			parentfield="attendees",
			resident=party.residents["captain1"],
			hours=hours,
		)


def independent_count(user: str | None, resident: str | None, from_date, to_date) -> dict:
	"""One member's work counted row by row from the tables, without the report's queries."""
	in_period = lambda day: str(from_date) <= str(day)[:10] <= str(to_date)  # noqa: E731
	requests = [
		row
		for row in frappe.db.sql(
			"select request_type, workflow_state, resolved_on from `tabService Request` where handler=%s",
			user or "",
			as_dict=True,
		)
		if row.workflow_state in ("Resolved", "Closed") and row.resolved_on and in_period(row.resolved_on)
	]
	attended = [
		row
		for row in frappe.db.sql(
			"""select a.name, a.docstatus, a.activity_date, t.hours from `tabVolunteer Activity Attendee` t
			join `tabVolunteer Activity` a on a.name = t.parent where t.resident=%s""",
			resident or "",
			as_dict=True,
		)
		if row.docstatus == 1 and in_period(row.activity_date)
	]
	visits = frappe.db.sql(
		"select visit_date from `tabCare Visit` where visitor=%s", user or "", as_list=True
	)
	patrols = frappe.db.sql(
		"select patrol_date from `tabPatrol Log` where captain_user=%s", user or "", as_list=True
	)
	return {
		"requests_handled": sum(1 for row in requests if row.request_type == "Request"),
		"micro_wishes": sum(1 for row in requests if row.request_type == "Micro-wish"),
		"activities": len({row.name for row in attended}),
		"hours": round(sum(float(row.hours or 0) for row in attended), 1),
		"care_visits": sum(1 for (day,) in visits if in_period(day)),
		"patrol_days": len({str(day) for (day,) in patrols if in_period(day)}),
	}


def test_the_branch_report_matches_an_independent_count(party, work):
	from_date, to_date = add_days(today(), -30), today()
	as_user(party.users["gw11"])
	result = run_report(
		REPORT, filters={"party_organisation": party.branch, "from_date": from_date, "to_date": to_date}
	)["result"]
	rows = {row["member_name"]: row for row in result if isinstance(row, dict) and row.get("member_name")}
	assert set(rows) == {"Xu Ming", "Zhang Wei"}  # the branch and its group, not the other branch
	expected = {
		"Zhang Wei": independent_count(
			party.users["captain1"], party.residents["captain1"], from_date, to_date
		),
		"Xu Ming": independent_count(party.users["partyrm"], None, from_date, to_date),
	}
	for name, counts in expected.items():
		assert {figure: rows[name][figure] for figure in counts} == counts, name
	assert expected["Zhang Wei"]["patrol_days"] == 2 and expected["Zhang Wei"]["care_visits"] >= 3
	assert rows["Zhang Wei"]["organisation"] == party.group


@pytest.mark.http
def test_the_branch_report_answers_only_to_who_may_read_the_members(party, sessions):
	def run(key):
		return sessions(key).get(
			"/api/method/frappe.desk.query_report.run",
			report_name=REPORT,
			filters=json.dumps({"party_organisation": party.branch}),
		)

	assert run("gw11").status_code == 200
	for key in ("captain1", "gw12", "cw2", "resident1"):
		assert run(key).status_code == 403, key
	missing = sessions("cw1").get(
		"/api/method/frappe.desk.query_report.run",
		report_name=REPORT,
		filters=json.dumps({"party_organisation": "PO-99999"}),
	)
	assert missing.status_code == 404
