"""Residents file, follow and rate service requests through the web form, over HTTP as the real portal
users: the pages a phone opens and the calls those pages make."""

import io
import json
import os
import re

import pytest
import requests

import frappe
from community_governance.community_governance.web_form.service_request.service_request import SCRIPT_MESSAGES
from frappe import _
from frappe.translate import get_translations_from_csv
from tests.integration.http import UserSession

DOCTYPE = "Service Request"
WEB_FORM = "service-request"
ACCEPT = "frappe.website.doctype.web_form.web_form.accept"
LIST_DATA = "frappe.www.list.get_list_data"
LOOP = "/api/method/community_governance.api.service_request"
B1 = "TG11-1"
# what the form sends for a new request when the resident leaves the defaults alone
FORM_DEFAULTS = {"request_type": "Request", "priority": "Medium"}

pytestmark = pytest.mark.http


class Portal:
	"""A resident's phone browser on the web form: it opens pages and makes the calls they make."""

	def __init__(self, session: UserSession):
		self.session = session
		self.csrf_token = None

	def open(self, path: str, **params) -> requests.Response:
		page = self.session.get(path, **params)
		found = re.search(r'frappe\.csrf_token = "([^"]*)"', page.text)
		if found:
			self.csrf_token = found.group(1)
		return page

	def call(self, method: str, **args) -> requests.Response:
		if self.csrf_token is None:
			self.open(f"/{WEB_FORM}/new")
		return self.session.http.post(
			f"{self.session.url}/api/method/{method}",
			data=args,
			headers={"X-Frappe-CSRF-Token": self.csrf_token},
			timeout=60,
		)

	def upload_photo(self, file_name: str, content: bytes) -> str:
		"""What the form's photo field does: upload first, then submit the file's address."""
		response = self.session.http.post(
			f"{self.session.url}/api/method/upload_file",
			files={"file": (file_name, content, "image/jpeg")},
			data={"is_private": 1, "folder": "Home"},
			headers={"X-Frappe-CSRF-Token": self.csrf_token or ""},
			timeout=60,
		)
		assert response.status_code == 200, response.text
		return response.json()["message"]["file_url"]

	def submit(self, **values) -> requests.Response:
		return self.call(ACCEPT, web_form=WEB_FORM, data=json.dumps(values))

	def file(self, world, **values) -> str:
		response = self.submit(
			**{
				**FORM_DEFAULTS,
				"category": world.categories["repairs"],
				"description": "The stairwell light on floor 3 is out",
				**values,
			}
		)
		assert response.status_code == 200, response.text
		return response.json()["message"]["name"]

	def my_requests(self) -> dict[str, dict]:
		response = self.call(LIST_DATA, doctype=DOCTYPE, web_form_name=WEB_FORM, limit=500)
		assert response.status_code == 200, response.text
		return {row["name"]: row for row in response.json()["message"]}

	def request_as_the_page_holds_it(self, name: str) -> dict:
		page = self.open(f"/{WEB_FORM}/{name}/edit")
		assert page.status_code == 200, page.text[:500]
		return embedded(page.text, "reference_doc")


def embedded(html: str, name: str) -> dict:
	"""A JSON object the page hands to the web form script, e.g. ``frappe.reference_doc = {...};``."""
	found = re.search(rf"frappe\.{name} = (\{{.*?\n\}});", html, re.DOTALL)
	assert found, f"frappe.{name} is not on the page"
	return json.loads(found.group(1))


def refusal(response: requests.Response) -> str:
	assert response.status_code != 200, response.text[:500]
	return response.text


def jpeg() -> bytes:
	from PIL import Image

	buffer = io.BytesIO()
	Image.new("RGB", (32, 32), "grey").save(buffer, "JPEG")
	return buffer.getvalue()


def stored(name: str, *fields):
	frappe.db.rollback()  # see what the server has committed since this transaction began
	return frappe.db.get_value(DOCTYPE, name, list(fields), as_dict=True)


@pytest.fixture
def portal(world, server):
	def open_as(user_key: str) -> Portal:
		return Portal(server.session(world.users[user_key], world.password))

	return open_as


@pytest.fixture
def filed(site):
	"""Requests a test files over HTTP are committed by the server: the test lists them here and they
	are deleted afterwards."""
	names = []
	yield names
	frappe.db.rollback()
	frappe.set_user("Administrator")
	for name in names:
		frappe.delete_doc(DOCTYPE, name, force=True, ignore_permissions=True)
	frappe.db.commit()


@pytest.fixture(autouse=True)
def submissions_allowed(site):
	# Frappe lets one address submit a web form ten times a minute, and every test client is 127.0.0.1
	frappe.cache.delete_keys(f"rl:{ACCEPT}:")


@pytest.fixture
def retired_category(site):
	name = "Test Retired Category"
	if not frappe.db.exists("Service Request Category", name):
		frappe.get_doc(
			{"doctype": "Service Request Category", "category_name": name, "is_active": 0}
		).insert()
	frappe.db.commit()
	yield name
	frappe.delete_doc("Service Request Category", name, force=True)
	frappe.db.commit()


def run_step(server, world, user_key: str, step: str, **data):
	client = server.session(world.users[user_key], world.password)
	response = client.post(f"{LOOP}.{step}", **data)
	assert response.status_code == 200, response.text


def resolved_request(server, world, resident: Portal, filed: list) -> str:
	name = resident.file(world)
	filed.append(name)
	run_step(server, world, "captain1", "dispatch", name=name, assignee=world.users["cw1"])
	run_step(server, world, "cw1", "accept", name=name)
	run_step(server, world, "cw1", "resolve", name=name, note="Replaced the bulb")
	return name


# --- the pages ----------------------------------------------------------------------------------


def test_the_form_opens_for_a_resident_with_active_categories_only(world, portal, retired_category):
	resident = portal("resident1")
	page = resident.open(f"/{WEB_FORM}/new", building=B1)
	assert page.status_code == 200
	assert "New Service Request" in page.text
	form = embedded(page.text, "web_form_doc")
	fields = {field["fieldname"]: field for field in form["web_form_fields"] if field.get("fieldname")}
	# the form fills a field from the query string of the same name: the QR code's building lands here
	assert fields["building"]["read_only"]
	categories = fields["category"]["options"].split("\n")
	assert world.categories["repairs"] in categories and retired_category not in categories
	assert not {"requester", "channel", "grid"} & set(fields)


def test_guests_and_users_without_a_resident_record_are_refused(world, server, portal):
	guest = requests.get(f"{server.url}/{WEB_FORM}/new", allow_redirects=False, timeout=60)
	assert guest.status_code == 403 or "/login" in guest.headers.get("Location", "")
	assert "web_form_doc" not in guest.text

	submitted = requests.post(
		f"{server.url}/api/method/{ACCEPT}",
		data={"web_form": WEB_FORM, "data": json.dumps({**FORM_DEFAULTS, "description": "x"})},
		timeout=60,
	)
	assert "login" in refusal(submitted)

	mediator = portal("mediator")
	page = mediator.open(f"/{WEB_FORM}/new")
	assert page.status_code == 403 and "Only registered residents" in page.text


# --- filing --------------------------------------------------------------------------------------


def test_a_request_filed_on_the_form_belongs_to_the_resident(world, portal, filed):
	resident = portal("resident1")
	name = resident.file(world, unit="2")
	filed.append(name)
	saved = stored(name, "requester", "channel", "building", "unit", "grid", "workflow_state", "owner")
	assert saved.requester == world.residents["resident1"]
	assert saved.channel == "Resident App"
	assert (saved.building, saved.unit, saved.grid) == (B1, "2", "TG11")
	assert saved.workflow_state == "Open" and saved.owner == world.users["resident1"]


def test_a_photo_from_the_phone_is_attached_to_the_request(world, portal, filed):
	resident = portal("resident1")
	photo = resident.upload_photo("stairs.jpg", jpeg())
	name = resident.file(world, photo=photo)
	filed.append(name)
	assert stored(name, "photo").photo == photo
	attached = frappe.db.get_value("File", {"file_url": photo}, ["attached_to_name", "attached_to_field"])
	assert attached == (name, "photo")


def test_a_captain_files_their_own_request_on_the_form_as_a_resident(world, portal, filed):
	captain = portal("captain1")
	response = captain.submit(
		**FORM_DEFAULTS, category=world.categories["repairs"], description="The lift is stuck"
	)
	if response.status_code == 200:
		filed.append(response.json()["message"]["name"])
	assert response.status_code == 200, response.text[:300]
	name = response.json()["message"]["name"]
	assert stored(name, "requester", "building").requester == world.residents["captain1"]
	assert name in captain.my_requests()


def test_the_building_from_the_qr_code_is_kept_and_checked(world, portal, filed):
	resident = portal("resident1")
	assert resident.open(f"/{WEB_FORM}/new", building=B1).status_code == 200
	name = resident.file(world, building=B1)
	filed.append(name)
	assert stored(name, "building").building == B1

	# a notice board of a building the resident does not live in
	refused = resident.submit(
		**FORM_DEFAULTS, category=world.categories["repairs"], description="x", building="TG11-2"
	)
	assert "only for the building you live in" in refusal(refused)


def test_markup_in_the_description_comes_back_as_plain_text(world, portal, filed):
	resident = portal("resident1")
	name = resident.file(world, description="Leak<script>alert('x')</script> in <b>unit 2</b>")
	filed.append(name)
	saved = stored(name, "description", "subject")
	assert saved.description == "Leak  in  unit 2"
	assert "<" not in saved.subject
	page = resident.open(f"/{WEB_FORM}/{name}/edit")
	assert "<script>alert" not in page.text and "<b>unit 2" not in page.text


def test_a_resident_cannot_set_a_handler_or_a_state(world, portal, filed):
	resident = portal("resident1")
	name = resident.file(world, handler=world.users["cw1"])
	filed.append(name)
	assert stored(name, "handler", "workflow_state") == {"handler": None, "workflow_state": "Open"}

	before = set(resident.my_requests())
	refused = resident.submit(
		**FORM_DEFAULTS, category=world.categories["repairs"], description="x", workflow_state="Closed"
	)
	assert "Workflow State transition not allowed" in refusal(refused)
	assert set(resident.my_requests()) == before

	request = resident.request_as_the_page_holds_it(name)
	refusal(resident.submit(**{**request, "workflow_state": "Accepted", "handler": world.users["cw1"]}))
	assert resident.submit(**{**request, "handler": world.users["resident1"]}).status_code == 200
	assert stored(name, "handler", "workflow_state") == {"handler": None, "workflow_state": "Open"}


def test_a_filed_request_keeps_what_was_filed(world, portal, filed):
	resident = portal("resident1")
	name = resident.file(world)
	filed.append(name)
	request = resident.request_as_the_page_holds_it(name)
	changed = {**request, "description": "Something else", "priority": "Urgent", "building": "TG11-2"}
	assert resident.submit(**changed).status_code == 200
	saved = stored(name, "description", "priority", "building")
	assert saved == {
		"description": "The stairwell light on floor 3 is out",
		"priority": "Medium",
		"building": B1,
	}


def test_a_changed_building_does_not_move_the_request_to_another_community(world, portal, filed):
	resident = portal("resident1")
	name = resident.file(world)
	filed.append(name)
	request = resident.request_as_the_page_holds_it(name)
	assert resident.submit(**{**request, "building": "TG21-4"}).status_code == 200
	assert stored(name, "building", "grid", "community") == {
		"building": B1,
		"grid": "TG11",
		"community": "TC1",
	}


# --- following: my requests ----------------------------------------------------------------------


def test_my_requests_shows_my_own_and_those_filed_for_me_only(world, server, portal, filed):
	resident1, resident2 = portal("resident1"), portal("resident2")
	mine = resident1.file(world)
	wish = resident1.file(world, request_type="Micro-wish", category=world.categories["errands"])
	theirs = resident2.file(world)
	filed.extend([mine, wish, theirs])

	worker = server.session(world.users["gw11"], world.password)
	response = worker.post(
		f"/api/resource/{DOCTYPE}",
		requester=world.residents["resident1"],
		channel="Phone",
		category=world.categories["repairs"],
		description="Called in: the entrance door does not close",
	)
	assert response.status_code == 200, response.text
	on_my_behalf = response.json()["data"]["name"]
	filed.append(on_my_behalf)

	listed = resident1.my_requests()
	assert {mine, wish, on_my_behalf} <= set(listed) and theirs not in listed
	assert listed[mine]["workflow_state"] == "Open"
	assert set(resident2.my_requests()) & {mine, wish, on_my_behalf} == set()
	assert theirs in resident2.my_requests()

	# the staff-filed request opens for the resident; another resident's does not
	assert resident1.open(f"/{WEB_FORM}/{on_my_behalf}/edit").status_code == 200
	assert resident2.open(f"/{WEB_FORM}/{mine}/edit").status_code == 403

	# a volunteer sees open micro-wishes on the board, but they are not the volunteer's requests
	volunteer = portal("volunteer")
	assert wish in volunteer.session.list_names(DOCTYPE)
	assert wish not in volunteer.my_requests()

	page = resident1.open(f"/{WEB_FORM}/list")
	assert page.status_code == 200 and "My Requests" in page.text


def test_a_rejected_request_tells_the_resident_why(world, server, portal, filed):
	resident = portal("resident1")
	name = resident.file(world)
	filed.append(name)
	run_step(server, world, "gw11", "reject", name=name, reason="Private property: the owner repairs it")
	request = resident.request_as_the_page_holds_it(name)
	assert request["workflow_state"] == "Rejected"
	assert request["rejection_reason"] == "Private property: the owner repairs it"
	assert resident.my_requests()[name]["workflow_state"] == "Rejected"


# --- rating --------------------------------------------------------------------------------------


def test_rating_on_the_form_reopens_or_closes_a_resolved_request(world, server, portal, filed):
	resident = portal("resident1")
	unsatisfied = resolved_request(server, world, resident, filed)
	satisfied = resolved_request(server, world, resident, filed)

	request = resident.request_as_the_page_holds_it(unsatisfied)
	assert request["workflow_state"] == "Resolved" and request["handler"] == world.users["cw1"]
	response = resident.submit(**{**request, "rating": "2", "rating_comment": "Still dark"})
	assert response.status_code == 200, response.text
	saved = stored(unsatisfied, "workflow_state", "reopen_count", "satisfied", "rating", "rating_comment")
	assert saved == {
		"workflow_state": "Reopened",
		"reopen_count": 1,
		"satisfied": 0,
		"rating": 2,
		"rating_comment": "Still dark",
	}

	request = resident.request_as_the_page_holds_it(satisfied)
	assert resident.submit(**{**request, "rating": "5"}).status_code == 200
	saved = stored(satisfied, "workflow_state", "satisfied", "closed_on")
	assert saved.workflow_state == "Closed" and saved.satisfied and saved.closed_on
	assert resident.my_requests()[satisfied]["workflow_state"] == "Closed"


def test_the_form_asks_whether_it_was_solved_apart_from_the_rating(world, server, portal, filed):
	"""The hotline's two questions: "solved?" decides what happens, the rating is satisfaction."""
	resident = portal("resident1")
	solved_unhappy = resolved_request(server, world, resident, filed)
	unsolved_happy = resolved_request(server, world, resident, filed)

	request = resident.request_as_the_page_holds_it(solved_unhappy)
	assert resident.submit(**{**request, "solved": "Yes", "rating": "2"}).status_code == 200
	saved = stored(solved_unhappy, "workflow_state", "solved", "rating", "satisfied")
	assert saved == {"workflow_state": "Closed", "solved": "Yes", "rating": 2, "satisfied": 0}

	request = resident.request_as_the_page_holds_it(unsolved_happy)
	assert resident.submit(**{**request, "solved": "No", "rating": "5"}).status_code == 200
	saved = stored(unsolved_happy, "workflow_state", "solved", "rating")
	assert saved == {"workflow_state": "Reopened", "solved": "No", "rating": 5}


def test_a_rating_before_resolution_changes_nothing(world, portal, filed):
	resident = portal("resident1")
	name = resident.file(world)
	filed.append(name)
	request = resident.request_as_the_page_holds_it(name)
	assert resident.submit(**{**request, "rating": "1"}).status_code == 200
	assert stored(name, "workflow_state", "rating") == {"workflow_state": "Open", "rating": 0}


# --- Chinese -------------------------------------------------------------------------------------


def zh() -> dict[str, str]:
	return get_translations_from_csv("zh", "community_governance")


def web_form_strings() -> set[str]:
	path = os.path.join(frappe.get_module_path("Community Governance"), "web_form", "service_request")
	with open(os.path.join(path, "service_request.json")) as fh:
		form = json.load(fh)
	strings = {form[key] for key in ("title", "list_title", "introduction_text", "success_title")}
	strings.add(form["success_message"])
	strings.update(column["label"] for column in form["list_columns"])
	for field in form["web_form_fields"]:
		strings.update(filter(None, [field.get("label"), field.get("description")]))
		if field["fieldtype"] == "Select":
			strings.update(option for option in field["options"].split("\n") if not option.isdigit())
	return strings - {""}


def test_every_string_of_the_web_form_is_translated(site):
	missing = sorted(text for text in web_form_strings() if text not in zh())
	assert not missing, f"untranslated web form strings: {missing}"


def test_the_frappe_strings_on_the_pages_are_translated(site):
	frappe.local.lang = "zh"
	shown_by_frappe = {*SCRIPT_MESSAGES, "Sr", "See previous responses", "Submit another response"}
	missing = sorted(text for text in shown_by_frappe if _(text) == text)
	assert not missing, f"untranslated Frappe strings on the web form: {missing}"
	assert _("Sr") == "序号"


@pytest.fixture
def speaks_chinese(world):
	user = world.users["resident2"]

	def set_language(language):
		doc = frappe.get_doc("User", user)
		doc.language = language
		doc.save(ignore_permissions=True)
		frappe.db.commit()

	set_language("zh")
	yield "resident2"
	frappe.db.rollback()
	set_language("en")


def test_a_chinese_speaking_resident_gets_the_form_in_chinese(world, portal, speaks_chinese):
	resident = portal(speaks_chinese)
	page = resident.open(f"/{WEB_FORM}/new")
	assert page.status_code == 200
	assert f"{zh()['New {0}'].format(zh()['Service Request'])}</h1>" in page.text
	form = embedded(page.text, "web_form_doc")
	assert zh()[form["introduction_text"]] in page.text
	assert "New Service Request" not in page.text
	assert (
		form["script_messages"]["Your form has been successfully updated"]
		== zh()["Your form has been successfully updated"]
	)

	page = resident.open(f"/{WEB_FORM}/list")
	assert page.status_code == 200 and zh()["My Requests"] in page.text
	# the list script translates the column labels and statuses with these
	messages = embedded(page.text, "_messages")
	assert messages["Status"] == zh()["Status"] and messages["Resolved"] == zh()["Resolved"]
