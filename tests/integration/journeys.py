"""Three people use the app in Chinese, in a real browser, from logging in to what they came for:

- a resident on a 390×844 phone files a request with a photo, follows it, rates it, sees their
  points and redeems a reward (the residents' web form and the /me pages);
- a building captain on the same phone lands on their own page (/me/captain); in Frappe's desk they
  log a patrol with a finding, turn it into a request, dispatch it and find it among their
  buildings' open requests; and on the phone page, with the font at 130%, they send two nil
  reports, log a finding with a photo that becomes a request, dispatch a resident's request to a
  volunteer from the list and see what is overdue;
- a street-office admin at a desk sees the workspace's number cards and charts and the KPI report;
- grid workers, community workers and the admin each land on their own workspace, queues first.

The steps other people take meanwhile (a worker resolving the request, points paid for an activity)
happen over HTTP or through the ledger, as they would. What a journey creates is committed, since
the site is served by another process, and removed by the context manager that set it up.
Used by tests/integration/test_browser_journeys.py and benchmarks/pages.py.
"""

import re
from contextlib import contextmanager
from types import SimpleNamespace

import frappe
from community_governance import ledger
from frappe.utils import add_to_date, now_datetime
from tests.integration.browser import Screen

DOCTYPE = "Service Request"
OPEN_STATES = ("Open", "Dispatched", "Accepted", "Reopened")
LOOP = "/api/method/community_governance.api.service_request"
WORKSPACE = "/app/community-governance"
CATEGORY = "楼道照明与设施"
ACCOUNT_COLUMNS = ("balance", *ledger.SECTION_FIELDS.values())
LANGUAGE_USERS = ("resident1", "captain1", "soa")
# the workspace is there once every number card shows its number and every chart is drawn (or says
# it has no data)
WORKSPACE_LOADED = """() => {
	const cards = [...document.querySelectorAll(".number-widget-box")];
	const charts = [...document.querySelectorAll(".dashboard-widget-box")];
	const loading = __("Loading...");
	const drawn = (chart) => chart.querySelector(".chart-container svg text")
		|| [...chart.querySelectorAll(".chart-loading-state")].some(
			(state) => state.offsetParent && !state.textContent.includes(loading));
	return cards.length > 0 && cards.every((card) => card.querySelector(".widget-content"))
		&& charts.every(drawn);
}"""
# the resident's request, as a row of their list of requests
REQUEST_ROW = "tr:has-text('三单元三楼楼道灯不亮')"


def zh(text: str) -> str:
	"""The Chinese the pages should show for one of the app's (or Frappe's) strings."""
	from frappe.translate import get_full_dict

	return get_full_dict("zh").get(text, text)


# --- the site around the journeys -----------------------------------------------------------------


@contextmanager
def desk_ready():
	"""A fresh site sends every desk user to the setup wizard until it is completed; the journeys need
	the desk itself. Put back as it was afterwards."""
	before = (
		frappe.db.get_single_value("System Settings", "setup_complete"),
		frappe.db.get_default("desktop:home_page"),
	)
	frappe.db.set_single_value("System Settings", "setup_complete", 1)
	frappe.db.set_default("desktop:home_page", "workspace")
	frappe.db.commit()
	forget_boot()
	try:
		yield
	finally:
		frappe.db.rollback()
		frappe.db.set_single_value("System Settings", "setup_complete", before[0])
		frappe.db.set_default("desktop:home_page", before[1])
		frappe.db.commit()
		forget_boot()


@contextmanager
def speaking_chinese(world, keys=LANGUAGE_USERS):
	"""The journeys' users with Chinese as their language (set directly: saving a desk user on a
	completed site could hand them the System Manager role), restored afterwards."""
	users = [world.users[key] for key in keys]
	before = {user: frappe.db.get_value("User", user, "language") for user in users}
	for user in users:
		frappe.db.set_value("User", user, "language", "zh")
	frappe.db.commit()
	forget_boot(users)
	try:
		yield
	finally:
		frappe.db.rollback()
		for user, language in before.items():
			frappe.db.set_value("User", user, "language", language)
		frappe.db.commit()
		forget_boot(users)


def forget_boot(users=None):
	# the desk's boot data is cached per user, translations and all
	if users is None:
		frappe.cache.delete_value("bootinfo")
	else:
		for user in users:
			frappe.cache.hdel("bootinfo", user)
	frappe.clear_cache(doctype="System Settings")


@contextmanager
def request_category():
	"""A category with a Chinese name, as a street office would create it."""
	if not frappe.db.exists("Service Request Category", CATEGORY):
		frappe.get_doc(
			{
				"doctype": "Service Request Category",
				"category_name": CATEGORY,
				"points_section": "Neighbourly Help",
				"volunteer_points": 2,
				"targets": [{"priority": "Medium", "response_hours": 4, "resolution_hours": 48}],
			}
		).insert()
		frappe.db.commit()
	try:
		yield CATEGORY
	finally:
		frappe.db.rollback()
		frappe.delete_doc("Service Request Category", CATEGORY, force=True, ignore_missing=True)
		frappe.db.commit()


class Cleanup:
	"""What a journey created, removed in reverse order at its end (the ledger never deletes itself,
	so its rows and the balances they changed are put back by hand)."""

	def __init__(self):
		self.started = now_datetime()
		self.requests: list[str] = []
		self.patrol_logs: list[str] = []
		self.rewards: list[str] = []
		self.points: list[str] = []
		self.accounts: dict[str, dict | None] = {}
		# users whose records created during the journey go too, even those a failed step never named
		self.owners: list[str] = []

	def keep_account(self, resident: str):
		if resident not in self.accounts:
			self.accounts[resident] = frappe.db.get_value(
				"Points Account", resident, ACCOUNT_COLUMNS, as_dict=True
			)

	def post_points(self, resident: str, points: int, **row) -> str:
		self.keep_account(resident)
		name = ledger.post(resident, points, "Earn", **row).name
		self.points.append(name)
		frappe.db.commit()
		return name

	def created_by_owners(self, doctype: str) -> list[str]:
		if not self.owners:
			return []
		return frappe.get_all(
			doctype, {"owner": ("in", self.owners), "creation": (">=", self.started)}, pluck="name"
		)

	def run(self):
		frappe.db.rollback()
		frappe.set_user("Administrator")
		for name in {*self.patrol_logs, *self.created_by_owners("Patrol Log")}:
			frappe.delete_doc("Patrol Log", name, force=True, ignore_missing=True)
		for name in {*self.requests, *self.created_by_owners(DOCTYPE)}:
			frappe.delete_doc(DOCTYPE, name, force=True, ignore_missing=True)
		for name in self.created_by_owners("File"):  # photos uploaded but never attached
			frappe.delete_doc("File", name, force=True, ignore_missing=True, ignore_permissions=True)
		if self.rewards:
			redemption = frappe.qb.DocType("Reward Redemption")
			frappe.qb.from_(redemption).delete().where(redemption.reward.isin(self.rewards)).run()
			reward = frappe.qb.DocType("Reward")
			frappe.qb.from_(reward).delete().where(reward.name.isin(self.rewards)).run()
		if self.points:
			transaction = frappe.qb.DocType("Points Transaction")
			frappe.qb.from_(transaction).delete().where(transaction.name.isin(self.points)).run()
		account = frappe.qb.DocType("Points Account")
		for resident, before in self.accounts.items():
			if before is None:
				frappe.qb.from_(account).delete().where(account.name == resident).run()
			else:
				restore = frappe.qb.update(account).where(account.name == resident)
				for column in ACCOUNT_COLUMNS:
					restore = restore.set(account[column], before[column])
				restore.run()
		ledger.rebuild_monthly_totals(list(self.accounts))
		frappe.db.commit()


@contextmanager
def cleanup():
	done = Cleanup()
	try:
		yield done
	finally:
		done.run()


def insert_request(world, resident_key: str, description: str, **values) -> str:
	"""A request staff took on the phone, as Administrator (the journeys only read it)."""
	resident = world.residents[resident_key]
	doc = frappe.get_doc(
		{
			"doctype": DOCTYPE,
			"requester": resident,
			"building": frappe.db.get_value("Resident", resident, "building"),
			"channel": "Phone",
			"category": CATEGORY,
			"description": description,
		}
	).insert()
	if values:
		frappe.db.set_value(DOCTYPE, doc.name, values, update_modified=False)
	return doc.name


def requests_of(resident: str, since) -> list[str]:
	frappe.db.rollback()  # see what the server committed
	return frappe.get_all(
		DOCTYPE, {"requester": resident, "creation": (">=", since)}, pluck="name", order_by="creation"
	)


def take_step(server, world, user_key: str, step: str, **data):
	"""Another person's step of the loop, over HTTP as that person."""
	session = server.session(world.users[user_key], world.password)
	response = session.post(f"{LOOP}.{step}", **data)
	assert response.status_code == 200, response.text[:500]


def log_in(screen: Screen, user: str, password: str, ready: str, until: str | None = None):
	page = screen.page
	page.fill("#login_email", user)
	page.fill("#login_password", password)
	with screen.loading("login", ready, until):
		page.click(".btn-login")


def pick_link(screen: Screen, fieldname: str, typed: str, option: str, within: str = ""):
	"""Type into a desk link field and choose the suggestion showing ``option``."""
	control = f"{within} .frappe-control[data-fieldname={fieldname}]"
	field = screen.page.locator(f"{control} input").first
	field.click()
	field.fill("")
	field.press_sequentially(typed, delay=20)
	screen.page.locator(f"{control} [role=option]", has_text=option).first.click()
	screen.page.keyboard.press("Tab")


def number_of(text: str) -> float:
	found = re.search(r"-?\d+(?:\.\d+)?", text.replace(",", ""))
	assert found, f"no number in {text!r}"
	return float(found.group())


def texts_of(locator) -> set[str]:
	return {" ".join(text.split()) for text in locator.all_text_contents()}


def card_number(screen: Screen, label: str) -> float:
	card = screen.page.locator(".number-widget-box", has_text=zh(label))
	return number_of(card.locator(".widget-body").inner_text())


def settle_charts(screen: Screen):
	screen.page.wait_for_timeout(1500)  # the charts draw their bars with an animation


# --- the resident ---------------------------------------------------------------------------------


@contextmanager
def resident_setup(world):
	"""Points from a volunteer activity (paid as the ledger pays them) and a reward on offer."""
	with cleanup() as done:
		resident = world.residents["resident1"]
		done.owners.append(world.users["resident1"])
		done.post_points(resident, 30, section="Neighbourly Help", remark="参加楼道清洁志愿活动")
		reward = frappe.get_doc(
			{
				"doctype": "Reward",
				"reward_name": "爱心理发",
				"reward_type": "Service",
				"provider": "社区爱心理发店",
				"points_cost": 10,
				"stock": 5,
			}
		).insert()
		done.rewards.append(reward.name)
		frappe.db.commit()
		yield SimpleNamespace(cleanup=done, resident=resident, reward=reward.name, points=30, cost=10)


def resident_journey(browser, server, world, data, photo: str) -> Screen:
	screen = Screen(browser, server.url, "resident", phone=True)
	page = screen.page
	balance = ledger.balance_of(data.resident)["balance"]
	submit = ".web-form-footer .submit-btn, .web-form-actions .submit-btn"

	# the QR code on the building's notice board opens the request form; a phone that is not logged
	# in is told to log in first, and comes back to the form afterwards
	to_login = "a[href*='redirect-to']"
	screen.open("form-logged-out", "/service-request/new?building=TG11-1", to_login, refused=True)
	assert zh("You must be logged in to use this form.") in screen.text("main, .page-content-wrapper")
	with screen.loading("login-page", "#login_email"):
		page.locator(to_login).first.click()
	log_in(screen, world.users["resident1"], world.password, ready="textarea[data-fieldname=description]")
	assert page.url.endswith("/service-request/new")
	assert zh("Service Request") in screen.text(".web-form-head, .web-form")

	# file a request with a photo
	page.select_option("select[data-fieldname=request_type]", "Request")
	category = page.locator("input[data-fieldname=category]")
	category.click()
	category.press_sequentially("楼道", delay=20)
	suggestions = page.locator(".frappe-control[data-fieldname=category] [role=listbox] li")
	suggestions.filter(has_text=CATEGORY).first.click()
	page.fill("textarea[data-fieldname=description]", "三单元三楼楼道灯不亮，晚上上下楼很危险。")
	page.click(".frappe-control[data-fieldname=photo] button")
	page.set_input_files(".modal.show input[type=file]", photo)
	page.locator(".modal.show .modal-footer .btn-primary").click()
	page.locator(".modal.show").wait_for(state="hidden")
	page.locator(".modal-backdrop").wait_for(state="detached")
	page.locator(".frappe-control[data-fieldname=photo] .attached-file").first.wait_for()
	screen.check("new-request")
	screen.screenshot("1-new-request", readme=True)
	with screen.loading("submit-request", ".success-page .success-title"):
		page.click(submit)
	assert screen.text(".success-title") == zh("Request Received")

	filed = requests_of(data.resident, data.cleanup.started)
	data.cleanup.requests.extend(filed)
	assert len(filed) == 1, filed
	request = filed[0]
	stored = frappe.db.get_value(DOCTYPE, request, ["photo", "channel", "category", "workflow_state"])
	assert stored[0] and stored[1:] == ("Resident App", CATEGORY, "Open"), stored

	# follow it under my requests
	screen.open("my-requests", "/service-request/list", REQUEST_ROW)
	assert zh("Open") in screen.text(REQUEST_ROW)
	screen.screenshot("2-my-requests", readme=True)

	# meanwhile the captain dispatches it, and the community worker takes it on and resolves it
	take_step(server, world, "captain1", "dispatch", name=request, assignee=world.users["cw1"])
	take_step(server, world, "cw1", "accept", name=request)
	take_step(server, world, "cw1", "resolve", name=request, note="已更换楼道灯泡，灯已恢复正常。")

	screen.open("my-requests-resolved", "/service-request/list", REQUEST_ROW)
	assert zh("Resolved") in screen.text(REQUEST_ROW)

	# see what was done, and rate it
	with screen.loading("resolved-request", ".edit-button"):
		page.locator(REQUEST_ROW).first.click()
	assert "已更换楼道灯泡" in screen.text(".web-form")
	with screen.loading("rating-form", "select[data-fieldname=rating]"):
		page.click(".edit-button")
	page.select_option("select[data-fieldname=rating]", "5")
	page.fill("textarea[data-fieldname=rating_comment]", "修得很快，谢谢！")
	page.keyboard.press("Tab")  # the form takes a field's value when it loses focus
	screen.screenshot("3-rate-request")
	with screen.loading("submit-rating", ".success-page .success-message"):
		page.click(submit)
	assert screen.text(".success-message") == zh("Your form has been successfully updated")
	frappe.db.rollback()
	rated = frappe.db.get_value(DOCTYPE, request, ["workflow_state", "rating", "rating_comment"])
	assert rated == ("Closed", 5, "修得很快，谢谢！"), rated
	screen.open("my-requests-closed", "/service-request/list", REQUEST_ROW)
	assert zh("Closed") in screen.text(REQUEST_ROW)

	# points: the hub shows the balance, the points page the statement
	screen.open("services", "/me/services", ".resident-page")
	assert zh("Hello, {0}").format("Li Na") in screen.text(".resident-page")
	assert zh("Balance {0}").format(balance) in screen.text(".resident-page")
	with screen.loading("points", "[data-balance]"):
		page.click(f"a[href='/me/points']:has-text('{zh('My Points')}')")
	assert int(page.locator(".resident-balance").get_attribute("data-balance")) == balance
	assert screen.text(".resident-balance") == str(balance)
	statement = screen.text(".resident-statement")
	assert "参加楼道清洁志愿活动" in statement and f"+{data.points}" in statement
	screen.screenshot("4-points", readme=True)

	# redeem a reward
	offered = page.locator(f"[data-reward='{data.reward}']")
	with screen.loading("rewards", f"[data-reward='{data.reward}']"):
		page.click(f"a[href='/me/rewards']:has-text('{zh('Redeem Points')}')")
	assert "社区爱心理发店" in offered.inner_text()
	with screen.loading("redeemed", ".alert-success"):
		offered.locator("[data-redeem]").click()
	assert screen.dialogs[-1] == zh("Redeem {0} for {1} points?").format("爱心理发", data.cost)
	assert "爱心理发" in screen.text(".alert-success")
	redemption = screen.text(".resident-highlight")
	assert "爱心理发" in redemption and zh("Requested") in redemption
	# the points are deducted when a community worker approves the redemption, not before
	assert int(page.locator("[data-balance]").first.get_attribute("data-balance")) == balance
	screen.screenshot("5-redeemed", readme=True)
	return screen


# --- the building captain -------------------------------------------------------------------------


@contextmanager
def captain_setup(world):
	"""One open request in each captain's buildings: captain1 must see theirs, never captain2's."""
	with cleanup() as done:
		done.owners.append(world.users["captain1"])
		own = insert_request(world, "resident1", "二单元门禁坏了，门关不上。")
		elsewhere = insert_request(world, "resident2", "四号楼电梯异响。")
		done.requests.extend([own, elsewhere])
		frappe.db.commit()
		yield SimpleNamespace(cleanup=done, own=own, elsewhere=elsewhere)


def captain_open_count(world) -> int:
	"""The open requests captain1 may see: those of their own buildings."""
	frappe.db.rollback()
	frappe.set_user(world.users["captain1"])
	try:
		return len(frappe.get_list(DOCTYPE, {"workflow_state": ("in", OPEN_STATES)}, pluck="name"))
	finally:
		frappe.set_user("Administrator")


def captain_journey(browser, server, world, data) -> Screen:
	screen = Screen(browser, server.url, "captain", phone=True)
	page = screen.page
	findings = ".frappe-control[data-fieldname=findings]"
	screen.open("login-page", "/login", "#login_email")
	# a captain lands on their phone page; the desk's patrol form is still there for them
	log_in(screen, world.users["captain1"], world.password, "[data-building]")
	assert page.url.endswith(CAPTAIN_PAGE), page.url

	# today's patrol of building 2, with a finding; their captaincy fills itself in
	screen.open("new-patrol-log", "/app/patrol-log/new", ".frappe-control[data-fieldname=building] input")
	pick_link(screen, "building", "TG11-2", "TG11-2")
	page.wait_for_function("() => cur_frm && cur_frm.doc.captain")
	assert page.locator(".frappe-control[data-fieldname=captain] input").input_value() == "Zhang Wei"
	page.click(f"{findings} .grid-add-row")
	finding = page.locator(".grid-row-open")  # on a phone a new finding opens as its own form
	finding.locator("select[data-fieldname=finding_type]").select_option("Hazard")
	finding.locator("select[data-fieldname=severity]").select_option("High")
	finding.locator("textarea[data-fieldname=description]").fill("消防通道堆放杂物，影响通行。")
	screen.check("patrol-finding")
	screen.screenshot("2-patrol-finding", readme=True)
	finding.locator(".grid-collapse-row").click()
	with screen.loading("save-patrol-log"):
		page.keyboard.press("Control+s")
		page.wait_for_url(re.compile(r".*/app/patrol-log/PL-.*"))
	log = page.url.rsplit("/", 1)[1]
	data.cleanup.patrol_logs.append(log)

	# the finding becomes a request in one step
	page.locator(f"{findings} .btn-custom", has_text=zh("Report as Request")).click()
	pick_link(screen, "category", "楼道", CATEGORY, within=".modal.show")
	page.locator(".modal.show .modal-footer .btn-primary").click()
	first_finding = f"{findings} .grid-row[data-idx='1']"
	page.locator(f"{first_finding} [data-fieldname=service_request]", has_text="SR-").wait_for(
		state="attached"
	)
	frappe.db.rollback()
	request = frappe.db.get_value("Patrol Finding", {"parent": log}, "service_request")
	assert request, "the finding did not become a request"
	data.cleanup.requests.append(request)
	assert frappe.db.get_value(DOCTYPE, request, ["channel", "building"]) == ("Patrol", "TG11-2")
	# the finding shows its request's live status, in Chinese
	status = page.locator(f"{first_finding} [data-fieldname=request_status]").first
	assert " ".join(status.text_content().split()) == zh("Open")
	screen.check("patrol-log-reported")

	# dispatch it to the grid worker
	handler = ".frappe-control[data-fieldname=handler] input"
	screen.open("request", f"/app/service-request/{request}", handler)
	pick_link(screen, "handler", "gw11", "gw11")
	with screen.loading("save-request", f".indicator-pill:has-text('{zh('Open')}')"):
		page.keyboard.press("Control+s")
	page.locator(".page-head .actions-btn-group > button").click()
	with screen.loading("dispatch", f".indicator-pill:has-text('{zh('Dispatched')}')"):
		page.locator(".page-head .actions-btn-group .dropdown-menu a", has_text=zh("Dispatch")).first.click()
	frappe.db.rollback()
	dispatched = frappe.db.get_value(DOCTYPE, request, ["workflow_state", "handler"])
	assert dispatched == ("Dispatched", world.users["gw11"])
	screen.screenshot("3-dispatched", readme=True)

	# their buildings' open requests, in the desk's list
	screen.open("open-requests", "/app/service-request", ".result .list-row-container")
	screen.screenshot("4-open-requests", readme=True)
	rows = page.locator(".result .list-row-container")
	assert rows.count() >= captain_open_count(world)
	listed = {row.get_attribute("data-name") for row in rows.locator("[data-name]").all()}
	assert {request, data.own} <= listed and data.elsewhere not in listed, listed
	states = " ".join(rows.all_inner_texts())
	assert zh("Dispatched") in states and zh("Open") in states, states
	return screen


# --- the street-office admin ----------------------------------------------------------------------


@contextmanager
def admin_setup(world):
	"""This month's requests in every state the cards count, and points paid to a volunteer."""
	with cleanup() as done:
		now = now_datetime()
		rated = {"rated_on": now, "escalation_level": "Grid"}
		overdue = {"sla_status": "Overdue", "response_due": add_to_date(now, hours=-30)}
		closed = {
			"workflow_state": "Closed",
			"rating": 5,
			"satisfied": 1,
			"closed_on": now,
			"sla_status": "Met",
		}
		reopened = {"workflow_state": "Reopened", "rating": 2, "satisfied": 0, "reopen_count": 1}
		done.requests.extend(
			[
				insert_request(world, "resident1", "楼下垃圾桶满了没人清。"),
				insert_request(world, "resident2", "路灯不亮已经一周。", **overdue),
				insert_request(world, "resident1", "楼道扶手松动。", **closed, **rated),
				insert_request(world, "resident2", "下水道堵塞。", **reopened, **rated),
			]
		)
		volunteer = world.residents["volunteer"]
		done.post_points(volunteer, 25, section="Neighbourly Help", remark="帮助独居老人买菜")
		frappe.db.commit()
		yield SimpleNamespace(cleanup=done)


def admin_expectations(world) -> dict:
	"""What the cards and the report must show, computed here from the records the admin sees."""
	from community_governance.community_governance.report.points_leaderboard import points_leaderboard
	from community_governance.community_governance.report.service_request_kpi import service_request_kpi

	frappe.db.rollback()
	frappe.set_user(world.users["soa"])
	try:
		total = service_request_kpi.execute({})[1][-1]
		issued = frappe.get_list(
			"Points Transaction",
			filters={"kind": "Earn", "docstatus": 1},
			fields=["sum(points) as issued"],
		)[0].issued
		return {
			"open": frappe.db.count(DOCTYPE, {"workflow_state": ("in", OPEN_STATES)}),
			"overdue": frappe.db.count(DOCTYPE, {"sla_status": "Overdue"}),
			"satisfaction": total["satisfaction_rate"],
			"points": int(issued or 0),
			"volume": total["volume"],
			# the Top Volunteers chart is the leaderboard's top ten as the admin sees it
			"top_volunteer": points_leaderboard.execute({"top_n": 10})[1][0]["resident_name"],
		}
	finally:
		frappe.set_user("Administrator")


def admin_journey(browser, server, world, data) -> Screen:
	screen = Screen(browser, server.url, "admin", phone=False)
	page = screen.page
	expected = admin_expectations(world)
	screen.open("login-page", "/login", "#login_email")
	log_in(screen, world.users["soa"], world.password, ".number-widget-box", WORKSPACE_LOADED)
	assert card_number(screen, "Open Service Requests") == expected["open"]
	assert card_number(screen, "Overdue Service Requests") == expected["overdue"]
	assert card_number(screen, "Satisfaction Rate This Month") == expected["satisfaction"]
	assert card_number(screen, "Points Issued") == expected["points"]

	titles = " ".join(page.locator(".dashboard-widget-box .widget-title").all_inner_texts())
	for chart in (
		"Open Requests by Community",
		"Service Requests per Month",
		"Points Issued per Month",
		"Top Volunteers",
	):
		assert zh(chart) in titles, chart
	by_community = page.locator(".dashboard-widget-box", has_text=zh("Open Requests by Community"))
	assert {"TC1", "TC2"} <= texts_of(by_community.locator("svg text"))
	volunteers = page.locator(".dashboard-widget-box", has_text=zh("Top Volunteers"))
	assert expected["top_volunteer"] in texts_of(volunteers.locator("svg text"))
	settle_charts(screen)
	screen.screenshot("1-workspace", readme=True)

	# the KPI report, from the workspace's shortcut
	kpi = page.locator(".shortcut-widget-box", has_text=zh("Service Request KPI")).first
	with screen.loading("kpi-report", ".report-summary", "() => document.querySelector('.dt-row')"):
		kpi.click()
	header = screen.text(".dt-header")
	for column in ("Requests", "Response Rate", "On-time Resolution Rate", "Satisfaction Rate"):
		assert zh(column) in header, column
	summary = screen.text(".report-summary")
	assert zh("Satisfaction Rate") in summary and f"{expected['satisfaction']:g}%" in summary, summary
	total_row = page.locator(".dt-row", has_text=zh("Total")).first
	assert number_of(total_row.locator(".dt-cell[data-col-index='2']").inner_text()) == expected["volume"]
	settle_charts(screen)
	screen.screenshot("2-kpi-report", readme=True)
	return screen


# --- the building captain's day on the phone page (/me/captain) -------------------------------------

CAPTAIN_PAGE = "/me/captain"
# a phone with its font enlarged to 130% (Android's text scaling): every page's root font is scaled
# before the page's own styles load, so whatever the page sizes in rem or em grows with it
FONT_SCALE = 1.3
FONT_SCALE_JS = f"""
(() => {{
	const style = document.createElement("style");
	style.textContent = "html {{ font-size: {FONT_SCALE * 100:g}% !important; }}";
	// the script runs before the document has its first element: add the style as soon as it has
	const place = () => {{
		const root = document.head || document.documentElement;
		if (!root) return false;
		root.appendChild(style);
		return true;
	}};
	if (place()) return;
	const watcher = new MutationObserver(() => place() && watcher.disconnect());
	watcher.observe(document, {{ childList: true, subtree: true }});
}})();
"""
# the first paint of the document on screen now, in seconds from the start of its navigation
FIRST_PAINT_JS = """() => {
	const paint = performance.getEntriesByName("first-contentful-paint")[0];
	return paint ? paint.startTime / 1000 : null;
}"""
DAY_VOLUNTEER = ("dayvol", "Zhou Min", "TG11-1", "2", "602")
DAY_SKILL = "水电维修"
# a third building for captain1 for the journey: two nil reports and a finding elsewhere
THIRD_BUILDING = "TG12-3"


def scaled_phone(browser, base_url: str, journey: str) -> Screen:
	screen = Screen(browser, base_url, journey, phone=True)
	screen.context.add_init_script(FONT_SCALE_JS)
	return screen


@contextmanager
def captain_day_setup(world):
	"""A volunteer of Grid 1-1 with the skill the category needs, a resident's request to dispatch, an
	overdue one, a third building for captain1 and the category findings become requests in."""
	from community_governance import scope
	from tests.integration import world as world_module

	key, name, building, unit, room = DAY_VOLUNTEER
	volunteer = world_module.ensure_user(key, ("Volunteer",))
	resident = world_module.ensure_resident(name, building, unit, room, volunteer, is_volunteer=1)
	if not frappe.db.exists("Skill", DAY_SKILL):
		frappe.get_doc({"doctype": "Skill", "skill_name": DAY_SKILL}).insert()
	record = frappe.get_doc("Resident", resident)
	if not record.skills:
		record.append("skills", {"skill": DAY_SKILL})
		record.save()
	settings_before = frappe.db.get_single_value("Community Governance Settings", "default_patrol_category")
	frappe.db.set_single_value("Community Governance Settings", "default_patrol_category", CATEGORY)
	frappe.db.set_value("Service Request Category", CATEGORY, "required_skill", DAY_SKILL)
	captaincy = frappe.get_doc("Building Captain", world.captaincies["captain1"])
	captaincy.append("buildings", {"building": THIRD_BUILDING})
	captaincy.save()
	with cleanup() as done:
		done.owners.append(world.users["captain1"])
		to_dispatch = insert_request(world, "resident1", "厨房水龙头漏水，关不紧。")
		overdue = insert_request(world, "resident1", "楼道窗户玻璃破了。", sla_status="Overdue")
		done.requests.extend([to_dispatch, overdue])
		frappe.db.commit()
		try:
			yield SimpleNamespace(
				cleanup=done,
				volunteer=volunteer,
				to_dispatch=to_dispatch,
				overdue=overdue,
				taps={},
				paints={},
			)
		finally:
			frappe.db.rollback()
			frappe.db.delete(
				"Building Captain Building", {"parent": captaincy.name, "building": THIRD_BUILDING}
			)
			frappe.db.set_single_value(
				"Community Governance Settings", "default_patrol_category", settings_before
			)
			frappe.db.commit()
			scope.forget()


def tap(data, step: str, count: int = 1):
	data.taps[step] = data.taps.get(step, 0) + count


def painted(screen: Screen, data, name: str):
	"""Record the first paint of the page just loaded."""
	data.paints[name] = screen.page.evaluate(FIRST_PAINT_JS)


def building_state(building: str, state: str) -> str:
	return f'.captain-building[data-building="{building}"] .captain-state[data-state="{state}"]'


def captain_day_journey(browser, server, world, data, photo: str) -> Screen:
	screen = scaled_phone(browser, server.url, "captain-day")
	page = screen.page
	screen.open("login-page", "/login", "#login_email")
	tap(data, "log in", 3)  # the login field, the password field, the button
	log_in(screen, world.users["captain1"], world.password, "[data-building]")
	assert page.url.endswith(CAPTAIN_PAGE), page.url
	painted(screen, data, "login")
	root_font = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
	assert root_font >= 16 * FONT_SCALE - 0.5, root_font
	screen.screenshot("1-today", readme=True)

	# one tap each: nothing found in building 1 and building 2 today
	for number, building in enumerate(("TG11-1", "TG11-2"), start=1):
		with screen.loading(f"nil-report-{number}", building_state(building, "Nil Report")):
			page.click(f'[data-nil-report="{building}"]')
		tap(data, f"nil report {number}")
		painted(screen, data, f"nil-report-{number}")
	frappe.db.rollback()
	nil_logs = frappe.get_all(
		"Patrol Log",
		{"building": ("in", ("TG11-1", "TG11-2")), "patrol_date": frappe.utils.today(), "nil_report": 1},
		pluck="name",
	)
	assert len(nil_logs) == 2, nil_logs

	# a finding in the third building: a photo, a kind, a line of text; it needs handling
	form = page.locator(f'[data-finding-form="{THIRD_BUILDING}"]')
	page.click(f'[data-open-finding="{THIRD_BUILDING}"]')
	form.locator("input[name=photo]").set_input_files(photo)
	form.locator("select[name=finding_type]").select_option("Hazard")
	form.locator("input[name=description]").fill("消防通道堆放自行车，影响通行。")
	tap(data, "finding", 1 + 1 + 2 + 1)  # open the form, take the photo, choose the kind, the text line
	screen.check("finding-form")
	screen.screenshot("2-finding", readme=True)
	with screen.loading("finding-saved", building_state(THIRD_BUILDING, "Findings")):
		form.locator("[type=submit]").click()
	tap(data, "finding")
	painted(screen, data, "finding-saved")
	frappe.db.rollback()
	log = frappe.db.get_value(
		"Patrol Log", {"building": THIRD_BUILDING, "patrol_date": frappe.utils.today()}, "name"
	)
	data.cleanup.patrol_logs.append(log)
	request = frappe.db.get_value("Patrol Finding", {"parent": log}, "service_request")
	assert request, "the finding did not become a request"
	data.cleanup.requests.append(request)
	assert frappe.db.get_value(DOCTYPE, request, ["channel", "building"]) == ("Patrol", THIRD_BUILDING)
	assert frappe.db.get_value(DOCTYPE, request, "photo"), "the request has no photo"
	assert page.locator(f'.captain-request[data-request="{request}"]').count() == 1

	# the resident's request, to the volunteer the list offers first for the skill
	card = page.locator(f'.captain-request[data-request="{data.to_dispatch}"]')
	first_volunteer = card.locator(".captain-candidate", has_text=DAY_SKILL).first
	assert first_volunteer.get_attribute("data-assignee") == data.volunteer
	with screen.loading("dispatched", "#captain-message.alert-success"):
		first_volunteer.click()
	tap(data, "dispatch")
	painted(screen, data, "dispatched")
	frappe.db.rollback()
	assert frappe.db.get_value(DOCTYPE, data.to_dispatch, ["workflow_state", "handler"]) == (
		"Dispatched",
		data.volunteer,
	)
	assert page.locator(f'.captain-request[data-request="{data.to_dispatch}"]').count() == 0
	screen.screenshot("3-dispatched", readme=True)

	# and what is overdue, further down the same page (no tap)
	overdue = page.locator(f'#captain-overdue [data-request="{data.overdue}"]')
	overdue.scroll_into_view_if_needed()
	assert overdue.is_visible()
	screen.check("overdue")
	screen.screenshot("4-overdue", readme=True)
	return screen


# --- each role's home in the desk ------------------------------------------------------------------

ROLE_WORKSPACES = {
	# user key: (where they land, the queues they must see, what belongs to another role's home)
	"gw11": (
		"/app/grid-work",
		(
			"Requests to Dispatch",
			"Requests to Accept",
			"Overdue Service Requests",
			"Follow-up Calls to Make",
			"Care Visits Due",
		),
		("Points Issued", "Open Requests by Community", "Top Volunteers", "Service Request KPI"),
	),
	"cw1": (
		"/app/community-work",
		(
			"Requests to Dispatch",
			"Requests to Accept",
			"Overdue Service Requests",
			"Follow-up Calls to Make",
			"Care Visits Due",
		),
		("Open Requests by Community", "Top Volunteers", "Points Issued per Month"),
	),
	"soa": (
		"/app/community-governance",
		("Requests to Dispatch", "Follow-up Calls to Make", "Care Visits Due", "Open Service Requests"),
		("Requests to Accept",),
	),
}
ROLE_SCREENSHOTS = {"gw11": "grid-worker", "cw1": "community-worker", "soa": "admin"}


def workspace_journey(browser, server, world, key: str) -> Screen:
	home, queues, foreign = ROLE_WORKSPACES[key]
	screen = Screen(browser, server.url, "workspace", phone=False)
	page = screen.page
	screen.open("login-page", "/login", "#login_email")
	log_in(screen, world.users[key], world.password, ".number-widget-box", WORKSPACE_LOADED)
	assert page.url.endswith(home), page.url
	main = page.locator(".layout-main-section")
	labels = texts_of(main.locator(".number-widget-box .widget-title, .dashboard-widget-box .widget-title"))
	labels |= texts_of(main.locator(".shortcut-widget-box .widget-title"))
	for queue in queues:
		assert zh(queue) in labels, (key, queue, labels)
	for other in foreign:
		assert zh(other) not in labels, (key, other)
	# the queues come first
	first = main.locator(".number-widget-box .widget-title").first.inner_text().strip()
	assert first == zh(queues[0]), first
	settle_charts(screen)
	screen.screenshot(ROLE_SCREENSHOTS[key], readme=True)
	return screen
