"""One matter from a resident's proposal to a reviewed decision, and a property evaluation to its
rectification requests, over HTTP as the real users (their records stay on the test site)."""

import re
import uuid

import pytest
import requests

import frappe
from frappe.utils import add_days, get_first_day, now_datetime, today
from tests.integration import deliberation_world
from tests.integration.deliberation_world import quorum_of

API = "/api/method/community_governance.api.deliberation"
SR_API = "/api/method/community_governance.api.service_request"


@pytest.fixture(scope="module")
def people(world):
	built = deliberation_world.build(world)
	frappe.db.commit()
	return built


@pytest.fixture(scope="module")
def sessions(server, people):
	cache = {}

	def session(user_key):
		if user_key not in cache:
			cache[user_key] = server.session(people.users[user_key], people.password)
		return cache[user_key]

	return session


@pytest.fixture(scope="module")
def phone(server, people):
	"""A fresh login for page visits: a page gives its session a CSRF token that later POSTs need."""
	return lambda user_key: server.session(people.users[user_key], people.password)


@pytest.fixture
def rectification_category():
	settings = "Community Governance Settings"
	before = frappe.db.get_single_value(settings, "rectification_category")
	frappe.db.set_single_value(settings, "rectification_category", deliberation_world.RECTIFICATION_CATEGORY)
	frappe.db.commit()
	yield
	frappe.db.set_single_value(settings, "rectification_category", before)
	frappe.db.commit()


def ok(response) -> dict:
	assert response.status_code == 200, response.text
	body = response.json()
	return body.get("message", body.get("data"))


def test_a_matter_from_proposal_to_reviewed_decision_over_rest(people, sessions, phone):
	hua, cw1, gw11 = sessions("hua"), sessions("cw1"), sessions("gw11")
	matter = ok(
		hua.post(
			"/api/resource/Deliberation Matter",
			title="One-way traffic in the lane",
			category="Traffic",
			description="Cars meet head-on in the lane behind building 8.",
			buildings=[{"building": people.building}],
		)
	)
	name = matter["name"]
	assert matter["workflow_state"] == "Proposed" and matter["proposer"] == people.residents["hua"]

	# residents elsewhere do not see it; the community worker lowers the support needed
	assert sessions("resident2").get(f"/api/resource/Deliberation Matter/{name}").status_code == 403
	assert ok(cw1.put(f"/api/resource/Deliberation Matter/{name}", support_needed=3))["support_needed"] == 3
	for key in ("hua", "sunli"):
		assert ok(sessions(key).post(f"{API}.support", matter=name))["status"] == "Proposed"
	assert sessions("hua").post(f"{API}.support", matter=name).status_code == 417
	assert ok(sessions("zhoumin").post(f"{API}.support", matter=name))["status"] == "Supported"

	meeting = ok(
		cw1.post(
			"/api/resource/Deliberation Meeting",
			title="June deliberation",
			meeting_date=str(now_datetime()),
			community="TC1",
			invite_property_company=1,
			quorum_percent=quorum_of(2, "Per Household"),
			passing_threshold=50,
			agenda=[{"matter": name}],
		)
	)["name"]
	assert ok(hua.get(f"/api/resource/Deliberation Matter/{name}"))["workflow_state"] == "On Agenda"
	assert ok(cw1.post(f"{API}.sign_in", meeting=meeting, resident=people.residents["hua"]))["present"] == 1

	ok(hua.post(f"{API}.cast_vote", meeting=meeting, matter=name, choice="In Favour"))
	refused = sessions("lei").post(f"{API}.cast_vote", meeting=meeting, matter=name, choice="Opposed")
	assert refused.status_code == 417 and "already voted" in refused.text  # Qian Hua's household
	outsider = sessions("resident1").post(
		f"{API}.cast_vote", meeting=meeting, matter=name, choice="In Favour"
	)
	assert outsider.status_code == 417
	assert cw1.post(f"{API}.decide", meeting=meeting, matter=name, decision="One way").status_code == 417
	ok(sessions("sunli").post(f"{API}.cast_vote", meeting=meeting, matter=name, choice="In Favour"))
	ok(
		cw1.post(
			f"{API}.cast_vote",
			meeting=meeting,
			matter=name,
			choice="Opposed",
			resident=people.residents["wugang"],
			proxy_holder="Zhou Min",
		)
	)
	decided = ok(
		cw1.post(
			f"{API}.decide",
			meeting=meeting,
			matter=name,
			decision="The lane becomes one-way northbound.",
			review_date=add_days(today(), 60),
		)
	)
	assert decided == {"matter": name, "outcome": "Passed", "status": "Decided"}

	due = add_days(today(), 14)
	todo = ok(
		cw1.post(
			f"{API}.add_action",
			matter=name,
			description="Ask the traffic police for signs",
			assigned_to=people.users["gw11"],
			due_date=due,
		)
	)["reference_name"]
	request = ok(
		cw1.post(
			f"{API}.add_action",
			matter=name,
			description="Paint the arrows",
			assigned_to=people.users["gw11"],
			due_date=due,
			action_type="Service Request",
			category="Test Repairs",
		)
	)["reference_name"]
	missing_owner = cw1.post(f"{API}.add_action", matter=name, description="Anything", due_date=due)
	assert missing_owner.status_code == 417

	# the owner finds both in their own lists
	assert todo in gw11.list_names("ToDo", allocated_to=people.users["gw11"], status="Open")
	assert ok(gw11.get(f"/api/resource/Service Request/{request}"))["handler"] == people.users["gw11"]
	ok(gw11.put(f"/api/resource/ToDo/{todo}", status="Closed"))
	ok(gw11.post(f"{SR_API}.accept", name=request))
	ok(gw11.post(f"{SR_API}.resolve", name=request, note="Arrows painted"))

	assert ok(cw1.post(f"{API}.mark_implemented", matter=name))["status"] == "Implemented"
	reviewed = ok(cw1.post(f"{API}.review", matter=name, note="No more head-on meetings", worked="Yes"))
	assert reviewed["status"] == "Reviewed"

	page = phone("hua").get("/me/matters")
	assert page.status_code == 200
	assert (
		re.search(rf'data-decision="{name}"', page.text)
		and "The lane becomes one-way northbound." in page.text
	)


def test_a_resident_supports_from_the_phone_page(people, sessions, phone):
	cw1 = sessions("cw1")
	name = ok(
		cw1.post(
			"/api/resource/Deliberation Matter",
			title=f"Replace the lift {uuid.uuid4().hex[:4]}",
			category="Lifts",
			description="The lift of unit 1 breaks down weekly.",
			buildings=[{"building": people.building}],
		)
	)["name"]
	zhoumin = phone("zhoumin")
	page = zhoumin.get("/me/matters")
	assert page.status_code == 200 and f'data-support="{name}"' in page.text
	# what the page's button sends: a form POST with the page's CSRF token; a GET is refused
	support_url = f"{zhoumin.url}{API}.support"
	assert zhoumin.http.get(support_url, params={"matter": name}).status_code in (403, 405)
	assert zhoumin.http.post(support_url, data={"matter": name}, timeout=60).status_code == 400  # no token
	token = re.search(r'frappe\.csrf_token = "([^"]+)"', page.text).group(1)
	supported = zhoumin.http.post(
		support_url, data={"matter": name}, headers={"X-Frappe-CSRF-Token": token}, timeout=60
	)
	assert ok(supported)["supporters"] == 1
	assert f'data-support="{name}"' not in zhoumin.get("/me/matters").text
	assert name not in phone("resident1").get("/me/matters").text


def test_a_low_evaluation_over_rest_opens_a_rectification_request(people, sessions, rectification_category):
	cw1 = sessions("cw1")
	name = ok(
		cw1.post(
			"/api/resource/Property Service Evaluation",
			compound_name=f"Lotus Court {uuid.uuid4().hex[:6]}",
			property_company="Lotus Property",
			company_contact=people.users["propco"],
			community="TC1",
			buildings=[{"building": people.building}],
			cadence="Monthly",
			period_start=str(get_first_day(today())),
		)
	)["name"]
	scores = {"cleaning": 4, "security": 2, "greenery": 4, "repairs": 4, "parking": 4}
	ok(sessions("hua").post(f"{API}.score_property_service", evaluation=name, **scores))
	out_of_range = sessions("sunli").post(
		f"{API}.score_property_service", evaluation=name, **{**scores, "greenery": 7}
	)
	assert out_of_range.status_code == 417
	closed = ok(cw1.post(f"{API}.close_evaluation", evaluation=name))
	[request] = closed["rectifications"]
	propco = sessions("propco")
	assert propco.list_names("ToDo", allocated_to=people.users["propco"], reference_name=request)
	assert ok(propco.get(f"/api/resource/Service Request/{request}"))["workflow_state"] == "Dispatched"


@pytest.fixture
def chinese_sunli(people, server):
	"""Sun Li logged in with the language set to Chinese (restored to English afterwards)."""
	user = people.users["sunli"]
	frappe.db.set_value("User", user, "language", "zh")
	frappe.db.commit()
	yield server.session(user, people.password)
	frappe.db.set_value("User", user, "language", "en")
	frappe.db.commit()


def test_the_matters_page_speaks_chinese_on_the_phone(people, sessions, chinese_sunli):
	ok(
		sessions("cw1").post(
			"/api/resource/Deliberation Matter",
			title="Greenery by the gate",
			category="Greenery",
			description="Plant trees by the north gate.",
			buildings=[{"building": people.building}],
		)
	)
	html = chinese_sunli.get("/me/matters").text
	assert "居民议事" in html and "正在议事的议题" in html and "议事决定" in html
	assert "绿化" in html and "已提出" in html
	assert re.search(r'data-support="[^"]+">\s*支持\s*</button>', html)
	for english in ("Open Matters", "Decisions", "Matters for Deliberation", "supporters", "Proposed"):
		assert english not in html, english
	assert 'name="viewport"' in html


def test_guests_log_in_first_and_logins_without_a_resident_are_told(server, people):
	response = requests.get(f"{server.url}/me/matters", allow_redirects=False, timeout=60)
	assert response.status_code == 302 and "redirect-to=%2Fme%2Fmatters" in response.headers["Location"]
	worker = server.session(people.users["cw1"], people.password)
	assert "not linked to a resident record" in worker.get("/me/matters").text
