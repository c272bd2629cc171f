"""Care visits to special groups, as the real users: a grid worker plans the visits of a care-tagged
resident, the visitor (a volunteer) logs them from a phone, a need found becomes a service request
whose status the visit shows, overdue visits are flagged and reminded once a day, and every
refused input leaves nothing behind."""

import pytest

import frappe
from community_governance.api import care as api
from community_governance.api import service_request as request_api
from community_governance.care import visits as care_visits
from frappe.utils import add_days, getdate, today
from tests.integration.conftest import as_user

PLAN, VISIT = "Care Visit Plan", "Care Visit"
API = "/api/method/community_governance.api.care"


def run_as(world, user_key, function, *args, **kwargs):
	as_user(world.users[user_key])
	try:
		return function(*args, **kwargs)
	finally:
		as_user("Administrator")


def end_active_plans(resident: str):
	"""The world's care residents may hold plans committed by the REST tests: end them here."""
	frappe.db.set_value(PLAN, {"resident": resident, "status": "Active"}, "status", "Ended")


def make_plan(world, resident_key="resident1", visitor_key="volunteer", by="gw11", **values) -> str:
	resident = world.residents[resident_key]
	end_active_plans(resident)
	doc = {
		"doctype": PLAN,
		"resident": resident,
		"visitor": world.users[visitor_key] if visitor_key else None,
		"frequency": "Monthly",
		**values,
	}
	return run_as(world, by, lambda: frappe.get_doc(doc).insert().name)


def plan_of(name):
	return frappe.get_doc(PLAN, name)


def visits_of(plan: str) -> int:
	return frappe.db.count(VISIT, {"plan": plan})


# --- plans -------------------------------------------------------------------------------------


def test_a_plan_knows_its_resident_place_and_first_due_date(world):
	plan = plan_of(make_plan(world))
	assert (plan.resident_name, plan.building, plan.grid, plan.community) == (
		"Li Na",
		"TG11-1",
		"TG11",
		"TC1",
	)
	assert plan.visitor_name == "volunteer" and plan.status == "Active"
	assert getdate(plan.next_due_date) == getdate(add_days(today(), 30))
	assert not plan.is_overdue and not plan.visit_count and not plan.last_visit_date


def test_the_schedule_is_written_by_the_app_only(world):
	name = make_plan(world)
	as_user(world.users["gw11"])
	doc = plan_of(name)
	doc.update({"next_due_date": add_days(today(), 400), "visit_count": 9, "is_overdue": 1})
	doc.save()
	saved = plan_of(name)
	assert getdate(saved.next_due_date) == getdate(add_days(today(), 30))
	assert not saved.visit_count and not saved.is_overdue


# --- visits from the phone ---------------------------------------------------------------------


def test_the_visitor_logs_a_visit_and_the_plan_moves_on(world):
	name = make_plan(world, start_date=add_days(today(), -10))
	mine = run_as(world, "volunteer", api.my_plans)
	assert name in [row["name"] for row in mine]
	result = run_as(world, "volunteer", api.log_visit, name, "Good", notes="Cheerful, fridge stocked")
	visit = frappe.get_doc(VISIT, result["name"])
	assert visit.visitor == world.users["volunteer"] and visit.resident == world.residents["resident1"]
	assert (visit.building, visit.grid, visit.community) == ("TG11-1", "TG11", "TC1")
	assert not visit.service_request
	plan = plan_of(name)
	assert plan.visit_count == 1 and getdate(plan.last_visit_date) == getdate(today())
	assert getdate(plan.next_due_date) == getdate(add_days(today(), 30))
	assert result["next_due_date"] == str(plan.next_due_date)


def test_a_need_found_becomes_a_request_whose_status_shows_on_the_visit(world):
	name = make_plan(world)
	result = run_as(
		world,
		"volunteer",
		api.log_visit,
		name,
		"Poor",
		need="The bathroom handrail is loose",
		category=world.categories["repairs"],
	)
	request = frappe.get_doc("Service Request", result["service_request"])
	assert request.requester == world.residents["resident1"] and request.building == "TG11-1"
	assert request.channel == care_visits.REQUEST_CHANNEL and request.owner == world.users["volunteer"]
	assert request.description == "The bathroom handrail is loose"
	assert request.workflow_state == "Open" and result["request_status"] == "Open"
	assert request.current_owner == world.users["gw11"]

	run_as(world, "gw11", request_api.dispatch, request.name, world.users["cw1"])
	assert frappe.db.get_value(VISIT, result["name"], "request_status") == "Dispatched"
	run_as(world, "cw1", request_api.accept, request.name)
	run_as(world, "cw1", request_api.resolve, request.name, "Handrail fixed")
	assert frappe.db.get_value(VISIT, result["name"], "request_status") == "Resolved"
	# the visitor follows the request they reported
	as_user(world.users["volunteer"])
	assert frappe.get_doc("Service Request", request.name).workflow_state == "Resolved"


def test_a_worker_of_the_grid_logs_a_visit_for_the_plan(world):
	name = make_plan(world)
	result = run_as(world, "gw11", api.log_visit, name, "Fair")
	assert frappe.db.get_value(VISIT, result["name"], "visitor") == world.users["gw11"]
	assert plan_of(name).visit_count == 1


def test_a_saved_visit_keeps_what_the_app_wrote(world):
	name = make_plan(world)
	result = run_as(world, "volunteer", api.log_visit, name, "Good")
	as_user(world.users["volunteer"])
	visit = frappe.get_doc(VISIT, result["name"])
	visit.update({"request_status": "Closed", "notes": "Also watered plants"})
	visit.save()
	saved = frappe.get_doc(VISIT, result["name"])
	assert saved.visitor == world.users["volunteer"] and not saved.request_status
	assert saved.notes == "Also watered plants"
	# the visit stays the visitor's: whoever saves it, the visitor the app wrote is kept
	saved.visitor = world.users["gw11"]
	saved.save()
	assert frappe.db.get_value(VISIT, result["name"], "visitor") == world.users["volunteer"]
	as_user(world.users["gw11"])
	by_worker = frappe.get_doc(VISIT, result["name"])
	by_worker.visitor = world.users["gw11"]
	by_worker.save()
	assert frappe.db.get_value(VISIT, result["name"], "visitor") == world.users["volunteer"]


def test_deleting_a_visit_puts_the_plan_back(world):
	name = make_plan(world, start_date=add_days(today(), -45))
	first = run_as(world, "volunteer", api.log_visit, name, "Good", visit_date=add_days(today(), -20))
	second = run_as(world, "volunteer", api.log_visit, name, "Good")
	frappe.delete_doc(VISIT, second["name"])
	plan = plan_of(name)
	assert plan.visit_count == 1 and getdate(plan.last_visit_date) == getdate(add_days(today(), -20))
	assert getdate(plan.next_due_date) == getdate(add_days(today(), 10)) and not plan.is_overdue
	frappe.delete_doc(VISIT, first["name"])
	plan = plan_of(name)
	assert plan.visit_count == 0 and not plan.last_visit_date and plan.is_overdue


# --- overdue visits and the daily reminder -----------------------------------------------------


def reminders_for(plan: str, user: str) -> int:
	return frappe.db.count("Notification Log", {"document_name": plan, "for_user": user})


def test_overdue_visits_are_flagged_and_reminded_once_a_day(world):
	name = make_plan(world, start_date=add_days(today(), -45))
	assert plan_of(name).is_overdue  # due 15 days ago, never visited
	frappe.db.set_value(PLAN, name, "is_overdue", 0)  # as if flagged before it fell due

	care_visits.remind_overdue_visits()
	care_visits.remind_overdue_visits()
	assert plan_of(name).is_overdue
	assert reminders_for(name, world.users["volunteer"]) == 1
	# the grid worker lists the overdue visits of their grid
	as_user(world.users["gw11"])
	assert name in frappe.get_list(PLAN, filters={"is_overdue": 1}, pluck="name", limit_page_length=0)
	as_user("Administrator")
	subject = frappe.db.get_value("Notification Log", {"document_name": name}, "subject")
	assert name in subject and "Li Na" not in subject  # the reminder names the plan, not the resident

	run_as(world, "volunteer", api.log_visit, name, "Good")
	plan = plan_of(name)
	assert not plan.is_overdue and getdate(plan.next_due_date) == getdate(add_days(today(), 30))
	care_visits.remind_overdue_visits()
	assert reminders_for(name, world.users["volunteer"]) == 1


def test_a_paused_plan_is_not_reminded(world):
	name = make_plan(world, start_date=add_days(today(), -45))
	as_user(world.users["gw11"])
	plan_of(name).update({"status": "Paused"}).save()
	as_user("Administrator")
	care_visits.remind_overdue_visits()
	assert not plan_of(name).is_overdue and not reminders_for(name, world.users["volunteer"])


def test_the_reminder_runs_daily():
	assert (
		"community_governance.care.visits.remind_overdue_visits"
		in frappe.get_hooks("scheduler_events")["daily"]
	)


# --- bad input: refused with a clear message, nothing written ------------------------------------


@pytest.mark.parametrize("user_key", ["gw21", "captain2", "gw12"])
def test_a_visit_for_a_resident_outside_the_visitors_scope_is_refused(world, user_key):
	# the volunteer is the plan's visitor; these workers run other grids or buildings
	name = make_plan(world)
	requests_before = frappe.db.count("Service Request")
	as_user(world.users[user_key])
	visit = frappe.get_doc(
		{
			"doctype": VISIT,
			"plan": name,
			"condition": "Good",
			"need_found": 1,
			"need_description": "Needs groceries",
			"need_category": world.categories["errands"],
		}
	)
	with pytest.raises(frappe.ValidationError, match="outside your scope"):
		visit.insert()
	as_user("Administrator")
	assert visits_of(name) == 0 and frappe.db.count("Service Request") == requests_before


def test_a_volunteer_not_named_by_the_plan_cannot_log_its_visits(world):
	name = make_plan(world, visitor_key="captain1")
	with pytest.raises(frappe.ValidationError, match="outside your scope"):
		run_as(
			world,
			"volunteer",
			lambda: frappe.get_doc({"doctype": VISIT, "plan": name, "condition": "Good"}).insert(),
		)
	assert visits_of(name) == 0


def test_a_visit_dated_in_the_future_is_refused(world):
	name = make_plan(world)
	with pytest.raises(frappe.ValidationError, match="not come yet"):
		run_as(world, "volunteer", api.log_visit, name, "Good", visit_date=add_days(today(), 1))
	assert visits_of(name) == 0 and not plan_of(name).visit_count


def test_a_plan_with_no_visitor_is_refused(world):
	before = frappe.db.count(PLAN)
	with pytest.raises(frappe.ValidationError, match="Name the visitor"):
		make_plan(world, visitor_key=None)
	assert frappe.db.count(PLAN) == before - 0


def test_a_visitor_without_a_visiting_role_is_refused(world):
	with pytest.raises(frappe.ValidationError, match="cannot visit"):
		make_plan(world, visitor_key="mediator")


def test_a_plan_for_a_resident_without_a_care_tag_is_refused(world):
	with pytest.raises(frappe.ValidationError, match="has no care tag"):
		make_plan(world, resident_key="captain1")


def test_a_resident_has_one_active_plan(world):
	make_plan(world)
	with pytest.raises(frappe.ValidationError, match="already has an active visit plan"):
		run_as(
			world,
			"gw11",
			lambda: frappe.get_doc(
				{"doctype": PLAN, "resident": world.residents["resident1"], "visitor": world.users["gw11"]}
			).insert(),
		)


def test_a_need_without_its_description_or_category_is_refused(world):
	name = make_plan(world)
	requests_before = frappe.db.count("Service Request")
	with pytest.raises(frappe.ValidationError, match="category"):
		run_as(world, "volunteer", api.log_visit, name, "Poor", need="Cannot reach the top shelf")
	assert visits_of(name) == 0 and frappe.db.count("Service Request") == requests_before


def test_no_visits_on_an_ended_plan(world):
	name = make_plan(world)
	frappe.db.set_value(PLAN, name, "status", "Ended")
	with pytest.raises(frappe.ValidationError, match="has ended"):
		run_as(world, "volunteer", api.log_visit, name, "Good")


# --- over HTTP, from the visitor's phone -------------------------------------------------------


@pytest.mark.http
def test_the_visitor_logs_a_visit_over_rest(world, server):
	planner = server.session(world.users["gw11"], world.password)
	# end the plans earlier runs left, as the grid worker would
	for plan in planner.get(
		f"/api/resource/{PLAN}",
		filters=frappe.as_json({"resident": world.residents["neighbour1"], "status": "Active"}),
	).json()["data"]:
		assert planner.put(f"/api/resource/{PLAN}/{plan['name']}", status="Ended").status_code == 200
	response = planner.post(
		f"/api/resource/{PLAN}",
		resident=world.residents["neighbour1"],
		visitor=world.users["volunteer"],
		frequency="Weekly",
	)
	assert response.status_code == 200, response.text
	plan = response.json()["data"]["name"]

	phone = server.session(world.users["volunteer"], world.password)
	assert plan in [row["name"] for row in phone.get(f"{API}.my_plans").json()["message"]]
	assert phone.get(f"{API}.log_visit", plan=plan, condition="Good").status_code in (403, 405)
	logged = phone.post(f"{API}.log_visit", plan=plan, condition="Fair", notes="Knee pain")
	assert logged.status_code == 200, logged.text
	assert logged.json()["message"]["next_due_date"] == str(add_days(today(), 7))
	future = phone.post(f"{API}.log_visit", plan=plan, condition="Good", visit_date=str(add_days(today(), 2)))
	assert future.status_code == 417 and "not come yet" in future.text

	outsider = server.session(world.users["gw21"], world.password)
	refused = outsider.post(f"{API}.log_visit", plan=plan, condition="Good")
	assert refused.status_code == 403
