"""The Points Leaderboard and Points Statement reports: figures that match an independent count of
the ledger, the half-year evaluations, and each viewer limited to their own residents."""

from datetime import date
from types import SimpleNamespace

import pytest

import frappe
from community_governance import ledger
from community_governance.api import points as points_api
from frappe.desk.query_report import run as run_report
from frappe.query_builder.functions import Sum
from frappe.utils import add_days, getdate
from tests.integration.conftest import as_user

MERIT_KINDS = ("Earn", "Adjustment", "Reversal")
EVERYONE = 1000  # a top N large enough to list every resident of the test street


# --- the ledger the tests read ---------------------------------------------------------------


def half_year(day: date) -> tuple[str, int, date, date]:
	if day.month <= 6:
		return "First Half", day.year, date(day.year, 1, 1), date(day.year, 6, 30)
	return "Second Half", day.year, date(day.year, 7, 1), date(day.year, 12, 31)


def submit_activity(world, community, section, points, attendees, activity_date):
	doc = frappe.get_doc(
		{
			"doctype": "Volunteer Activity",
			"title": f"{section} day",
			"activity_date": activity_date,
			"section": section,
			"points_per_attendee": points,
			"community": community,
			"attendees": [{"resident": world.residents[key]} for key in attendees],
		}
	).insert()
	doc.submit()
	return doc


def redeem(world, reward_name, revoke=False):
	as_user(world.users["resident1"])
	name = points_api.request_redemption(reward_name)["name"]
	as_user(world.users["cw1"])
	points_api.act_on_redemption(name, "Approve")
	if revoke:
		points_api.act_on_redemption(name, "Revoke")


@pytest.fixture
def ledger_rows(world):
	"""Activities, adjustments and spending in the half-year under way, plus one award in the half
	before it. ``earned`` is what each resident gained in the half-year, by the rules of merit."""
	today = getdate()
	period, year, start, end = half_year(today)
	earlier_day = add_days(start, -30)
	baseline = independent_leaderboard(start, end)

	as_user(world.users["cw1"])
	submit_activity(world, "TC1", "Civilisation Creation", 3, ["resident1", "captain1", "volunteer"], today)
	submit_activity(world, "TC1", "Neighbourly Help", 2, ["resident1", "neighbour1"], start)
	submit_activity(world, "TC1", "Democratic Building", 5, ["captain1"], today).cancel()
	as_user(world.users["soa"])
	submit_activity(world, "TC2", "Production Safety", 4, ["resident2", "captain2"], today)

	as_user("Administrator")
	resident = world.residents
	ledger.post(resident["resident2"], 6, "Adjustment", "Dispute Mediation", remark="Mediated a dispute")
	ledger.post(resident["captain2"], 1, "Adjustment", remark="Paper record", posting_date=start)
	ledger.post(resident["resident2"], 50, "Adjustment", remark="Last half-year", posting_date=earlier_day)
	haircut = frappe.get_doc(
		{
			"doctype": "Reward",
			"reward_name": "Report Test Haircut",
			"reward_type": "Service",
			"provider": "Caring barber",
			"points_cost": 2,
			"stock": 10,
		}
	).insert()
	redeem(world, haircut.name)
	redeem(world, haircut.name, revoke=True)
	as_user("Administrator")

	earned = {
		"resident1": 5,  # 3 + 2; both redemptions and the refund are spending, not merit
		"captain1": 3,  # the cancelled activity's 5 came back out
		"volunteer": 3,
		"neighbour1": 2,
		"resident2": 10,  # 4 + 6; the 50 belong to the half-year before
		"captain2": 5,
	}
	return SimpleNamespace(
		period=period,
		year=year,
		start=start,
		end=end,
		today=today,
		earlier_day=earlier_day,
		baseline=baseline,
		earned={resident[key]: points for key, points in earned.items()},
	)


# --- counted straight from the table, without the report's code or permission layer -----------


def independent_leaderboard(from_date, to_date, section=None, grids=None) -> list[dict]:
	"""Every resident's merit in the period, best first, ties by resident ID."""
	ledger_table = frappe.qb.DocType("Points Transaction")
	condition = (
		(ledger_table.docstatus == 1)
		& ledger_table.posting_date[from_date:to_date]
		& ledger_table.kind.isin(MERIT_KINDS)
		& (ledger_table.source_doctype.isnull() | (ledger_table.source_doctype != "Reward Redemption"))
	)
	if section:
		condition &= ledger_table.section == section
	if grids:
		condition &= ledger_table.grid.isin(grids)
	totals = (
		frappe.qb.from_(ledger_table)
		.select(ledger_table.resident, Sum(ledger_table.points))
		.where(condition)
		.groupby(ledger_table.resident)
		.run()
	)
	sections = (
		frappe.qb.from_(ledger_table)
		.select(ledger_table.resident, ledger_table.section, Sum(ledger_table.points))
		.where(condition & ledger_table.section.isnotnull())
		.groupby(ledger_table.resident, ledger_table.section)
		.run()
	)
	# attended: activities that paid the resident and were not reversed
	reversed_rows = (
		frappe.qb.from_(ledger_table).select(ledger_table.reverses).where(ledger_table.reverses.isnotnull())
	)
	attended = (
		frappe.qb.from_(ledger_table)
		.select(ledger_table.resident, ledger_table.source_name)
		.where(
			condition
			& (ledger_table.kind == "Earn")
			& (ledger_table.source_doctype == "Volunteer Activity")
			& ledger_table.name.notin(reversed_rows)
		)
		.run()
	)
	rows = {
		resident: {
			"resident": resident,
			"points": int(points),
			**dict.fromkeys(ledger.SECTION_FIELDS.values(), 0),
			"activities": 0,
		}
		for resident, points in totals
	}
	for resident, row_section, points in sections:
		if row_section in ledger.SECTION_FIELDS:
			rows[resident][ledger.SECTION_FIELDS[row_section]] = int(points)
	for resident, activities in _distinct_by_resident(attended).items():
		rows[resident]["activities"] = activities
	return sorted(rows.values(), key=lambda row: (-row["points"], row["resident"]))


def _distinct_by_resident(pairs) -> dict:
	seen = {}
	for resident, source in pairs:
		seen.setdefault(resident, set()).add(source)
	return {resident: len(sources) for resident, sources in seen.items()}


FIGURES = ("resident", "points", *ledger.SECTION_FIELDS.values(), "activities")


def figures(rows) -> list[dict]:
	return [{figure: row[figure] for figure in FIGURES} for row in rows]


def leaderboard(filters=None) -> dict:
	return run_report("Points Leaderboard", filters={"top_n": EVERYONE, **(filters or {})})


def merit_of(rows, resident) -> int:
	return next((row["points"] for row in rows if row["resident"] == resident), 0)


# --- Points Leaderboard ----------------------------------------------------------------------


def test_figures_match_an_independent_count(world, ledger_rows):
	as_user(world.users["soa"])
	report = leaderboard()  # the half-year under way, by default
	expected = independent_leaderboard(ledger_rows.start, ledger_rows.end)
	assert figures(report["result"]) == figures(expected)
	for resident, points in ledger_rows.earned.items():
		assert merit_of(report["result"], resident) == merit_of(ledger_rows.baseline, resident) + points


def test_spending_and_cancelled_activities_are_not_merit(world, ledger_rows):
	as_user(world.users["soa"])
	rows = {row["resident"]: row for row in leaderboard()["result"]}
	before = {row["resident"]: row for row in ledger_rows.baseline}
	resident1, captain1 = world.residents["resident1"], world.residents["captain1"]

	def gained(resident, figure):
		return rows[resident][figure] - before.get(resident, {}).get(figure, 0)

	assert gained(resident1, "civilisation_creation") == 3
	assert gained(resident1, "neighbourly_help") == 2
	assert gained(resident1, "activities") == 2
	assert gained(captain1, "democratic_building") == 0
	assert gained(captain1, "activities") == 1  # the cancelled activity does not count


def test_ranked_best_first_with_a_bar_chart_of_the_top(world, ledger_rows):
	as_user(world.users["soa"])
	report = run_report("Points Leaderboard", filters={"top_n": 2})
	expected = independent_leaderboard(ledger_rows.start, ledger_rows.end)[:2]
	assert figures(report["result"]) == figures(expected)
	assert [row["rank"] for row in report["result"]] in ([1, 2], [1, 1])
	chart = report["chart"]
	assert chart["type"] == "bar"
	assert chart["data"]["datasets"][0]["values"] == [row["points"] for row in expected]
	assert len(chart["data"]["labels"]) == 2


def test_equal_points_share_a_rank(world, ledger_rows):
	as_user(world.users["soa"])
	rows = leaderboard({"community": "TC1"})["result"]
	for position, row in enumerate(rows, start=1):
		previous = rows[position - 2] if position > 1 else None
		if previous and previous["points"] == row["points"]:
			assert row["rank"] == previous["rank"]
		else:
			assert row["rank"] == position


def test_section_filter(world, ledger_rows):
	as_user(world.users["soa"])
	rows = leaderboard({"section": "Neighbourly Help"})["result"]
	expected = independent_leaderboard(ledger_rows.start, ledger_rows.end, section="Neighbourly Help")
	assert figures(rows) == figures(expected)
	assert all(row["civilisation_creation"] == 0 for row in rows)
	assert world.residents["volunteer"] not in {row["resident"] for row in rows}


def test_period_filter(world, ledger_rows):
	as_user(world.users["soa"])
	resident2 = world.residents["resident2"]
	earlier_period, earlier_year, earlier_start, earlier_end = half_year(ledger_rows.earlier_day)
	earlier = leaderboard({"period": earlier_period, "year": earlier_year})["result"]
	assert figures(earlier) == figures(independent_leaderboard(earlier_start, earlier_end))
	assert merit_of(earlier, resident2) >= 50
	current = leaderboard({"period": ledger_rows.period, "year": ledger_rows.year})["result"]
	assert merit_of(current, resident2) == merit_of(ledger_rows.baseline, resident2) + 10


def test_custom_period(world, ledger_rows):
	as_user(world.users["soa"])
	first_day = {"period": "Custom", "from_date": ledger_rows.start, "to_date": ledger_rows.start}
	rows = leaderboard(first_day)["result"]
	assert figures(rows) == figures(independent_leaderboard(ledger_rows.start, ledger_rows.start))
	if ledger_rows.today != ledger_rows.start:
		assert merit_of(rows, world.residents["neighbour1"]) >= 2
		assert world.residents["volunteer"] not in {row["resident"] for row in rows}


@pytest.mark.parametrize(
	"filters, message",
	[
		({"period": "Custom"}, "From Date and To Date"),
		({"period": "Custom", "from_date": "2026-05-01", "to_date": "2026-04-01"}, "must not be after"),
		({"period": "Whole Decade"}, "not a period"),
		({"section": "Gardening"}, "not a points section"),
	],
)
def test_bad_filters_are_refused(world, filters, message):
	as_user(world.users["soa"])
	with pytest.raises(frappe.ValidationError, match=message):
		run_report("Points Leaderboard", filters=filters)


@pytest.mark.parametrize(
	"user_key, grids",
	[("cw1", ["TG11", "TG12"]), ("cw2", ["TG21"]), ("gw11", ["TG11"]), ("gw21", ["TG21"])],
)
def test_each_viewer_ranks_only_their_residents(world, ledger_rows, user_key, grids):
	as_user(world.users[user_key])
	rows = leaderboard()["result"]
	expected = independent_leaderboard(ledger_rows.start, ledger_rows.end, grids=grids)
	assert figures(rows) == figures(expected)
	assert {row["grid"] for row in rows} <= set(grids)


def test_another_communitys_residents_are_not_shown(world, ledger_rows):
	as_user(world.users["cw2"])
	shown = {row["resident"] for row in leaderboard()["result"]}
	community_one = {world.residents[key] for key in ("resident1", "captain1", "neighbour1", "volunteer")}
	assert shown and not shown & community_one
	as_user(world.users["gw11"])
	shown = {row["resident"] for row in leaderboard()["result"]}
	assert world.residents["resident1"] in shown and world.residents["volunteer"] not in shown


@pytest.mark.parametrize("report_name", ["Points Leaderboard", "Points Statement"])
@pytest.mark.parametrize("user_key", ["resident1", "volunteer", "captain1"])
def test_residents_are_refused_the_reports(world, user_key, report_name):
	as_user(world.users[user_key])
	with pytest.raises(frappe.PermissionError):
		run_report(report_name, filters={"resident": world.residents[user_key]})


# --- Points Statement ------------------------------------------------------------------------


def statement(resident, **filters) -> list[dict]:
	return run_report("Points Statement", filters={"resident": resident, **filters})["result"]


def test_statement_ends_at_the_balance(world, ledger_rows):
	resident1 = world.residents["resident1"]
	as_user(world.users["cw1"])
	rows = statement(resident1)
	as_user("Administrator")
	assert rows[-1]["balance"] == ledger.balance_of(resident1)["balance"]
	assert len(rows) == frappe.db.count("Points Transaction", {"resident": resident1, "docstatus": 1})
	kinds = [row["kind"] for row in rows]
	assert kinds.count("Redeem") >= 2 and "Reversal" in kinds  # spending is on the statement
	running = 0
	for row in rows:
		running += row["points"]
		assert row["balance"] == running


def test_statement_from_a_date_opens_with_the_balance_before_it(world, ledger_rows):
	resident2 = world.residents["resident2"]
	as_user(world.users["cw2"])
	rows = statement(resident2, from_date=ledger_rows.start)
	ledger_table = frappe.qb.DocType("Points Transaction")
	before = (
		frappe.qb.from_(ledger_table)
		.select(Sum(ledger_table.points))
		.where(
			(ledger_table.resident == resident2)
			& (ledger_table.docstatus == 1)
			& (ledger_table.posting_date < ledger_rows.start)
		)
		.run()[0][0]
	)
	opening, *moves = rows
	assert opening["is_opening"] and opening["balance"] == int(before or 0) and int(before) >= 50
	assert all(row["posting_date"] >= ledger_rows.start for row in moves)
	assert rows[-1]["balance"] == ledger.balance_of(resident2)["balance"]


def test_statement_for_a_closed_period(world, ledger_rows):
	as_user(world.users["soa"])
	rows = statement(world.residents["captain2"], from_date=ledger_rows.start, to_date=ledger_rows.start)
	assert rows[0]["is_opening"]
	assert [row["remark"] for row in rows[1:]] == ["Paper record"]
	assert rows[-1]["balance"] == rows[0]["balance"] + 1


@pytest.mark.parametrize("user_key", ["cw1", "gw11"])
def test_statement_of_a_resident_out_of_scope_is_refused(world, ledger_rows, user_key):
	as_user(world.users[user_key])
	with pytest.raises(frappe.PermissionError, match="cannot see the points"):
		statement(world.residents["resident2"])
