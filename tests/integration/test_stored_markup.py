"""Nothing a user types or uploads comes back as live markup: photo fields hold only addresses of files
uploaded to this site that the user may use, and free text is plain text however often it was
encoded. Over HTTP as the real users, and on the pages that print the values raw: the web form's
page (its title and embedded JSON) and Frappe's standard print view."""

import json

import pytest

import frappe
from community_governance import attachments
from tests.integration.test_service_request_web_form import ACCEPT, LOOP, Portal, embedded

pytestmark = pytest.mark.http

SR = "Service Request"
FORGED_PHOTOS = {
	"markup after the extension": ('/files/x.png?"><svg onload=alert(1)>', "uploaded to this site"),
	"another site's address": ("https://evil.example/x.png", "uploaded to this site"),
	"a script address": ("javascript:alert(1)//x.png", "uploaded to this site"),
	"a file never uploaded": ("/files/never-uploaded-3f9a.png", "not a file you uploaded"),
	"not a photo": ("/files/notes.pdf", "must be a photo"),
}
# what a resident types to get markup stored: encoded once, encoded twice
ENCODED_LINK = "&lt;a href=https://evil.example/prize&gt;claim your prize&lt;/a&gt;"
TWICE_ENCODED_SCRIPT = "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;"
LIVE_MARKUP = ("<a href=https://evil.example", "evil.example", "<script>alert", "alert(1)", "onload=")


def jpeg() -> bytes:
	"""A photo of its own: Frappe gives an upload of the same bytes the address of the first one."""
	import io
	import os

	from PIL import Image

	buffer = io.BytesIO()
	Image.frombytes("RGB", (16, 16), os.urandom(16 * 16 * 3)).save(buffer, "JPEG")
	return buffer.getvalue()


@pytest.fixture
def filed(site):
	names = []
	yield names
	frappe.db.rollback()
	frappe.set_user("Administrator")
	for name in names:
		frappe.delete_doc(SR, name, force=True, ignore_permissions=True)
	frappe.db.commit()


@pytest.fixture(autouse=True)
def uploads_removed(site):
	"""Photos the users upload here are deleted afterwards, with their files on disk."""
	started = frappe.utils.now_datetime()
	yield
	frappe.db.rollback()
	for name in frappe.get_all("File", {"creation": (">=", started), "is_folder": 0}, pluck="name"):
		frappe.delete_doc("File", name, force=True, ignore_permissions=True)
	frappe.db.commit()


@pytest.fixture(autouse=True)
def submissions_allowed(site):
	frappe.cache.delete_keys(f"rl:{ACCEPT}:")


@pytest.fixture
def portal(world, server):
	def open_as(user_key: str) -> Portal:
		return Portal(server.session(world.users[user_key], world.password))

	return open_as


def requests_of(resident: str) -> int:
	frappe.db.rollback()
	return frappe.db.count(SR, {"requester": resident})


def server_message(response) -> str:
	data = response.json()
	return " ".join(json.loads(message)["message"] for message in json.loads(data["_server_messages"]))


def assert_refused(response, message: str, filed: list | None = None):
	if response.status_code == 200 and filed is not None:
		filed.append(response.json()["message"]["name"])  # cleaned up even when the test fails
	assert response.status_code == 417, response.text[:500]
	assert message in server_message(response)
	assert "Traceback" not in response.text


# --- photos --------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", FORGED_PHOTOS)
def test_a_forged_photo_address_is_refused_and_nothing_is_filed(world, portal, filed, case):
	url, message = FORGED_PHOTOS[case]
	resident = portal("resident1")
	before = requests_of(world.residents["resident1"])
	response = resident.submit(
		request_type="Request",
		priority="Medium",
		category=world.categories["repairs"],
		description="The stairwell light is out",
		photo=url,
	)
	assert_refused(response, message, filed)
	assert requests_of(world.residents["resident1"]) == before


def test_another_resident_s_private_photo_cannot_be_borrowed(world, portal, filed):
	theirs = portal("resident2").upload_photo("their-door.jpg", jpeg())
	resident = portal("resident1")
	response = resident.submit(
		request_type="Request",
		priority="Medium",
		category=world.categories["repairs"],
		description="Borrowed photo",
		photo=theirs,
	)
	assert_refused(response, "not a file you uploaded", filed)
	# their own upload is accepted
	own = resident.upload_photo("my-stairs.jpg", jpeg())
	name = resident.file(world, photo=own)
	filed.append(name)
	frappe.db.rollback()
	assert frappe.db.get_value(SR, name, "photo") == own


def test_another_resident_s_private_file_cannot_be_taken_over_by_its_address(world, portal, server):
	"""Frappe's upload with only a file_url makes a File owned by the caller, which its owner may
	download: naming someone else's private address must be refused, and the bytes stay theirs."""
	owner = portal("resident2")
	theirs = owner.upload_photo("their-kitchen.jpg", jpeg())
	thief = portal("resident1")
	response = thief.session.http.post(
		f"{server.url}/api/method/upload_file",
		data={"file_url": theirs, "is_private": 1, "folder": "Home"},
		headers={"X-Frappe-CSRF-Token": thief.csrf_token or ""},
		timeout=60,
	)
	assert response.status_code == 403, response.text[:300]
	assert "Traceback" not in response.text
	assert thief.session.get(theirs).status_code == 403
	frappe.db.rollback()
	assert frappe.get_all("File", {"file_url": theirs, "owner": world.users["resident1"]}) == []
	# the owner may still link their own file again, and read it
	again = owner.session.http.post(
		f"{server.url}/api/method/upload_file",
		data={"file_url": theirs, "is_private": 1, "folder": "Home"},
		headers={"X-Frappe-CSRF-Token": owner.csrf_token or ""},
		timeout=60,
	)
	assert again.status_code == 200, again.text[:300]
	assert owner.session.get(theirs).status_code == 200


def test_a_file_named_to_break_out_of_the_page_is_refused(world, portal, filed):
	resident = portal("resident1")
	url = resident.upload_photo('x"><svg onload=alert(1)>.png', jpeg())
	assert "<svg" in url  # Frappe keeps the name as it was sent
	response = resident.submit(
		request_type="Request",
		priority="Medium",
		category=world.categories["repairs"],
		description="Odd file name",
		photo=url,
	)
	assert_refused(response, "uploaded to this site", filed)


def test_a_handler_cannot_resolve_with_a_forged_photo(world, server, portal, filed):
	name = portal("resident1").file(world)
	filed.append(name)
	captain = server.session(world.users["captain1"], world.password)
	worker = server.session(world.users["cw1"], world.password)
	assert captain.post(f"{LOOP}.dispatch", name=name, assignee=world.users["cw1"]).status_code == 200
	assert worker.post(f"{LOOP}.accept", name=name).status_code == 200

	forged = FORGED_PHOTOS["markup after the extension"][0]
	response = worker.post(f"{LOOP}.resolve", name=name, note="Replaced the bulb", photo=forged)
	assert_refused(response, "uploaded to this site")
	frappe.db.rollback()
	assert frappe.db.get_value(SR, name, ["workflow_state", "resolution_photo"]) == ("Accepted", None)

	put = worker.put(f"/api/resource/{SR}/{name}", photo=forged)
	assert_refused(put, "uploaded to this site")

	photo = Portal(worker).upload_photo("fixed.jpg", jpeg())
	response = worker.post(f"{LOOP}.resolve", name=name, note="Replaced the bulb", photo=photo)
	assert response.status_code == 200, response.text[:500]
	frappe.db.rollback()
	assert frappe.db.get_value(SR, name, "resolution_photo") == photo


@pytest.fixture
def patrol_log(world, site):
	created = []
	yield created
	frappe.db.rollback()
	for doctype, name in reversed(created):
		frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	frappe.db.commit()


def test_a_patrol_finding_photo_is_checked_and_reported_with_the_request(world, server, patrol_log):
	captain = server.session(world.users["captain1"], world.password)
	log = {
		"building": world.buildings["b2"],
		"patrol_date": frappe.utils.today(),
		"findings": [
			{
				"finding_type": "Hazard",
				"description": "Loose handrail",
				"photo": FORGED_PHOTOS["markup after the extension"][0],
			}
		],
	}
	assert_refused(captain.post("/api/resource/Patrol Log", **log), "Row 1: Photo must be a file")

	log["findings"][0]["photo"] = Portal(captain).upload_photo("handrail.jpg", jpeg())
	response = captain.post("/api/resource/Patrol Log", **log)
	assert response.status_code == 200, response.text[:500]
	saved = response.json()["data"]
	patrol_log.append(("Patrol Log", saved["name"]))

	# the grid worker reports the captain's finding: the photo goes with it
	worker = server.session(world.users["gw11"], world.password)
	response = worker.post(
		"/api/method/community_governance.api.patrol.report_finding",
		patrol_log=saved["name"],
		finding=saved["findings"][0]["name"],
		category=world.categories["repairs"],
	)
	assert response.status_code == 200, response.text[:500]
	request = response.json()["message"]["service_request"]
	patrol_log.insert(0, (SR, request))
	frappe.db.rollback()
	assert frappe.db.get_value(SR, request, "photo") == log["findings"][0]["photo"]


# Attach fields of the app and where each is proven above or below; a new one fails until it is
ATTACH_FIELDS = {
	("Service Request", "photo"),
	("Service Request", "resolution_photo"),
	("Patrol Finding", "photo"),
	("Building Captain", "photo"),
	("Reward", "image"),
	("Community Notice", "attachment"),  # test_notices: a private attachment, and a forged one
}


def test_every_attach_field_of_the_app_is_checked(site):
	found = {
		(row.parent, row.fieldname)
		for row in frappe.get_all(
			"DocField",
			filters={"fieldtype": ("in", attachments.ATTACH_FIELDTYPES)},
			fields=["parent", "fieldname"],
		)
		if frappe.db.get_value("DocType", row.parent, "module") == "Community Governance"
	}
	assert found == ATTACH_FIELDS


@pytest.mark.parametrize(
	"doctype, fieldname", [("Building Captain", "photo"), ("Reward", "image")], ids=["captain", "reward"]
)
def test_staff_records_refuse_a_forged_photo_too(world, doctype, fieldname):
	name = world.captaincies["captain1"] if doctype == "Building Captain" else None
	if doctype == "Reward":
		reward = {"doctype": "Reward", "reward_name": "Test Tea", "reward_type": "Service", "points_cost": 5}
		name = frappe.get_doc(reward).insert().name  # rolled back after the test
	doc = frappe.get_doc(doctype, name)
	doc.set(fieldname, FORGED_PHOTOS["markup after the extension"][0])
	with pytest.raises(frappe.ValidationError, match="uploaded to this site"):
		doc.save()


# --- free text on the pages that print it raw ------------------------------------------------------


def test_encoded_markup_in_a_request_never_reaches_a_page_as_markup(world, server, portal, filed):
	resident = portal("resident1")
	name = resident.file(world, subject=TWICE_ENCODED_SCRIPT + " lift", description=ENCODED_LINK)
	filed.append(name)
	frappe.db.rollback()
	stored = frappe.db.get_value(SR, name, ["subject", "description"], as_dict=True)
	assert stored.description == "claim your prize"
	assert "<" not in stored.subject and "&" not in stored.subject

	page = resident.open(f"/service-request/{name}/edit")
	assert page.status_code == 200
	assert embedded(page.text, "reference_doc")["description"] == "claim your prize"

	worker = server.session(world.users["cw1"], world.password)
	printed = worker.get("/printview", doctype=SR, name=name, format="Standard")
	assert printed.status_code == 200
	assert "claim your prize" in printed.text
	for page_text in (page.text, printed.text):
		for markup in LIVE_MARKUP:
			assert markup not in page_text


def test_forged_addresses_saved_before_the_check_are_cleared(world):
	from community_governance.patches import clear_forged_attachments

	frappe.set_user(world.users["resident1"])
	photo = frappe.get_doc(
		{"doctype": "File", "file_name": "kept.jpg", "content": jpeg(), "is_private": 1}
	).insert()
	requests = {
		url: frappe.get_doc(
			{"doctype": SR, "category": world.categories["repairs"], "description": "Old request"}
		).insert()
		for url in (
			FORGED_PHOTOS["markup after the extension"][0],
			"https://evil.example/x.png",
			photo.file_url,
		)
	}
	frappe.set_user("Administrator")
	for url, request in requests.items():
		request.db_set("photo", url)  # as an earlier version stored it, unchecked

	clear_forged_attachments.execute()

	kept = {url: frappe.db.get_value(SR, request.name, "photo") for url, request in requests.items()}
	assert kept == {url: url if url == photo.file_url else None for url in requests}
