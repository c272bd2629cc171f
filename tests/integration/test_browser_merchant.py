"""At the caring merchant's counter, in a real browser: on a 390×844 phone, in Chinese, the resident
opens their approved redemption's code and QR code, and the merchant's login types the code on
/me/merchant, sees what it redeems and hands it over; the same code is refused a second time.
Screenshots: docs/screenshots/merchant-*.png (with CG_README_SCREENSHOTS set)."""

import os

import pytest

import frappe
from community_governance import ledger, merchants
from tests.integration import journeys
from tests.integration.browser import Screen, chromium, chromium_missing

pytestmark = [pytest.mark.browser, pytest.mark.http]

SHOP_NAME = "爱心理发店"
REWARD_NAME = "爱心理发"


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
def counter_setup(world, server):
	"""The barber's shop under its Chinese name, one of its rewards, and resident1's redemption of it
	approved by their community worker (all committed, and put back afterwards)."""
	shop = world.merchants["merchant1"]
	shop_name = frappe.db.get_value("Caring Merchant", shop, "merchant_name")
	with journeys.speaking_chinese(world, keys=("resident1", "merchant1")), journeys.cleanup() as done:
		frappe.db.set_value("Caring Merchant", shop, "merchant_name", SHOP_NAME)
		resident = world.residents["resident1"]
		done.post_points(resident, 20, section="Neighbourly Help", remark="参加楼道清洁志愿活动")
		reward = frappe.get_doc(
			{
				"doctype": "Reward",
				"reward_name": REWARD_NAME,
				"reward_type": "Service",
				"merchant": shop,
				"points_cost": 10,
				"stock": 5,
			}
		).insert()
		done.rewards.append(reward.name)
		frappe.set_user(world.users["cw1"])
		redemption = frappe.get_doc(
			{"doctype": "Reward Redemption", "reward": reward.name, "resident": resident}
		).insert()
		redemption.workflow_state = "Approved"
		redemption.save()
		frappe.set_user("Administrator")
		frappe.db.commit()
		try:
			yield redemption
		finally:
			frappe.db.rollback()
			transaction = frappe.qb.DocType("Points Transaction")
			frappe.qb.from_(transaction).delete().where(transaction.source_name == redemption.name).run()
			ledger.rebuild_monthly_totals()  # the rows went behind the ledger's back
			frappe.db.set_value("Caring Merchant", shop, "merchant_name", shop_name)
			frappe.db.commit()


def log_in(screen, world, key, lands_on):
	screen.open("login-page", "/login", "#login_email")
	journeys.log_in(
		screen,
		world.users[key],
		world.password,
		ready="body",
		until=f"location.pathname === '{lands_on}' && document.readyState === 'complete'",
	)


def test_a_merchant_honours_a_residents_code_at_the_counter(browser, server, world, counter_setup):
	redemption = counter_setup
	code = merchants.format_code(redemption.redemption_code)
	zh = journeys.zh

	resident = Screen(browser, server.url, "merchant", phone=True)
	counter = Screen(browser, server.url, "merchant", phone=True)
	try:
		# the resident opens their rewards: the approved redemption shows its code and QR code
		log_in(resident, world, "resident1", "/me/services")
		resident.open("resident-code", "/me/rewards", f"[data-counter-code='{code}']")
		shown = resident.text(f"[data-counter-code='{code}']")
		assert code in shown and zh("Show this code at {0}").format(SHOP_NAME) in shown
		qr = resident.page.locator(f"[data-counter-code='{code}'] img.resident-qr")
		assert qr.get_attribute("src").startswith("data:image/png;base64,")
		assert qr.evaluate("image => image.naturalWidth") > 0
		qr.scroll_into_view_if_needed()
		resident.screenshot("1-resident-code", readme=True)

		# the merchant's login lands on the counter, types the code and sees what it redeems
		log_in(counter, world, "merchant1", "/me/merchant")
		page = counter.page
		assert counter.text("h1") == zh("Merchant Counter")
		assert SHOP_NAME in counter.text("[data-shops]")
		counter.screenshot("2-counter", readme=True)
		page.fill("#counter-code", code.lower())
		with counter.loading("look-up", "#counter-result"):
			page.click("#counter-look-up")
		result = counter.text("#counter-result")
		assert REWARD_NAME in result and "Li Na" in result
		counter.screenshot("3-look-up", readme=True)

		with counter.loading("handed-over", "#counter-done"):
			page.click("#counter-hand-over")
		assert zh("Handed over: {0} × {1} for {2}.").format(REWARD_NAME, 1, "Li Na") == counter.text(
			"#counter-done"
		)
		counter.screenshot("4-handed-over", readme=True)

		# the same code again: refused, in Chinese (the browser logs the 417 as a failed load)
		counter.expected_refusals.add(
			counter.url("/api/method/community_governance.api.merchants.look_up_code")
		)
		page.fill("#counter-code", code)
		with counter.loading("used-again", "#counter-refusal"):
			page.click("#counter-look-up")
		used = zh("Code {0} has already been used, on {1}.").split("{1}")[0].format(code)
		assert counter.text("#counter-refusal").startswith(used.strip())
		counter.screenshot("5-used-again", readme=True)

		frappe.db.rollback()
		stored = frappe.db.get_value(
			"Reward Redemption", redemption.name, ["workflow_state", "fulfilled_by"], as_dict=True
		)
		assert stored.workflow_state == "Fulfilled" and stored.fulfilled_by == world.users["merchant1"]
		assert not ledger.drift()

		# the counter's page now lists it among what was handed over
		counter.open("counter-after", "/me/merchant", "#counter-served")
		assert REWARD_NAME in counter.text("#counter-served")
	finally:
		resident.close()
		counter.close()
	resident.assert_no_problems()
	counter.assert_no_problems()
