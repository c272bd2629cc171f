"""The Service Request KPI (with its definitions) and the Monthly Service Report, with the page its
PDF prints, looked at in a real browser in Chinese as a street-office admin."""

import pytest

import frappe
from community_governance.community_governance.report.monthly_service_report import (
	monthly_service_report as monthly,
)
from frappe.utils import get_first_day, getdate
from tests.integration import journeys
from tests.integration.browser import Screen
from tests.integration.journeys import zh
from tests.integration.test_browser_journeys import browser, in_chinese  # noqa: F401 (fixtures)
from tests.integration.test_monthly_service_report import remove_week
from tests.integration.test_service_request_kpi_week import week  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.http]
TABLE_SHOWN = "() => document.querySelector('.dt-row')"


def test_the_kpi_and_monthly_reports_in_chinese(browser, server, world, in_chinese, week):  # noqa: F811
	frappe.db.commit()  # the server's connection must see the week
	screen = Screen(browser, server.url, "reports", phone=False)
	try:
		screen.open("login-page", "/login", "#login_email")
		journeys.log_in(
			screen, world.users["soa"], world.password, ".number-widget-box", journeys.WORKSPACE_LOADED
		)

		screen.open("kpi", "/app/query-report/Service Request KPI", ".kpi-definitions", TABLE_SHOWN)
		header = screen.text(".dt-header")
		for column in ("Due a Response", "Answered Solved?", "Resolution Rate", "Due a Resolution"):
			assert zh(column) in header, column
		definitions = screen.text(".kpi-definitions")
		assert zh("Latest answer Yes, of the answered requests.") in definitions
		journeys.settle_charts(screen)
		screen.screenshot("1-kpi-definitions", readme=True, full_page=True)

		screen.open("monthly", "/app/query-report/Monthly Service Report", ".dt-header", TABLE_SHOWN)
		header = screen.text(".dt-header")
		for column in ("Rank", "Response Rate Change", "Still Overdue"):
			assert zh(column) in header, column
		assert "TC1" in " ".join(screen.page.locator(".dt-row").all_inner_texts())
		screen.screenshot("2-monthly-report", readme=True)

		# the page the PDF prints, in the same browser
		frappe.local.lang = "zh"
		html = monthly.render_html(get_first_day(getdate()))
		frappe.local.lang = "en"
		screen.page.set_content(html)
		screen.check("monthly-pdf")
		assert zh("Requests Still Overdue") in screen.text("body")
		screen.screenshot("3-monthly-pdf", readme=True, full_page=True)
		screen.assert_no_problems()
	finally:
		screen.close()
		frappe.local.lang = "en"
		remove_week(week)
