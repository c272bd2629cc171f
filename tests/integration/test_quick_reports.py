"""Contributors who do not live here (a delivery rider registered for a grid by its worker) and quick
reports (随手拍), over HTTP as the real users. What the tests need beyond the shared street is set up
here, committed for the server process, and removed afterwards (the ledger rows too: the ledger
itself never deletes)."""

import io
import json
import os
import uuid

import pytest
import requests
from PIL import Image

import frappe
from community_governance import ledger, personal_data, quick_report
from community_governance.community_governance.report.grid_overview import grid_overview
from tests.integration import journeys
from tests.integration import world as world_module
from tests.integration.browser import Screen, chromium, chromium_missing

pytestmark = pytest.mark.http

API = "/api/method/community_governance.api"
FILE = f"{API}.quick_report.file_quick_report"
MARK_VALID = f"{API}.quick_report.mark_valid"
REPORTING_POINTS = 5
# Building 1 of Grid 1-1 stands here; Building 2 a hundred metres east; the other street 20 km away
B1_POSITION = (31.2304, 121.4737)
B2_POSITION = (31.2304, 121.4748)
OTHER_STREET_POSITION = (31.41, 121.4737)


def messages(response: requests.Response) -> str:
	body = response.json()
	return " ".join(json.loads(m)["message"] for m in json.loads(body.get("_server_messages") or "[]"))


def jpeg(colour: str = "orange") -> bytes:
	buffer = io.BytesIO()
	Image.new("RGB", (32, 32), colour).save(buffer, "JPEG")
	return buffer.getvalue()


def upload(session, name: str = "pothole.jpg", colour: str = "orange") -> str:
	response = session.http.post(
		f"{session.url}/api/method/upload_file",
		files={"file": (name, jpeg(colour), "image/jpeg")},
		data={"is_private": 1},
		timeout=60,
	)
	assert response.status_code == 200, response.text
	return response.json()["message"]["file_url"]


def file_report(session, category: str, **values) -> requests.Response:
	return session.post(FILE, **{"note": "Loose drain cover at the gate", "category": category, **values})


def near(position) -> dict:
	return {"latitude": position[0], "longitude": position[1]}


def committed_balance(resident: str) -> int:
	frappe.db.rollback()  # read what the server committed
	return ledger.balance_of(resident)["balance"]


def ledger_sum(resident: str) -> int:
	return sum(row.points for row in ledger.statement(resident, limit=10_000))


# --- committed set-up, removed afterwards ----------------------------------------------------


@pytest.fixture(scope="module")
def street(world):
	"""Positions for the buildings of Grid 1-1, a category with reporting points, and a second street
	with a building of its own."""
	marker = uuid.uuid4().hex[:6]
	frappe.set_user("Administrator")
	for building, position in (("b1", B1_POSITION), ("b2", B2_POSITION)):
		frappe.db.set_value("Building", world.buildings[building], "location", quick_report.point(*position))
	category = frappe.get_doc(
		{
			"doctype": "Service Request Category",
			"category_name": f"Street Hazard {marker}",
			"points_section": "Production Safety",
			"volunteer_points": 2,
			"reporting_points": REPORTING_POINTS,
		}
	).insert()
	codes = {"street": f"Q{marker}S", "community": f"Q{marker}C", "grid": f"Q{marker}G"}
	world_module.ensure_grid(codes["street"], f"Other Street {marker}", "Street", None, None)
	world_module.ensure_grid(
		codes["community"], f"Other Community {marker}", "Community", codes["street"], None
	)
	world_module.ensure_grid(codes["grid"], f"Other Grid {marker}", "Grid", codes["community"], None)
	other_building = world_module.ensure_building(codes["grid"], "9", units=[("1", 6, 12)])
	frappe.db.set_value("Building", other_building, "location", quick_report.point(*OTHER_STREET_POSITION))
	frappe.db.commit()
	yield frappe._dict(category=category.name, other_building=other_building, marker=marker)
	frappe.db.rollback()
	frappe.set_user("Administrator")
	request = frappe.qb.DocType("Service Request")
	names = (
		frappe.qb.from_(request).select(request.name).where(request.category == category.name).run(pluck=True)
	)
	for name in names:
		frappe.delete_doc("Service Request", name, force=True, ignore_permissions=True)
	file = frappe.qb.DocType("File")
	if names:
		frappe.qb.from_(file).delete().where(
			(file.attached_to_doctype == "Service Request") & file.attached_to_name.isin(names)
		).run()
	frappe.delete_doc("Service Request Category", category.name, force=True)
	frappe.delete_doc("Building", other_building, force=True)
	for code in (codes["grid"], codes["community"], codes["street"]):
		frappe.delete_doc("Grid", code, force=True)
	for building in ("b1", "b2"):
		frappe.db.set_value("Building", world.buildings[building], "location", None)
	frappe.db.commit()


@pytest.fixture(scope="module")
def rider(world, server, street):
	"""A delivery rider with a login, registered for Grid 1-1 by its grid worker over REST."""
	marker = street.marker
	frappe.set_user("Administrator")
	user = world_module.ensure_user(f"rider-{marker}", ())
	frappe.db.commit()
	worker = server.session(world.users["gw11"], world.password)
	response = worker.post(
		"/api/resource/Resident",
		full_name=f"Rider {marker}",
		resident_kind="Contributor",
		contributor_type="Delivery Rider",
		employer="Swift Meals",
		grid="TG11",
		phone="13912345678",
		user=user,
	)
	assert response.status_code == 200, response.text
	resident = response.json()["data"]["name"]
	frappe.db.rollback()
	personal_data.record_consent(resident)
	frappe.db.commit()
	yield frappe._dict(user=user, resident=resident, session=server.session(user, world.password))
	frappe.db.rollback()
	frappe.set_user("Administrator")
	for table, column in (
		("Points Transaction", "resident"),
		("Points Account", "resident"),
		("Reward Redemption", "resident"),
	):
		doctype = frappe.qb.DocType(table)
		frappe.qb.from_(doctype).delete().where(doctype[column] == resident).run()
	reward = frappe.qb.DocType("Reward")
	frappe.qb.from_(reward).delete().where(reward.reward_name.like(f"% {marker}")).run()
	frappe.delete_doc("Resident", resident, force=True, ignore_permissions=True)
	for table, column in (("File", "owner"), ("Has Role", "parent"), ("User", "name")):
		doctype = frappe.qb.DocType(table)
		frappe.qb.from_(doctype).delete().where(doctype[column] == user).run()
	ledger.rebuild_monthly_totals()  # the rows went behind the ledger's back
	frappe.db.commit()


@pytest.fixture(scope="module")
def gw11(world, server):
	return server.session(world.users["gw11"], world.password)


# --- registering contributors ----------------------------------------------------------------


def test_the_grid_worker_registers_the_rider_for_their_grid_without_a_building(rider):
	frappe.db.rollback()
	record = frappe.db.get_value(
		"Resident",
		rider.resident,
		["resident_kind", "contributor_type", "building", "grid", "community", "household"],
		as_dict=True,
	)
	assert record == {
		"resident_kind": "Contributor",
		"contributor_type": "Delivery Rider",
		"building": None,
		"grid": "TG11",
		"community": "TC1",
		"household": None,
	}
	assert {"Contributor", "Resident"} <= set(frappe.get_roles(rider.user))


def test_a_grid_worker_cannot_register_a_contributor_for_another_grid(world, gw11):
	response = gw11.post(
		"/api/resource/Resident",
		full_name="Courier Elsewhere",
		resident_kind="Contributor",
		contributor_type="Courier",
		grid="TG21",
	)
	assert response.status_code == 403, response.text
	assert not frappe.db.exists("Resident", {"full_name": "Courier Elsewhere"})


def test_a_contributor_with_a_building_is_refused(world, gw11):
	response = gw11.post(
		"/api/resource/Resident",
		full_name="Courier With Home",
		resident_kind="Contributor",
		contributor_type="Courier",
		grid="TG11",
		building=world.buildings["b1"],
	)
	assert response.status_code == 417, response.text
	assert "has no building" in messages(response)


def test_a_contributor_needs_a_grid(gw11):
	response = gw11.post(
		"/api/resource/Resident",
		full_name="Courier Nowhere",
		resident_kind="Contributor",
		contributor_type="Courier",
	)
	assert response.status_code == 417, response.text
	assert "Choose the grid" in messages(response)


def test_the_grids_workers_see_the_rider_and_others_do_not(world, server, rider, gw11):
	assert rider.resident in gw11.list_names("Resident")
	gw21 = server.session(world.users["gw21"], world.password)
	assert rider.resident not in gw21.list_names("Resident")
	assert gw21.get(f"/api/resource/Resident/{rider.resident}").status_code == 403


def test_the_rider_is_not_counted_as_the_grids_population(world, rider):
	frappe.db.rollback()
	figures = {row["node"]: row for row in grid_overview.get_data(frappe._dict())}
	residents_living_in_tg11 = frappe.db.count(
		"Resident", {"grid": "TG11", "status": "Active", "resident_kind": "Resident"}
	)
	assert figures["TG11"]["residents"] == residents_living_in_tg11
	contributors = frappe.get_all(
		"Resident", {"grid": "TG11", "status": "Active", "resident_kind": "Contributor"}, pluck="name"
	)
	assert rider.resident in contributors
	assert frappe.db.count(
		"Resident", {"grid": "TG11", "status": "Active"}
	) == residents_living_in_tg11 + len(contributors)


# --- the whole loop --------------------------------------------------------------------------


def test_a_rider_reports_a_hazard_it_is_confirmed_and_their_balance_rises(world, rider, street, gw11):
	before = committed_balance(rider.resident)
	response = file_report(rider.session, street.category, photo=upload(rider.session), **near(B1_POSITION))
	assert response.status_code == 200, response.text
	name = response.json()["message"]["name"]

	frappe.db.rollback()
	request = frappe.db.get_value(
		"Service Request",
		name,
		["channel", "building", "grid", "requester", "current_owner", "workflow_state", "response_due"],
		as_dict=True,
	)
	assert request.channel == "Quick Report"
	assert (request.building, request.grid, request.requester) == (
		world.buildings["b1"],
		"TG11",
		rider.resident,
	)
	assert request.current_owner == world.users["gw11"]  # routed to the grid's worker, with its deadlines
	assert request.workflow_state == "Open" and request.response_due
	# the photo is the request's own file now, and the source of the reporting points
	source = quick_report.award_source(frappe.get_doc("Service Request", name))
	assert source.file_url == frappe.db.get_value("Service Request", name, "photo")

	confirmed = gw11.post(MARK_VALID, request=name)
	assert confirmed.status_code == 200, confirmed.text
	assert confirmed.json()["message"]["points"] == REPORTING_POINTS
	assert committed_balance(rider.resident) == before + REPORTING_POINTS
	assert ledger_sum(rider.resident) == committed_balance(rider.resident)

	again = gw11.post(MARK_VALID, request=name)
	assert again.json()["message"] == {"name": name, "points": 0, "already_confirmed": True}

	# handled and resolved afterwards: no second reward for the same report
	for method, args in (
		("dispatch", {"assignee": world.users["gw11"]}),
		("accept", {}),
		("resolve", {"note": "Cover fixed"}),
	):
		step = gw11.post(f"{API}.service_request.{method}", name=name, **args)
		assert step.status_code == 200, step.text
	assert committed_balance(rider.resident) == before + REPORTING_POINTS
	assert ledger.drift() == []

	statement = rider.session.get(f"{API}.points.get_statement")
	assert statement.json()["message"][0]["points"] == REPORTING_POINTS


def test_resolving_a_quick_report_confirms_it(world, rider, street, gw11):
	before = committed_balance(rider.resident)
	response = file_report(
		rider.session, street.category, photo=upload(rider.session), building=world.buildings["b2"]
	)
	assert response.status_code == 200, response.text
	name = response.json()["message"]["name"]
	assert response.json()["message"]["building"] == world.buildings["b2"]
	for method, args in (
		("dispatch", {"assignee": world.users["gw11"]}),
		("accept", {}),
		("resolve", {"note": "Swept up"}),
	):
		assert gw11.post(f"{API}.service_request.{method}", name=name, **args).status_code == 200
	assert committed_balance(rider.resident) == before + REPORTING_POINTS
	assert ledger_sum(rider.resident) == committed_balance(rider.resident)


def test_a_confirmed_report_cannot_be_rejected_and_a_rejected_one_earns_nothing(rider, street, gw11):
	confirmed = file_report(rider.session, street.category, photo=upload(rider.session), **near(B2_POSITION))
	name = confirmed.json()["message"]["name"]
	assert gw11.post(MARK_VALID, request=name).status_code == 200
	refused = gw11.post(f"{API}.service_request.reject", name=name, reason="Not real")
	assert refused.status_code == 417, refused.text
	assert "confirmed as real" in messages(refused)

	before = committed_balance(rider.resident)
	other = file_report(rider.session, street.category, photo=upload(rider.session), **near(B2_POSITION))
	other_name = other.json()["message"]["name"]
	assert (
		gw11.post(f"{API}.service_request.reject", name=other_name, reason="Nothing there").status_code == 200
	)
	late = gw11.post(MARK_VALID, request=other_name)
	assert late.status_code == 417 and "rejected" in messages(late)
	assert committed_balance(rider.resident) == before


def test_only_the_grids_workers_confirm_a_report(world, server, rider, street):
	response = file_report(rider.session, street.category, photo=upload(rider.session), **near(B1_POSITION))
	name = response.json()["message"]["name"]
	gw21 = server.session(world.users["gw21"], world.password)
	assert gw21.post(MARK_VALID, request=name).status_code == 403
	assert rider.session.post(MARK_VALID, request=name).status_code == 403


def test_the_rider_redeems_a_reward_at_a_caring_merchants_counter(world, server, rider, street, gw11):
	frappe.db.rollback()
	reward = frappe.get_doc(
		{
			"doctype": "Reward",
			"reward_name": f"Bike repair {street.marker}",
			"reward_type": "Service",
			"merchant": world.merchants["merchant1"],
			"points_cost": REPORTING_POINTS,
			"stock": 3,
		}
	).insert()
	frappe.db.commit()
	if committed_balance(rider.resident) < REPORTING_POINTS:
		name = file_report(rider.session, street.category, photo=upload(rider.session), **near(B1_POSITION))
		assert gw11.post(MARK_VALID, request=name.json()["message"]["name"]).status_code == 200
	before = committed_balance(rider.resident)
	asked = rider.session.post(f"{API}.points.request_redemption", reward=reward.name)
	assert asked.status_code == 200, asked.text
	approved = gw11.post(
		f"{API}.points.act_on_redemption", name=asked.json()["message"]["name"], action="Approve"
	)
	assert approved.status_code == 200, approved.text
	assert committed_balance(rider.resident) == before - REPORTING_POINTS
	assert ledger_sum(rider.resident) == committed_balance(rider.resident)
	# the merchant's counter honours the rider's code, once
	frappe.db.rollback()
	code = frappe.db.get_value("Reward Redemption", asked.json()["message"]["name"], "redemption_code")
	counter = server.session(world.users["merchant1"], world.password)
	honoured = counter.post(f"{API}.merchants.honour_code", code=code)
	assert honoured.status_code == 200, honoured.text[:500]
	assert counter.post(f"{API}.merchants.honour_code", code=code).status_code == 417
	frappe.db.rollback()
	assert (
		frappe.db.get_value("Reward Redemption", asked.json()["message"]["name"], "workflow_state")
		== "Fulfilled"
	)
	assert ledger_sum(rider.resident) == committed_balance(rider.resident)


# --- bad input -------------------------------------------------------------------------------


def test_a_rider_is_a_dispatch_candidate_of_their_grid_and_handles_what_they_are_given(
	world, server, rider, street
):
	resident = server.session(world.users["resident1"], world.password)
	filed = resident.post(
		"/api/resource/Service Request", category=street.category, description="Bulky rubbish by the gate"
	)
	assert filed.status_code == 200, filed.text[:500]
	name = filed.json()["data"]["name"]
	api = "/api/method/community_governance.api.service_request."
	captain = server.session(world.users["captain1"], world.password)
	listed = captain.get(api + "dispatch_candidates", name=name)
	assert listed.status_code == 200, listed.text[:500]
	people = {row["user"]: row for row in listed.json()["message"]}
	assert rider.user in people and "Contributor" in people[rider.user]["role"], people.get(rider.user)
	assert captain.post(api + "dispatch", name=name, assignee=rider.user).status_code == 200
	assert rider.session.post(api + "accept", name=name).status_code == 200
	assert (
		rider.session.post(api + "resolve", name=name, note="Carried it to the collection point").status_code
		== 200
	)
	frappe.db.rollback()
	assert frappe.db.get_value("Service Request", name, ["workflow_state", "handler"]) == (
		"Resolved",
		rider.user,
	)
	# a grid worker of another grid does not list them
	other = server.session(world.users["gw21"], world.password)
	assert other.get(api + "dispatch_candidates", name=name).status_code == 403


def test_a_quick_report_without_a_photo_is_refused(rider, street):
	response = file_report(rider.session, street.category, **near(B1_POSITION))
	assert response.status_code == 417, response.text
	assert "Take a photo" in messages(response)


def test_a_quick_report_far_from_every_building_is_refused(rider, street):
	response = file_report(
		rider.session, street.category, photo=upload(rider.session), latitude=30.0, longitude=120.0
	)
	assert response.status_code == 417, response.text
	assert "more than 300 metres" in messages(response)


def test_a_position_in_another_street_is_outside_the_riders_street(rider, street):
	response = file_report(
		rider.session, street.category, photo=upload(rider.session), **near(OTHER_STREET_POSITION)
	)
	assert response.status_code == 417, response.text


def test_a_building_of_another_street_is_refused(rider, street):
	response = file_report(
		rider.session, street.category, photo=upload(rider.session), building=street.other_building
	)
	assert response.status_code == 417, response.text
	assert "not a building of your street" in messages(response)


def test_a_quick_report_needs_a_place_and_a_note(rider, street):
	photo = upload(rider.session)
	nowhere = file_report(rider.session, street.category, photo=photo)
	assert nowhere.status_code == 417 and "Share your location" in messages(nowhere)
	silent = file_report(rider.session, street.category, photo=photo, note=" ", **near(B1_POSITION))
	assert silent.status_code == 417 and "what you saw" in messages(silent)


def test_someone_elses_photo_is_refused(world, server, rider, street):
	resident1 = server.session(world.users["resident1"], world.password)
	response = file_report(
		rider.session, street.category, photo=upload(resident1, colour="purple"), **near(B1_POSITION)
	)
	assert response.status_code == 417, response.text


def test_a_contributor_cannot_file_a_request_for_a_building_as_a_resident(world, rider, street):
	response = rider.session.post(
		"/api/resource/Service Request",
		category=street.category,
		description="The lift is broken",
		building=world.buildings["b1"],
	)
	assert response.status_code == 417, response.text
	assert "do not live here" in messages(response)


def test_a_worker_cannot_file_a_request_as_a_quick_report(world, gw11, street):
	response = gw11.post(
		"/api/resource/Service Request",
		category=street.category,
		description="Seen on patrol",
		building=world.buildings["b1"],
		channel="Quick Report",
	)
	assert response.status_code == 417, response.text
	assert "Quick reports are sent" in messages(response)


def test_a_login_without_a_record_cannot_send_quick_reports(world, server, street):
	worker = server.session(world.users["cw1"], world.password)
	assert file_report(worker, street.category, photo=upload(worker), **near(B1_POSITION)).status_code == 403


# --- the phone pages -------------------------------------------------------------------------


def test_the_riders_points_pages_need_no_building(rider):
	for path in ("/me/services", "/me/points", "/me/rewards", "/me/quick-report"):
		response = rider.session.get(path)
		assert response.status_code == 200, (path, response.text[:300])
	page = rider.session.get("/me/quick-report").text
	assert 'id="quick-report-photo"' in page and "TG11-1" in page


# --- in a real browser, in Chinese, on a phone -----------------------------------------------


@pytest.fixture(scope="module")
def browser(site):
	missing = chromium_missing()
	if missing:
		if os.environ.get("CI"):
			pytest.fail(f"the browser journeys must run in CI: {missing}")
		pytest.skip(missing)
	with chromium() as running:
		yield running


@pytest.fixture
def chinese_rider(rider):
	frappe.db.set_value("User", rider.user, "language", "zh")
	frappe.db.commit()
	yield rider
	frappe.db.rollback()
	frappe.db.set_value("User", rider.user, "language", "en")
	frappe.db.commit()


@pytest.mark.browser
def test_the_rider_sends_a_quick_report_from_their_phone_and_sees_the_points(
	browser, server, world, chinese_rider, street, gw11, tmp_path
):
	rider = chinese_rider
	photo = tmp_path / "drain.jpg"
	Image.new("RGB", (640, 480), (150, 110, 60)).save(photo, "JPEG")
	before = committed_balance(rider.resident)
	screen = Screen(browser, server.url, "rider", phone=True)
	try:
		screen.context.grant_permissions(["geolocation"], origin=server.url)
		screen.context.set_geolocation({"latitude": B1_POSITION[0], "longitude": B1_POSITION[1]})
		screen.open("login-page", "/login", "#login_email")
		journeys.log_in(
			screen, rider.user, world.password, ready="body", until="location.pathname === '/me/services'"
		)
		screen.open("quick-report", "/me/quick-report", "#quick-report-form")
		page = screen.page
		page.set_input_files("#quick-report-photo", str(photo))
		page.select_option("#quick-report-category", street.category)
		page.fill("#quick-report-note", "小区门口的井盖松动了")
		page.click("#quick-report-locate")
		page.wait_for_function(
			"document.getElementById('quick-report-location-status').textContent.includes('已定位')"
		)
		screen.check("quick-report-located")
		screen.screenshot("1-quick-report", readme=True)
		with screen.loading("quick-report-sent", "#quick-report-sent:not(.d-none)"):
			page.click("#quick-report-send")
		sent = screen.text("#quick-report-sent")
		assert "已发送" in sent and world.buildings["b1"] in sent
		screen.screenshot("2-sent", readme=True)

		frappe.db.rollback()
		name = frappe.get_all(
			"Service Request",
			filters={"requester": rider.resident, "channel": "Quick Report"},
			order_by="creation desc",
			limit=1,
			pluck="name",
		)[0]
		assert gw11.post(MARK_VALID, request=name).status_code == 200
		screen.open("points", "/me/points", ".resident-balance")
		assert (
			int(page.locator(".resident-balance").get_attribute("data-balance")) == before + REPORTING_POINTS
		)
		assert "小区门口的井盖松动了" in screen.text(".resident-statement")
		screen.screenshot("3-points", readme=True)
	finally:
		screen.close()
	screen.assert_no_problems()


# --- not the population ----------------------------------------------------------------------


def test_a_contributor_is_no_household_no_care_case_and_no_elector(world):
	from community_governance.community_governance.doctype.deliberation_meeting.deliberation_meeting import (
		eligible_residents,
	)

	courier = frappe.get_doc(
		{
			"doctype": "Resident",
			"full_name": "Courier In Process",
			"resident_kind": "Contributor",
			"contributor_type": "Courier",
			"grid": "TG11",
			"household": "TG11-1-1-101",
			"elderly_living_alone": 1,
		}
	).insert()
	assert (courier.household, courier.elderly_living_alone, courier.community) == (None, 0, "TC1")
	electorate = {row.name for row in eligible_residents([world.buildings["b1"], world.buildings["b2"]])}
	assert world.residents["resident1"] in electorate and courier.name not in electorate


def test_a_contributor_is_registered_for_a_grid_not_a_community(world):
	with pytest.raises(frappe.ValidationError, match="is not a grid"):
		frappe.get_doc(
			{
				"doctype": "Resident",
				"full_name": "Courier Of A Community",
				"resident_kind": "Contributor",
				"contributor_type": "Courier",
				"grid": "TC1",
			}
		).insert()
