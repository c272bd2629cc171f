"""Compounds (小区) over HTTP as the real users: a compound's evaluation takes its buildings and company
from it, its owners' committee sees its evaluations and not another compound's, and a joint meeting
(联席会议) takes up its open rectifications and matters and sends its decision to the company.

    Compound A (TC1): TG12-3 and TG11-2, across two grids; company Test Harmony Property (a partner
                      unit, contact propco); committee Qian Hua (chair) and Sun Li
    Compound B (TC1): TG11-1; its company named on the compound (contact volunteer); committee Li Na

The compounds stay on the test site like the shared street; their evaluations are removed before and
after the module, so each run evaluates the same periods afresh.
"""

import pytest

import frappe
from frappe.utils import add_days, get_first_day, now_datetime, today
from tests.integration import deliberation_world
from tests.integration.conftest import as_user

API = "/api/method/community_governance.api.deliberation"
COMPANY = "Test Harmony Property"
A_BUILDINGS = ["TG11-2", "TG12-3"]
B_BUILDINGS = ["TG11-1"]
TERM = ("2025-01-01", "2099-12-31")


def ok(response) -> dict:
	assert response.status_code == 200, response.text
	body = response.json()
	return body.get("message", body.get("data"))


def ensure_compound(name, buildings, committee, **company) -> str:
	existing = frappe.db.get_value("Compound", {"compound_name": name})
	if existing:
		return existing
	return (
		frappe.get_doc(
			{
				"doctype": "Compound",
				"compound_name": name,
				"community": "TC1",
				"buildings": [{"building": building} for building in buildings],
				"committee": [
					{"resident": resident, "committee_role": role, "term_start": TERM[0], "term_end": TERM[1]}
					for resident, role in committee
				],
				**company,
			}
		)
		.insert()
		.name
	)


def remove_evaluations(compounds):
	names = frappe.get_all("Property Service Evaluation", {"compound": ("in", compounds)}, pluck="name")
	for doctype in ("Property Service Score", "Property Service Rectification", "Deliberation Building"):
		frappe.db.delete(
			doctype, {"parenttype": "Property Service Evaluation", "parent": ("in", names or [""])}
		)
	frappe.db.delete("Property Service Evaluation", {"name": ("in", names or [""])})
	frappe.db.commit()


@pytest.fixture(scope="module")
def estate(world):
	people = deliberation_world.build(world)
	if not frappe.db.exists("Partner Unit", COMPANY):
		frappe.get_doc(
			{
				"doctype": "Partner Unit",
				"unit_name": COMPANY,
				"unit_type": "Enterprise",
				"community": "TC1",
				"contact_user": people.users["propco"],
				"contact_phone": "13800000099",
			}
		).insert()
	a = ensure_compound(
		"Test Compound A",
		A_BUILDINGS,
		[(people.residents["hua"], "Chair"), (people.residents["sunli"], "Member")],
		property_company=COMPANY,
	)
	b = ensure_compound(
		"Test Compound B",
		B_BUILDINGS,
		[(people.residents["resident1"], "Chair")],
		company_name="Willow Property",
		company_contact=people.users["volunteer"],
	)
	frappe.db.commit()
	remove_evaluations([a, b])
	yield frappe._dict(people=people, a=a, b=b)
	remove_evaluations([a, b])


@pytest.fixture(scope="module")
def sessions(server, estate):
	cache = {}

	def session(user_key):
		if user_key not in cache:
			cache[user_key] = server.session(estate.people.users[user_key], estate.people.password)
		return cache[user_key]

	return session


@pytest.fixture(scope="module")
def rectification_category(estate):
	settings = "Community Governance Settings"
	before = frappe.db.get_single_value(settings, "rectification_category")
	frappe.db.set_single_value(settings, "rectification_category", deliberation_world.RECTIFICATION_CATEGORY)
	frappe.db.commit()
	yield
	frappe.db.set_single_value(settings, "rectification_category", before)
	frappe.db.commit()


@pytest.fixture(scope="module")
def evaluations(estate, sessions, rectification_category):
	"""This month's evaluation of each compound, opened by naming the compound alone and closed
	with a low cleaning score."""
	cw1 = sessions("cw1")
	made = {}
	for key, scorers in (("a", ("hua", "sunli")), ("b", ("resident1",))):
		name = ok(
			cw1.post(
				"/api/resource/Property Service Evaluation",
				compound=estate[key],
				cadence="Monthly",
				period_start=str(get_first_day(today())),
			)
		)["name"]
		for scorer in scorers:
			scores = {"cleaning": 2, "security": 4, "greenery": 4, "repairs": 5, "parking": 4}
			ok(sessions(scorer).post(f"{API}.score_property_service", evaluation=name, **scores))
		made[key] = ok(cw1.post(f"{API}.close_evaluation", evaluation=name))
	return made


# --- the compound itself -----------------------------------------------------------------------


def test_a_compound_crosses_grids_and_keeps_each_building_to_itself(estate):
	compound = frappe.get_doc("Compound", estate.a)
	assert sorted(row.building for row in compound.buildings) == A_BUILDINGS
	assert {row.grid for row in compound.buildings} == {"TG11", "TG12"}
	assert compound.company_name == COMPANY and compound.company_contact == estate.people.users["propco"]

	second = frappe.get_doc(
		{
			"doctype": "Compound",
			"compound_name": "Overlapping Court",
			"community": "TC1",
			"buildings": [{"building": "TG12-3"}],
		}
	)
	with pytest.raises(frappe.ValidationError, match="already belongs to compound"):
		second.insert()
	# and the database itself refuses a second compound for the building
	row = frappe.get_doc(
		{
			"doctype": "Compound Building",
			"name": "duplicate-building-row",
			"parent": estate.b,
			"parenttype": "Compound",
			"parentfield": "buildings",
			"building": "TG12-3",
		}
	)
	with pytest.raises((frappe.UniqueValidationError, frappe.DuplicateEntryError)):
		row.db_insert()


@pytest.mark.parametrize(
	"change, message",
	[
		({"buildings": [{"building": "TG21-4"}]}, "is not in community"),
		({"buildings": [{"building": "TG11-3-none"}]}, "Could not find|does not exist"),
		({"committee": [{"resident": "resident2", "term_start": TERM[0]}]}, "does not live in this compound"),
		(
			{"committee": [{"resident": "hua", "term_start": "2025-01-01", "term_end": "2024-01-01"}]},
			"ends before",
		),
		({"company_contact": "nobody@cg.test"}, "Could not find|not an active user"),
	],
)
def test_a_compound_refuses_bad_input_with_a_clear_message(estate, change, message):
	residents = estate.people.residents
	for row in change.get("committee", []):
		row["resident"] = residents[row["resident"]]
	doc = frappe.get_doc(
		{
			"doctype": "Compound",
			"compound_name": "Bad Input Court",
			"community": "TC1",
			"buildings": [{"building": "TG12-3"}],
			**change,
		}
	)
	if "buildings" not in change:
		frappe.db.delete("Compound Building", {"parent": estate.a})  # free the building (rolled back)
	with pytest.raises((frappe.ValidationError, frappe.DoesNotExistError), match=message):
		doc.insert()


@pytest.mark.http
def test_compounds_are_seen_by_the_workers_of_their_community_and_grids(estate, sessions):
	seen = {
		key: sessions(key).list_names("Compound") & {estate.a, estate.b}
		for key in ("cw1", "gw11", "gw12", "captain1", "hua", "cw2", "gw21", "resident2", "volunteer")
	}
	assert seen["cw1"] == seen["gw11"] == seen["captain1"] == {estate.a, estate.b}
	assert seen["gw12"] == {estate.a}  # the compound reaches into Grid 1-2
	assert seen["hua"] == {estate.a}  # their home compound
	assert seen["cw2"] == seen["gw21"] == seen["resident2"] == set()
	# a community worker cannot register one in another community, a grid worker cannot register at all
	response = sessions("cw1").post(
		"/api/resource/Compound",
		compound_name="Foreign Court",
		community="TC2",
		buildings=[{"building": "TG21-4"}],
	)
	assert response.status_code == 403 and not frappe.db.exists(
		"Compound", {"compound_name": "Foreign Court"}
	)
	assert (
		sessions("gw11").post("/api/resource/Compound", compound_name="X", community="TC1").status_code == 403
	)
	bad = sessions("cw1").post(
		"/api/resource/Compound",
		compound_name="Taken Court",
		community="TC1",
		buildings=[{"building": "TG11-1"}],
	)
	assert bad.status_code == 417 and "already belongs to compound" in bad.text


# --- evaluations ---------------------------------------------------------------------------------


@pytest.mark.http
def test_a_compounds_evaluation_takes_its_buildings_and_company_from_it(estate, evaluations, sessions):
	name = evaluations["a"]["evaluation"]
	doc = ok(sessions("cw1").get(f"/api/resource/Property Service Evaluation/{name}"))
	assert sorted(row["building"] for row in doc["buildings"]) == A_BUILDINGS
	assert doc["property_company"] == COMPANY and doc["company_contact"] == estate.people.users["propco"]
	assert doc["community"] == "TC1" and doc["compound_name"] == "Test Compound A"
	[request] = evaluations["a"]["rectifications"]
	handler = frappe.db.get_value("Service Request", request, "handler")
	assigned = frappe.get_all("ToDo", {"reference_name": request, "status": "Open"}, pluck="allocated_to")
	assert estate.people.users["propco"] in {handler, *assigned}
	# Compound B's company is its own record, named on the compound
	other = ok(
		sessions("cw1").get(f"/api/resource/Property Service Evaluation/{evaluations['b']['evaluation']}")
	)
	assert other["property_company"] == "Willow Property" and other["buildings"][0]["building"] == "TG11-1"


@pytest.mark.http
def test_an_owners_committee_member_sees_their_compounds_evaluations_and_not_anothers(
	estate, evaluations, sessions
):
	a, b = evaluations["a"]["evaluation"], evaluations["b"]["evaluation"]
	hua, resident1, zhoumin = sessions("hua"), sessions("resident1"), sessions("zhoumin")
	mine = ok(hua.get(f"/api/resource/Property Service Evaluation/{a}"))
	assert mine["overall_score"] and not mine.get("scores")  # the results, not who scored what
	assert hua.get(f"/api/resource/Property Service Evaluation/{b}").status_code == 403
	assert {a, b} & hua.list_names("Property Service Evaluation") == {a}
	assert resident1.get(f"/api/resource/Property Service Evaluation/{a}").status_code == 403
	assert {a, b} & resident1.list_names("Property Service Evaluation") == {b}
	# a resident of the compound who is not on its committee does not follow its evaluations
	assert zhoumin.get(f"/api/resource/Property Service Evaluation/{a}").status_code == 403
	# nor are the scorecards read on their own
	rows = hua.get(
		"/api/resource/Property Service Score", parent="Property Service Evaluation", fields='["resident"]'
	)
	assert rows.status_code in (200, 403) and not (rows.status_code == 200 and rows.json()["data"])
	joined = hua.get(
		"/api/resource/Property Service Evaluation",
		fields='["name", "`tabProperty Service Score`.resident", "`tabProperty Service Score`.household"]',
		limit_page_length=0,
	)
	assert joined.status_code >= 400 or not any(
		row.get("resident") or row.get("household") for row in joined.json()["data"]
	)


def test_a_committee_member_whose_term_ended_no_longer_sees_the_evaluations(estate, evaluations):
	frappe.db.set_value(
		"Owners Committee Member",
		{"parent": estate.a, "resident": estate.people.residents["hua"]},
		"term_end",
		add_days(today(), -1),
	)
	as_user(estate.people.users["hua"])
	assert not frappe.has_permission(
		"Property Service Evaluation", "read", doc=evaluations["a"]["evaluation"]
	)


# --- joint meetings --------------------------------------------------------------------------------


@pytest.mark.http
def test_a_joint_meetings_decision_becomes_a_request_for_the_property_companys_contact(
	estate, evaluations, sessions
):
	cw1, hua, sunli = sessions("cw1"), sessions("hua"), sessions("sunli")
	matter = ok(
		cw1.post(
			"/api/resource/Deliberation Matter",
			title="Broken north gate",
			category="Property Service",
			description="The north gate of the compound does not lock.",
			scope_level="Compound",
			compound=estate.a,
		)
	)
	assert sorted(row["building"] for row in matter["buildings"]) == A_BUILDINGS
	[rectification] = evaluations["a"]["rectifications"]

	assert (
		cw1.post(
			"/api/resource/Deliberation Meeting",
			title="Joint meeting without a compound",
			meeting_date=str(now_datetime()),
			community="TC1",
			meeting_kind="Monthly Joint Meeting",
		).status_code
		== 417
	)
	meeting = ok(
		cw1.post(
			"/api/resource/Deliberation Meeting",
			title="Monthly joint meeting",
			meeting_date=str(now_datetime()),
			community="TC1",
			meeting_kind="Monthly Joint Meeting",
			compound=estate.a,
			quorum_percent=0,
			passing_threshold=50,
		)
	)
	assert matter["name"] in {row["matter"] for row in meeting["agenda"]}
	assert rectification in {row["service_request"] for row in meeting["rectifications"]}
	assert meeting["invite_property_company"] == meeting["invite_owners_committee"] == 1
	assert sorted(row["building"] for row in meeting["buildings"]) == A_BUILDINGS
	refill = ok(cw1.post(f"{API}.fill_joint_agenda", meeting=meeting["name"]))
	assert refill["matters"] == [] and refill["rectifications"] == []
	assert hua.post(f"{API}.fill_joint_agenda", meeting=meeting["name"]).status_code == 403

	for session in (hua, sunli):
		ok(
			session.post(
				f"{API}.cast_vote", meeting=meeting["name"], matter=matter["name"], choice="In Favour"
			)
		)
	decided = ok(
		cw1.post(f"{API}.decide", meeting=meeting["name"], matter=matter["name"], decision="Repair the gate.")
	)
	assert decided["outcome"] == "Passed"
	request = ok(
		cw1.post(
			f"{API}.add_action",
			matter=matter["name"],
			description="Repair the north gate lock",
			due_date=add_days(today(), 7),
			action_type="Service Request",
			category="Test Repairs",
		)
	)["reference_name"]
	propco = sessions("propco")
	assert (
		ok(propco.get(f"/api/resource/Service Request/{request}"))["handler"] == estate.people.users["propco"]
	)


def test_an_ordinary_meeting_cannot_follow_up_rectifications(estate, evaluations):
	[rectification] = evaluations["a"]["rectifications"]
	doc = frappe.get_doc(
		{
			"doctype": "Deliberation Meeting",
			"title": "Ordinary",
			"meeting_date": now_datetime(),
			"community": "TC1",
			"rectifications": [{"service_request": rectification}],
		}
	)
	with pytest.raises(frappe.ValidationError):
		doc.insert()


def test_the_scores_report_filters_by_compound(estate, evaluations):
	from community_governance.community_governance.report.property_service_scores import (
		property_service_scores,
	)

	as_user(estate.people.users["cw1"])
	data = property_service_scores.execute({"compound": estate.a})[1]
	assert [row["evaluation"] for row in data] == [evaluations["a"]["evaluation"]]


def test_the_deliberation_register_filters_by_compound(estate):
	from community_governance.community_governance.report.deliberation_register import deliberation_register

	as_user(estate.people.users["cw1"])
	matter = frappe.get_doc(
		{
			"doctype": "Deliberation Matter",
			"title": "Bicycle shed",
			"description": "A roof for the bicycles.",
			"compound": estate.b,
		}
	).insert()
	assert matter.scope_level == "Compound" and [row.building for row in matter.buildings] == B_BUILDINGS
	_columns, data = deliberation_register.execute({"compound": estate.b})[:2]
	assert matter.name in {row["matter"] for row in data}
	assert matter.name not in {
		row["matter"] for row in deliberation_register.execute({"compound": estate.a})[1]
	}


@pytest.mark.http
def test_an_owners_committee_member_sees_their_compounds_matters_and_not_anothers(estate, sessions):
	names = {}
	for key in ("a", "b"):
		names[key] = ok(
			sessions("cw1").post(
				"/api/resource/Deliberation Matter",
				title=f"Parking rules of {key}",
				category="Parking",
				description="Who parks where.",
				compound=estate[key],
			)
		)["name"]
	hua, resident1 = sessions("hua"), sessions("resident1")
	assert hua.get(f"/api/resource/Deliberation Matter/{names['a']}").status_code == 200
	assert hua.get(f"/api/resource/Deliberation Matter/{names['b']}").status_code == 403
	assert resident1.get(f"/api/resource/Deliberation Matter/{names['b']}").status_code == 200
	assert resident1.get(f"/api/resource/Deliberation Matter/{names['a']}").status_code == 403
	assert set(names.values()) & hua.list_names("Deliberation Matter") == {names["a"]}


def test_the_patch_moves_free_text_compound_names_out_of_the_link(estate):
	from community_governance.patches import evaluation_compound_names

	old = {"compound": "Old Garden", "property_company": "Old Property", "community": "TC1"}
	legacy = frappe.get_doc({"doctype": "Property Service Evaluation", "name": "PSE-legacy", **old})
	legacy.db_insert()
	linked = frappe.get_doc(
		{"doctype": "Property Service Evaluation", "name": "PSE-linked", **old, "compound": estate.a}
	)
	linked.db_insert()
	evaluation_compound_names.execute()
	evaluation_compound_names.execute()  # running it again changes nothing
	fields = ["compound", "compound_name"]
	assert frappe.db.get_value("Property Service Evaluation", "PSE-legacy", fields) == (None, "Old Garden")
	assert frappe.db.get_value("Property Service Evaluation", "PSE-linked", fields) == (
		estate.a,
		"Test Compound A",
	)
