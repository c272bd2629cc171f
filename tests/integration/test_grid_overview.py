"""The Grid Overview report: right figures, and each viewer sees only their part of the tree."""

import pytest

import frappe
from frappe.desk.query_report import run as run_report
from tests.integration.conftest import as_user

TEST_NODES = {"TC1", "TG11", "TG12", "TC2", "TG21"}


def report_rows(filters=None):
	result = run_report("Grid Overview", filters=filters or {})["result"]
	return {row["node"]: row for row in result if row["node"] in TEST_NODES}


def independent_counts(grid: str) -> dict:
	"""Counted straight from the tables, without the report's code or permission layer."""
	building = frappe.qb.DocType("Building")
	unit = frappe.qb.DocType("Building Unit")
	resident = frappe.qb.DocType("Resident")
	captain = frappe.qb.DocType("Building Captain")
	captain_row = frappe.qb.DocType("Building Captain Building")
	buildings = frappe.qb.from_(building).select(building.name).where(building.grid == grid).run(pluck=True)
	units = frappe.qb.from_(unit).select(unit.households).where(unit.parent.isin(buildings)).run(pluck=True)
	residents = (
		frappe.qb.from_(resident)
		.select(
			resident.elderly_living_alone,
			resident.special_care,
			resident.has_disability,
			resident.child_in_difficulty,
		)
		.where((resident.building.isin(buildings)) & (resident.status == "Active"))
		.run()
	)
	captained = (
		frappe.qb.from_(captain_row)
		.join(captain)
		.on(captain.name == captain_row.parent)
		.select(captain_row.building, captain.name)
		.where((captain.status == "Active") & captain_row.building.isin(buildings))
		.run()
	)
	return {
		"buildings": len(buildings),
		"units": len(units),
		"households": sum(units),
		"residents": len(residents),
		"care_residents": sum(1 for tags in residents if any(tags)),
		"active_captains": len({name for _b, name in captained}),
		"buildings_without_captain": len(set(buildings) - {b for b, _n in captained}),
	}


def test_figures_match_an_independent_count(world):
	as_user(world.users["soa"])
	rows = report_rows()
	assert set(rows) == TEST_NODES
	for grid in ("TG11", "TG12", "TG21"):
		for figure, value in independent_counts(grid).items():
			assert rows[grid][figure] == value, (grid, figure)
	for figure in ("buildings", "units", "households", "residents", "buildings_without_captain"):
		assert rows["TC1"][figure] == rows["TG11"][figure] + rows["TG12"][figure]
	assert rows["TG11"]["care_residents"] == 2
	assert rows["TG12"]["buildings_without_captain"] == 1


def test_a_captain_counted_once_per_community(world):
	as_user(world.users["soa"])
	rows = report_rows()
	assert rows["TC1"]["active_captains"] == 1


@pytest.mark.parametrize(
	"user_key, visible",
	[
		("cw1", {"TC1", "TG11", "TG12"}),
		("cw2", {"TC2", "TG21"}),
		("gw11", {"TC1", "TG11"}),
		("gw12", {"TC1", "TG12"}),
		("captain1", {"TC1", "TG11"}),
	],
)
def test_each_viewer_sees_only_their_part(world, user_key, visible):
	as_user(world.users[user_key])
	rows = report_rows()
	assert set(rows) == visible
	if user_key == "gw12":
		# the community total covers only what this viewer may see
		assert rows["TC1"]["buildings"] == 1


def test_a_captain_does_not_see_the_community_workers_details(world):
	as_user(world.users["captain1"])
	rows = report_rows()
	assert rows["TC1"]["responsible_user"] is None


@pytest.mark.parametrize("user_key", ["resident1", "volunteer", "mediator"])
def test_roles_without_the_report_are_refused(world, user_key):
	as_user(world.users[user_key])
	with pytest.raises(frappe.PermissionError):
		run_report("Grid Overview", filters={})


def test_community_filter(world):
	as_user(world.users["soa"])
	assert set(report_rows({"community": "TC2"})) == {"TC2", "TG21"}


@pytest.mark.http
def test_report_over_http_respects_scope(world, server):
	client = server.session(world.users["gw11"], world.password)
	response = client.get(
		"/api/method/frappe.desk.query_report.run", report_name="Grid Overview", filters="{}"
	)
	assert response.status_code == 200, response.text
	nodes = {row["node"] for row in response.json()["message"]["result"]} & TEST_NODES
	assert nodes == {"TC1", "TG11"}
	denied = server.session(world.users["resident1"], world.password).get(
		"/api/method/frappe.desk.query_report.run", report_name="Grid Overview", filters="{}"
	)
	assert denied.status_code == 403
