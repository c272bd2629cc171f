"""The Monthly Service Report for the level above: every figure against a count this test makes from
the raw rows, the rank and the month's change, the PDF in Chinese and the Excel export over HTTP."""

import io
import json
import unicodedata
from datetime import timedelta

import pytest

import frappe
from community_governance import ledger
from community_governance.community_governance.report.monthly_service_report import (
	monthly_service_report as monthly,
)
from frappe.desk.query_report import run as run_report
from frappe.utils import add_months, get_datetime, get_first_day, get_last_day, getdate, now_datetime
from tests.integration.conftest import as_user
from tests.integration.test_service_request_kpi_week import week  # noqa: F401 (a fixture)

DOCTYPE = "Service Request"
REPORT = "Monthly Service Report"
SATISFIED = 3
UNRESOLVED = ("Open", "Dispatched", "Accepted", "Reopened")
AWAITING_RESPONSE = ("Open", "Dispatched", "Reopened")


def raw_rows(start, end) -> list:
	request = frappe.qb.DocType(DOCTYPE)
	return (
		frappe.qb.from_(request)
		.select("*")
		.where(request.creation[get_datetime(start) : get_datetime(end)])
		.run(as_dict=True)
	)


def month_bounds(month):
	return get_datetime(month), get_datetime(get_last_day(month)) + timedelta(
		hours=23, minutes=59, seconds=59
	)


def rates(rows: list, now) -> dict:
	"""The four rates by the README's definitions, from raw rows: the targets are the deadlines given
	at filing, as the hotline counts them (in calendar hours from filing where the site runs on the
	calendar clock; the demo street's were given on working time)."""

	def rate(part, whole):
		return round(100 * part / whole, 1) if whole else None

	def response_target(row):
		return row.response_due_from_filing or row.creation + timedelta(hours=row.response_hours)

	def resolution_target(row):
		return row.resolution_due_from_filing or row.creation + timedelta(hours=row.resolution_hours)

	due_response = [r for r in rows if r.responded_on or now > response_target(r)]
	answered = [r for r in rows if r.solved in ("Yes", "No")]
	resolved_now = [r for r in rows if r.workflow_state in ("Resolved", "Closed")]
	due_resolution = [
		r
		for r in rows
		if r.workflow_state != "Rejected" and (r in resolved_now or now > resolution_target(r))
	]
	rated = [r for r in rows if r.rating]
	return {
		"volume": len(rows),
		"response_rate": rate(
			sum(1 for r in due_response if r.responded_on and r.responded_on <= response_target(r)),
			len(due_response),
		),
		"resolution_rate": rate(sum(r.solved == "Yes" for r in answered), len(answered)),
		"satisfaction_rate": rate(sum(r.rating >= SATISFIED for r in rated), len(rated)),
		"on_time_resolution_rate": rate(
			sum(r.resolved_on <= resolution_target(r) for r in resolved_now), len(due_resolution)
		),
	}


def by_community(rows: list) -> dict:
	groups = {}
	for row in rows:
		groups.setdefault(row.community, []).append(row)
	return groups


def expected_report(month, now) -> dict:
	current = by_community(raw_rows(*month_bounds(month)))
	previous = by_community(raw_rows(*month_bounds(add_months(month, -1))))
	_, end = month_bounds(month)
	overdue = {}
	for row in raw_rows("2000-01-01", end):
		late = (row.workflow_state in AWAITING_RESPONSE and row.response_due and now > row.response_due) or (
			row.resolution_due and now > row.resolution_due
		)
		if row.workflow_state in UNRESOLVED and late:
			overdue[row.community] = overdue.get(row.community, 0) + 1
	expected = {}
	for community in set(current) | set(previous) | set(overdue):
		figures = rates(current.get(community, []), now)
		before = rates(previous.get(community, []), now)
		categories = {}
		for row in current.get(community, []):
			categories[row.category] = categories.get(row.category, 0) + 1
		hotline = [figures[key] for key in ("response_rate", "resolution_rate", "satisfaction_rate")]
		hotline = [value for value in hotline if value is not None]
		expected[community] = {
			**figures,
			"previous_volume": before["volume"],
			**{
				f"{key}_change": None
				if figures[key] is None or before[key] is None
				else round(figures[key] - before[key], 1)
				for key in (
					"response_rate",
					"resolution_rate",
					"satisfaction_rate",
					"on_time_resolution_rate",
				)
			},
			"hotline_score": round(sum(hotline) / len(hotline), 1) if hotline else None,
			"overdue": overdue.get(community, 0),
			"categories": categories,
		}
	return expected


def report_rows(month) -> tuple[dict, list]:
	result = run_report(REPORT, filters={"month": str(month)})
	return {row["community"]: row for row in result["result"]}, result["columns"]


def test_every_figure_matches_a_count_from_the_raw_rows(world, week):  # noqa: F811
	month = get_first_day(getdate())
	as_user(world.users["soa"])
	now = now_datetime()
	rows, columns = report_rows(month)
	as_user("Administrator")
	expected = expected_report(month, now)
	assert set(rows) == set(expected)
	category_columns = {
		column["label"]: column["fieldname"]
		for column in columns
		if column["fieldname"].startswith("category_")
	}
	for community, figures in expected.items():
		row = rows[community]
		for key, value in figures.items():
			if key == "categories":
				for category, count in value.items():
					assert row[category_columns[category]] == count, (community, category)
				assert sum(row[field] for field in category_columns.values()) == row["volume"]
			elif value is None:
				assert row[key] is None, (community, key)
			else:
				assert row[key] == pytest.approx(value, abs=0.051), (community, key, row[key], value)
	# the rank follows the mean of the three rates, highest first
	ranked = sorted(
		(row for row in rows.values() if row["hotline_score"] is not None), key=lambda r: r["rank"]
	)
	scores = [row["hotline_score"] for row in ranked]
	assert scores == sorted(scores, reverse=True) and ranked[0]["rank"] == 1


def test_the_week_spans_two_months_and_both_are_counted(world, week):  # noqa: F811
	"""Today's requests are this month's; those filed before the first of the month are last month's
	and give the change."""
	_categories, played = week
	month = get_first_day(getdate())
	this_month = [r for r in played if getdate(r.filed) >= month]
	if len(this_month) == len(played):
		pytest.skip("every request of the week was filed this month")
	as_user(world.users["soa"])
	rows, _columns = report_rows(month)
	assert any(row["previous_volume"] for row in rows.values())


def test_rank_shares_places_for_equal_scores():
	rows = [{"hotline_score": score} for score in (90.0, 80.0, 90.0, None, 70.0)]
	monthly.rank(rows)
	assert [row["rank"] for row in rows] == [1, 3, 1, 5, 4]


def test_a_community_worker_sees_only_their_community(world, week):  # noqa: F811
	as_user(world.users["cw2"])
	rows, _columns = report_rows(get_first_day(getdate()))
	assert set(rows) <= {"TC2"}


@pytest.mark.parametrize("user_key", ["resident1", "gw11", "captain1", "volunteer"])
def test_roles_without_the_report_are_refused(world, user_key):
	as_user(world.users[user_key])
	with pytest.raises(frappe.PermissionError):
		run_report(REPORT, filters={})
	with pytest.raises(frappe.PermissionError):
		monthly.download_pdf()


def test_a_bad_month_is_refused(world):
	as_user(world.users["soa"])
	with pytest.raises(frappe.ValidationError, match="not a date"):
		run_report(REPORT, filters={"month": "last spring"})


def test_the_pdf_is_in_chinese(world, week):  # noqa: F811
	from pypdf import PdfReader

	as_user(world.users["soa"])
	frappe.local.lang = "zh"
	monthly.download_pdf(str(get_first_day(getdate())))
	content = frappe.local.response.filecontent
	assert content.startswith(b"%PDF")
	text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
	# the PDF's font maps some characters to their Kangxi radical forms: compare them normalised
	text = "".join(unicodedata.normalize("NFKC", text).split())
	for label in ("月度工单考核报告", "响应率", "解决率", "满意率", "按时解决率", "仍逾期的工单", "基本满意"):
		assert label in text, label
	assert "Response Rate" not in text


@pytest.mark.http
def test_the_report_exports_to_excel_over_http(world, server, week):  # noqa: F811
	from openpyxl import load_workbook

	frappe.db.commit()  # the week must be visible to the server's connection
	try:
		month = str(get_first_day(getdate()))
		client = server.session(world.users["soa"], world.password)
		response = client.post(
			"/api/method/frappe.desk.query_report.export_query",
			report_name=REPORT,
			file_format_type="Excel",
			filters=json.dumps({"month": month}),
			visible_idx="[]",
		)
		assert response.status_code == 200, response.text[:500]
		sheet = load_workbook(io.BytesIO(response.content)).active
		values = list(sheet.values)
		header = list(values[0])
		as_user(world.users["soa"])
		rows, _columns = report_rows(month)
		exported = {line[header.index("Community")]: line for line in values[1:]}
		assert set(exported) == set(rows)
		for community, row in rows.items():
			assert exported[community][header.index("Requests")] == row["volume"]
			assert exported[community][header.index("Rank")] == row["rank"]
	finally:
		as_user("Administrator")
		remove_week(week)


def remove_week(week):  # noqa: F811
	categories, played = week
	for request in played:
		frappe.delete_doc(DOCTYPE, request.name, force=True, ignore_permissions=True)
	for table in ("Points Transaction",):
		frappe.db.delete(table, {"source_name": ["in", [r.name for r in played]]})
	ledger.rebuild_monthly_totals()  # the rows went behind the ledger's back
	for category in categories.values():
		frappe.delete_doc("Service Request Category", category, force=True, ignore_permissions=True)
	frappe.db.commit()
