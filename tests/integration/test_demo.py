"""The demo street: the small scale is built as planned and lives its month without a failed story,
a second run changes nothing, its ledger equals its balances, every request is in a state the
workflow can reach, every record sits inside the scope rules, and the street admin finds rows in
every script report and a figure on every number card.

make_demo commits, so the demo stays on the test site; the full scale may be there too, since the
small scale is a part of it."""

from collections import Counter

import pytest

import frappe
from community_governance import demo, ledger, scope
from frappe.desk.doctype.number_card.number_card import get_result as number_card_result
from frappe.desk.query_report import run as run_report
from frappe.permissions import AUTOMATIC_ROLES
from frappe.utils import add_days, add_months, flt, getdate
from frappe.utils.password import check_password
from tests.integration.conftest import as_user
from tests.integration.demo_street import build_small_demo

DEMO_USERS = ("like", f"%@{demo.DOMAIN}")
INSIDE = ("like", f"{demo.STREET_CODE}-%")
DEMO_COMMUNITY_WORKER = f"community-1@{demo.DOMAIN}"
# a case is its team's alone, whatever the place (mediation confidentiality)
CONFIDENTIAL = {"Mediation Case"}


@pytest.fixture(scope="module")
def small_plan():
	return demo.plan_demo("small")


@pytest.fixture(scope="module")
def small_demo(site, small_plan):
	build_small_demo()
	return small_plan


def test_the_plan_is_the_same_on_every_run(small_plan):
	assert demo.plan_demo("small") == small_plan


def test_the_small_scale_is_part_of_the_full_one(small_plan):
	full = demo.plan_demo("full")
	full_buildings = {building.name: building for building in full.buildings}
	full_residents = {
		(building.name, *resident.key): resident
		for building in full.buildings
		for resident in building.residents
	}
	for building in small_plan.buildings:
		assert full_buildings[building.name].units == building.units
		assert _captain_key(full_buildings[building.name]) == _captain_key(building)
		for resident in building.residents:
			assert full_residents[(building.name, *resident.key)] == resident
	assert {
		email: user for email, user in full.users.items() if email in small_plan.users
	} == small_plan.users


def test_the_small_plan_has_the_shape_of_a_street(small_plan):
	levels = Counter(grid.level for grid in small_plan.grids)
	assert levels == {"Street": 1, "Community": 1, "Grid": 2}
	assert {building.building_type for building in small_plan.buildings} == set(demo.BUILDING_TYPES.values())
	residents = list(small_plan.residents())
	assert 20 <= len(residents) <= 80
	assert any(resident.tags.get("elderly_living_alone") for resident in residents)
	assert any(resident.tags.get("party_member") for resident in residents)
	captained = [building for building in small_plan.buildings if building.captain]
	assert 0 < len(captained) < len(small_plan.buildings)
	kinds = Counter(user.kind for user in small_plan.users.values())
	assert kinds == {
		"Street Office Admin": 1,
		"Community Worker": 1,
		"Grid Worker": 2,
		"Building Captain": len(captained),
		"Resident": 2,
		"Volunteer": 1,
		"Mediator": 1,
	}


def test_the_small_demo_is_on_the_site(small_demo):
	for grid in small_demo.grids:
		row = frappe.db.get_value(
			"Grid", grid.code, ["level", "parent_grid", "responsible_user"], as_dict=True
		)
		assert (row.level, row.parent_grid, row.responsible_user) == (
			grid.level,
			grid.parent_grid,
			grid.responsible_user,
		)

	for building in small_demo.buildings:
		doc = frappe.get_doc("Building", building.name)
		assert doc.building_type == building.building_type
		assert doc.community == building.grid.rsplit("-", 1)[0]
		assert [(unit.unit_name, unit.floors, unit.households) for unit in doc.units] == [
			(unit.unit_name, unit.floors, len(unit.rooms)) for unit in building.units
		]

	buildings = [building.name for building in small_demo.buildings]
	on_site = Counter(
		(row.building, row.household, row.full_name)
		for row in frappe.get_all(
			"Resident", filters={"building": ("in", buildings)}, fields=["building", "household", "full_name"]
		)
	)
	planned = [
		(building.name, *resident.key) for building in small_demo.buildings for resident in building.residents
	]
	assert all(on_site[key] == 1 for key in planned), "every planned resident exists exactly once"


def test_some_buildings_have_a_captain_and_some_none(small_demo):
	for building in small_demo.buildings:
		captaincies = frappe.get_all(
			"Building Captain Building", filters={"building": building.name}, pluck="parent"
		)
		if not building.captain:
			assert not captaincies
			continue
		assert len(captaincies) == 1
		captain = frappe.get_doc("Building Captain", captaincies[0])
		assert captain.status == "Active"
		assert captain.user == building.captain.user
		assert captain.captain_name == building.captain.full_name
		assert captain.public_phone == building.captain.phone
		assert frappe.db.get_value("Resident", captain.resident, "user") == captain.user


def test_the_small_demo_has_its_compounds_and_party_organisation(small_demo):
	assert small_demo.compounds and any(node.members for node in small_demo.party)
	for compound in small_demo.compounds:
		name = frappe.db.get_value(
			"Compound", {"community": compound.community, "compound_name": compound.compound_name}
		)
		doc = frappe.get_doc("Compound", name)
		assert [row.building for row in doc.buildings] == compound.buildings
		assert [row.committee_role for row in doc.committee] == [role for *_key, role in compound.committee]
	for node in small_demo.party:
		name = frappe.db.get_value(
			"Party Organisation", {"organisation_name": node.organisation_name, "community": node.community}
		)
		doc = frappe.get_doc("Party Organisation", name)
		assert doc.level == node.level and len(doc.members) == len(node.members)
		assert len(doc.central_households) == len(node.looked_after)
		if node.parent:
			assert (
				frappe.db.get_value("Party Organisation", doc.parent_party_organisation, "organisation_name")
				== node.parent
			)


def test_users_have_their_roles(small_demo):
	desk_roles = set(frappe.get_all("Role", filters={"desk_access": 1}, pluck="name"))
	for user in small_demo.users.values():
		language, user_type = frappe.db.get_value("User", user.email, ["language", "user_type"])
		roles = set(frappe.get_roles(user.email)) - set(AUTOMATIC_ROLES)
		assert language == "zh"
		assert set(user.roles) <= roles
		if user.kind == "Resident":
			assert user_type == "Website User"
			assert not roles & desk_roles
		else:
			assert user_type == "System User"

	buildings = [building.name for building in small_demo.buildings]
	linked = dict(
		frappe.get_all(
			"Resident",
			filters={"building": ("in", buildings), "user": DEMO_USERS},
			fields=["user", "is_volunteer"],
			as_list=True,
		)
	)
	assert linked[demo.VOLUNTEER] == 1
	assert {email for email, user in small_demo.users.items() if "Resident" in user.roles} == set(linked)
	assert check_password(demo.ADMIN, demo.PASSWORD)


def test_a_second_run_changes_nothing(small_demo, capsys):
	before = _snapshot()
	build_small_demo()
	assert "created now: nothing" in capsys.readouterr().out
	assert _snapshot() == before


@pytest.mark.parametrize(
	("user", "node"),
	[("community-1@demo.street", "DEMO-01"), ("grid-1-2@demo.street", "DEMO-01-02")],
)
def test_staff_see_only_their_part_of_the_street(small_demo, world, user, node):
	lft, rgt = frappe.db.get_value("Grid", node, ["lft", "rgt"])
	grids = frappe.get_all("Grid", filters={"lft": (">=", lft), "rgt": ("<=", rgt)}, pluck="name")
	expected = set(frappe.get_all("Building", filters={"grid": ("in", grids)}, pluck="name"))
	everywhere = set(frappe.get_all("Building", pluck="name"))

	as_user(user)
	visible = set(frappe.get_list("Building", pluck="name", limit_page_length=0))

	assert visible == expected
	assert {building.name for building in small_demo.buildings if building.grid.startswith(node)} <= visible
	assert set(world.buildings.values()) & everywhere
	assert not set(world.buildings.values()) & visible


def test_the_month_was_lived_without_a_failed_story(small_demo):
	assert frappe.db.count("Demo Story") > 0
	failed = frappe.get_all("Demo Story", filters={"failure": ("is", "set")}, fields=["name", "failure"])
	assert not failed, "\n".join(f"{row.name}: {row.failure}" for row in failed)


def test_the_demo_ledger_equals_its_balances(small_demo):
	residents = set(frappe.get_all("Resident", filters={"building": INSIDE}, pluck="name"))
	assert frappe.db.count("Points Transaction", {"resident": ("in", residents), "docstatus": 1}) > 0
	assert [row for row in ledger.drift() if row.resident in residents] == []


def test_every_request_is_in_a_state_its_workflow_can_reach(small_demo):
	for doctype in frappe.get_all("Workflow", filters={"is_active": 1}, pluck="document_type"):
		if frappe.get_meta(doctype).module != "Community Governance":
			continue
		workflow = frappe.get_doc(
			"Workflow", frappe.db.get_value("Workflow", {"document_type": doctype, "is_active": 1})
		)
		reachable = _reachable_states(workflow)
		docstatus = {state.state: int(state.doc_status) for state in workflow.states}
		field = workflow.workflow_state_field
		rows = frappe.get_all(doctype, fields=["name", field, "docstatus"])
		unreachable = [(row.name, row[field]) for row in rows if row[field] not in reachable]
		assert not unreachable, f"{doctype}: {unreachable[:5]}"
		wrong = [(row.name, row[field]) for row in rows if docstatus[row[field]] != row.docstatus]
		assert not wrong, f"{doctype} with a docstatus its state does not have: {wrong[:5]}"
	states = set(frappe.get_all("Service Request", filters={"building": INSIDE}, pluck="workflow_state"))
	assert {"Open", "Dispatched", "Accepted", "Resolved", "Closed"} <= states


def test_no_demo_record_is_outside_the_scope_rules(small_demo, world):
	"""Every governed record the demo's stories made sits in the demo street, where the demo's
	community worker may see it and the test world's people of another street may not."""
	stories = frappe.get_all(
		"Demo Story",
		filters={"reference_doctype": ("in", list(scope.RULES)), "reference_name": ("is", "set")},
		fields=["name", "reference_doctype", "reference_name"],
	)
	assert {story.reference_doctype for story in stories} >= {"Service Request", "Patrol Log"}
	outsiders = [world.users[key] for key in ("cw1", "gw11", "captain1", "resident1")]
	for story in stories:
		doc = frappe.get_doc(story.reference_doctype, story.reference_name)
		if doc.meta.has_field("community"):
			assert (doc.community or "").startswith(f"{demo.STREET_CODE}-"), story.name
		for user in outsiders:
			assert not frappe.has_permission(doc.doctype, "read", doc, user=user), (story.name, user)
		if doc.doctype not in CONFIDENTIAL:
			assert frappe.has_permission(doc.doctype, "read", doc, user=DEMO_COMMUNITY_WORKER), story.name


def test_the_street_admin_finds_rows_in_every_script_report(small_demo):
	reports = set(
		frappe.get_all(
			"Report", filters={"module": "Community Governance", "report_type": "Script Report"}, pluck="name"
		)
	)
	defaults = _report_defaults()
	assert reports == set(defaults), "every script report has its default filters here"
	as_user(demo.ADMIN)
	empty = [
		report
		for report, filters in defaults.items()
		if not run_report(report, filters=filters, user=demo.ADMIN)["result"]
	]
	assert not empty, f"reports without rows for the street admin: {empty}"


def test_every_number_card_shows_a_figure_to_the_street_admin(small_demo):
	as_user(demo.ADMIN)
	zero = []
	for name in frappe.get_all("Number Card", filters={"module": "Community Governance"}, pluck="name"):
		if not flt(card_figure(frappe.get_doc("Number Card", name))):
			zero.append(name)
	assert not zero, f"number cards at zero for the street admin: {zero}"


def card_figure(card):
	"""What the card shows: a Custom card's figure comes from its method, the others' from Frappe."""
	if card.type == "Custom":
		result = frappe.get_attr(card.method)(filters=card.filters_json)
		return result.get("value") if isinstance(result, dict) else result
	return number_card_result(card, card.filters_json)


def _reachable_states(workflow) -> set[str]:
	"""The states a document can be in: the first state and every one a transition leads to from there."""
	reachable = {workflow.states[0].state}
	frontier = list(reachable)
	while frontier:
		state = frontier.pop()
		for transition in workflow.transitions:
			if transition.state == state and transition.next_state not in reachable:
				reachable.add(transition.next_state)
				frontier.append(transition.next_state)
	return reachable


def _report_defaults() -> dict[str, dict]:
	"""Each script report's filters as its form fills them in by default (the period), plus what a
	report cannot run without (whose statement, which party organisation)."""
	today = getdate()
	year_start, month_start = today.replace(month=1, day=1), today.replace(day=1)
	year_to_date = {"from_date": year_start, "to_date": today}
	busiest = frappe.get_all(
		"Points Account",
		filters={"community": INSIDE},
		order_by="balance desc",
		limit=1,
		pluck="name",
	)
	# the branch a street admin would look at: one with members
	branch = frappe.get_all(
		"Party Organisation Member",
		filters={"parent": ("in", frappe.get_all("Party Organisation", {"community": INSIDE}, pluck="name"))},
		limit=1,
		pluck="parent",
	)
	return {
		"Captain Allowance": {"year": today.year, "month": str(today.month)},
		"Captain Performance": {"year": today.year, "period": "H1" if today.month <= 6 else "H2"},
		"Care Visits": year_to_date,
		"Deliberation Register": year_to_date,
		"Grid Overview": {},
		"Mediation Summary": {**year_to_date, "group_by": "community"},
		"Merchant Settlement": year_to_date,
		"Monthly Service Report": {"month": month_start},
		"Overdue Service Requests": {},
		"Partner Contribution": {**year_to_date, "group_by": "partner_unit"},
		"Party Branch Activity": {"party_organisation": branch[0] if branch else None, **year_to_date},
		"Patrol Coverage": {"from_date": add_days(today, -6), "to_date": today},
		"Personal Data Access": {"from_date": add_months(today, -1), "to_date": today},
		"Points Leaderboard": {
			"period": "First Half" if today.month <= 6 else "Second Half",
			"year": today.year,
		},
		"Points Statement": {"resident": busiest[0] if busiest else None},
		"Property Service Scores": {"from_date": add_months(today, -12), "to_date": today},
		"Service Request KPI": {"from_date": month_start, "to_date": today, "group_by": "community"},
		"Volunteer Team Totals": year_to_date,
	}


def _captain_key(building):
	return building.captain.key if building.captain else None


def _snapshot() -> dict:
	"""How many demo records there are, and when the latest of them changed, by DocType."""
	demo_residents = frappe.get_all("Resident", filters={"building": INSIDE}, pluck="name")
	filters = {
		"Grid": {"name": ("like", f"{demo.STREET_CODE}%")},
		"Building": {"name": INSIDE},
		"Resident": {"building": INSIDE},
		"Building Captain": {"resident": ("in", demo_residents or [""])},
		"User": {"name": DEMO_USERS},
		"Has Role": {"parent": DEMO_USERS, "parenttype": "User"},
		"Compound": {"community": INSIDE},
		"Party Organisation": {"community": INSIDE},
	}
	return {
		doctype: frappe.get_all(
			doctype, filters=where, fields=["count(*) as count", "max(modified) as modified"]
		)[0]
		for doctype, where in filters.items()
	}
