"""The Care Visits report agrees with a count made straight from the tables: coverage, overdue
plans, visits and the needs found by the status of their requests."""

import pytest

import frappe
from community_governance import care
from community_governance.api import care as api
from community_governance.api import service_request as request_api
from frappe.desk.query_report import run as run_report
from frappe.query_builder import Criterion
from frappe.utils import add_days, getdate, today
from tests.integration.conftest import as_user
from tests.integration.test_care_visits import PLAN, VISIT, make_plan, run_as

REPORT = "Care Visits"
MET = ("Resolved", "Closed")


def independent_count(grid: str, from_date, to_date) -> dict:
	"""What the report should say for one grid, counted from the tables without its code."""
	resident = frappe.qb.DocType("Resident")
	plan = frappe.qb.DocType(PLAN)
	visit = frappe.qb.DocType(VISIT)
	tagged = (
		frappe.qb.from_(resident)
		.select(resident.name)
		.where(
			(resident.grid == grid)
			& (resident.status == "Active")
			& Criterion.any([resident[tag] == 1 for tag in care.CARE_TAGS])
		)
		.run(pluck=True)
	)
	plans = (
		frappe.qb.from_(plan)
		.select(plan.resident, plan.next_due_date)
		.where((plan.grid == grid) & (plan.status == "Active"))
		.run(as_dict=True)
	)
	visits = (
		frappe.qb.from_(visit)
		.select(visit.resident, visit.need_found, visit.request_status)
		.where((visit.grid == grid) & (visit.visit_date >= from_date) & (visit.visit_date <= to_date))
		.run(as_dict=True)
	)
	planned = {row.resident for row in plans} & set(tagged)
	needs = [row for row in visits if row.need_found]
	return {
		"care_residents": len(tagged),
		"planned_residents": len(planned),
		"coverage": round(100 * len(planned) / len(tagged), 1) if tagged else None,
		"active_plans": len(plans),
		"overdue_plans": sum(
			1 for row in plans if row.next_due_date and getdate(row.next_due_date) < getdate()
		),
		"visits": len(visits),
		"residents_visited": len({row.resident for row in visits}),
		"needs_found": len(needs),
		"needs_met": sum(1 for row in needs if row.request_status in MET),
		"needs_rejected": sum(1 for row in needs if row.request_status == "Rejected"),
		"needs_open": sum(1 for row in needs if row.request_status not in (*MET, "Rejected")),
	}


def report_row(world, user_key: str, grid: str, from_date, to_date) -> dict:
	as_user(world.users[user_key])
	try:
		result = run_report(REPORT, filters={"from_date": from_date, "to_date": to_date})["result"]
	finally:
		as_user("Administrator")
	return next(row for row in result if row["grid"] == grid)


@pytest.fixture
def visits_of_the_grid(world):
	"""Two care residents of grid TG11, one plan overdue, visits with needs in three states."""
	# visits committed by the REST tests also count: the figures below are measured from here
	before = independent_count("TG11", add_days(today(), -7), today())
	fresh = make_plan(world)  # resident1, visited below
	overdue = make_plan(
		world, resident_key="neighbour1", visitor_key="gw11", start_date=add_days(today(), -40)
	)
	run_as(world, "volunteer", api.log_visit, fresh, "Good", visit_date=add_days(today(), -3))
	needs = []
	for text in ("Groceries every week", "Loose handrail", "Wants a new flat"):
		result = run_as(
			world, "volunteer", api.log_visit, fresh, "Poor", need=text, category=world.categories["repairs"]
		)
		needs.append(result["service_request"])
	run_as(world, "gw11", request_api.dispatch, needs[0], world.users["gw11"])
	run_as(world, "gw11", request_api.accept, needs[0])
	run_as(world, "gw11", request_api.resolve, needs[0], "Delivery arranged")
	run_as(world, "gw11", request_api.reject, needs[2], "Housing is not a community matter")
	return {"fresh": fresh, "overdue": overdue, "before": before}


@pytest.mark.parametrize("user_key", ["gw11", "cw1", "soa"])
def test_the_report_matches_an_independent_count(world, visits_of_the_grid, user_key):
	period = (add_days(today(), -7), today())
	row = report_row(world, user_key, "TG11", *period)
	expected = independent_count("TG11", *period)
	assert {key: row[key] for key in expected} == expected
	# and the figures are the ones this test made (the world's two care residents of TG11)
	assert row["care_residents"] == 2 and row["planned_residents"] == 2 and row["coverage"] == 100
	assert row["active_plans"] == 2 and row["overdue_plans"] == 1
	before = visits_of_the_grid["before"]
	added = {key: row[key] - before[key] for key in ("visits", "needs_found", "needs_met", "needs_open")}
	assert added == {"visits": 4, "needs_found": 3, "needs_met": 1, "needs_open": 1}
	assert row["needs_rejected"] - before["needs_rejected"] == 1


def test_the_period_limits_the_visits_not_the_plans(world, visits_of_the_grid):
	week = report_row(world, "gw11", "TG11", add_days(today(), -7), today())
	day = report_row(world, "gw11", "TG11", today(), today())
	assert week["visits"] - day["visits"] == 1  # the visit three days ago
	assert day["active_plans"] == week["active_plans"] == 2 and day["overdue_plans"] == 1


def test_the_total_row_adds_up_the_grids(world, visits_of_the_grid):
	as_user(world.users["cw1"])
	result = run_report(REPORT, filters={"from_date": add_days(today(), -7), "to_date": today()})["result"]
	rows, total = result[:-1], result[-1]
	assert total["is_total"]
	for key in ("care_residents", "planned_residents", "visits", "needs_found", "overdue_plans"):
		assert total[key] == sum(row[key] for row in rows)


def test_a_reversed_period_is_refused(world):
	as_user(world.users["gw11"])
	with pytest.raises(frappe.ValidationError, match="must not be after"):
		run_report(REPORT, filters={"from_date": today(), "to_date": add_days(today(), -1)})
