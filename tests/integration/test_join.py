"""Residents join by phone, over HTTP on the real site: a person registers from their building's QR
link, their captain verifies them, they log in with their mobile number and land on /me/services.
Refusals (a number taken, a building that does not exist, a flood from one address, the captain of
another building, approving twice), the SMS code through the stand-in gateway, password resets, and
what other clients get: messages in the user's language whatever the authentication, errors with a
plain-text message.

Every request comes from its own made-up address (X-Forwarded-For), so the per-address rate limit
counts each test on its own. What the served site writes is committed; ``joined`` removes it."""

import random
import re

import pytest
import requests

import frappe
from community_governance import notice_board, registration
from community_governance.utils.phone import normalize_phone
from tests.integration.conftest import as_user

pytestmark = pytest.mark.http

API = "/api/method/community_governance.api.registration"
B1, B4 = "TG11-1", "TG21-4"
PASSWORD = "Hai-bian-de-lou-2026"


def new_mobile() -> str:
	return "137" + f"{random.randrange(10**8):08d}"


def new_address() -> str:
	return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


class Guest:
	"""A phone without a login, on its own address."""

	def __init__(self, server, address: str | None = None, language: str = "en"):
		self.url = server.url
		self.http = requests.Session()
		self.http.headers.update(
			{**server.headers, "X-Forwarded-For": address or new_address(), "Accept-Language": language}
		)

	def get(self, path: str, **params):
		return self.http.get(f"{self.url}{path}", params=params, timeout=60)

	def post(self, path: str, **data):
		return self.http.post(f"{self.url}{path}", json=data, timeout=60)

	def register(self, **values):
		return self.post(f"{API}.register", **values)

	def login(self, usr: str, pwd: str):
		return self.http.post(f"{self.url}/api/method/login", data={"usr": usr, "pwd": pwd}, timeout=60)


def details(number: str, **overrides) -> dict:
	return {
		"full_name": "Ma Lan",
		"mobile": number,
		"building": B1,
		"unit": "1",
		"room": "303",
		"password": PASSWORD,
		"consent": 1,
		**overrides,
	}


def message_of(response) -> str:
	return response.json().get("message_text") or ""


@pytest.fixture
def joined(world):
	"""The mobile numbers a test registers; their registrations, logins and residents go afterwards."""
	mobiles: list[str] = []
	yield mobiles
	frappe.db.rollback()
	for mobile in mobiles:
		users = frappe.get_all("User", {"mobile_no": mobile}, pluck="name")
		residents = frappe.get_all("Resident", {"phone": mobile}, pluck="name")
		for resident in residents:
			if frappe.db.get_value("Resident", resident, "user") in users or not frappe.db.get_value(
				"Resident", resident, "user"
			):
				frappe.db.delete("Points Account", {"resident": resident})
				frappe.db.delete("Points Monthly Total", {"resident": resident})
				frappe.db.delete("Points Period Total", {"resident": resident})
				frappe.db.delete("Resident", {"name": resident})
		for user in users:
			for doctype in ("Has Role", "User Email", "Block Module", "DefaultValue"):
				frappe.db.delete(doctype, {"parent": user})
			frappe.db.delete("__Auth", {"doctype": "User", "name": user})
			frappe.db.delete("User", {"name": user})
		for name in frappe.get_all(registration.REGISTRATION, {"mobile": mobile}, pluck="name"):
			frappe.db.delete("__Auth", {"doctype": registration.REGISTRATION, "name": name})
			frappe.db.delete(registration.REGISTRATION, {"name": name})
	frappe.db.commit()


def register_and_approve(server, world, joined, **overrides) -> dict:
	mobile = new_mobile()
	joined.append(mobile)
	response = Guest(server).register(**details(mobile, **overrides))
	assert response.status_code == 200, response.text
	name = response.json()["message"]["registration"]
	captain = server.session(world.users["captain1"], world.password)
	approved = captain.post(f"{API}.approve", registration=name)
	assert approved.status_code == 200, approved.text
	return {"mobile": mobile, "registration": name, **approved.json()["message"]}


# --- the journey ---------------------------------------------------------------------------------


def test_a_resident_joins_from_the_qr_link_is_verified_by_their_captain_and_logs_in_by_mobile(
	server, world, joined
):
	mobile = new_mobile()
	joined.append(mobile)
	guest = Guest(server, language="zh-CN")

	# the building's notice board carries the join link, which opens the page with the building chosen
	join_url = notice_board.notice_board(B1)["join_url"]
	assert join_url.endswith(f"/me/join?building={B1}")
	page = guest.get("/me/join", building=B1)
	assert page.status_code == 200
	assert f'data-building="{B1}"' in page.text
	assert "加入社区" in page.text  # Chinese first: the phone says zh-CN

	response = guest.register(**details(mobile, full_name="  Ma <b>Lan</b> "))
	assert response.status_code == 200, response.text
	answer = response.json()["message"]
	assert answer["status"] == "Awaiting Verification" and answer["code_sent"] is False
	name = answer["registration"]

	# nothing exists but the pending registration; the password is not stored in the clear
	frappe.db.rollback()
	assert not frappe.db.exists("User", {"mobile_no": mobile})
	assert not frappe.db.exists("Resident", {"phone": mobile})
	stored = frappe.db.get_value(
		registration.REGISTRATION, name, ["full_name", "status", "grid"], as_dict=True
	)
	assert stored == {"full_name": "Ma Lan", "status": "Awaiting Verification", "grid": "TG11"}
	assert PASSWORD not in str(frappe.db.sql("select * from `tabResident Registration` where name=%s", name))

	# logging in before approval says why it does not work yet, in the language they registered in
	refused = Guest(server).login(mobile, PASSWORD)
	assert refused.status_code == 401
	assert "等待" in refused.json()["message"]
	assert "等待" in message_of(refused)

	# the captain of another building neither sees it nor may decide it
	other = server.session(world.users["captain2"], world.password)
	assert name not in {row["name"] for row in other.get(f"{API}.pending_registrations").json()["message"]}
	assert name not in other.list_names(registration.REGISTRATION)
	assert other.post(f"{API}.approve", registration=name).status_code == 403
	assert other.get(f"/api/resource/{registration.REGISTRATION}/{name}").status_code == 403

	# their own captain sees it among the registrations to verify, with a match suggested
	captain = server.session(world.users["captain1"], world.password)
	pending = captain.get(f"{API}.pending_registrations").json()["message"]
	assert name in {row["name"] for row in pending}
	assert captain.get(f"{API}.suggest_residents", registration=name).status_code == 200

	approved = captain.post(f"{API}.approve", registration=name)
	assert approved.status_code == 200, approved.text
	result = approved.json()["message"]

	frappe.db.rollback()
	user = frappe.get_doc("User", result["user"])
	assert user.mobile_no == mobile and user.email == f"{mobile}@phone.invalid"
	assert user.user_type == "Website User" and "Resident" in frappe.get_roles(user.name)
	assert user.language == "zh"
	resident = frappe.get_doc("Resident", result["resident"])
	assert (resident.user, resident.building, resident.room, resident.phone) == (user.name, B1, "303", mobile)
	assert resident.privacy_notice_version == frappe.db.get_single_value(
		"Community Governance Settings", "privacy_notice_version"
	)
	# the password moved to the User and left the registration
	assert not frappe.db.exists("__Auth", {"doctype": registration.REGISTRATION, "name": name})
	assert not frappe.db.exists("Email Queue", {"recipients": ("like", f"%{mobile}@phone.invalid%")})

	# approving twice is refused
	again = captain.post(f"{API}.approve", registration=name)
	assert again.status_code == 417 and "already been decided" in message_of(again)

	# the mobile number is the login; the resident lands on their services
	phone = Guest(server)
	login = phone.login(mobile, PASSWORD)
	assert login.status_code == 200, login.text
	assert login.json()["home_page"] == "/me/services"
	services = phone.get("/me/services")
	assert services.status_code == 200 and "Ma Lan" in services.text

	# and the number cannot register a second time
	second = Guest(server).register(**details(mobile))
	assert second.status_code == 409 and "already registered" in message_of(second)


def test_a_number_with_a_pending_registration_cannot_register_again(server, world, joined):
	mobile = new_mobile()
	joined.append(mobile)
	assert Guest(server).register(**details(mobile)).status_code == 200
	second = Guest(server).register(**details(mobile, full_name="Someone Else"))
	assert second.status_code == 409
	assert "waiting for verification" in message_of(second)
	frappe.db.rollback()
	assert frappe.db.count(registration.REGISTRATION, {"mobile": mobile}) == 1


def test_a_building_that_does_not_exist_is_refused(server, world, joined):
	mobile = new_mobile()
	joined.append(mobile)
	response = Guest(server).register(**details(mobile, building="NO-SUCH-BUILDING"))
	assert response.status_code == 404
	assert "does not exist" in message_of(response)
	# and the join page says so instead of choosing it
	page = Guest(server).get("/me/join", building="NO-SUCH-BUILDING")
	assert page.status_code == 200 and 'data-unknown-building="1"' in page.text
	frappe.db.rollback()
	assert not frappe.db.exists(registration.REGISTRATION, {"mobile": mobile})


@pytest.mark.parametrize(
	"overrides, status, words",
	[
		({"mobile": "12345"}, 417, "not a mobile number"),
		({"consent": 0}, 417, "privacy notice"),
		({"password": "short"}, 417, "at least"),
		({"full_name": "<script>alert(1)</script>"}, 417, "Please fill in"),
		({"room": ""}, 417, "Please fill in"),
	],
)
def test_bad_registrations_are_refused_with_a_clear_message(server, world, joined, overrides, status, words):
	mobile = new_mobile()
	joined.append(mobile)
	response = Guest(server).register(**details(mobile, **overrides))
	assert response.status_code == status, response.text
	assert words in message_of(response)
	assert "<" not in message_of(response)


def test_a_flood_of_registrations_from_one_address_is_refused(server, world, joined):
	guest = Guest(server)
	answers = []
	for _ in range(7):
		mobile = new_mobile()
		joined.append(mobile)
		answers.append(guest.register(**details(mobile)))
	assert [answer.status_code for answer in answers[:5]] == [200] * 5
	assert answers[5].status_code == 429 and answers[6].status_code == 429
	assert "too many requests" in message_of(answers[5])
	# another address is still welcome
	mobile = new_mobile()
	joined.append(mobile)
	assert Guest(server).register(**details(mobile)).status_code == 200


def test_a_rejected_registration_is_told_its_reason_and_frees_the_number(server, world, joined):
	mobile = new_mobile()
	joined.append(mobile)
	name = Guest(server).register(**details(mobile)).json()["message"]["registration"]
	gw = server.session(world.users["gw11"], world.password)  # the grid worker decides too
	empty = gw.post(f"{API}.reject", registration=name, reason="  ")
	assert empty.status_code == 417
	assert (
		gw.post(f"{API}.reject", registration=name, reason="Nobody of that name lives in 1-303").status_code
		== 200
	)
	refused = Guest(server).login(mobile, PASSWORD)
	assert refused.status_code == 401 and "Nobody of that name lives in 1-303" in message_of(refused)
	frappe.db.rollback()
	assert not frappe.db.exists("User", {"mobile_no": mobile})
	assert not frappe.db.exists("__Auth", {"doctype": registration.REGISTRATION, "name": name})
	# a rejected registration cannot be approved afterwards, and the number may try again
	assert gw.post(f"{API}.approve", registration=name).status_code == 417
	assert Guest(server).register(**details(mobile, room="304")).status_code == 200


def test_approving_links_the_existing_resident_record_it_was_matched_to(server, world, joined):
	mobile = new_mobile()
	joined.append(mobile)
	as_user("Administrator")
	existing = frappe.get_doc(
		{
			"doctype": "Resident",
			"full_name": "Ma Lan",
			"building": B1,
			"unit": "1",
			"room": "303",
			"phone": mobile,
		}
	).insert()
	frappe.db.commit()
	name = Guest(server).register(**details(mobile)).json()["message"]["registration"]
	captain = server.session(world.users["captain1"], world.password)
	suggested = captain.get(f"{API}.suggest_residents", registration=name).json()["message"]
	assert suggested[0]["name"] == existing.name
	assert set(suggested[0]["matches"]) == {"Name", "Room", "Phone"}
	assert "phone" not in suggested[0]
	# a resident of a building outside the registration's is refused
	outsider = captain.post(f"{API}.approve", registration=name, resident=world.residents["resident2"])
	assert outsider.status_code == 403
	approved = captain.post(f"{API}.approve", registration=name, resident=existing.name)
	assert approved.status_code == 200, approved.text
	frappe.db.rollback()
	assert frappe.db.get_value("Resident", existing.name, "user") == approved.json()["message"]["user"]
	assert frappe.db.count("Resident", {"phone": mobile}) == 1


def test_two_verifiers_approving_at_once_make_one_login(gunicorn_server, world, joined):
	from concurrent.futures import ThreadPoolExecutor

	mobile = new_mobile()
	joined.append(mobile)
	name = Guest(gunicorn_server).register(**details(mobile)).json()["message"]["registration"]
	verifiers = [
		gunicorn_server.session(world.users[key], world.password) for key in ("captain1", "gw11", "cw1")
	]
	with ThreadPoolExecutor(len(verifiers)) as pool:
		answers = list(pool.map(lambda s: s.post(f"{API}.approve", registration=name), verifiers))
	assert sorted(answer.status_code for answer in answers) == [200, 417, 417], [a.text for a in answers]
	frappe.db.rollback()
	assert frappe.db.count("User", {"mobile_no": mobile}) == 1
	assert frappe.db.count("Resident", {"phone": mobile}) == 1


# --- SMS -----------------------------------------------------------------------------------------


def test_with_sms_the_phone_is_proven_by_a_code_through_the_gateway(server, world, joined, sms_gateway):
	mobile = new_mobile()
	joined.append(mobile)
	guest = Guest(server)
	answer = guest.register(**details(mobile)).json()["message"]
	assert answer["code_sent"] is True
	texts = sms_gateway.sent_to(mobile)
	assert len(texts) == 1
	code = re.search(r"\d{6}", texts[0]).group()

	wrong = guest.post(
		f"{API}.confirm_phone",
		registration=answer["registration"],
		mobile=mobile,
		code="000000" if code != "000000" else "111111",
	)
	assert wrong.status_code == 417 and "4 tries left" in message_of(wrong)
	right = guest.post(f"{API}.confirm_phone", registration=answer["registration"], mobile=mobile, code=code)
	assert right.status_code == 200, right.text
	frappe.db.rollback()
	assert frappe.db.get_value(registration.REGISTRATION, answer["registration"], "phone_verified") == 1
	# a used code does not work twice
	assert (
		guest.post(
			f"{API}.confirm_phone", registration=answer["registration"], mobile=mobile, code=code
		).status_code
		== 417
	)

	# approval is told by SMS too
	captain = server.session(world.users["captain1"], world.password)
	assert captain.post(f"{API}.approve", registration=answer["registration"]).status_code == 200
	assert any("approved" in text for text in sms_gateway.sent_to(mobile)[1:])


def test_a_code_is_blocked_after_five_wrong_tries(server, world, joined, sms_gateway):
	mobile = new_mobile()
	joined.append(mobile)
	guest = Guest(server)
	name = guest.register(**details(mobile)).json()["message"]["registration"]
	code = re.search(r"\d{6}", sms_gateway.sent_to(mobile)[0]).group()
	wrong = str((int(code) + 1) % 10**6).zfill(6)
	for _ in range(5):
		assert (
			guest.post(f"{API}.confirm_phone", registration=name, mobile=mobile, code=wrong).status_code
			== 417
		)
	blocked = guest.post(f"{API}.confirm_phone", registration=name, mobile=mobile, code=code)
	assert blocked.status_code == 417 and "ask for a new one" in message_of(blocked)
	frappe.db.rollback()
	assert not frappe.db.get_value(registration.REGISTRATION, name, "phone_verified")


def test_a_code_is_stored_hashed_and_expires_after_ten_minutes(site):
	mobile = new_mobile()
	code = registration.new_code(registration.RESET_CODE, mobile)
	key, _tries = registration._code_keys(registration.RESET_CODE, mobile)
	assert code not in frappe.safe_decode(frappe.cache.get(key))
	assert 590 <= frappe.cache.ttl(key) <= 600
	frappe.cache.delete(key)


# --- forgotten passwords ---------------------------------------------------------------------------


def test_a_resident_resets_their_password_with_a_code_by_sms(server, world, joined, sms_gateway):
	joined_resident = register_and_approve(server, world, joined)
	mobile = joined_resident["mobile"]
	guest = Guest(server)
	assert guest.post(f"{API}.send_reset_code", mobile=mobile).status_code == 200
	code = re.search(r"\d{6}", sms_gateway.sent_to(mobile)[-1]).group()
	new_password = "Xin-mi-ma-geng-chang-2026"
	too_short = guest.post(f"{API}.reset_password", mobile=mobile, code=code, new_password="short")
	assert too_short.status_code == 417
	reset = guest.post(f"{API}.reset_password", mobile=mobile, code=code, new_password=new_password)
	assert reset.status_code == 200, reset.text
	assert Guest(server).login(mobile, PASSWORD).status_code == 401
	assert Guest(server).login(mobile, new_password).status_code == 200
	# a number that is no resident's gets the same answer and no text
	stranger = new_mobile()
	assert guest.post(f"{API}.send_reset_code", mobile=stranger).status_code == 200
	assert sms_gateway.sent_to(stranger) == []


def test_a_grid_worker_hands_over_a_reset_code(server, world, joined):
	joined_resident = register_and_approve(server, world, joined)
	resident = joined_resident["resident"]
	other_grid = server.session(world.users["gw21"], world.password)
	assert other_grid.post(f"{API}.issue_reset_code", resident=resident).status_code == 403
	captain = server.session(world.users["captain1"], world.password)
	assert captain.post(f"{API}.issue_reset_code", resident=resident).status_code == 403
	gw = server.session(world.users["gw11"], world.password)
	issued = gw.post(f"{API}.issue_reset_code", resident=resident)
	assert issued.status_code == 200, issued.text
	code = issued.json()["message"]["code"]
	new_password = "Wang-ge-yuan-gei-de-2026"
	guest = Guest(server)
	reset = guest.post(
		f"{API}.reset_password", mobile=joined_resident["mobile"], code=code, new_password=new_password
	)
	assert reset.status_code == 200, reset.text
	assert Guest(server).login(joined_resident["mobile"], new_password).status_code == 200
	frappe.db.rollback()
	assert frappe.db.exists("Access Log", {"reference_document": resident, "method": "Issue Reset Code"})


# --- other clients -----------------------------------------------------------------------------------


@pytest.fixture
def token_resident(world):
	"""resident1 speaking Chinese, with an API key and secret, restored afterwards."""
	user = world.users["resident1"]
	before = frappe.db.get_value("User", user, "language")
	doc = frappe.get_doc("User", user)
	doc.api_key = frappe.generate_hash(length=15)
	secret = frappe.generate_hash(length=15)
	doc.api_secret = secret
	doc.language = "zh"
	doc.flags.ignore_permissions = True
	doc.save()
	frappe.db.commit()
	frappe.clear_cache(user=user)
	yield {"user": user, "token": f"{doc.api_key}:{secret}"}
	frappe.db.rollback()
	frappe.db.set_value("User", user, {"language": before, "api_key": None})
	frappe.db.delete("__Auth", {"doctype": "User", "name": user, "fieldname": "api_secret"})
	frappe.db.commit()
	frappe.clear_cache(user=user)


def test_a_token_authenticated_resident_gets_messages_in_their_language_as_plain_text(
	server, world, token_resident
):
	headers = {**server.headers, "Authorization": f"token {token_resident['token']}", "Accept-Language": "en"}
	response = requests.post(
		f"{server.url}/api/method/community_governance.api.personal_data.request_correction",
		json={"what": "  "},
		headers=headers,
		timeout=60,
	)
	assert response.status_code == 417
	body = response.json()
	assert body["message_text"] == "请写明哪里有误以及正确的内容。"
	assert "_server_messages" in body  # the desk still reads its own
	# the same through a session (the sid cookie), as a mini-program keeps it after logging in
	session = server.session(token_resident["user"], world.password)
	by_session = session.post(
		"/api/method/community_governance.api.personal_data.request_correction", what=""
	)
	assert by_session.json()["message_text"] == "请写明哪里有误以及正确的内容。"


def test_errors_carry_a_plain_text_message_besides_the_desk_messages(server, world):
	captain = server.session(world.users["captain1"], world.password)
	response = captain.post(f"{API}.approve", registration="RR-NO-SUCH")
	assert response.status_code == 404
	body = response.json()
	assert body["message_text"] == "Registration RR-NO-SUCH not found."
	assert "<strong>" in body["_server_messages"]


def test_a_normalized_number_with_spaces_registers_as_the_bare_digits(server, world, joined):
	mobile = new_mobile()
	joined.append(mobile)
	spaced = f"+86 {mobile[:3]} {mobile[3:7]} {mobile[7:]}"
	assert normalize_phone(spaced) == mobile
	response = Guest(server).register(**details(spaced))
	assert response.status_code == 200, response.text
	frappe.db.rollback()
	assert frappe.db.exists(registration.REGISTRATION, {"mobile": mobile})


def test_the_password_reset_page_speaks_chinese_to_a_guest(server):
	page = Guest(server, language="zh-CN").get("/me/reset-password")
	assert page.status_code == 200
	assert "忘记密码" in page.text and "请向网格员索取验证码" in page.text


def test_the_notice_board_prints_a_join_qr_code_beside_the_request_one(world):
	html = frappe.get_print("Building", B1, "Building Notice Board")
	board = notice_board.notice_board(B1)
	assert board["join_url"] in html and board["form_url"] in html
	assert html.count('src="data:image/png;base64,') == 2
	assert board["join_qr_code"] != board["qr_code"]


def test_login_by_mobile_number_is_switched_on_by_install_and_by_the_patch(site):
	from community_governance.patches import allow_login_by_mobile_number

	assert frappe.db.get_single_value("System Settings", "allow_login_using_mobile_number") == 1
	frappe.db.set_single_value("System Settings", "allow_login_using_mobile_number", 0)
	allow_login_by_mobile_number.execute()
	assert frappe.db.get_single_value("System Settings", "allow_login_using_mobile_number") == 1


def test_two_registrations_of_one_number_at_once_make_one(gunicorn_server, world, joined):
	from concurrent.futures import ThreadPoolExecutor

	mobile = new_mobile()
	joined.append(mobile)
	guests = [Guest(gunicorn_server) for _ in range(4)]
	with ThreadPoolExecutor(len(guests)) as pool:
		answers = list(pool.map(lambda guest: guest.register(**details(mobile)), guests))
	codes = sorted(answer.status_code for answer in answers)
	assert codes.count(200) == 1 and all(400 <= code < 500 for code in codes if code != 200), [
		a.text for a in answers
	]
	frappe.db.rollback()
	assert frappe.db.count(registration.REGISTRATION, {"mobile": mobile}) == 1


def test_verified_users_are_not_refused_by_frappes_sign_up_throttle(site):
	"""Frappe refuses new Users beyond ``throttle_user_limit`` an hour; a street's residents join by
	the hundred, each approved by a verifier, so the app's own user creation is exempt."""
	from community_governance import accounts

	def new_user(key):
		return frappe.get_doc(
			{
				"doctype": "User",
				"email": f"throttle-{key}@phone.invalid",
				"first_name": key,
				"send_welcome_email": 0,
			}
		)

	accounts.insert_verified_user(new_user("first"))  # at least one user made in the last hour
	conf = frappe.local.conf
	before = conf.get("throttle_user_limit")
	conf["throttle_user_limit"] = 0
	try:
		with pytest.raises(frappe.ValidationError, match="Throttled"):
			new_user("plain").insert(ignore_permissions=True)
		accounts.insert_verified_user(new_user("verified"))
		assert frappe.db.exists("User", "throttle-verified@phone.invalid")
		assert conf["throttle_user_limit"] == 0  # the site's own limit is back for everyone else
	finally:
		if before is None:
			conf.pop("throttle_user_limit", None)
		else:
			conf["throttle_user_limit"] = before
