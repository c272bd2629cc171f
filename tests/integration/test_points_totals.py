"""The monthly totals the ledger keeps equal what its rows add up to, and the leaderboard and
statement read from them give the same figures as the rows."""

from datetime import date

import pytest

import frappe
from community_governance import ledger
from community_governance.community_governance.report.points_leaderboard import points_leaderboard
from community_governance.community_governance.report.points_statement import points_statement
from frappe.utils import add_days, getdate, nowdate
from tests.integration.conftest import as_user
from tests.integration.test_points import SECTION, activity

TOTALS = ledger.TOTALS


def independent_totals(resident: str) -> dict:
	"""The resident's totals computed here from the raw ledger rows, without the app's code."""
	rows = frappe.db.sql(
		"""select posting_date, section, grid, kind, source_doctype, points
		from `tabPoints Transaction` where docstatus = 1 and resident = %s""",
		resident,
		as_dict=True,
	)
	totals = {}
	for row in rows:
		key = (getdate(row.posting_date).replace(day=1), row.section or "", row.grid)
		total = totals.setdefault(key, {"merit_points": 0, "net_points": 0, "activities": 0})
		total["net_points"] += row.points
		if row.kind in ("Earn", "Adjustment", "Reversal") and row.source_doctype != "Reward Redemption":
			total["merit_points"] += row.points
			if row.source_doctype == "Volunteer Activity":
				total["activities"] += -1 if row.kind == "Reversal" else 1
	return totals


def kept_totals(resident: str) -> dict:
	rows = frappe.get_all(
		TOTALS,
		filters={"resident": resident},
		fields=["month", "section", "grid", "merit_points", "net_points", "activities"],
	)
	return {
		(getdate(row.month), row.section or "", row.grid): {
			"merit_points": row.merit_points,
			"net_points": row.net_points,
			"activities": row.activities,
		}
		for row in rows
	}


def test_every_kind_of_posting_adds_to_its_monthly_total(world):
	resident = world.residents["resident1"]
	as_user(world.users["cw1"])
	event = activity(world, ["resident1", "resident2"], points=5).insert()
	event.submit()  # post_many: one bulk insert for the attendees
	as_user("Administrator")
	ledger.post(resident, 3, "Adjustment", section=SECTION, remark="a correction")
	last_month = add_days(getdate(nowdate()).replace(day=1), -3)
	ledger.post(resident, 2, "Earn", section="Neighbourly Help", remark="back-dated", posting_date=last_month)
	ledger.post(resident, -4, "Redeem", remark="spent at the counter")
	event.reload()
	event.cancel()  # reverses the activity's awards
	assert kept_totals(resident) == independent_totals(resident)
	assert kept_totals(world.residents["resident2"]) == independent_totals(world.residents["resident2"])
	assert not ledger.totals_drift()


def test_the_drift_check_finds_a_total_changed_behind_the_ledgers_back(world):
	as_user("Administrator")
	ledger.post(world.residents["resident1"], 4, "Adjustment", remark="test")
	assert not ledger.drift()
	total = frappe.qb.DocType(TOTALS)
	frappe.qb.update(total).set(total.net_points, total.net_points + 7).where(
		total.resident == world.residents["resident1"]
	).run()
	drifted = ledger.drift()
	assert {row.resident for row in drifted} == {world.residents["resident1"]}
	assert all(row.total for row in drifted)


def test_rebuilding_the_totals_from_the_rows_gives_the_same_totals(world):
	as_user("Administrator")
	ledger.post(world.residents["resident1"], 6, "Earn", section=SECTION, remark="for the rebuild")
	before = {row.name: row for row in frappe.get_all(TOTALS, fields=["*"])}
	ledger.rebuild_monthly_totals()
	after = {row.name: row for row in frappe.get_all(TOTALS, fields=["*"])}
	assert set(before) == set(after)
	for name, row in before.items():
		for field in ("merit_points", "merit_rows", "net_points", "activities", "grid", "community"):
			assert after[name][field] == row[field], (name, field)


def leaderboard_both_ways(filters: dict) -> tuple[list, list]:
	normalised = points_leaderboard.normalised(filters)
	assert points_leaderboard.covers_whole_months(normalised)
	return (
		points_leaderboard.from_monthly_totals(normalised),
		points_leaderboard.from_ledger_rows(normalised),
	)


@pytest.mark.parametrize("user_key", ["soa", "cw1", "gw11", "gw21"])
@pytest.mark.parametrize("section", [None, SECTION])
def test_the_leaderboard_from_totals_equals_the_leaderboard_from_rows(world, user_key, section):
	as_user(world.users["cw1"])
	for points, attendees in ((4, ["resident1", "resident2"]), (7, ["resident2"])):
		event = activity(world, attendees, points=points).insert()
		event.submit()
	as_user("Administrator")
	ledger.post(world.residents["resident1"], -2, "Redeem", remark="spending is not merit")
	today = getdate(nowdate())
	half = "First Half" if today.month <= 6 else "Second Half"
	as_user(world.users[user_key])
	filters = {"period": half, "year": today.year, "top_n": 50, "section": section}
	from_totals, from_rows = leaderboard_both_ways(filters)
	assert from_totals == from_rows
	# resident1 lives in grid TG11 of community TC1, resident2 in TG21 of TC2: each viewer ranks
	# only the ones in their own scope
	in_scope = {
		"soa": {"resident1", "resident2"},
		"cw1": {"resident1"},
		"gw11": {"resident1"},
		"gw21": {"resident2"},
	}
	ranked = {row["resident"] for row in from_rows}
	ours = {world.residents["resident1"]: "resident1", world.residents["resident2"]: "resident2"}
	assert {ours[name] for name in ranked if name in ours} == in_scope[user_key]


def test_a_period_not_of_whole_months_reads_the_rows(world):
	today = getdate(nowdate())
	filters = points_leaderboard.normalised(
		{"period": "Custom", "from_date": add_days(today, -10), "to_date": today}
	)
	assert points_leaderboard.covers_whole_months(filters) == (
		add_days(today, -10).day == 1 and today == frappe.utils.get_last_day(today)
	)


def test_the_statements_opening_balance_adds_whole_months_and_the_days_before(world):
	resident = world.residents["resident1"]
	as_user("Administrator")
	today = getdate(nowdate())
	first = today.replace(day=1)
	ledger.post(
		resident, 5, "Earn", section=SECTION, remark="two months ago", posting_date=add_days(first, -40)
	)
	ledger.post(resident, 3, "Earn", section=SECTION, remark="first of the month", posting_date=first)
	from_date = max(first, add_days(today, -1)) if today.day > 1 else first
	as_user(world.users["cw1"])
	filters = points_statement.normalised({"resident": resident, "from_date": from_date})
	expected = frappe.db.sql(
		"""select coalesce(sum(points), 0) from `tabPoints Transaction`
		where docstatus = 1 and resident = %s and posting_date < %s""",
		(resident, from_date),
	)[0][0]
	assert points_statement.opening_balance(filters) == expected


def test_a_resident_sees_only_their_own_totals(world):
	as_user("Administrator")
	ledger.post(world.residents["resident1"], 2, "Adjustment", remark="mine")
	ledger.post(world.residents["resident2"], 2, "Adjustment", remark="theirs")
	as_user(world.users["resident1"])
	seen = set(frappe.get_list(TOTALS, pluck="resident", limit_page_length=0))
	assert seen == {world.residents["resident1"]}


def test_no_one_writes_a_total_by_hand(world):
	as_user(world.users["soa"])
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc(
			{
				"doctype": TOTALS,
				"resident": world.residents["resident1"],
				"month": date.today().replace(day=1),
			}
		).insert()


# --- the half-year totals --------------------------------------------------------------------------

PERIOD_TOTALS = ledger.PERIOD_TOTALS


def independent_period_totals(resident: str) -> dict:
	"""The resident's half-year totals, per section and over all sections, from the raw rows."""
	rows = frappe.db.sql(
		"""select posting_date, section, grid, community, resident_name, kind, source_doctype, points
		from `tabPoints Transaction` where docstatus = 1 and resident = %s""",
		resident,
		as_dict=True,
	)
	totals = {}
	for row in rows:
		day = getdate(row.posting_date)
		period = f"{day.year}-H{1 if day.month <= 6 else 2}"
		for key in ((period, row.section or "", 0), (period, "", 1)):
			total = totals.setdefault(
				key,
				{"merit_points": 0, "merit_rows": 0, "net_points": 0, "activities": 0, "grid": None},
			)
			total["net_points"] += row.points
			if row.kind in ("Earn", "Adjustment", "Reversal") and row.source_doctype != "Reward Redemption":
				total["merit_points"] += row.points
				total["merit_rows"] += 1
				total["grid"] = max(total["grid"] or "", row.grid or "") or None
				if row.source_doctype == "Volunteer Activity":
					total["activities"] += -1 if row.kind == "Reversal" else 1
	return totals


def kept_period_totals(resident: str) -> dict:
	rows = frappe.get_all(
		PERIOD_TOTALS,
		filters={"resident": resident},
		fields=[
			"period",
			"section",
			"all_sections",
			"grid",
			"merit_points",
			"merit_rows",
			"net_points",
			"activities",
		],
	)
	return {
		(row.period, row.section or "", row.all_sections): {
			"merit_points": row.merit_points,
			"merit_rows": row.merit_rows,
			"net_points": row.net_points,
			"activities": row.activities,
			"grid": row.grid or None,
		}
		for row in rows
	}


def test_every_kind_of_posting_and_its_reversal_keep_the_period_totals_equal_to_the_ledger(world):
	resident = world.residents["resident1"]
	as_user(world.users["cw1"])
	event = activity(world, ["resident1", "resident2"], points=5).insert()
	event.submit()  # post_many
	as_user("Administrator")
	ledger.post(resident, 3, "Adjustment", remark="no section")
	half_a_year_ago = add_days(getdate(nowdate()), -190)
	ledger.post(
		resident, 2, "Earn", section="Neighbourly Help", remark="back-dated", posting_date=half_a_year_ago
	)
	ledger.post(resident, -4, "Redeem", remark="spent at the counter")
	assert kept_period_totals(resident) == independent_period_totals(resident)
	event.reload()
	event.cancel()  # reverses the activity's awards
	for key in ("resident1", "resident2"):
		assert kept_period_totals(world.residents[key]) == independent_period_totals(world.residents[key])
	assert not ledger.period_totals_drift()
	assert not ledger.drift()


def test_the_drift_check_finds_a_period_total_changed_behind_the_ledgers_back(world):
	as_user("Administrator")
	ledger.post(world.residents["resident1"], 4, "Adjustment", section=SECTION, remark="test")
	assert not ledger.period_totals_drift()
	total = frappe.qb.DocType(PERIOD_TOTALS)
	frappe.qb.update(total).set(total.merit_rows, total.merit_rows + 1).where(
		(total.resident == world.residents["resident1"]) & (total.all_sections == 1)
	).run()
	drifted = ledger.drift()
	assert {row.resident for row in drifted} == {world.residents["resident1"]}
	assert all(row.total.endswith(f"|{ledger.ALL_SECTIONS}") for row in drifted)


def test_rebuilding_gives_the_same_period_totals(world):
	as_user("Administrator")
	ledger.post(world.residents["resident1"], 6, "Earn", section=SECTION, remark="for the rebuild")
	ledger.post(world.residents["resident1"], -1, "Redeem", remark="spending")
	fields = ("merit_points", "merit_rows", "net_points", "activities", "grid", "community", "resident_name")
	before = {row.name: row for row in frappe.get_all(PERIOD_TOTALS, fields=["name", *fields])}
	assert ledger.rebuild_period_totals() == len(before)
	after = {row.name: row for row in frappe.get_all(PERIOD_TOTALS, fields=["name", *fields])}
	assert set(before) == set(after)
	for name, row in before.items():
		for field in fields:
			assert (after[name][field] or None) == (row[field] or None), (name, field)


@pytest.mark.parametrize("section", [None, SECTION])
def test_the_half_year_leaderboard_from_period_totals_equals_the_one_from_rows(world, section):
	as_user(world.users["cw1"])
	for points, attendees in ((4, ["resident1", "resident2"]), (7, ["resident2"]), (4, ["resident1"])):
		event = activity(world, attendees, points=points).insert()
		event.submit()
	as_user("Administrator")
	ledger.post(world.residents["resident1"], -2, "Redeem", remark="spending is not merit")
	ledger.post(world.residents["resident2"], 1, "Adjustment", remark="merit without a section")
	today = getdate(nowdate())
	as_user(world.users["soa"])
	filters = points_leaderboard.normalised(
		{
			"period": points_leaderboard.current_half(today),
			"year": today.year,
			"top_n": 50,
			"section": section,
		}
	)
	assert points_leaderboard.reads_period_totals(filters)
	from_periods = points_leaderboard.from_period_totals(filters)
	assert from_periods == points_leaderboard.from_ledger_rows(filters)
	assert from_periods == points_leaderboard.from_monthly_totals(filters)
	assert {world.residents["resident1"], world.residents["resident2"]} <= {
		row["resident"] for row in from_periods
	}
	assert points_leaderboard.get_data(filters) == from_periods


def test_a_part_of_the_site_or_a_scoped_viewer_does_not_read_the_period_totals(world):
	today = getdate(nowdate())
	half = {"period": points_leaderboard.current_half(today), "year": today.year}
	as_user(world.users["soa"])
	assert not points_leaderboard.reads_period_totals(points_leaderboard.normalised({**half, "grid": "TG11"}))
	as_user(world.users["cw1"])
	assert not points_leaderboard.reads_period_totals(points_leaderboard.normalised(half))


def test_a_resident_sees_only_their_own_period_totals(world):
	as_user("Administrator")
	ledger.post(world.residents["resident1"], 2, "Adjustment", remark="mine")
	ledger.post(world.residents["resident2"], 2, "Adjustment", remark="theirs")
	as_user(world.users["resident1"])
	seen = set(frappe.get_list(PERIOD_TOTALS, pluck="resident", limit_page_length=0))
	assert seen == {world.residents["resident1"]}
