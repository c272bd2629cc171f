"""Caring merchants (爱心商家) honour residents' rewards at their counter, over HTTP as real users:
the resident's approved redemption shows a code, the right merchant's login hands the reward over
once, every other counter is refused, and the ledger agrees."""

import json
import threading

import pytest

import frappe
from community_governance import ledger, merchants
from community_governance.api.merchants import LOGIN_KEY
from frappe.utils import add_days, now_datetime
from tests.integration.conftest import as_user

pytestmark = pytest.mark.http

LOOK_UP = "/api/method/community_governance.api.merchants.look_up_code"
HONOUR = "/api/method/community_governance.api.merchants.honour_code"
POINTS = "/api/method/community_governance.api.points"
COUNTER_USERS = ("merchant1", "merchant1b", "merchant2")


def forget_rate_limits(world):
	"""The counters' look-up counts live in Redis for an hour: each test starts from none."""
	for method in ("look_up_code", "honour_code"):
		cmd = f"community_governance.api.merchants.{method}"
		for key in COUNTER_USERS:
			frappe.cache.delete(frappe.cache.make_key(f"rl:{cmd}:{world.users[key]}"))


@pytest.fixture
def committed(world):
	"""What a test commits for the HTTP server, removed afterwards (ledger rows and balances too)."""
	made = frappe._dict(rewards=[], points=[], accounts={})
	forget_rate_limits(world)
	yield made
	frappe.db.rollback()
	frappe.set_user("Administrator")
	forget_rate_limits(world)
	if made.rewards:
		redemptions = frappe.get_all("Reward Redemption", {"reward": ("in", made.rewards)}, pluck="name")
		transaction = frappe.qb.DocType("Points Transaction")
		if redemptions:
			frappe.qb.from_(transaction).delete().where(
				(transaction.source_doctype == "Reward Redemption")
				& transaction.source_name.isin(redemptions)
			).run()
			frappe.db.delete("Reward Redemption", {"name": ("in", redemptions)})
		frappe.db.delete("Reward", {"name": ("in", made.rewards)})
	if made.points:
		frappe.db.delete("Points Transaction", {"name": ("in", made.points)})
	for resident, balance in made.accounts.items():
		account = frappe.qb.DocType("Points Account")
		if not balance:
			frappe.qb.from_(account).delete().where(account.name == resident).run()
			continue
		restore = frappe.qb.update(account).where(account.name == resident)
		for column, value in balance.items():
			restore = restore.set(account[column], value)
		restore.run()
	ledger.rebuild_monthly_totals()  # the rows went behind the ledger's back
	frappe.db.commit()


def give_points(made, resident, points):
	if resident not in made.accounts:
		columns = ("balance", *ledger.SECTION_FIELDS.values())
		made.accounts[resident] = frappe.db.get_value("Points Account", resident, columns, as_dict=True) or {}
	made.points.append(ledger.post(resident, points, "Adjustment", remark="for the counter test").name)


def merchant_reward(made, world, merchant_key="merchant1", cost=5, stock=10, **extra):
	reward = frappe.get_doc(
		{
			"doctype": "Reward",
			"reward_name": f"Haircut at {merchant_key}",
			"reward_type": "Service",
			"merchant": world.merchants[merchant_key],
			"points_cost": cost,
			"stock": stock,
			**extra,
		}
	).insert()
	made.rewards.append(reward.name)
	return reward


@pytest.fixture
def sessions(server, world):
	cache = {}

	def session(key):
		if key not in cache:
			cache[key] = server.session(world.users[key], world.password)
		return cache[key]

	return session


def approved_redemption(made, world, sessions, reward, quantity=1, resident_key="resident1"):
	"""The resident asks over HTTP, their community worker approves: the redemption has a code."""
	give_points(made, world.residents[resident_key], reward.points_cost * quantity)
	frappe.db.commit()
	asked = sessions(resident_key).post(f"{POINTS}.request_redemption", reward=reward.name, quantity=quantity)
	assert asked.status_code == 200, asked.text[:500]
	name = asked.json()["message"]["name"]
	worker = (
		"cw1"
		if frappe.db.get_value("Resident", world.residents[resident_key], "community") == "TC1"
		else "cw2"
	)
	approved = sessions(worker).post(f"{POINTS}.act_on_redemption", name=name, action="Approve")
	assert approved.status_code == 200, approved.text[:500]
	frappe.db.rollback()
	return frappe.get_doc("Reward Redemption", name)


def message_of(response) -> str:
	body = response.json()
	messages = json.loads(body.get("_server_messages") or "[]")
	return " ".join(json.loads(message)["message"] for message in messages)


def redeem_rows(name):
	return frappe.get_all(
		"Points Transaction",
		{"source_doctype": "Reward Redemption", "source_name": name, "docstatus": 1},
		["points", "kind"],
	)


# --- the register ----------------------------------------------------------------------------------


def test_serving_at_a_counter_gives_the_role_and_leaving_it_takes_it_away(world):
	assert merchants.COUNTER_ROLE in frappe.get_roles(world.users["merchant1b"])
	shop = frappe.get_doc("Caring Merchant", world.merchants["merchant1"])
	shop.counter_users = [row for row in shop.counter_users if row.user != world.users["merchant1b"]]
	try:
		shop.save()
		assert merchants.COUNTER_ROLE not in frappe.get_roles(world.users["merchant1b"])
		assert merchants.COUNTER_ROLE in frappe.get_roles(world.users["merchant1"])
	finally:
		# the roles are cached per user beyond the transaction rolled back here
		frappe.db.rollback()
		frappe.clear_cache(user=world.users["merchant1b"])


def test_a_merchant_belongs_to_a_grid_and_its_community_follows(world):
	with pytest.raises(frappe.ValidationError, match="is not a grid"):
		frappe.get_doc(
			{"doctype": "Caring Merchant", "merchant_name": "Nowhere shop", "grid": "TC1", "address": "x"}
		).insert()
	shop = frappe.get_doc(
		{
			"doctype": "Caring Merchant",
			"merchant_name": "Shoe repair <b>Wang</b>",
			"grid": "TG12",
			"community": "TC2",
			"address": "Lane 3",
			"contact_phone": "138 0013 8000",
		}
	).insert()
	assert (shop.community, shop.contact_phone) == ("TC1", "13800138000")
	assert "<" not in shop.merchant_name and "Wang" in shop.merchant_name


def test_the_catalogue_offers_merchants_rewards_beside_the_others(world, sessions, committed):
	offered = merchant_reward(committed, world)
	plain = frappe.get_doc(
		{"doctype": "Reward", "reward_name": "Rice", "points_cost": 2, "stock": 1}
	).insert()
	committed.rewards.append(plain.name)
	frappe.db.commit()
	catalogue = sessions("resident1").get(f"{POINTS}.get_rewards").json()["message"]
	assert {offered.name, plain.name} <= {row["name"] for row in catalogue}


def test_a_reward_names_its_merchant_as_provider(world):
	reward = frappe.get_doc(
		{
			"doctype": "Reward",
			"reward_name": "Lock repair",
			"merchant": world.merchants["merchant2"],
			"provider": "someone else",
			"points_cost": 3,
			"stock": 1,
		}
	).insert()
	assert reward.provider == "Caring Locksmith"


def test_each_worker_sees_their_places_merchants_and_a_counter_its_own_shop(world, sessions):
	barber, locksmith = world.merchants["merchant1"], world.merchants["merchant2"]
	assert {barber, locksmith} <= sessions("soa").list_names("Caring Merchant")
	for key in ("cw1", "gw11", "merchant1", "merchant1b"):
		names = sessions(key).list_names("Caring Merchant")
		assert barber in names and locksmith not in names, key
	assert sessions("gw12").list_names("Caring Merchant") & {barber, locksmith} == set()
	assert sessions("merchant2").list_names("Caring Merchant") == {locksmith}
	assert sessions("merchant2").get(f"/api/resource/Caring Merchant/{barber}").status_code == 403
	# a counter reads its shop but cannot change it
	changed = sessions("merchant1").put(f"/api/resource/Caring Merchant/{barber}", merchant_name="Mine now")
	assert changed.status_code == 403


def test_a_community_worker_registers_merchants_only_in_their_community(world, sessions):
	made = []
	try:
		inside = sessions("cw1").post(
			"/api/resource/Caring Merchant", merchant_name="Caring Tailor", grid="TG12", address="Lane 5"
		)
		assert inside.status_code == 200, inside.text[:500]
		made.append(inside.json()["data"]["name"])
		outside = sessions("cw1").post(
			"/api/resource/Caring Merchant", merchant_name="Far Tailor", grid="TG21", address="Lane 9"
		)
		assert outside.status_code == 403, outside.text[:500]
		assert "outside your responsibility" in outside.text
		assert not frappe.db.exists("Caring Merchant", {"merchant_name": "Far Tailor"})
	finally:
		for name in made:
			frappe.delete_doc("Caring Merchant", name, force=True)
		frappe.db.commit()


# --- the counter -----------------------------------------------------------------------------------


def test_the_right_counter_honours_a_code_once_and_the_ledger_agrees(world, sessions, committed):
	reward = merchant_reward(committed, world, cost=5, stock=4)
	resident = world.residents["resident1"]
	redemption = approved_redemption(committed, world, sessions, reward, quantity=2)
	balance_before_counter = ledger.balance_of(resident)["balance"]
	code = merchants.format_code(redemption.redemption_code)
	assert len(redemption.redemption_code) == merchants.CODE_LENGTH and redemption.code_expires_on

	# the resident sees the code and its QR code on their rewards page
	page = sessions("resident1").get("/me/rewards")
	assert page.status_code == 200 and code in page.text and "data:image/png;base64," in page.text

	# another shop's counter is refused and learns nothing of the redemption
	elsewhere = sessions("merchant2").get(LOOK_UP, code=code)
	assert elsewhere.status_code == 403, elsewhere.text[:500]
	assert "cannot be redeemed at your shop" in message_of(elsewhere)
	assert "Li Na" not in elsewhere.text and reward.reward_name not in elsewhere.text
	assert sessions("merchant2").post(HONOUR, code=code).status_code == 403

	# the shop's counter sees the reward, the quantity and the resident's name, nothing more
	looked = sessions("merchant1").get(LOOK_UP, code=code.lower().replace("-", " "))
	assert looked.status_code == 200, looked.text[:500]
	shown = looked.json()["message"]
	assert (shown["reward_name"], shown["quantity"], shown["resident_name"]) == (
		reward.reward_name,
		2,
		"Li Na",
	)
	assert set(shown) == {
		"code",
		"merchant_name",
		"reward_name",
		"quantity",
		"resident_name",
		"expires_on",
		"fulfilled",
		"fulfilled_on",
	}
	assert resident not in looked.text and world.users["resident1"] not in looked.text

	honoured = sessions("merchant1").post(HONOUR, code=code)
	assert honoured.status_code == 200, honoured.text[:500]
	assert honoured.json()["message"]["fulfilled"] is True
	frappe.db.rollback()
	stored = frappe.db.get_value(
		"Reward Redemption", redemption.name, ["workflow_state", "fulfilled_by", "fulfilled_on"], as_dict=True
	)
	assert stored.workflow_state == "Fulfilled" and stored.fulfilled_by == world.users["merchant1"]
	assert stored.fulfilled_on

	# used once: refused a second time, by the same counter or a colleague
	for key in ("merchant1", "merchant1b"):
		again = sessions(key).post(HONOUR, code=code)
		assert again.status_code == 417 and "already been used" in message_of(again), again.text[:500]
		assert sessions(key).get(LOOK_UP, code=code).status_code == 417

	# the points left at approval, once; the counter moved none; stock taken once
	assert redeem_rows(redemption.name) == [{"points": -10, "kind": "Redeem"}]
	assert ledger.balance_of(resident)["balance"] == balance_before_counter
	assert frappe.db.get_value("Reward", reward.name, "stock") == 2
	assert not ledger.drift()
	page = sessions("resident1").get("/me/rewards")
	assert code not in page.text and "Caring Barber" in page.text


def test_a_colleague_at_the_same_counter_honours_it_too(world, sessions, committed):
	reward = merchant_reward(committed, world)
	redemption = approved_redemption(committed, world, sessions, reward)
	honoured = sessions("merchant1b").post(HONOUR, code=redemption.redemption_code)
	assert honoured.status_code == 200, honoured.text[:500]
	frappe.db.rollback()
	assert (
		frappe.db.get_value("Reward Redemption", redemption.name, "fulfilled_by") == world.users["merchant1b"]
	)


def test_unknown_malformed_expired_and_revoked_codes_are_refused(world, sessions, committed):
	counter = sessions("merchant1")
	unknown = counter.get(LOOK_UP, code="ZZZZ-ZZZZ")
	assert unknown.status_code == 404 and "No redemption has the code" in message_of(unknown)
	for typed in ("", "ABC", "ABCD-EFGH-JKLM", "O0O0-1I1I", "<script>"):
		malformed = counter.get(LOOK_UP, code=typed)
		assert malformed.status_code == 417, (typed, malformed.text[:300])
		assert "not a redemption code" in message_of(malformed)

	reward = merchant_reward(committed, world, stock=5)
	expired = approved_redemption(committed, world, sessions, reward)
	frappe.db.set_value(
		"Reward Redemption",
		expired.name,
		"code_expires_on",
		add_days(now_datetime(), -1),
		update_modified=False,
	)
	revoked = approved_redemption(committed, world, sessions, reward)
	assert sessions("cw1").post(f"{POINTS}.act_on_redemption", name=revoked.name, action="Revoke").ok
	frappe.db.commit()

	answer = counter.post(HONOUR, code=expired.redemption_code)
	assert answer.status_code == 417 and "expired on" in message_of(answer), answer.text[:500]
	answer = counter.post(HONOUR, code=revoked.redemption_code)
	assert answer.status_code == 417 and "no longer valid" in message_of(answer), answer.text[:500]
	frappe.db.rollback()
	assert frappe.db.get_value("Reward Redemption", expired.name, "workflow_state") == "Approved"
	assert frappe.db.get_value("Reward Redemption", revoked.name, "workflow_state") == "Cancelled"
	# and the resident is told, instead of being shown a code that no longer works
	page = sessions("resident1").get("/me/rewards")
	assert merchants.format_code(expired.redemption_code) not in page.text
	assert "The code expired on" in page.text


def test_a_redemption_is_given_a_code_only_when_approved_and_cannot_forge_one(world, sessions, committed):
	reward = merchant_reward(committed, world)
	give_points(committed, world.residents["resident1"], reward.points_cost)
	frappe.db.commit()
	asked = sessions("resident1").post(f"{POINTS}.request_redemption", reward=reward.name)
	name = asked.json()["message"]["name"]
	forged = sessions("resident1").put(
		f"/api/resource/Reward Redemption/{name}", redemption_code="AAAAAAAA", code_expires_on="2099-01-01"
	)
	assert forged.status_code in (200, 403, 417), forged.text[:500]
	frappe.db.rollback()
	stored = frappe.db.get_value("Reward Redemption", name, ["redemption_code", "code_expires_on"])
	assert stored == (None, None)
	assert sessions("merchant1").get(LOOK_UP, code="AAAA-AAAA").status_code == 404


def test_an_inactive_merchants_counter_is_refused(world, sessions, committed):
	reward = merchant_reward(committed, world)
	redemption = approved_redemption(committed, world, sessions, reward)
	frappe.db.set_value("Caring Merchant", world.merchants["merchant1"], "is_active", 0)
	frappe.db.commit()
	try:
		answer = sessions("merchant1").post(HONOUR, code=redemption.redemption_code)
		assert answer.status_code == 403 and "active caring merchant" in message_of(answer)
		# nor are its rewards on offer, or redeemable
		catalogue = sessions("resident1").get(f"{POINTS}.get_rewards").json()["message"]
		assert reward.name not in {row["name"] for row in catalogue}
		asked = sessions("resident1").post(f"{POINTS}.request_redemption", reward=reward.name)
		assert asked.status_code == 417 and "no longer offered" in message_of(asked)
	finally:
		frappe.db.set_value("Caring Merchant", world.merchants["merchant1"], "is_active", 1)
		frappe.db.commit()


def test_a_counter_reads_nothing_of_residents_or_their_redemptions(world, sessions, committed):
	reward = merchant_reward(committed, world)
	redemption = approved_redemption(committed, world, sessions, reward)
	counter = sessions("merchant1")
	resident = world.residents["resident1"]
	for doctype in ("Resident", "Reward Redemption", "Points Account", "Points Transaction"):
		listed = counter.get(f"/api/resource/{doctype}")
		assert listed.status_code == 403 or listed.json()["data"] == [], (doctype, listed.text[:300])
		counted = counter.get("/api/method/frappe.client.get_count", doctype=doctype)
		assert counted.status_code == 403 or counted.json()["message"] == 0, doctype
	for path in (f"/api/resource/Resident/{resident}", f"/api/resource/Reward Redemption/{redemption.name}"):
		assert counter.get(path).status_code == 403, path
	dotted = counter.get(
		"/api/method/frappe.client.get_list",
		doctype="Caring Merchant",
		fields=json.dumps(["name", "counter_users.user"]),
	)
	assert world.users["resident1"] not in dotted.text
	# nor moves a redemption by the desk's doors
	assert (
		counter.post(f"{POINTS}.act_on_redemption", name=redemption.name, action="Fulfil").status_code == 403
	)
	applied = counter.post(
		"/api/method/frappe.model.workflow.apply_workflow",
		doc=json.dumps({"doctype": "Reward Redemption", "name": redemption.name}),
		action="Fulfil",
	)
	assert applied.status_code == 403, applied.text[:300]
	assert counter.get(f"{POINTS}.get_balance", resident=resident).status_code == 403
	frappe.db.rollback()
	assert frappe.db.get_value("Reward Redemption", redemption.name, "workflow_state") == "Approved"


def test_a_login_that_serves_no_counter_is_refused(world, sessions):
	answer = sessions("resident1").get(LOOK_UP, code="ABCD-2345")
	assert answer.status_code == 403 and "active caring merchant" in message_of(answer)
	page = sessions("resident1").get("/me/merchant")
	assert page.status_code == 200 and "does not serve at the counter" in page.text


def test_code_look_ups_are_limited_per_counter_login(world, sessions, committed):
	frappe.db.set_single_value("Community Governance Settings", "counter_lookups_per_hour", 3)
	frappe.db.commit()
	try:
		answers = [sessions("merchant1b").get(LOOK_UP, code="ZZZZ-ZZZZ").status_code for _ in range(5)]
		assert answers == [404, 404, 404, 429, 429]
		# counted per login, not per address: the colleague on the same machine is not held up
		assert sessions("merchant1").get(LOOK_UP, code="ZZZZ-ZZZZ").status_code == 404
		# the login cannot pass as another by sending the limiter's key itself
		forged = sessions("merchant1b").get(LOOK_UP, code="ZZZZ-ZZZZ", **{LOGIN_KEY: "someone@else"})
		assert forged.status_code == 429
	finally:
		frappe.db.set_single_value("Community Governance Settings", "counter_lookups_per_hour", 60)
		frappe.db.commit()


def test_the_counter_page_shows_the_shop_its_offers_and_what_was_handed_over(world, sessions, committed):
	reward = merchant_reward(committed, world)
	redemption = approved_redemption(committed, world, sessions, reward)
	assert sessions("merchant1").post(HONOUR, code=redemption.redemption_code).ok
	page = sessions("merchant1").get("/me/merchant")
	assert page.status_code == 200
	assert "Caring Barber" in page.text and reward.reward_name in page.text and "Li Na" in page.text
	assert "Caring Locksmith" not in page.text
	summary = sessions("merchant1").get("/api/method/community_governance.api.merchants.my_counter")
	assert (
		summary.status_code == 200
		and summary.json()["message"]["served_recently"][0]["resident_name"] == "Li Na"
	)


def test_a_counter_user_lands_on_the_counter_page_after_login(world, server):
	import requests

	response = requests.post(
		f"{server.url}/api/method/login",
		data={"usr": world.users["merchant2"], "pwd": world.password},
		headers=server.headers,
		timeout=30,
	)
	assert response.status_code == 200 and response.json()["home_page"] == "/me/merchant"


# --- two counters at once ----------------------------------------------------------------------------


@pytest.mark.usefixtures("committed")
def test_two_counters_confirming_one_code_together_hand_it_over_once(world, gunicorn_server, committed):
	made = committed
	sessions = {}

	def session(key):
		if key not in sessions:
			sessions[key] = gunicorn_server.session(world.users[key], world.password)
		return sessions[key]

	reward = merchant_reward(made, world, stock=3)
	redemption = approved_redemption(made, world, session, reward)
	counters = [session("merchant1"), session("merchant1b")]
	start = threading.Barrier(len(counters))
	answers = [None] * len(counters)

	def confirm(index, counter):
		start.wait()
		answers[index] = counter.post(HONOUR, code=redemption.redemption_code)

	threads = [threading.Thread(target=confirm, args=item) for item in enumerate(counters)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(timeout=120)
	assert sorted(answer.status_code for answer in answers) == [200, 417], [a.text[:300] for a in answers]
	refused = next(answer for answer in answers if answer.status_code == 417)
	assert "already been used" in message_of(refused)
	frappe.db.rollback()
	assert frappe.db.get_value("Reward Redemption", redemption.name, "workflow_state") == "Fulfilled"
	assert redeem_rows(redemption.name) == [{"points": -reward.points_cost, "kind": "Redeem"}]
	assert frappe.db.get_value("Reward", reward.name, "stock") == 2
	assert not ledger.drift()


# --- the settlement report ---------------------------------------------------------------------------

REPORT = "/api/method/frappe.desk.query_report.run"
PERIOD = {"from_date": "2025-03-01", "to_date": "2025-04-30"}


def honoured_in_process(made, world, reward, resident_key, quantity, fulfilled_on):
	"""A redemption asked, approved and honoured at the counter, dated in the report's period."""
	resident = world.residents[resident_key]
	give_points(made, resident, reward.points_cost * quantity)
	as_user(world.users["soa"])
	doc = frappe.get_doc(
		{"doctype": "Reward Redemption", "reward": reward.name, "resident": resident, "quantity": quantity}
	).insert()
	doc.workflow_state = "Approved"
	doc.save()
	merchant_key = next(key for key, name in world.merchants.items() if name == reward.merchant)
	as_user(world.users[merchant_key])
	merchants.honour(doc.redemption_code, world.users[merchant_key])
	as_user("Administrator")
	frappe.db.set_value("Reward Redemption", doc.name, "fulfilled_on", fulfilled_on, update_modified=False)
	return doc.name


def independent_settlement(community=None) -> dict:
	"""The report's figures counted again from the raw rows, in Python."""
	shops = {row.name: row for row in frappe.get_all("Caring Merchant", fields=["name", "community"])}
	rows = frappe.get_all(
		"Reward Redemption",
		filters={
			"workflow_state": "Fulfilled",
			"merchant": ("is", "set"),
			"fulfilled_on": ("between", [PERIOD["from_date"], PERIOD["to_date"] + " 23:59:59.999999"]),
		},
		fields=["merchant", "fulfilled_on", "quantity", "points", "resident"],
	)
	figures = {}
	for row in rows:
		if community and shops[row.merchant].community != community:
			continue
		key = (row.fulfilled_on.strftime("%Y-%m"), row.merchant)
		entry = figures.setdefault(key, {"redemptions": 0, "items": 0, "points": 0, "residents": set()})
		entry["redemptions"] += 1
		entry["items"] += row.quantity
		entry["points"] += row.points
		entry["residents"].add(row.resident)
	return {key: {**entry, "residents": len(entry["residents"])} for key, entry in figures.items()}


def report_figures(session, **filters) -> dict:
	response = session.get(
		REPORT, report_name="Merchant Settlement", filters=json.dumps({**PERIOD, **filters})
	)
	assert response.status_code == 200, response.text[:500]
	return {
		(row["month"], row["merchant"]): {
			name: row[name] for name in ("redemptions", "items", "points", "residents")
		}
		for row in response.json()["message"]["result"]
		if isinstance(row, dict) and row.get("merchant")
	}


def test_the_settlement_counts_what_each_merchant_honoured_month_by_month(world, sessions, committed):
	barber = merchant_reward(committed, world, "merchant1", cost=4, stock=20)
	locksmith = merchant_reward(committed, world, "merchant2", cost=6, stock=20)
	honoured_in_process(committed, world, barber, "resident1", 2, "2025-03-03 10:00:00")
	honoured_in_process(committed, world, barber, "resident1", 1, "2025-03-28 18:30:00")
	honoured_in_process(committed, world, barber, "captain1", 1, "2025-03-31 23:59:00")
	honoured_in_process(committed, world, barber, "captain1", 3, "2025-04-01 00:00:01")
	honoured_in_process(committed, world, locksmith, "resident2", 1, "2025-04-15 09:00:00")
	honoured_in_process(committed, world, barber, "resident1", 1, "2025-05-01 08:00:00")  # after the period
	frappe.db.commit()

	expected = independent_settlement()
	assert report_figures(sessions("soa")) == expected
	barber_shop = world.merchants["merchant1"]
	assert expected[("2025-03", barber_shop)] == {"redemptions": 3, "items": 4, "points": 16, "residents": 2}
	assert expected[("2025-04", barber_shop)] == {"redemptions": 1, "items": 3, "points": 12, "residents": 1}
	# a community worker sees their community's shops alone, whatever the filters name
	assert report_figures(sessions("cw1")) == independent_settlement(community="TC1")
	assert report_figures(sessions("cw1"), community="TC2") == {}
	assert report_figures(sessions("soa"), merchant=world.merchants["merchant2"]) == {
		("2025-04", world.merchants["merchant2"]): {"redemptions": 1, "items": 1, "points": 6, "residents": 1}
	}
	# counters and residents have no access to it
	for key in ("merchant1", "resident1"):
		refused = sessions(key).get(REPORT, report_name="Merchant Settlement", filters=json.dumps(PERIOD))
		assert refused.status_code == 403, key
