"""The Service Request KPI and Overdue Service Requests reports: figures that match an independent
count over requests taken through the real loop, and each viewer sees only their part."""

import re
from collections import defaultdict
from datetime import timedelta

import pytest

import frappe
from community_governance.api import service_request as api
from frappe.desk.query_report import run as run_report
from frappe.utils import add_days, get_datetime, now_datetime, today
from tests.integration.conftest import as_user
from tests.integration.test_service_requests import file_request, run_as

DOCTYPE = "Service Request"
KPI = "Service Request KPI"
OVERDUE = "Overdue Service Requests"
GROUP_FIELDS = ("community", "grid", "building", "category", "handler")


def window() -> dict:
	# the loop runs now, but one request is back-dated by two days to miss its targets
	return {"from_date": add_days(today(), -3), "to_date": today()}


@pytest.fixture
def category():
	"""A category of the test's own, so requests left on the site by others never count."""
	name = f"KPI Test {frappe.generate_hash(length=8)}"
	frappe.get_doc(
		{
			"doctype": "Service Request Category",
			"category_name": name,
			"points_section": "Neighbourly Help",
			"volunteer_points": 1,
			"targets": [{"priority": "Medium", "response_hours": 4, "resolution_hours": 48}],
		}
	).insert()
	return name


def file(world, category, user_key="resident1", **values) -> str:
	name = file_request(world, user_key, category=category, **values).name
	as_user("Administrator")
	return name


def back_date(name, hours):
	"""Pretend the request was filed ``hours`` ago, so the next steps miss their targets."""
	shift = timedelta(hours=hours)
	fields = ("creation", "response_due_from_filing", "resolution_due_from_filing")
	values = frappe.db.get_value(DOCTYPE, name, fields, as_dict=True)
	frappe.db.set_value(
		DOCTYPE, name, {field: get_datetime(values[field]) - shift for field in fields}, update_modified=False
	)


def escalate(name, hours_after_filing):
	doc = frappe.get_doc(DOCTYPE, name)
	assert doc.escalate(get_datetime(doc.creation) + timedelta(hours=hours_after_filing))


def take_through(world, name, rating=None, dispatcher="captain1", handler="cw1", rater="resident1"):
	run_as(world, dispatcher, api.dispatch, name, world.users[handler])
	run_as(world, handler, api.accept, name)
	run_as(world, handler, api.resolve, name, "Done")
	if rating:
		run_as(world, rater, api.rate, name, rating)


@pytest.fixture
def loop_requests(world, category):
	"""Eleven requests in every state the figures distinguish, in both communities."""
	made = {}
	made["closed_at_grid"] = file(world, category)
	take_through(world, made["closed_at_grid"], rating=5)
	made["reopened"] = file(world, category)
	take_through(world, made["reopened"], rating=2)
	made["rejected"] = file(world, category)
	run_as(world, "gw11", api.reject, made["rejected"], "Private property")
	made["closed_at_community"] = file(world, category)
	escalate(made["closed_at_community"], 5)
	take_through(world, made["closed_at_community"], rating=4)
	made["closed_at_street"] = file(world, category)
	escalate(made["closed_at_street"], 5)
	escalate(made["closed_at_street"], 10)
	take_through(world, made["closed_at_street"], rating=5)
	made["late"] = file(world, category)
	back_date(made["late"], 50)
	take_through(world, made["late"], rating=4)
	made["open"] = file(world, category)
	made["accepted_in_b2"] = file(
		world, category, "gw11", requester=world.residents["resident1"], building="TG11-2", unit="1"
	)
	run_as(world, "gw11", api.dispatch, made["accepted_in_b2"], world.users["cw1"])
	run_as(world, "cw1", api.accept, made["accepted_in_b2"])
	made["open_in_tg12"] = file(
		world, category, "soa", requester=world.residents["volunteer"], building="TG12-3", unit="1"
	)
	made["closed_in_tc2"] = file(world, category, "resident2")
	take_through(
		world, made["closed_in_tc2"], rating=5, dispatcher="captain2", handler="cw2", rater="resident2"
	)
	made["open_in_tc2"] = file(world, category, "resident2")
	as_user("Administrator")
	return made


def kpi(group_by="community", **filters):
	result = run_report(KPI, filters={**window(), "group_by": group_by, **filters})
	rows = {row["group"]: row for row in result["result"] if not row.get("is_total")}
	totals = [row for row in result["result"] if row.get("is_total")]
	return rows, (totals[0] if totals else None), result


def independent_figures(group_by: str, category: str, **where) -> dict:
	"""The figures counted straight from the table, without the report's code or permission layer."""
	request = frappe.qb.DocType(DOCTYPE)
	period = window()
	condition = (request.category == category) & (
		request.creation[get_datetime(period["from_date"]) : get_datetime(f"{period['to_date']} 23:59:59")]
	)
	for fieldname, value in where.items():
		condition &= request[fieldname] == value
	rows = (
		frappe.qb.from_(request)
		.select(
			request[group_by].as_("group"),
			request.creation,
			request.workflow_state,
			request.escalation_level,
			request.accepted_on,
			request.rejected_on,
			request.rating,
			request.solved,
			request.hours_to_accept,
			request.resolved_on,
			request.hours_to_resolve,
		)
		.where(condition)
		.run(as_dict=True)
	)
	groups = defaultdict(list)
	for row in rows:
		groups[row.group].append(row)
		groups["Total"].append(row)
	return {group: expected(members) for group, members in groups.items()}


# the test category's targets (Medium priority), counted from filing
RESPONSE_TARGET, RESOLUTION_TARGET = timedelta(hours=4), timedelta(hours=48)


def expected(rows: list) -> dict:
	"""The hotline's definitions (README, Service Request KPI), from the raw rows."""

	def rate(part, whole):
		return round(100 * part / whole, 1) if whole else None

	def mean(values):
		return round(sum(values) / len(values), 2) if values else None

	now = now_datetime()
	for row in rows:
		row.responded = min(filter(None, (row.accepted_on, row.rejected_on)), default=None)
		row.resolved_now = row.workflow_state in ("Resolved", "Closed")
	due_response = [row for row in rows if row.responded or now > row.creation + RESPONSE_TARGET]
	answered = [row for row in rows if row.solved in ("Yes", "No")]
	due_resolution = [
		row
		for row in rows
		if row.workflow_state != "Rejected" and (row.resolved_now or now > row.creation + RESOLUTION_TARGET)
	]
	rated = [row for row in rows if row.rating]
	closed = [row for row in rows if row.workflow_state == "Closed"]
	return {
		"volume": len(rows),
		"due_response": len(due_response),
		"response_rate": rate(
			sum(bool(row.responded) and row.responded <= row.creation + RESPONSE_TARGET for row in rows),
			len(due_response),
		),
		"answered": len(answered),
		"resolution_rate": rate(sum(row.solved == "Yes" for row in answered), len(answered)),
		"due_resolution": len(due_resolution),
		"on_time_resolution_rate": rate(
			sum(row.resolved_now and row.resolved_on <= row.creation + RESOLUTION_TARGET for row in rows),
			len(due_resolution),
		),
		"satisfaction_rate": rate(sum(row.rating >= 3 for row in rated), len(rated)),
		"rated": len(rated),
		"avg_hours_to_accept": mean([row.hours_to_accept for row in rows if row.accepted_on]),
		"avg_hours_to_resolve": mean([row.hours_to_resolve for row in rows if row.resolved_on]),
		"closed": len(closed),
		**{
			f"closed_at_{level.lower()}": rate(
				sum(row.escalation_level == level for row in closed), len(closed)
			)
			for level in ("Grid", "Community", "Street")
		},
	}


def assert_matches(row: dict, figures: dict, where: str):
	for figure, value in figures.items():
		if value is None:
			assert row[figure] is None, (where, figure)
		else:
			assert row[figure] == pytest.approx(value, abs=0.011), (where, figure, row[figure], value)


# --- Service Request KPI ---------------------------------------------------------------------


def test_kpi_figures_match_an_independent_count(world, category, loop_requests):
	for group_by in GROUP_FIELDS:
		as_user(world.users["soa"])
		rows, total, _result = kpi(group_by, category=category)
		as_user("Administrator")
		figures = independent_figures(group_by, category)
		assert set(rows) == set(figures) - {"Total"}, group_by
		for group, row in rows.items():
			assert_matches(row, figures[group], f"{group_by} {group}")
		assert_matches(total, figures["Total"], f"{group_by} Total")


def test_kpi_figures_of_the_loop(world, category, loop_requests):
	"""The figures the requests above must give, worked out by hand."""
	as_user(world.users["soa"])
	rows, total, _result = kpi(category=category)
	tc1, tc2 = rows["TC1"], rows["TC2"]
	assert (tc1["volume"], tc2["volume"], total["volume"]) == (9, 2, 11)
	# rated: closed at grid (5), reopened (2), community (4), street (5), late (4); 2 is unsatisfied
	assert tc1["rated"] == 5 and tc1["satisfaction_rate"] == 80.0
	# the four closed requests of TC1 were closed at grid (2), community (1) and street (1) level
	assert tc1["closed"] == 4
	assert (tc1["closed_at_grid"], tc1["closed_at_community"], tc1["closed_at_street"]) == (50.0, 25.0, 25.0)
	# due a response: the seven answered (a prompt rejection counts); the two open ones are not due
	# yet; all but the late one answered in time
	assert tc1["due_response"] == 7 and tc1["response_rate"] == round(100 * 6 / 7, 1)
	# the five answers "solved?" followed the ratings: only the 2 says not solved
	assert tc1["answered"] == 5 and tc1["resolution_rate"] == 80.0
	# due a resolution: the four closed ones (the reopened one is neither resolved nor past its
	# target); in time: all but the late one
	assert tc1["due_resolution"] == 4 and tc1["on_time_resolution_rate"] == 75.0
	assert tc1["avg_hours_to_accept"] > 5  # the late one took some 50 hours
	assert tc2["satisfaction_rate"] == 100.0 and tc2["closed_at_grid"] == 100.0
	assert total["satisfaction_rate"] == round(100 * 5 / 6, 1)


def test_kpi_chart_and_summary(world, category, loop_requests):
	as_user(world.users["soa"])
	rows, total, result = kpi("grid", category=category)
	chart = result["chart"]
	assert chart["type"] == "axis-mixed"
	volumes, satisfaction = chart["data"]["datasets"]
	assert chart["data"]["labels"] == [row["group"] for row in result["result"] if not row.get("is_total")]
	assert volumes["values"] == [rows[grid]["volume"] for grid in chart["data"]["labels"]]
	assert volumes["values"] == sorted(volumes["values"], reverse=True)
	assert satisfaction["values"] == [
		rows[grid]["satisfaction_rate"] or 0 for grid in chart["data"]["labels"]
	]
	assert result["result"][-1]["is_total"] and sum(volumes["values"]) == total["volume"]
	summary = {item["label"]: item["value"] for item in result["report_summary"]}
	assert summary["Satisfaction Rate"] == total["satisfaction_rate"]


def test_kpi_place_filters(world, category, loop_requests):
	as_user(world.users["soa"])
	rows, total, _result = kpi("grid", category=category, community="TC1")
	assert set(rows) == {"TG11", "TG12"} and total["volume"] == 9
	rows, total, _result = kpi("building", category=category, grid="TG11")
	assert set(rows) == {"TG11-1", "TG11-2"}


def test_kpi_period_is_on_filing_time(world, category, loop_requests):
	as_user(world.users["soa"])
	rows, total, _result = kpi(category=category, from_date=today(), to_date=today())
	assert total["volume"] == 10  # the request back-dated 50 hours was filed before today
	rows, total, _result = kpi(
		category=category, from_date=add_days(today(), 1), to_date=add_days(today(), 2)
	)
	assert not rows and total is None


def test_kpi_refuses_a_period_ending_before_it_starts(world):
	as_user(world.users["soa"])
	with pytest.raises(frappe.ValidationError, match="must not be after"):
		run_report(KPI, filters={"from_date": today(), "to_date": add_days(today(), -1)})
	with pytest.raises(frappe.ValidationError, match="cannot be grouped"):
		run_report(KPI, filters={"group_by": "description"})


def test_kpi_each_viewer_counts_only_their_part(world, category, loop_requests):
	# (viewer, group by, the groups they see, what the independent count is restricted to)
	for user_key, group_by, visible, where in (
		("cw2", "community", {"TC2"}, {"community": "TC2"}),
		("captain2", "community", {"TC2"}, {"community": "TC2"}),
		("gw11", "grid", {"TG11"}, {"grid": "TG11"}),
		("cw1", "grid", {"TG11", "TG12"}, {"community": "TC1"}),
	):
		as_user(world.users[user_key])
		rows, total, _result = kpi(group_by, category=category)
		as_user("Administrator")
		assert set(rows) == visible, user_key
		figures = independent_figures(group_by, category, **where)
		for group in visible:
			assert_matches(rows[group], figures[group], f"{user_key} {group}")
		assert_matches(total, figures["Total"], f"{user_key} Total")


@pytest.mark.parametrize("user_key", ["resident1", "resident2", "volunteer", "mediator"])
def test_roles_without_the_reports_are_refused(world, user_key):
	as_user(world.users[user_key])
	for report in (KPI, OVERDUE):
		with pytest.raises(frappe.PermissionError):
			run_report(report, filters={})


# --- Overdue Service Requests ----------------------------------------------------------------


def overdue_rows(**filters) -> dict:
	return {row["request"]: row for row in run_report(OVERDUE, filters=filters)["result"]}


@pytest.fixture
def overdue(world, category):
	now = now_datetime()
	made = {"on_time": file(world, category), "unanswered": file(world, category)}
	frappe.db.set_value(DOCTYPE, made["unanswered"], "response_due", now - timedelta(hours=2))
	made["unresolved"] = file(world, category)
	run_as(world, "captain1", api.dispatch, made["unresolved"], world.users["cw1"])
	run_as(world, "cw1", api.accept, made["unresolved"])
	frappe.db.set_value(
		DOCTYPE,
		made["unresolved"],
		{"response_due": now - timedelta(hours=9), "resolution_due": now - timedelta(hours=3)},
	)
	made["closed"] = file(world, category)
	take_through(world, made["closed"], rating=5)
	frappe.db.set_value(
		DOCTYPE,
		made["closed"],
		{"response_due": now - timedelta(hours=9), "resolution_due": now - timedelta(hours=3)},
	)
	as_user("Administrator")
	return made


def test_overdue_lists_missed_deadlines_only(world, overdue):
	as_user(world.users["soa"])
	rows = overdue_rows(grid="TG11")
	assert overdue["on_time"] not in rows and overdue["closed"] not in rows
	unanswered = rows[overdue["unanswered"]]
	assert unanswered["breach"] == "Response" and unanswered["state"] == "Open"
	assert unanswered["hours_overdue"] == pytest.approx(2, abs=0.1)
	assert unanswered["current_owner"] == world.users["gw11"] and unanswered["escalation_level"] == "Grid"
	unresolved = rows[overdue["unresolved"]]
	# accepted: its response deadline no longer applies, its resolution deadline does
	assert unresolved["breach"] == "Resolution" and unresolved["state"] == "Accepted"
	assert unresolved["handler"] == world.users["cw1"]
	assert unresolved["hours_overdue"] == pytest.approx(3, abs=0.1)
	ordered = [row["hours_overdue"] for row in run_report(OVERDUE, filters={})["result"]]
	assert ordered == sorted(ordered, reverse=True)


def test_overdue_filters(world, overdue):
	as_user(world.users["soa"])
	assert overdue["unanswered"] in overdue_rows(community="TC1", escalation_level="Grid")
	assert overdue["unanswered"] not in overdue_rows(community="TC2")
	assert overdue["unanswered"] not in overdue_rows(escalation_level="Community")


def test_overdue_respects_scope(world, overdue):
	for user_key, sees in (
		("soa", True),
		("cw1", True),
		("gw11", True),
		("captain1", True),
		("cw2", False),
		("gw21", False),
		("captain2", False),
	):
		as_user(world.users[user_key])
		rows = overdue_rows()
		assert (overdue["unanswered"] in rows) == sees, user_key
		assert (overdue["unresolved"] in rows) == sees, user_key


def kpi_query_as(user: str, monkeypatch) -> str:
	"""The statement the KPI report runs for ``user``, as MariaDB receives it."""
	statements = []
	sql = frappe.db.sql

	def recording(query, *args, **kwargs):
		statements.append(frappe.db.mogrify(query, args[0] if args else kwargs.get("values")))
		return sql(query, *args, **kwargs)

	monkeypatch.setattr(frappe.db, "sql", recording)
	as_user(user)
	kpi()
	as_user("Administrator")
	monkeypatch.setattr(frappe.db, "sql", sql)
	return next(query for query in statements if "from `tabService Request`" in query)


def index_columns() -> dict[str, list[str]]:
	columns = defaultdict(list)
	for row in frappe.db.sql("show index from `tabService Request`", as_dict=True):
		columns[row.Key_name].append(row.Column_name)
	return columns


@pytest.mark.parametrize("user_key", ["cw1", "gw11", "captain2"])
def test_kpi_reads_a_viewers_scope_through_indexes(world, user_key, monkeypatch):
	"""A viewer's scope ORs several columns (the grid, the users on the request...): unless each has
	an index of its own, MariaDB cannot merge their ranges and reads the whole site's period; a
	worker's lead to the filing time, so the report reads only the period's rows of their scope
	(the plans at scale: benchmarks/district.py)."""
	query = kpi_query_as(world.users[user_key], monkeypatch)
	scoped = set(re.findall(r"`tabService Request`\.`(\w+)` IN \(", query))
	assert scoped, query
	indexes = list(index_columns().values())
	for column in scoped:
		assert any(columns[0] == column for columns in indexes), column
		if user_key != "captain2":
			assert [column, "creation"] in indexes, column
