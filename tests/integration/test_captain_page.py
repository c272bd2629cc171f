"""The building captain's day (/me/captain) and who may take a request, over HTTP as the real users:
nil reports (once a building a day, however many taps arrive at once), a finding with a photo that
becomes a request, the dispatch list (nobody from another grid, no disabled login, no login without
a handler role, the right skill first), each role's landing page and the Grid tree of a worker.

What the server must see is committed here and removed afterwards (journeys.cleanup)."""

import io
import json
import re
import threading
from types import SimpleNamespace

import pytest
import requests

import frappe
from community_governance import dispatch
from community_governance.community_governance.doctype.grid.grid import get_children
from community_governance.community_governance.doctype.service_request.service_request import HANDLER_ROLES
from frappe.utils import today
from tests.integration import journeys
from tests.integration import world as world_module
from tests.integration.conftest import as_user

pytestmark = pytest.mark.http

API = "/api/method/community_governance.api"
REQUEST = "Service Request"
SKILL = "Test Plumbing"
SKILLED_CATEGORY = "Test Plumbing Repairs"
# volunteers of Grid 1-1 (one with the skill, one without, one whose login is disabled) and one
# resident of the grid whose login holds no role that may handle requests
PEOPLE = {
	"skilledvol": (("Volunteer",), "Xu Qiang", "TG11-1", "1", "501"),
	"plainvol": (("Volunteer",), "He Ping", "TG11-2", "1", "601"),
	"disabledvol": (("Volunteer",), "Gao Yun", "TG11-1", "2", "502"),
	"noroleres": ((), "Lin Tao", "TG11-2", "1", "602"),
	"partnerc": ((), None, None, None, None),  # a partner unit's contact (registering makes them a volunteer)
}


@pytest.fixture(scope="module")
def people(world):
	frappe.set_user("Administrator")
	users = {key: world_module.ensure_user(key, roles) for key, (roles, *_) in PEOPLE.items()}
	for key, (_, name, building, unit, room) in PEOPLE.items():
		if name:
			world_module.ensure_resident(
				name, building, unit, room, users[key], is_volunteer=int(key != "noroleres")
			)
	frappe.db.set_value("User", users["disabledvol"], "enabled", 0)
	if not frappe.db.exists("Skill", SKILL):
		frappe.get_doc({"doctype": "Skill", "skill_name": SKILL}).insert()
	skilled = frappe.get_doc("Resident", {"user": users["skilledvol"]})
	if not skilled.skills:
		skilled.append("skills", {"skill": SKILL})
		skilled.save()
	if not frappe.db.exists("Service Request Category", SKILLED_CATEGORY):
		frappe.get_doc(
			{
				"doctype": "Service Request Category",
				"category_name": SKILLED_CATEGORY,
				"points_section": "Neighbourly Help",
				"volunteer_points": 2,
				"required_skill": SKILL,
				"targets": [{"priority": "Medium", "response_hours": 4, "resolution_hours": 48}],
			}
		).insert()
	if not frappe.db.exists("Partner Unit", {"contact_user": users["partnerc"]}):
		frappe.get_doc(
			{
				"doctype": "Partner Unit",
				"unit_name": "Test Water Works",
				"unit_type": "Enterprise",
				"community": "TC1",
				"contact_user": users["partnerc"],
				"offers_services": 1,
			}
		).insert()
	frappe.db.commit()
	return SimpleNamespace(
		users={**world.users, **users},
		password=world.password,
		residents=world.residents,
		categories=world.categories,
	)


@pytest.fixture
def done(people):
	with journeys.cleanup() as cleanup:
		cleanup.owners.extend(people.users[key] for key in ("captain1", "captain2", "resident1"))
		yield cleanup


def file_request(people, done, resident_key="resident1", category=SKILLED_CATEGORY, **values) -> str:
	resident = people.residents[resident_key]
	doc = frappe.get_doc(
		{
			"doctype": REQUEST,
			"requester": resident,
			"building": frappe.db.get_value("Resident", resident, "building"),
			"channel": "Phone",
			"category": category,
			"description": "The kitchen tap leaks",
			**values,
		}
	).insert()
	done.requests.append(doc.name)
	frappe.db.commit()
	return doc.name


def session(server, people, key):
	return server.session(people.users[key], people.password)


def messages_of(response) -> str:
	return " ".join(
		json.loads(m)["message"] for m in json.loads(response.json().get("_server_messages", "[]"))
	)


def photo_bytes() -> bytes:
	from PIL import Image

	buffer = io.BytesIO()
	Image.new("RGB", (64, 48), (90, 60, 30)).save(buffer, "JPEG")
	return buffer.getvalue()


def upload_photo(client) -> str:
	response = client.http.post(
		f"{client.url}/api/method/upload_file",
		files={"file": ("corridor.jpg", photo_bytes(), "image/jpeg")},
		data={"is_private": 1},
		timeout=60,
	)
	assert response.status_code == 200, response.text[:500]
	return response.json()["message"]["file_url"]


# --- who may take a request ----------------------------------------------------------------------


def test_dispatch_candidates_are_the_grids_people_with_the_skill_first(server, people, done):
	name = file_request(people, done)
	captain = session(server, people, "captain1")
	response = captain.get(f"{API}.service_request.dispatch_candidates", name=name)
	assert response.status_code == 200, response.text[:500]
	candidates = response.json()["message"]
	users = [row["user"] for row in candidates]
	u = people.users
	# the grid's and the community's workers first, then volunteers (the skilled one first), then partners
	assert users[:2] == [u["gw11"], u["cw1"]]
	assert users.index(u["skilledvol"]) < users.index(u["plainvol"]) < users.index(u["partnerc"])
	skilled = next(row for row in candidates if row["user"] == u["skilledvol"])
	assert (skilled["role"], skilled["grid"], skilled["skill"]) == ("Volunteer", "TG11", SKILL)
	assert SKILL in skilled["reason"]
	assert next(row for row in candidates if row["user"] == u["gw11"])["role"] == "Grid Worker"
	# nobody from another grid or community, no disabled login, no login without a handler role
	for outsider in ("volunteer", "gw12", "gw21", "cw2", "disabledvol", "noroleres", "resident1", "captain1"):
		assert u[outsider] not in users, outsider
	# nothing personal beyond the name
	assert all(
		set(row) == {"user", "full_name", "group", "role", "grid", "grid_name", "skill", "reason"}
		for row in candidates
	)

	# and the list is what dispatch accepts: one tap sends it
	dispatched = captain.post(f"{API}.service_request.dispatch", name=name, assignee=u["skilledvol"])
	assert dispatched.status_code == 200, dispatched.text[:500]
	assert dispatched.json()["message"]["handler"] == u["skilledvol"]


def test_dispatch_candidates_follow_the_scope(server, people, done):
	name = file_request(people, done)
	for outsider in ("captain2", "gw21", "cw2", "resident2"):
		response = session(server, people, outsider).get(
			f"{API}.service_request.dispatch_candidates", name=name
		)
		assert response.status_code == 403, (outsider, response.status_code)
	# the requester may read their request but not dispatch it
	assert (
		session(server, people, "resident1")
		.get(f"{API}.service_request.dispatch_candidates", name=name)
		.status_code
		== 403
	)
	missing = session(server, people, "gw11").get(
		f"{API}.service_request.dispatch_candidates", name="SR-0000-0"
	)
	assert missing.status_code == 404
	# a request no longer waiting for dispatch has no list
	frappe.db.set_value(REQUEST, name, {"workflow_state": "Dispatched", "handler": people.users["gw11"]})
	frappe.db.commit()
	again = session(server, people, "gw11").get(f"{API}.service_request.dispatch_candidates", name=name)
	assert again.status_code == 403


def test_a_grid_staff_member_without_a_handler_role_is_not_offered(people):
	grid = frappe.get_doc("Grid", "TG11")
	grid.append("staff", {"user": people.users["mediator"]})
	grid.save()
	request = frappe._dict(
		grid="TG11", community="TC1", category=SKILLED_CATEGORY, requester_user=None, name="x"
	)
	users = [row["user"] for row in dispatch.candidates(request, HANDLER_ROLES)]
	assert people.users["mediator"] not in users and people.users["gw11"] in users


# --- the captain's page --------------------------------------------------------------------------


def test_nil_reports_are_one_a_building_a_day_however_many_taps(server, people, done):
	captain = session(server, people, "captain1")
	first = captain.post(f"{API}.patrol.send_nil_report", building="TG11-1")
	assert first.status_code == 200, first.text[:500]
	assert first.json()["message"]["created"] is True
	again = captain.post(f"{API}.patrol.send_nil_report", building="TG11-1")
	assert again.json()["message"] == {**first.json()["message"], "created": False}

	# two phones tapping at once
	results = []
	start = threading.Barrier(4)

	def tap():
		client = session(server, people, "captain1")
		start.wait()
		results.append(client.post(f"{API}.patrol.send_nil_report", building="TG11-2"))

	threads = [threading.Thread(target=tap) for _ in range(4)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	assert [r.status_code for r in results] == [200] * 4, [r.text[:300] for r in results]
	assert sorted(r.json()["message"]["created"] for r in results) == [False, False, False, True]
	frappe.db.rollback()
	logs = frappe.get_all("Patrol Log", {"building": "TG11-2", "patrol_date": today()}, pluck="name")
	assert len(logs) == 1 and frappe.db.get_value("Patrol Log", logs[0], "nil_report") == 1


def test_nil_report_refused_outside_the_captains_buildings(server, people, done):
	captain = session(server, people, "captain2")
	assert captain.post(f"{API}.patrol.send_nil_report", building="TG11-1").status_code == 403
	assert captain.post(f"{API}.patrol.send_nil_report", building="NO-SUCH").status_code == 404
	assert captain.get(f"{API}.patrol.send_nil_report", building="TG21-4").status_code in (403, 405)
	resident = session(server, people, "resident1")
	assert resident.post(f"{API}.patrol.send_nil_report", building="TG11-1").status_code == 403


def test_a_finding_with_a_photo_becomes_a_request_in_one_step(server, people, done):
	captain = session(server, people, "captain1")
	photo = upload_photo(captain)
	response = captain.post(
		f"{API}.patrol.log_finding",
		building="TG11-2",
		finding_type="Hazard",
		description="Bicycles block the fire exit",
		photo=photo,
		needs_handling=1,
		category=SKILLED_CATEGORY,
	)
	assert response.status_code == 200, response.text[:500]
	result = response.json()["message"]
	request = result["service_request"]
	assert request and result["status"] == "Open"
	frappe.db.rollback()
	assert frappe.db.get_value(REQUEST, request, ["channel", "building", "photo"]) == (
		"Patrol",
		"TG11-2",
		photo,
	)
	finding = frappe.db.get_value("Patrol Finding", result["finding"], ["service_request", "photo"])
	assert finding == (request, photo)

	# a second finding the same day joins the same log; one that needs no handling opens nothing
	second = captain.post(
		f"{API}.patrol.log_finding",
		building="TG11-2",
		finding_type="Sanitation",
		description="Litter by the bins",
	).json()["message"]
	assert second["patrol_log"] == result["patrol_log"] and second["service_request"] is None
	# a nil report after findings keeps them
	nil = captain.post(f"{API}.patrol.send_nil_report", building="TG11-2").json()["message"]
	assert nil == {"patrol_log": result["patrol_log"], "nil_report": 0, "created": False}


def test_a_bad_finding_is_refused_and_nothing_is_half_saved(server, people, done):
	captain = session(server, people, "captain1")
	empty = captain.post(
		f"{API}.patrol.log_finding", building="TG11-1", finding_type="Hazard", description=" "
	)
	assert empty.status_code == 417 and "describe what was found" in messages_of(empty).lower()
	kind = captain.post(
		f"{API}.patrol.log_finding", building="TG11-1", finding_type="Aliens", description="x"
	)
	assert kind.status_code == 417
	not_uploaded = captain.post(
		f"{API}.patrol.log_finding",
		building="TG11-1",
		finding_type="Hazard",
		description="Loose tiles",
		photo="/files/someone-elses.jpg",
		needs_handling=1,
	)
	assert not_uploaded.status_code == 417
	frappe.db.rollback()
	assert not frappe.db.exists("Patrol Log", {"building": "TG11-1", "patrol_date": today()})


def test_the_captains_page_shows_their_day_and_nobody_elses(server, people, done):
	own = file_request(people, done)
	elsewhere = file_request(people, done, resident_key="resident2")
	overdue = file_request(people, done, description="Lift stuck again")
	frappe.db.set_value(REQUEST, overdue, "sla_status", "Overdue", update_modified=False)
	escalated = file_request(people, done, description="Roof leaks")
	frappe.db.set_value(REQUEST, escalated, "escalation_level", "Community", update_modified=False)
	frappe.db.commit()
	html = session(server, people, "captain1").get("/me/captain")
	assert html.status_code == 200, html.text[:500]
	text = html.text
	for building in ("TG11-1", "TG11-2"):
		assert f'data-building="{building}"' in text
	assert 'data-building="TG21-4"' not in text
	assert f'data-request="{own}"' in text and f'data-request="{elsewhere}"' not in text
	assert f'data-dispatch="{own}" data-assignee="{people.users["gw11"]}"' in text
	assert re.search(rf'id="captain-overdue".*data-request="{overdue}"', text, re.S)
	assert re.search(rf'id="captain-escalated".*data-request="{escalated}"', text, re.S)
	# the light page: no desk boot
	assert 'src="/assets/frappe/dist/js/desk.bundle' not in text

	assert session(server, people, "resident1").get("/me/captain").status_code == 403
	guest = requests.get(f"{server.url}/me/captain", allow_redirects=False, timeout=30)
	assert guest.status_code == 302 and "/login" in guest.headers["Location"]


# --- where each role lands, and the Grid tree ----------------------------------------------------


@pytest.mark.parametrize(
	"key, home",
	[
		("captain1", "/me/captain"),
		("gw11", "/app/grid-work"),
		("cw1", "/app/community-work"),
		("soa", "/app/community-governance"),
		("resident1", "/me/services"),
	],
)
def test_each_role_lands_on_what_they_do(server, people, key, home):
	response = requests.post(
		f"{server.url}/api/method/login", data={"usr": people.users[key], "pwd": people.password}, timeout=30
	)
	assert response.status_code == 200
	assert response.json()["home_page"] == home


def test_each_role_sees_its_own_workspace_only(server, people):
	seen = {}
	for key in ("gw11", "cw1", "soa", "captain1"):
		response = session(server, people, key).get(
			"/api/method/frappe.desk.desktop.get_workspace_sidebar_items"
		)
		assert response.status_code == 200, response.text[:300]
		seen[key] = {page["name"] for page in response.json()["message"]["pages"]}
	ours = {"Grid Work", "Community Work", "Community Governance"}
	assert seen["gw11"] & ours == {"Grid Work"}
	assert seen["cw1"] & ours == {"Community Work"}
	assert seen["soa"] & ours >= {"Community Governance"}
	assert "Grid Work" not in seen["soa"] and "Community Work" not in seen["soa"]
	assert not seen["captain1"] & ours


def test_queue_cards_count_only_the_workers_scope(server, people, done):
	file_request(people, done)
	card = frappe.get_doc("Number Card", "Requests to Dispatch")
	for key in ("gw11", "gw21", "cw2"):
		response = session(server, people, key).post(
			"/api/method/frappe.desk.doctype.number_card.number_card.get_result",
			doc=card.as_json(),
			filters=card.filters_json,
		)
		assert response.status_code == 200, response.text[:300]
		as_user(people.users[key])
		expected = len(
			frappe.get_list(REQUEST, {"workflow_state": ("in", ("Open", "Reopened"))}, pluck="name")
		)
		in_grid_1_1 = frappe.get_list(REQUEST, {"grid": "TG11"}, pluck="name")
		as_user("Administrator")
		assert response.json()["message"] == expected, key
		assert bool(in_grid_1_1) == (key == "gw11")


@pytest.fixture
def awaiting_registration():
	"""A registration for a building of Grid 1-1, waiting for its verifier; committed for the server."""
	name = "RR-CARD-TEST"
	frappe.get_doc(
		{
			"doctype": "Resident Registration",
			"name": name,
			"full_name": "Card Test",
			"mobile": "13700000123",
			"building": "TG11-1",
			"grid": "TG11",
			"room": "101",
			"status": "Awaiting Verification",
		}
	).db_insert()
	frappe.db.commit()
	yield name
	frappe.db.rollback()
	frappe.db.delete("Resident Registration", {"name": name})
	frappe.db.commit()


def test_the_registrations_card_counts_only_the_verifiers_buildings(server, people, awaiting_registration):
	card = frappe.get_doc("Number Card", "Registrations to Verify")
	counts = {}
	for key in ("gw11", "gw21", "cw1", "cw2"):
		response = session(server, people, key).post(
			"/api/method/frappe.desk.doctype.number_card.number_card.get_result",
			doc=card.as_json(),
			filters=card.filters_json,
		)
		assert response.status_code == 200, response.text[:300]
		as_user(people.users[key])
		expected = frappe.get_list(
			"Resident Registration", {"status": "Awaiting Verification"}, pluck="name", limit_page_length=0
		)
		as_user("Administrator")
		counts[key] = response.json()["message"]
		assert counts[key] == len(expected), key
		assert (awaiting_registration in expected) == (key in ("gw11", "cw1")), key
	for workspace in ("Grid Work", "Community Work"):
		cards = [row.number_card_name for row in frappe.get_doc("Workspace", workspace).number_cards]
		assert "Registrations to Verify" in cards, workspace
	# the building's captain finds it on their phone page, with the way to the desk form
	page = session(server, people, "captain1").get("/me/captain")
	assert f"/app/resident-registration/{awaiting_registration}" in page.text
	other = session(server, people, "captain2").get("/me/captain")
	assert awaiting_registration not in other.text


def test_a_worker_sees_their_own_subtree_in_the_grid_tree(server, people):
	def tree(key, parent="All Grids", is_root=1):
		as_user(people.users[key])
		try:
			return [node.value for node in get_children("Grid", parent, is_root=is_root)]
		finally:
			as_user("Administrator")

	assert tree("cw1") == ["TC1"]
	assert tree("cw1", "TC1", 0) == ["TG11", "TG12"]
	assert tree("gw12") == ["TG12"]
	assert tree("soa") == ["TST"] or "TST" in tree("soa")
	assert tree("cw2", "TC1", 0) == []
	# the desk calls it over HTTP, as the tree view does
	response = session(server, people, "cw1").get(
		"/api/method/community_governance.community_governance.doctype.grid.grid.get_children",
		doctype="Grid",
		parent="All Grids",
		is_root="true",
	)
	assert response.status_code == 200, response.text[:300]
	assert [node["value"] for node in response.json()["message"]] == ["TC1"]


def test_the_volunteers_board_shows_wishes_needing_their_skill_first(server, people, done):
	skilled_wish = file_request(people, done, request_type="Micro-wish", description="Fix my dripping tap")
	plain_wish = file_request(
		people,
		done,
		request_type="Micro-wish",
		category=people.categories["errands"],
		description="Buy bread",
	)
	for key, first in (("skilledvol", skilled_wish), ("plainvol", plain_wish)):
		response = session(server, people, key).get(f"{API}.service_request.micro_wish_board")
		assert response.status_code == 200, response.text[:300]
		wishes = [wish for wish in response.json()["message"] if wish["name"] in (skilled_wish, plain_wish)]
		assert wishes[0]["name"] == first, key
		matched = {wish["name"]: wish["skill_match"] for wish in wishes}
		assert matched[skilled_wish] is (key == "skilledvol") and matched[plain_wish] is False
