"""The resident's phone pages (/me/services, /me/points, /me/rewards), fetched over HTTP as the real
portal user, like a phone browser. What the pages show is set up here and committed, since the server
is another process, and removed afterwards row by row: the ledger itself never deletes."""

import json
import re
import uuid

import pytest
import requests

import frappe
from community_governance import ledger
from frappe.utils import add_days, nowdate

pytestmark = pytest.mark.http

REDEEM_URL = "/api/method/community_governance.api.points.request_redemption"
PAGES = ("/me/services", "/me/points", "/me/rewards")
ACCOUNT_COLUMNS = ("balance", *ledger.SECTION_FIELDS.values())


# --- reading the pages -----------------------------------------------------------------------


def page(client, path: str, **params) -> str:
	response = client.get(path, **params)
	assert response.status_code == 200, response.text[:500]
	return response.text


def shown_balance(html: str) -> int:
	return int(re.search(r'data-balance="(-?\d+)"', html).group(1))


def list_item(html: str, attribute: str, value: str) -> str | None:
	"""The <li> of the page's list that carries ``attribute="value"``, or None."""
	found = re.search(rf'{attribute}="{re.escape(value)}"(.*?)</li>', html, re.S)
	return found.group(1) if found else None


def csrf_token_of(html: str) -> str:
	return re.search(r'frappe\.csrf_token = "([^"]+)"', html).group(1)


def redeem(client, reward: str, token: str | None) -> requests.Response:
	"""The POST the page's redeem button sends (frappe.call: form-encoded, token in the header)."""
	headers = {"X-Frappe-CSRF-Token": token} if token else {}
	return client.http.post(f"{client.url}{REDEEM_URL}", data={"reward": reward}, headers=headers, timeout=60)


def server_messages(response: requests.Response) -> list[str]:
	return [json.loads(message)["message"] for message in json.loads(response.json()["_server_messages"])]


# --- committed set-up, removed afterwards ----------------------------------------------------


@pytest.fixture
def committed_points(world):
	"""Points for resident1 and resident2, each row with a remark only its owner should ever see."""
	marker = uuid.uuid4().hex[:8]
	residents = [world.residents["resident1"], world.residents["resident2"]]
	accounts_before = {
		resident: frappe.db.get_value("Points Account", resident, ACCOUNT_COLUMNS, as_dict=True)
		for resident in residents
	}
	rows = [
		ledger.post(residents[0], 17, "Earn", section="Neighbourly Help", remark=f"Helped upstairs {marker}"),
		ledger.post(residents[0], 4, "Adjustment", remark=f"Paper record {marker}"),
		ledger.post(residents[1], 9, "Adjustment", remark=f"Only resident2 {marker}"),
	]
	frappe.db.commit()
	yield marker
	frappe.db.rollback()
	transaction = frappe.qb.DocType("Points Transaction")
	frappe.qb.from_(transaction).delete().where(transaction.name.isin([row.name for row in rows])).run()
	account = frappe.qb.DocType("Points Account")
	for resident, before in accounts_before.items():
		if before is None:
			frappe.qb.from_(account).delete().where(account.name == resident).run()
		else:
			restore = frappe.qb.update(account).where(account.name == resident)
			for column in ACCOUNT_COLUMNS:
				restore = restore.set(account[column], before[column])
			restore.run()
	ledger.rebuild_monthly_totals(list(accounts_before))
	frappe.db.commit()


@pytest.fixture
def committed_rewards(world, committed_points):
	"""One reward on offer, one expired, one costing more than resident1 has; and, afterwards, the
	redemptions the tests asked for."""
	marker = committed_points
	balance = ledger.balance_of(world.residents["resident1"])["balance"]
	rewards = {
		"offered": make_reward(f"Haircut {marker}", cost=3),
		"expired": make_reward(
			f"Shoe repair {marker}",
			cost=2,
			valid_from=add_days(nowdate(), -30),
			valid_until=add_days(nowdate(), -1),
		),
		"too_dear": make_reward(f"Housekeeping {marker}", cost=balance + 50),
	}
	frappe.db.commit()
	yield rewards
	frappe.db.rollback()
	redemption = frappe.qb.DocType("Reward Redemption")
	frappe.qb.from_(redemption).delete().where(redemption.reward.isin(list(rewards.values()))).run()
	reward = frappe.qb.DocType("Reward")
	frappe.qb.from_(reward).delete().where(reward.name.isin(list(rewards.values()))).run()
	frappe.db.commit()


def make_reward(reward_name: str, cost: int, **extra) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Reward",
				"reward_name": reward_name,
				"reward_type": "Service",
				"provider": "Caring merchant",
				"points_cost": cost,
				"stock": 5,
				**extra,
			}
		)
		.insert()
		.name
	)


@pytest.fixture
def chinese_resident1(world, server):
	"""resident1 logged in with their language set to Chinese (restored to English afterwards)."""
	user = world.users["resident1"]
	frappe.db.set_value("User", user, "language", "zh")
	frappe.db.commit()
	yield server.session(user, world.password)
	frappe.db.set_value("User", user, "language", "en")
	frappe.db.commit()


@pytest.fixture
def resident1(world, server):
	return server.session(world.users["resident1"], world.password)


# --- who may open the pages ------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_guests_are_sent_to_log_in_and_back(server, path):
	response = requests.get(f"{server.url}{path}", allow_redirects=False, timeout=60)
	assert response.status_code == 302
	assert response.headers["Location"] == "/login?" + requests.compat.urlencode({"redirect-to": path})


@pytest.mark.parametrize("path", PAGES)
def test_a_login_without_a_resident_record_is_told_so(world, server, path):
	worker = server.session(world.users["cw1"], world.password)
	assert "not linked to a resident record" in page(worker, path)


# --- 我的积分 ----------------------------------------------------------------------------------


def test_a_resident_sees_their_own_balance_sections_and_statement(world, resident1, committed_points):
	marker = committed_points
	own = ledger.balance_of(world.residents["resident1"])
	html = page(resident1, "/me/points")

	assert shown_balance(html) == own["balance"]
	assert re.search(rf"Neighbourly Help</span>\s*<span[^>]*>{own['by_section']['Neighbourly Help']}<", html)
	# newest first, each line with the balance after it
	assert html.index(f"Paper record {marker}") < html.index(f"Helped upstairs {marker}")
	assert f"Balance {own['balance']}" in html
	assert f"Only resident2 {marker}" not in html


def test_another_resident_sees_only_theirs(world, server, committed_points):
	marker = committed_points
	resident2 = server.session(world.users["resident2"], world.password)
	html = page(resident2, "/me/points")
	assert shown_balance(html) == ledger.balance_of(world.residents["resident2"])["balance"]
	assert f"Only resident2 {marker}" in html
	assert f"Helped upstairs {marker}" not in html


def test_the_points_page_speaks_chinese_to_a_chinese_user(world, chinese_resident1, committed_points):
	html = page(chinese_resident1, "/me/points")
	balance = ledger.balance_of(world.residents["resident1"])["balance"]
	assert "我的积分" in html and "邻里互助" in html
	assert shown_balance(html) == balance
	assert f"余额：{balance}" in html


def test_the_hub_links_the_resident_pages_with_the_balance(world, resident1, committed_points):
	html = page(resident1, "/me/services")
	assert 'href="/me/points"' in html and 'href="/me/rewards"' in html
	assert f"Balance {ledger.balance_of(world.residents['resident1'])['balance']}" in html


# --- 积分兑换 ----------------------------------------------------------------------------------


def test_the_catalogue_lists_rewards_on_offer_and_not_expired_ones(resident1, committed_rewards):
	html = page(resident1, "/me/rewards")
	offered = list_item(html, "data-reward", committed_rewards["offered"])
	assert offered and "3 points" in offered and "Caring merchant" in offered and "5 left" in offered
	assert f'data-redeem="{committed_rewards["offered"]}"' in offered
	assert list_item(html, "data-reward", committed_rewards["expired"]) is None


def test_a_reward_costing_more_than_the_balance_cannot_be_pressed(resident1, committed_rewards):
	too_dear = list_item(page(resident1, "/me/rewards"), "data-reward", committed_rewards["too_dear"])
	assert "disabled" in too_dear and "50 more points needed" in too_dear
	assert "data-redeem=" not in too_dear


def test_redeeming_as_the_button_does_asks_for_the_reward_and_the_page_lists_it(
	world, server, resident1, committed_rewards
):
	token = csrf_token_of(page(resident1, "/me/rewards"))
	response = redeem(resident1, committed_rewards["offered"], token)
	assert response.status_code == 200, response.text[:500]
	asked = response.json()["message"]

	frappe.db.rollback()  # see what the server committed
	assert frappe.db.get_value(
		"Reward Redemption", asked["name"], ["workflow_state", "resident", "points"]
	) == (
		"Requested",
		world.residents["resident1"],
		3,
	)
	html = page(resident1, "/me/rewards", requested=asked["name"])
	listed = list_item(html, "data-redemption", asked["name"])
	assert listed and "Requested" in listed and "Haircut" in listed
	assert "has been sent" in html

	resident2 = server.session(world.users["resident2"], world.password)
	assert list_item(page(resident2, "/me/rewards"), "data-redemption", asked["name"]) is None


def test_a_reward_costing_more_than_the_balance_is_refused_in_the_users_language(
	world, chinese_resident1, committed_rewards
):
	token = csrf_token_of(page(chinese_resident1, "/me/rewards"))
	response = redeem(chinese_resident1, committed_rewards["too_dear"], token)
	assert response.status_code == 417
	balance = ledger.balance_of(world.residents["resident1"])["balance"]
	assert f"需要{balance + 50}积分，余额为{balance}。" in server_messages(response)
	frappe.db.rollback()
	assert not frappe.db.exists("Reward Redemption", {"reward": committed_rewards["too_dear"]})


def test_the_redeem_post_needs_the_pages_csrf_token(resident1, committed_rewards):
	page(resident1, "/me/rewards")  # the page gives the session its token
	response = redeem(resident1, committed_rewards["offered"], token=None)
	assert response.status_code == 400
	frappe.db.rollback()
	assert not frappe.db.exists("Reward Redemption", {"reward": committed_rewards["offered"]})
