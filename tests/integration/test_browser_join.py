"""A new resident joins by phone, in a real browser at 390×844 in Chinese: they open the join link of
their building's notice board, register, their building captain approves them in the desk (on their
phone too), and they log in with their mobile number and land on their services."""

import re

import pytest

import frappe
from community_governance import notice_board, registration
from tests.integration import journeys
from tests.integration.browser import Screen
from tests.integration.test_browser_journeys import browser, in_chinese  # noqa: F401 (fixtures)
from tests.integration.test_join import PASSWORD, joined, new_address, new_mobile  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.http]
B1 = "TG11-1"


def test_a_new_resident_joins_from_the_qr_link_is_approved_and_logs_in_by_mobile(
	browser,  # noqa: F811
	server,
	world,
	in_chinese,  # noqa: F811
	joined,  # noqa: F811
):
	mobile = new_mobile()
	joined.append(mobile)
	join_path = re.sub(r"^https?://[^/]+", "", notice_board.notice_board(B1)["join_url"])

	resident = Screen(browser, server.url, "join", phone=True)
	resident.context.set_extra_http_headers({"X-Forwarded-For": new_address()})
	page = resident.page
	try:
		resident.open("form", join_path, "#join-form")
		assert resident.text("h1") == journeys.zh("Join Your Community")
		assert page.locator("#join-building").get_attribute("data-building") == B1
		page.fill("#join-full-name", "马兰")
		page.fill("#join-mobile", mobile)
		page.fill("#join-unit", "1")
		page.fill("#join-room", "303")
		page.fill("#join-password", PASSWORD)
		page.fill("#join-password-again", PASSWORD)
		page.check("#join-consent")
		resident.check("form-filled")
		resident.screenshot("1-form", readme=True, full_page=True)
		with resident.loading("registered", "#join-done"):
			page.click("#join-submit")
		assert resident.text("#join-done-message") == journeys.zh(
			"Thank you. Your building captain or grid worker will verify your registration."
		)
		resident.screenshot("2-registered", readme=True)

		frappe.db.rollback()
		name = frappe.db.get_value(registration.REGISTRATION, {"mobile": mobile}, "name")
		assert name and not frappe.db.exists("User", {"mobile_no": mobile})

		# their captain approves it in the desk, on their phone
		captain = Screen(browser, server.url, "join-captain", phone=True)
		try:
			captain.open("login-page", "/login", "#login_email")
			journeys.log_in(
				captain, world.users["captain1"], world.password, "[data-building]"
			)  # their phone page
			captain.open(
				"registration",
				f"/app/resident-registration/{name}",
				until=f"() => window.cur_frm && cur_frm.doc.name === {name!r}",
			)
			# what the desk suggests is shown above the form
			captain.page.locator(".form-message").first.wait_for(state="visible")
			captain.check("registration-suggestions")
			captain.screenshot("3-captain-verifies", readme=True)
			# on a phone the form's buttons are in its menu
			captain.page.locator(".page-actions .menu-btn-group > button:visible").first.click()
			approve = captain.page.locator(".dropdown-item:visible", has_text=journeys.zh("Approve")).first
			with captain.loading("approved", until="() => cur_frm && cur_frm.doc.status === 'Approved'"):
				approve.click()
			captain.assert_no_problems()
		finally:
			captain.close()

		# the resident logs in with their mobile number and lands on their services
		resident.open("login-page", "/login", "#login_email")
		journeys.log_in(
			resident,
			mobile,
			PASSWORD,
			ready="body",
			until="location.pathname === '/me/services' && document.readyState === 'complete'",
		)
		assert page.url.endswith("/me/services")
		assert journeys.zh("Hello, {0}").format("马兰") in resident.text(".resident-subtitle")
		resident.screenshot("4-services", readme=True)
	finally:
		resident.close()
	resident.assert_no_problems()
