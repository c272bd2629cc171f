"""The demo street in a real browser, in Chinese: the street admin's workspace, every card with a
figure, and the KPI report at a desk; a resident's services and points and a captain's page on a
phone. With CG_README_SCREENSHOTS set these are the README's demo screenshots
(docs/screenshots/demo-*.png; taken on the full demo street by ``benchmarks/pages.py``'s way)."""

import pytest

from community_governance import demo
from tests.integration import journeys
from tests.integration.browser import Screen
from tests.integration.demo_street import build_small_demo
from tests.integration.journeys import WORKSPACE_LOADED, number_of, settle_charts, zh
from tests.integration.test_browser_journeys import browser  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.http]
TABLE_SHOWN = "() => document.querySelector('.dt-row')"
COMMUNITY = f"{demo.STREET_CODE}-01"  # the charts and the KPI report name a community by its code


@pytest.fixture(scope="module")
def demo_street(site, server):
	build_small_demo()  # commits: the server's connection must see the street
	with journeys.desk_ready():
		yield


def test_the_street_admin_sees_the_demo_street_at_work(browser, server, demo_street):  # noqa: F811
	screen = Screen(browser, server.url, "demo", phone=False)
	page = screen.page
	try:
		screen.open("login-page", "/login", "#login_email")
		journeys.log_in(screen, demo.ADMIN, demo.PASSWORD, ".number-widget-box", WORKSPACE_LOADED)
		assert page.url.endswith("/app/community-governance"), page.url
		cards = page.locator(".number-widget-box")
		figures = {
			" ".join(card.locator(".widget-title").inner_text().split()): number_of(
				card.locator(".widget-body").inner_text()
			)
			for card in cards.all()
		}
		assert figures and all(figures.values()), figures
		by_community = page.locator(".dashboard-widget-box", has_text=zh("Open Requests by Community"))
		assert COMMUNITY in journeys.texts_of(by_community.locator("svg text"))
		settle_charts(screen)
		screen.screenshot("1-admin-workspace", readme=True)

		screen.open("kpi", "/app/query-report/Service Request KPI", ".dt-header", TABLE_SHOWN)
		rows = " ".join(page.locator(".dt-row").all_inner_texts())
		assert COMMUNITY in rows, rows[:300]
		settle_charts(screen)
		screen.screenshot("2-kpi-report", readme=True, full_page=True)
		screen.assert_no_problems()
	finally:
		screen.close()


def test_a_resident_and_a_captain_of_the_demo_street_on_their_phones(browser, server, demo_street):  # noqa: F811
	resident = next(user for user in demo.plan_demo("small").users.values() if user.kind == "Resident")
	captain = next(user for user in demo.plan_demo("small").users.values() if user.kind == "Building Captain")
	phone = Screen(browser, server.url, "demo", phone=True)
	try:
		phone.open("login-page", "/login", "#login_email")
		journeys.log_in(phone, resident.email, demo.PASSWORD, ".resident-page")
		assert "/me/services" in phone.page.url, phone.page.url
		phone.screenshot("3-resident-services", readme=True)
		phone.open("my-requests", "/service-request/list", "tbody tr")
		assert phone.page.locator("tbody tr").count() > 0, "the resident has requests of their own"
		phone.screenshot("4-resident-requests", readme=True)
		phone.open("points", "/me/points", "[data-balance]")
		assert int(phone.page.locator(".resident-balance").get_attribute("data-balance")) > 0
		phone.screenshot("5-resident-points", readme=True)
		phone.assert_no_problems()
	finally:
		phone.close()

	phone = Screen(browser, server.url, "demo", phone=True)
	try:
		phone.open("login-page", "/login", "#login_email")
		journeys.log_in(phone, captain.email, demo.PASSWORD, "[data-building]")
		assert phone.page.url.endswith("/me/captain"), phone.page.url
		phone.screenshot("6-captain", readme=True)
		phone.assert_no_problems()
	finally:
		phone.close()
