"""The demo street: the small scale is built as planned, a second run changes nothing, and its staff
see only their part of the street.

make_demo commits, so the demo stays on the test site; the full scale may be there too, since the
small scale is a part of it."""

from collections import Counter

import pytest

import frappe
from community_governance import demo
from frappe.permissions import AUTOMATIC_ROLES
from frappe.utils.password import check_password
from tests.integration.conftest import as_user

DEMO_USERS = ("like", f"%@{demo.DOMAIN}")
INSIDE = ("like", f"{demo.STREET_CODE}-%")


@pytest.fixture(scope="module")
def small_plan():
	return demo.plan_demo("small")


@pytest.fixture(scope="module")
def small_demo(site, small_plan):
	demo.make_demo(scale="small")
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
	demo.make_demo(scale="small")
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
