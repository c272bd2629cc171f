"""The phone experience, proven in a real browser: the resident's, the building captain's and the
street-office admin's journeys (tests/integration/journeys.py) in Chinese on the test site, each page
checked for untranslated strings of the app, JavaScript errors and, on a phone, sideways scrolling."""

import os

import pytest

from tests.integration import journeys
from tests.integration.browser import Screen, chromium, chromium_missing

pytestmark = [pytest.mark.browser, pytest.mark.http]


@pytest.fixture(scope="module")
def browser(site):
	missing = chromium_missing()
	if missing:
		if os.environ.get("CI"):
			pytest.fail(f"the browser journeys must run in CI: {missing}")
		pytest.skip(missing)
	with chromium() as running:
		yield running


@pytest.fixture(scope="module")
def in_chinese(world, server):
	with journeys.desk_ready(), journeys.speaking_chinese(world), journeys.request_category():
		yield


@pytest.fixture
def photo(tmp_path):
	from PIL import Image

	path = tmp_path / "stairwell.jpg"
	Image.new("RGB", (640, 480), (70, 90, 110)).save(path, "JPEG")
	return str(path)


def test_a_resident_files_follows_and_rates_a_request_then_redeems_points(
	browser, server, world, in_chinese, photo
):
	with journeys.resident_setup(world) as data:
		screen = journeys.resident_journey(browser, server, world, data, photo)
		screen.close()
	screen.assert_no_problems()


def test_a_captain_logs_a_patrol_reports_a_finding_and_dispatches_it(browser, server, world, in_chinese):
	with journeys.captain_setup(world) as data:
		screen = journeys.captain_journey(browser, server, world, data)
		screen.close()
	screen.assert_no_problems()


def test_a_street_office_admin_sees_the_workspace_cards_charts_and_kpi_report(
	browser, server, world, in_chinese
):
	with journeys.admin_setup(world) as data:
		screen = journeys.admin_journey(browser, server, world, data)
		screen.close()
	screen.assert_no_problems()


def test_a_resident_logging_in_from_the_login_page_lands_on_their_services(
	browser, server, world, in_chinese
):
	screen = Screen(browser, server.url, "resident-login", phone=True)
	try:
		screen.open("login-page", "/login", "#login_email")
		# Frappe's login page redirects by script once the login call answers
		journeys.log_in(
			screen,
			world.users["resident1"],
			world.password,
			ready="body",
			until="location.pathname === '/me/services' && document.readyState === 'complete'",
		)
		assert screen.page.url.endswith("/me/services")
		assert screen.text("h1") == journeys.zh("Resident Services")
	finally:
		screen.close()


def test_a_captains_day_on_the_phone_page_with_the_font_enlarged(browser, server, world, in_chinese, photo):
	with journeys.captain_day_setup(world) as data:
		screen = journeys.captain_day_journey(browser, server, world, data, photo)
		screen.close()
	screen.assert_no_problems()
	assert sum(data.taps.values()) <= 15, data.taps
	assert all(paint is not None for paint in data.paints.values()), data.paints


@pytest.mark.parametrize("key", sorted(journeys.ROLE_WORKSPACES))
def test_each_role_lands_on_its_own_workspace(browser, server, world, in_chinese, workers_in_chinese, key):
	screen = journeys.workspace_journey(browser, server, world, key)
	screen.close()
	screen.assert_no_problems()


@pytest.fixture(scope="module")
def workers_in_chinese(world, in_chinese):
	with journeys.speaking_chinese(world, keys=("gw11", "cw1")):
		yield
