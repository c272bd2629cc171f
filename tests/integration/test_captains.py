"""Building captains at work: daily patrol, findings into requests, reminders, the notice board,
evaluations and the allowance sheet."""

from datetime import date, datetime, timedelta

import pytest

import frappe
from community_governance import captains
from community_governance.api import patrol as patrol_api
from community_governance.api import service_request as sr_api
from community_governance.tasks import captains_missing_patrol, remind_captains_without_patrol
from frappe.desk.query_report import run as run_report
from frappe.utils import add_days, getdate, today
from tests.integration.conftest import as_user

B1, B2, B3, B4 = "TG11-1", "TG11-2", "TG12-3", "TG21-4"


def patrol(building, day=None, nil=False, findings=(), captain=None):
	doc = frappe.get_doc(
		{
			"doctype": "Patrol Log",
			"building": building,
			"patrol_date": day or today(),
			"nil_report": nil,
			"captain": captain,
			"findings": [
				{"finding_type": kind, "severity": "High", "description": text} for kind, text in findings
			],
		}
	)
	return doc.insert()


@pytest.fixture
def patrol_category(world):
	frappe.db.set_single_value(
		"Community Governance Settings", "default_patrol_category", world.categories["repairs"]
	)


# --- the daily patrol ------------------------------------------------------------------------


def test_a_finding_becomes_a_request_and_shows_its_status(world, patrol_category):
	as_user(world.users["captain1"])
	log = patrol(B1, findings=[("Hazard", "Loose railing on the 4th floor")])
	assert log.captain == world.captaincies["captain1"]
	result = patrol_api.report_finding(log.name, log.findings[0].name)
	request = frappe.get_doc("Service Request", result["service_request"])
	assert request.channel == "Patrol" and request.building == B1 and "railing" in request.description
	assert frappe.db.get_value("Patrol Finding", log.findings[0].name, "request_status") == "Open"

	sr_api.dispatch(request.name, world.users["cw1"])
	assert frappe.db.get_value("Patrol Finding", log.findings[0].name, "request_status") == "Dispatched"
	assert frappe.db.get_value("Service Request", request.name, "dispatched_by") == world.users["captain1"]
	with pytest.raises(frappe.ValidationError, match="already service request"):
		patrol_api.report_finding(log.name, log.findings[0].name)


def test_a_nil_report(world):
	as_user(world.users["captain1"])
	assert patrol(B2, nil=True).nil_report


def test_a_captain_cannot_log_another_captains_building(world):
	as_user(world.users["captain1"])
	with pytest.raises(frappe.PermissionError):
		patrol(B4, nil=True)
	with pytest.raises(frappe.PermissionError):
		patrol(B3, nil=True)  # a building without a captain is not theirs either


def test_a_patrol_cannot_be_logged_for_tomorrow(world):
	as_user(world.users["captain1"])
	with pytest.raises(frappe.ValidationError, match="not come yet"):
		patrol(B1, day=add_days(today(), 1), nil=True)


def test_a_finding_needs_a_description(world):
	as_user(world.users["captain1"])
	with pytest.raises(frappe.ValidationError):
		patrol(B1, findings=[("Sanitation", "   ")])


@pytest.mark.parametrize("nil, findings", [(True, [("Parking", "Car on the fire lane")]), (False, [])])
def test_a_report_is_either_nil_or_has_findings(world, nil, findings):
	as_user(world.users["captain1"])
	with pytest.raises(frappe.ValidationError):
		patrol(B1, nil=nil, findings=findings)


def test_one_log_per_building_and_day(world):
	as_user(world.users["captain1"])
	first = patrol(B1, nil=True)
	with pytest.raises(frappe.ValidationError, match="already has a patrol log"):
		patrol(B1, nil=True)
	# the database refuses it too
	as_user("Administrator")
	copy = frappe.get_doc("Patrol Log", first.name)
	with pytest.raises(frappe.UniqueValidationError):
		frappe.get_doc({**copy.as_dict(), "name": "PL-DUPLICATE", "findings": []}).db_insert()


def test_a_captain_sees_only_their_buildings_logs(world):
	as_user(world.users["captain2"])
	theirs = patrol(B4, nil=True).name
	as_user(world.users["captain1"])
	mine = patrol(B1, nil=True).name
	visible = set(frappe.get_list("Patrol Log", pluck="name", limit_page_length=0))
	assert mine in visible and theirs not in visible
	assert not frappe.has_permission("Patrol Log", "read", doc=frappe.get_doc("Patrol Log", theirs))
	as_user(world.users["gw11"])
	assert mine in frappe.get_list("Patrol Log", pluck="name", limit_page_length=0)


# --- reminders -------------------------------------------------------------------------------


def test_the_reminder_goes_only_to_captains_without_a_report(world):
	frappe.db.set_single_value("Community Governance Settings", "patrol_reminder_hour", 18)
	as_user(world.users["captain1"])
	patrol(B1, nil=True)
	patrol(B2, nil=True)
	as_user("Administrator")
	missing = captains_missing_patrol(getdate(today()))
	assert world.users["captain1"] not in missing
	assert missing[world.users["captain2"]] == {B4}

	evening = datetime.combine(getdate(today()), datetime.min.time()) + timedelta(hours=18)
	assert remind_captains_without_patrol(evening - timedelta(hours=3)) == []  # not the hour yet
	reminded = remind_captains_without_patrol(evening)
	assert world.users["captain2"] in reminded and world.users["captain1"] not in reminded
	assert frappe.db.exists(
		"Notification Log", {"for_user": world.users["captain2"], "document_type": "Patrol Log"}
	)


# --- coverage, evaluation, allowance ---------------------------------------------------------


def last_quarter():
	current = getdate(today())
	quarter = (current.month - 1) // 3
	year = current.year if quarter else current.year - 1
	period = f"Q{quarter if quarter else 4}"
	return year, period


def test_coverage_report_matches_an_independent_count(world):
	as_user(world.users["captain1"])
	days = [add_days(today(), -offset) for offset in (0, 1, 3)]
	for day in days:
		patrol(B1, day=day, nil=True)
	patrol(B2, day=days[0], nil=True)
	as_user(world.users["gw11"])
	rows = {
		row["building"]: row
		for row in run_report(
			"Patrol Coverage", filters={"from_date": add_days(today(), -6), "to_date": today()}
		)["result"]
	}
	assert set(rows) == {B1, B2}  # the grid worker's grid only
	log = frappe.qb.DocType("Patrol Log")
	for building in (B1, B2):
		counted = (
			frappe.qb.from_(log)
			.select(log.name)
			.where((log.building == building) & (log.patrol_date >= add_days(today(), -6)))
			.run()
		)
		assert rows[building]["patrolled_days"] == len(counted)
		assert rows[building]["gaps"] == 7 - len(counted)
	assert rows[B1]["coverage"] == round(100 * 3 / 7, 1)
	assert rows[B1]["d_" + getdate(days[0]).strftime("%Y%m%d")] == "✓"


def test_an_evaluation_is_computed_from_the_records(world):
	year, period = last_quarter()
	as_user(world.users["captain1"])
	from community_governance.utils.periods import period_bounds

	start, end = period_bounds(year, period)
	for offset in range(5):
		patrol(B1, day=start + timedelta(days=offset), findings=[("Facility", f"Broken light {offset}")])
	patrol(B2, day=start, nil=True)
	as_user(world.users["cw1"])
	evaluation = frappe.get_doc(
		{
			"doctype": "Captain Evaluation",
			"captain": world.captaincies["captain1"],
			"year": year,
			"period": period,
			"worker_rating": 5,
			"worker_comment": "Diligent",
		}
	).insert()
	days = (end - start).days + 1
	assert evaluation.buildings == 2 and evaluation.patrol_days_expected == 2 * days
	assert evaluation.patrol_logs == 6 and evaluation.findings == 5
	assert evaluation.patrol_coverage == round(100 * 6 / (2 * days), 1)
	assert evaluation.score == captains.score(evaluation.as_dict(), 5)
	assert evaluation.grade
	evaluation.submit()

	performance = {
		row["captain"]: row
		for row in run_report("Captain Performance", filters={"year": year, "period": period})["result"]
	}
	mine = performance[world.captaincies["captain1"]]
	assert mine["patrol_logs"] == 6 and mine["evaluation"] == evaluation.name


def test_an_evaluation_waits_for_the_period_to_end(world):
	as_user(world.users["cw1"])
	with pytest.raises(frappe.ValidationError, match="has not ended"):
		frappe.get_doc(
			{
				"doctype": "Captain Evaluation",
				"captain": world.captaincies["captain1"],
				"year": getdate(today()).year,
				"period": "H2" if getdate(today()).month > 6 else "H1",
				"worker_rating": 4,
			}
		).insert()


def test_a_captain_cannot_evaluate_or_see_others_evaluations(world):
	year, period = last_quarter()
	as_user(world.users["cw2"])
	theirs = frappe.get_doc(
		{
			"doctype": "Captain Evaluation",
			"captain": world.captaincies["captain2"],
			"year": year,
			"period": period,
			"worker_rating": 3,
		}
	).insert()
	as_user(world.users["captain1"])
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc(
			{
				"doctype": "Captain Evaluation",
				"captain": world.captaincies["captain1"],
				"year": year,
				"period": period,
				"worker_rating": 5,
			}
		).insert()
	assert theirs.name not in frappe.get_list("Captain Evaluation", pluck="name")
	as_user(world.users["captain2"])
	assert theirs.name in frappe.get_list("Captain Evaluation", pluck="name")


def test_the_allowance_sheet_prorates_partial_months(world):
	as_user("Administrator")
	current = getdate(today())
	month_start = date(current.year, current.month, 1)
	starter = frappe.get_doc(
		{
			"doctype": "Building Captain",
			"resident": world.residents["volunteer"],
			"term_start": month_start + timedelta(days=10),
			"public_phone": "13800000003",
			"buildings": [{"building": B3}],
		}
	).insert()
	as_user(world.users["cw1"])
	rows = run_report("Captain Allowance", filters={"year": current.year, "month": current.month})["result"]
	by_captain = {row.get("captain"): row for row in rows if row.get("captain")}
	assert world.captaincies["captain2"] not in by_captain  # another community
	assert by_captain[world.captaincies["captain1"]]["amount"] == 150
	from calendar import monthrange

	days_in_month = monthrange(current.year, current.month)[1]
	assert by_captain[starter.name]["days_served"] == days_in_month - 10
	assert by_captain[starter.name]["amount"] == round(150 * (days_in_month - 10) / days_in_month, 2)
	assert rows[-1]["amount"] == round(sum(row["amount"] for row in by_captain.values()), 2)


def test_a_negative_allowance_setting_is_refused(world):
	settings = frappe.get_single("Community Governance Settings")
	settings.default_monthly_allowance = -5
	with pytest.raises(frappe.ValidationError):
		settings.save()


# --- the notice board ------------------------------------------------------------------------


def test_the_notice_board_renders_with_a_qr_code_for_the_request_form(world, server):
	import base64
	import io
	import re

	import zxingcpp
	from PIL import Image

	html = frappe.get_print("Building", B1, "Building Notice Board")
	assert "Zhang Wei" in html and "13800000001" in html
	data = re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1)
	decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(base64.b64decode(data))))
	assert decoded and decoded[0].text.endswith("/service-request/new?building=TG11-1")

	# the PDF renderer fetches the site's stylesheets: point it at the site served for the tests
	frappe.local.conf.host_name = server.url
	try:
		pdf = frappe.get_print("Building", B1, "Building Notice Board", as_pdf=True)
	finally:
		frappe.local.conf.pop("host_name", None)
	assert pdf[:4] == b"%PDF"


def test_the_notice_board_of_a_building_without_a_captain(world):
	html = frappe.get_print("Building", B3, "Building Notice Board")
	assert "no captain" in html
