"""The resident's notices in a real browser, on a phone (390x844) in Chinese: the badge on their
services, the list with the unread notice first, one notice opened and confirmed. The list is the
README's screenshot (docs/screenshots/notices-resident.png, with CG_README_SCREENSHOTS set)."""

import os

import pytest

import frappe
from frappe.utils import add_to_date, now_datetime
from tests.integration import journeys
from tests.integration.browser import Screen, chromium, chromium_missing
from tests.integration.conftest import as_user

pytestmark = [pytest.mark.browser, pytest.mark.http]

NOTICE = "Community Notice"


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
def two_notices(world):
	"""A notice the resident has read and a newer-looking one asking for confirmation, both from
	their captain; removed afterwards."""
	as_user(world.users["captain1"])
	names = []
	for title, body, confirm, minutes in (
		("本周六上午小区绿化修剪", "<p>周六 8:00–11:00 修剪绿化，请勿在树下停车。</p>", 0, -90),
		("明日停水通知", "<p>明天 9:00–12:00 因管道检修停水，<b>请提前储水</b>。</p>", 1, -60),
	):
		doc = frappe.get_doc(
			{
				"doctype": NOTICE,
				"title": title,
				"body": body,
				"audience": "Buildings",
				"buildings": [{"building": "TG11-1"}],
				"publish_on": add_to_date(now_datetime(), minutes=minutes),
				"expires_on": add_to_date(now_datetime(), days=3),
				"requires_confirmation": confirm,
			}
		).insert()
		doc.submit()
		names.append(doc.name)
	frappe.db.set_value(
		"Community Notice Receipt",
		{"notice": names[0], "resident": world.residents["resident1"]},
		"read_on",
		now_datetime(),
	)
	frappe.set_user("Administrator")
	frappe.db.commit()
	yield names
	frappe.db.rollback()
	for name in names:
		frappe.db.delete("Community Notice Receipt", {"notice": name})
		frappe.db.delete("Notification Log", {"document_type": NOTICE, "document_name": name})
		frappe.db.delete("Community Notice Building", {"parent": name})
		frappe.db.delete(NOTICE, {"name": name})
	frappe.db.commit()


def test_a_resident_reads_and_confirms_a_notice_on_the_phone(browser, server, world, two_notices):
	read, to_confirm = two_notices
	with journeys.speaking_chinese(world, keys=("resident1",)):
		screen = Screen(browser, server.url, "notices", phone=True)
		try:
			screen.open("login-page", "/login", "#login_email")
			journeys.log_in(
				screen,
				world.users["resident1"],
				world.password,
				ready="body",
				until="location.pathname === '/me/services' && document.readyState === 'complete'",
			)
			badge = screen.page.locator("a[href='/me/notices'] [data-unread-count]")
			assert int(badge.inner_text()) >= 1

			screen.open("list", "/me/notices", "[data-notice]")
			assert screen.text("h1") == journeys.zh("Notices")
			rows = screen.page.locator("[data-notice]")
			first = rows.first
			assert first.get_attribute("data-unread") == "1"
			unread = [rows.nth(i).get_attribute("data-unread") for i in range(rows.count())]
			assert unread == sorted(unread, reverse=True)  # unread first
			ours = [rows.nth(i).get_attribute("data-notice") for i in range(rows.count())]
			assert ours.index(to_confirm) < ours.index(read)
			screen.screenshot("resident", readme=True)

			screen.open("opened", f"/me/notices?notice={to_confirm}", "[data-confirm]")
			assert "请提前储水" in screen.text(".resident-notice-body")
			with screen.loading("confirmed", "[data-confirmed]", "document.readyState === 'complete'"):
				screen.page.click("[data-confirm]")
			assert screen.text("[data-confirmed]") == journeys.zh("You confirmed you have read it")
		finally:
			screen.close()
	screen.assert_no_problems()
	frappe.db.rollback()
	receipt = frappe.db.get_value(
		"Community Notice Receipt",
		{"notice": to_confirm, "resident": world.residents["resident1"]},
		["read_on", "confirmed_on"],
		as_dict=True,
	)
	assert receipt.read_on and receipt.confirmed_on
