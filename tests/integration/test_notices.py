"""Notices (通知公告) over HTTP as the real users: a notice reaches exactly the residents of its
audience, residents read and confirm their own copy (twenty at once), captains and workers see who
has not confirmed door by door inside their own buildings only, desk users get a Notification Log and
residents an SMS through the stand-in gateway, and bad input is refused with a clear 4xx.

Notices posted over HTTP stay on the test site, like the records of the other HTTP tests, but are
withdrawn when the module ends, so that the residents' pages of later tests show only their own;
each test names its own notice by a fresh title and counts only that one."""

import json
import re
import threading
import uuid
from types import SimpleNamespace

import pytest

import frappe
from community_governance import notices, scope
from frappe.utils import add_to_date, now_datetime
from tests.integration import world as world_module
from tests.integration.conftest import as_user

pytestmark = pytest.mark.http

API = "/api/method/community_governance.api.notices."
NOTICE = "Community Notice"
RECEIPT = "Community Notice Receipt"
CROWD = 20
CROWD_BUILDING = "TG12-3"


def stamp(moment) -> str:
	return moment.strftime("%Y-%m-%d %H:%M:%S")


def notice_values(title=None, buildings=("TG11-1",), **extra) -> dict:
	values = {
		"title": title or f"Water off {uuid.uuid4().hex[:6]}",
		"body": "<p>The water is off tomorrow from 9 to 12.</p>",
		"audience": "Buildings",
		"buildings": [{"building": name} for name in buildings],
		"publish_on": stamp(add_to_date(now_datetime(), minutes=-1)),
		"docstatus": 1,
	}
	values.update(extra)
	return values


def post_notice(client, **values):
	return client.post(f"/api/resource/{NOTICE}", **notice_values(**values))


POSTED: list[str] = []


def posted(client, **values) -> dict:
	response = post_notice(client, **values)
	assert response.status_code == 200, response.text[:800]
	POSTED.append(response.json()["data"]["name"])
	return response.json()["data"]


@pytest.fixture(scope="module", autouse=True)
def withdrawn_at_the_end(site):
	yield
	frappe.db.rollback()
	for name in POSTED:
		frappe.db.set_value(NOTICE, name, "docstatus", 2, update_modified=False)
	frappe.db.commit()


def message_of(response) -> str:
	body = response.json()
	messages = [
		json.loads(item).get("message", "") for item in json.loads(body.get("_server_messages", "[]"))
	]
	return re.sub(r"<[^>]+>", "", " ".join(messages))


def refused(response, status: int, text: str):
	assert response.status_code == status, (response.status_code, response.text[:800])
	assert text in message_of(response), response.text[:800]


def fresh():
	frappe.db.rollback()


def receipts_of(notice: str) -> set[str]:
	fresh()
	return set(frappe.get_all(RECEIPT, filters={"notice": notice}, pluck="resident"))


def active_residents(*buildings, **tags) -> set[str]:
	return set(
		frappe.get_all(
			"Resident", filters={"building": ("in", buildings), "status": "Active", **tags}, pluck="name"
		)
	)


@pytest.fixture(scope="module")
def clients(server, world):
	sessions = {}

	def client(user_key):
		if user_key not in sessions:
			sessions[user_key] = server.session(world.users[user_key], world.password)
		return sessions[user_key]

	return client


@pytest.fixture(scope="module")
def pages(server, world):
	"""Fresh logins for page visits: a page gives its session a CSRF token that later POSTs need."""
	sessions = {}

	def page(user_key, path, **params):
		if user_key not in sessions:
			sessions[user_key] = server.session(world.users[user_key], world.password)
		return sessions[user_key].get(path, **params)

	return page


# --- reaching the audience -----------------------------------------------------------------------


def test_a_notice_to_one_building_reaches_exactly_its_residents(world, clients, pages):
	notice = posted(clients("captain1"), buildings=("TG11-1",))
	assert notice["docstatus"] == 1 and notice["delivered_on"]
	expected = active_residents("TG11-1")
	assert {world.residents["captain1"], world.residents["resident1"]} <= expected
	assert receipts_of(notice["name"]) == expected
	assert world.residents["neighbour1"] not in expected  # the building next door, same captain
	assert frappe.db.get_value(NOTICE, notice["name"], "recipients") == len(expected)

	assert notice["name"] in clients("resident1").list_names(NOTICE)
	for outsider in ("resident2", "volunteer"):
		assert notice["name"] not in clients(outsider).list_names(NOTICE)
		assert clients(outsider).get(f"/api/resource/{NOTICE}/{notice['name']}").status_code == 403
	page = pages("resident1", "/me/notices")
	assert page.status_code == 200 and notice["title"] in page.text
	assert notice["title"] not in pages("resident2", "/me/notices").text
	# each resident reads their own receipt only
	assert clients("resident1").list_names(RECEIPT, notice=notice["name"]) == {
		notices.receipt_name(notice["name"], world.residents["resident1"])
	}


def test_a_care_group_notice_reaches_only_that_group(world, clients, pages):
	notice = posted(
		clients("gw11"), audience="Grid", grid="TG11", buildings=[], care_group="Elderly Living Alone"
	)
	assert {row["building"] for row in notice["buildings"]} == {"TG11-1", "TG11-2"}
	assert receipts_of(notice["name"]) == active_residents("TG11-1", "TG11-2", elderly_living_alone=1)
	assert world.residents["resident1"] in receipts_of(notice["name"])
	assert world.residents["captain1"] not in receipts_of(notice["name"])
	# the captain of the grid's buildings still sees the notice in the desk, but is not its reader,
	# and does not learn who is in the care group: neither from the receipts nor the unread list
	assert notice["name"] in clients("captain1").list_names(NOTICE)
	assert notice["title"] not in pages("captain1", "/me/notices").text
	assert clients("captain1").list_names(RECEIPT, notice=notice["name"]) == set()
	refused(clients("captain1").get(API + "unread_by_building", notice=notice["name"]), 403, "care tags")
	report = clients("gw11").get(API + "unread_by_building", notice=notice["name"]).json()["message"]
	assert report["recipients"] == len(receipts_of(notice["name"]))


def test_a_community_notice_lists_every_building_and_a_street_notice_needs_the_whole_street(clients):
	notice = posted(clients("cw1"), audience="Community", community="TC1", buildings=[])
	assert {row["building"] for row in notice["buildings"]} >= {"TG11-1", "TG11-2", "TG12-3"}
	refused(post_notice(clients("cw1"), audience="Street", buildings=[]), 403, "outside them")
	street = posted(clients("soa"), audience="Street", buildings=[])
	fresh()
	assert {row["building"] for row in street["buildings"]} >= {"TG11-1", "TG21-4"}
	# a captain of some of its buildings reads it, but cannot withdraw the street's notice
	assert street["name"] in clients("captain1").list_names(NOTICE)
	cancel = clients("captain1").post("/api/method/frappe.client.cancel", doctype=NOTICE, name=street["name"])
	refused(cancel, 403, "outside them")
	fresh()
	assert frappe.db.get_value(NOTICE, street["name"], "docstatus") == 1


# --- confirming ----------------------------------------------------------------------------------


def test_confirming_is_idempotent_and_only_for_the_residents_addressed(world, clients):
	notice = posted(clients("captain1"), buildings=("TG11-1", "TG11-2"), requires_confirmation=1)
	resident = clients("resident1")
	first = resident.post(API + "confirm_read", notice=notice["name"])
	assert first.status_code == 200, first.text[:500]
	confirmed_on = first.json()["message"]["confirmed_on"]
	assert confirmed_on and first.json()["message"]["read_on"]
	again = resident.post(API + "confirm_read", notice=notice["name"])
	assert again.status_code == 200 and again.json()["message"]["confirmed_on"] == confirmed_on

	refused(clients("resident2").post(API + "confirm_read", notice=notice["name"]), 403, "not sent to you")
	refused(clients("resident2").post(API + "confirm_read", notice="CN-0000-00000"), 403, "not sent to you")
	# confirming is a POST: a GET (a link, a prefetch) changes nothing
	assert resident.get(API + "confirm_read", notice=notice["name"]).status_code in (403, 405)

	plain = posted(clients("captain1"), buildings=("TG11-1",))
	refused(resident.post(API + "confirm_read", notice=plain["name"]), 417, "does not ask you to confirm")
	read = resident.post(API + "mark_read", notice=plain["name"])
	assert read.status_code == 200 and read.json()["message"]["read_on"]
	assert not read.json()["message"]["confirmed_on"]


def test_the_unread_list_shows_the_doors_that_have_not_confirmed(world, clients):
	notice = posted(clients("captain1"), buildings=("TG11-1", "TG11-2"), requires_confirmation=1)
	assert clients("resident1").post(API + "confirm_read", notice=notice["name"]).status_code == 200

	response = clients("captain1").get(API + "unread_by_building", notice=notice["name"])
	assert response.status_code == 200, response.text[:500]
	report = response.json()["message"]
	assert report["requires_confirmation"] and report["counts"] == "confirmed"
	by_building = {entry["building"]: entry for entry in report["buildings"]}
	assert set(by_building) == {"TG11-1", "TG11-2"}
	expected = {
		building: active_residents(building) - {world.residents["resident1"]} for building in by_building
	}
	for building, entry in by_building.items():
		pending = {resident["resident"] for door in entry["doors"] for resident in door["residents"]}
		assert pending == expected[building], building
		assert entry["pending"] == len(pending) and entry["recipients"] == entry["done"] + entry["pending"]
	assert report["done"] == 1 and report["recipients"] == len(active_residents("TG11-1", "TG11-2"))

	neighbour = next(
		resident
		for door in by_building["TG11-2"]["doors"]
		for resident in door["residents"]
		if resident["resident"] == world.residents["neighbour1"]
	)
	full_phone = frappe.db.get_value("Resident", world.residents["neighbour1"], "phone")
	assert neighbour["phone_masked"] and "*" in neighbour["phone_masked"]
	assert full_phone not in response.text
	door = next(door for door in by_building["TG11-2"]["doors"] if neighbour in door["residents"])
	assert (door["unit"], door["room"]) == ("1", "1501")

	# the grid worker of Grid 1-1 sees the same; Grid 1-2's worker and residents are refused
	assert (
		clients("gw11").get(API + "unread_by_building", notice=notice["name"]).json()["message"]["recipients"]
		== report["recipients"]
	)
	assert clients("gw12").get(API + "unread_by_building", notice=notice["name"]).status_code == 403
	assert clients("resident1").get(API + "unread_by_building", notice=notice["name"]).status_code == 403
	assert clients("captain1").get(API + "unread_by_building", notice="CN-0000-00000").status_code == 404


def test_the_captains_page_lists_the_doors_that_have_not_confirmed(world, clients, pages):
	title = f"Lift inspection {uuid.uuid4().hex[:6]}"
	notice = posted(clients("captain1"), title=title, buildings=("TG11-1",), requires_confirmation=1)
	assert clients("resident1").post(API + "confirm_read", notice=notice["name"]).status_code == 200
	not_asking = posted(clients("captain1"), buildings=("TG11-1",))  # asks for no confirmation

	page = pages("captain1", "/me/captain")
	assert page.status_code == 200
	section = page.text[page.text.index('id="captain-notices"') :]
	assert title in section and not_asking["title"] not in section
	block = section[section.index(title) :]
	block = block.split('class="resident-card captain-notice"')[0]  # this notice's card alone
	pending = active_residents("TG11-1") - {world.residents["resident1"]}
	names = {frappe.db.get_value("Resident", name, "full_name") for name in pending}
	assert names and all(name in block for name in names)
	assert frappe.db.get_value("Resident", world.residents["resident1"], "full_name") not in block
	# once every household has confirmed, the notice leaves the captain's page
	for resident in pending:
		frappe.db.set_value(
			RECEIPT, {"notice": notice["name"], "resident": resident}, "confirmed_on", now_datetime()
		)
	frappe.db.commit()
	assert title not in pages("captain1", "/me/captain").text


def test_a_community_workers_list_is_limited_to_their_buildings_of_a_street_notice(clients):
	notice = posted(clients("soa"), audience="Street", buildings=[], requires_confirmation=1)
	report = clients("cw2").get(API + "unread_by_building", notice=notice["name"]).json()["message"]
	assert {entry["building"] for entry in report["buildings"]} == {"TG21-4"}
	captain = clients("captain1").get(API + "unread_by_building", notice=notice["name"]).json()["message"]
	assert {entry["building"] for entry in captain["buildings"]} == {"TG11-1", "TG11-2"}


# --- who may post where, and bad input -----------------------------------------------------------


def test_a_captain_cannot_post_outside_their_buildings(clients):
	captain = clients("captain1")
	refused(post_notice(captain, buildings=("TG21-4",)), 403, "only to your own buildings")
	refused(post_notice(captain, buildings=("TG11-1", "TG12-3")), 403, "TG12-3 is outside them")
	refused(post_notice(captain, audience="Community", community="TC1", buildings=[]), 403, "outside them")
	refused(post_notice(clients("gw11"), buildings=("TG12-3",)), 403, "outside them")
	# a captain does not read care tags, so cannot address a care group
	refused(post_notice(captain, care_group="Elderly Living Alone"), 403, "care tags")
	# nor can a resident post at all
	assert post_notice(clients("resident1")).status_code == 403


def test_bad_input_is_refused_and_nothing_is_saved(clients):
	captain = clients("captain1")
	title = f"Refused {uuid.uuid4().hex[:6]}"
	now = now_datetime()
	refused(
		post_notice(
			captain, title=title, publish_on=stamp(now), expires_on=stamp(add_to_date(now, hours=-1))
		),
		417,
		"must expire after it is published",
	)
	refused(post_notice(captain, title=title, buildings=[]), 417, "Choose who the notice goes to")
	refused(post_notice(captain, title=title, audience="Grid", grid=None, buildings=[]), 417, "Choose who")
	refused(post_notice(captain, title=title, body="<script>alert(1)</script>"), 417, "Write what the notice")
	fresh()
	assert not frappe.db.exists(NOTICE, {"title": title})


def test_markup_in_a_notice_is_sanitised(clients, pages):
	notice = posted(
		clients("captain1"),
		title="<b>Lift</b> <script>alert(1)</script>repairs",
		body='<p onclick="alert(1)">Lift <b>repairs</b></p><script>alert(2)</script><img src=x onerror=alert(3)>'
		'<iframe src="https://evil.example"></iframe>',
	)
	assert notice["title"] == "Lift repairs"
	for live in ("<script", "onclick", "onerror", "<iframe", "alert(2)"):
		assert live not in notice["body"]
	assert "<b>repairs</b>" in notice["body"]
	opened = pages("resident1", "/me/notices", notice=notice["name"])
	assert opened.status_code == 200 and "<b>repairs</b>" in opened.text
	assert "onerror" not in opened.text and "alert(2)" not in opened.text


# --- time ----------------------------------------------------------------------------------------


def test_expired_and_withdrawn_notices_disappear_from_the_residents_page(world, clients, pages):
	now = now_datetime()
	expired = posted(
		clients("captain1"),
		publish_on=stamp(add_to_date(now, hours=-3)),
		expires_on=stamp(add_to_date(now, hours=-1)),
	)
	live = posted(clients("captain1"), expires_on=stamp(add_to_date(now, days=1)))
	withdrawn = posted(clients("captain1"))
	cancel = clients("captain1").post(
		"/api/method/frappe.client.cancel", doctype=NOTICE, name=withdrawn["name"]
	)
	assert cancel.status_code == 200, cancel.text[:500]
	page = pages("resident1", "/me/notices").text
	assert live["title"] in page
	assert expired["title"] not in page and withdrawn["title"] not in page
	mine = clients("resident1").get(API + "my_notices").json()["message"]
	names = [row["name"] for row in mine["notices"]]
	assert live["name"] in names and expired["name"] not in names and withdrawn["name"] not in names
	refused(clients("resident1").post(API + "mark_read", notice=expired["name"]), 417, "no longer published")


def test_unread_first_and_the_badge_counts_unread_notices(world, clients, pages):
	resident = clients("resident1")
	older = posted(clients("captain1"), publish_on=stamp(add_to_date(now_datetime(), minutes=-30)))
	newer = posted(clients("captain1"))
	assert resident.post(API + "mark_read", notice=newer["name"]).status_code == 200
	mine = resident.get(API + "my_notices").json()["message"]
	names = [row["name"] for row in mine["notices"]]
	assert names.index(older["name"]) < names.index(newer["name"])  # unread before read
	assert all(not row["read_on"] for row in mine["notices"][: mine["unread"]])
	hub = pages("resident1", "/me/services")
	assert hub.status_code == 200
	assert f'data-unread-count="{mine["unread"]}"' in hub.text


def test_a_notice_for_later_is_delivered_when_its_time_comes(world):
	as_user(world.users["captain1"])
	doc = frappe.get_doc(
		{
			"doctype": NOTICE,
			**notice_values(publish_on=stamp(add_to_date(now_datetime(), hours=2)), docstatus=0),
		}
	).insert()
	doc.submit()
	assert not doc.delivered_on and not frappe.db.count(RECEIPT, {"notice": doc.name})
	as_user(world.users["resident1"])
	assert not frappe.has_permission(NOTICE, "read", doc.name)  # not yet delivered to them
	frappe.set_user("Administrator")
	frappe.db.set_value(NOTICE, doc.name, "publish_on", add_to_date(now_datetime(), minutes=-1))
	notices.deliver_due_notices()
	assert frappe.db.count(RECEIPT, {"notice": doc.name}) == len(active_residents("TG11-1"))
	notices.deliver_due_notices()  # delivering again adds nothing
	assert frappe.db.count(RECEIPT, {"notice": doc.name}) == len(active_residents("TG11-1"))
	as_user(world.users["resident1"])
	assert frappe.has_permission(NOTICE, "read", doc.name)


# --- telling people ------------------------------------------------------------------------------


def test_desk_users_of_the_audience_get_a_notification(world, clients):
	notice = posted(clients("captain1"), buildings=("TG11-1",))
	fresh()
	told = set(
		frappe.get_all(
			"Notification Log",
			filters={"document_type": NOTICE, "document_name": notice["name"]},
			pluck="for_user",
		)
	)
	assert {world.users["gw11"], world.users["cw1"]} <= told
	assert world.users["captain1"] not in told  # who posted it
	assert not told & {world.users["gw12"], world.users["gw21"], world.users["cw2"], world.users["captain2"]}


def test_residents_get_an_sms_through_the_gateway(world, clients, sms_gateway):
	from frappe.utils.background_jobs import get_job

	notice = posted(clients("captain2"), buildings=("TG21-4",))
	job = get_job(notices.sms_job_id(notice["name"]))
	assert job is not None, "the SMS was not queued"
	arguments = job.kwargs
	assert arguments["method"] == notices.SMS_JOB and arguments["site"] == frappe.local.site
	try:
		fresh()
		sent = frappe.get_attr(arguments["method"])(**arguments["kwargs"])
	finally:
		job.delete()
	phones = frappe.get_all(
		"Resident", filters={"name": ("in", list(active_residents("TG21-4")))}, pluck="phone"
	)
	assert sorted(sent) == sorted(phone for phone in phones if phone)
	assert (
		notice["title"]
		in sms_gateway.sent_to(frappe.db.get_value("Resident", world.residents["resident2"], "phone"))[0]
	)
	resident1_phone = frappe.db.get_value("Resident", world.residents["resident1"], "phone")
	assert not sms_gateway.sent_to(resident1_phone)


def test_a_private_attachment_is_read_by_the_audience_only(world, clients, pages):
	notice = posted(clients("captain1"), buildings=("TG11-1",))
	frappe.set_user("Administrator")
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"notice-{uuid.uuid4().hex[:6]}.txt",
			"content": b"meter readings",
			"is_private": 1,
			"attached_to_doctype": NOTICE,
			"attached_to_name": notice["name"],
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	assert clients("resident1").get(file.file_url).status_code == 200
	assert clients("resident2").get(file.file_url).status_code == 403
	assert file.file_name in pages("resident1", "/me/notices", notice=notice["name"]).text


def test_an_attachment_must_be_a_file_the_author_may_use(world, clients):
	"""The attachment field takes the site's own files only: not another's private file, not a made-up
	address (checked like every Attach field of the app, see attachments.py)."""
	frappe.set_user("Administrator")
	private = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"minutes-{uuid.uuid4().hex[:6]}.txt",
			"content": b"committee minutes",
			"is_private": 1,
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	for forged in (private.file_url, "/files/no-such-file.pdf", '/files/x.pdf"><script>alert(1)</script>'):
		response = post_notice(clients("captain1"), attachment=forged)
		assert response.status_code == 417, (forged, response.text[:500])
	frappe.db.rollback()
	assert not frappe.db.exists(NOTICE, {"attachment": private.file_url})


# --- many at once --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def crowd(world):
	frappe.set_user("Administrator")
	users = {}
	for number in range(1, CROWD + 1):
		key = f"noticecrowd{number:02d}"
		users[key] = world_module.ensure_user(key, ())
		world_module.ensure_resident(
			f"Notice Crowd {number:02d}", CROWD_BUILDING, "1", f"N{number:02d}", users[key]
		)
	frappe.db.commit()
	scope.forget()
	return SimpleNamespace(users=users, password=world.password)


def test_twenty_residents_confirming_at_once_all_count(world, crowd, gunicorn_server):
	gw = gunicorn_server.session(world.users["gw12"], world.password)
	notice = posted(gw, buildings=(CROWD_BUILDING,), requires_confirmation=1)
	sessions = [gunicorn_server.session(user, crowd.password) for user in crowd.users.values()]
	barrier = threading.Barrier(len(sessions))
	responses = [None] * len(sessions)

	def confirm(index, session):
		barrier.wait()
		responses[index] = session.post(API + "confirm_read", notice=notice["name"])

	threads = [threading.Thread(target=confirm, args=pair) for pair in enumerate(sessions)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(timeout=120)
	assert [response.status_code for response in responses] == [200] * CROWD, [
		response.text[:300] for response in responses if response.status_code != 200
	]
	fresh()
	crowd_residents = set(
		frappe.get_all("Resident", filters={"user": ("in", list(crowd.users.values()))}, pluck="name")
	)
	confirmed = set(
		frappe.get_all(
			RECEIPT,
			filters={"notice": notice["name"], "confirmed_on": ("is", "set")},
			pluck="resident",
		)
	)
	assert confirmed == crowd_residents
	report = gw.get(API + "unread_by_building", notice=notice["name"]).json()["message"]
	assert report["done"] == CROWD
