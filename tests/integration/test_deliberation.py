"""Deliberation (议事), one matter, one deliberation: a residents' proposal, its support, the meeting,
the vote counted per household or per person, the decision, its follow-up work and the review, as
the real users involved. Every refused input leaves the records as they were."""

import pytest

import frappe
from community_governance.api import deliberation as api
from community_governance.community_governance.report.deliberation_register import deliberation_register
from frappe.utils import add_days, now_datetime, today
from tests.integration import deliberation_world
from tests.integration.conftest import as_user
from tests.integration.deliberation_world import electorate, quorum_of

MATTER = "Deliberation Matter"
MEETING = "Deliberation Meeting"
B3 = deliberation_world.BUILDING


@pytest.fixture(scope="module")
def people(world):
	built = deliberation_world.build(world)
	frappe.db.commit()
	return built


def run_as(people, user_key, function, *args, **kwargs):
	as_user(people.users[user_key])
	try:
		return function(*args, **kwargs)
	finally:
		as_user("Administrator")


def raise_matter(people, user_key="cw1", **values) -> str:
	doc = {
		"doctype": MATTER,
		"title": "Parking for the old car park",
		"category": "Parking",
		"description": "Open the public car park to residents at night.",
		"buildings": [{"building": B3}],
		**values,
	}
	return run_as(people, user_key, lambda: frappe.get_doc(doc).insert().name)


def call_meeting(people, matters, user_key="cw1", **values) -> str:
	doc = {
		"doctype": MEETING,
		"title": "Monthly deliberation",
		"meeting_date": now_datetime(),
		"place": "Community hall",
		"community": "TC1",
		"agenda": [{"matter": name} for name in matters],
		"quorum_percent": 50,
		"passing_threshold": 50,
		**values,
	}
	return run_as(people, user_key, lambda: frappe.get_doc(doc).insert().name)


def vote(people, user_key, meeting, matter, choice, **kwargs):
	return run_as(people, user_key, api.cast_vote, meeting, matter, choice, **kwargs)


def state(name) -> str:
	return frappe.db.get_value(MATTER, name, "workflow_state")


def on_agenda(people, counting="Per Household", needed=2, **values) -> tuple[str, str]:
	matter = raise_matter(people, counting=counting, **values)
	return matter, call_meeting(people, [matter], quorum_percent=quorum_of(needed, counting))


# --- proposal and support ------------------------------------------------------------------------


def test_a_resident_raises_a_matter_of_their_building_with_the_usual_support(people):
	name = raise_matter(people, "hua", support_needed=1)
	doc = frappe.get_doc(MATTER, name)
	assert doc.workflow_state == "Proposed" and doc.proposer == people.residents["hua"]
	assert doc.raised_by == people.users["hua"] and doc.proposer_name == "Qian Hua"
	assert (doc.community, doc.grid) == ("TC1", "TG12")
	assert doc.support_needed == 5  # the setting: a resident does not choose their own hurdle


def test_a_resident_cannot_raise_a_matter_for_another_building(people):
	with pytest.raises(frappe.ValidationError, match="only for the buildings you live in"):
		raise_matter(people, "hua", buildings=[{"building": "TG11-1"}])


def test_a_community_matter_concerns_every_building_of_the_community(people):
	doc = frappe.get_doc(MATTER, raise_matter(people, scope_level="Community", community="TC1", buildings=[]))
	expected = frappe.get_all("Building", {"community": "TC1"}, pluck="name")
	assert {row.building for row in doc.buildings} == set(expected)
	assert doc.grid is None  # several grids


def test_enough_support_makes_a_matter_supported(people):
	name = raise_matter(people, support_needed=2)
	assert run_as(people, "hua", api.support, name) == {"name": name, "status": "Proposed", "supporters": 1}
	with pytest.raises(frappe.ValidationError, match="already support"):
		run_as(people, "hua", api.support, name)
	assert run_as(people, "sunli", api.support, name)["status"] == "Supported"
	doc = frappe.get_doc(MATTER, name)
	assert [row.resident_name for row in doc.supporters] == ["Qian Hua", "Sun Li"]
	assert doc.supporters[0].household == people.households["hua"]


def test_residents_of_other_buildings_cannot_see_or_support_the_matter(people):
	name = raise_matter(people)
	with pytest.raises(frappe.PermissionError):
		run_as(people, "resident1", api.support, name)
	assert frappe.get_doc(MATTER, name).support_count == 0


def test_a_worker_cannot_skip_support_or_the_vote(people):
	name = raise_matter(people, support_needed=3)
	as_user(people.users["cw1"])
	doc = frappe.get_doc(MATTER, name)
	doc.workflow_state = "Supported"
	with pytest.raises(frappe.ValidationError, match="0 supporters of the 3"):
		doc.save()
	as_user("Administrator")
	on_agenda_name, _meeting = on_agenda(people)
	as_user(people.users["cw1"])
	doc = frappe.get_doc(MATTER, on_agenda_name)
	doc.workflow_state = "Decided"
	with pytest.raises(frappe.ValidationError, match="decided by the vote"):
		doc.save()


def test_the_support_and_the_vote_are_written_only_by_the_app(people):
	name = raise_matter(people)
	as_user(people.users["gw12"])
	doc = frappe.get_doc(MATTER, name)
	doc.update({"outcome": "Passed", "support_count": 99, "decision": "Done"})
	doc.save()
	as_user("Administrator")
	saved = frappe.get_doc(MATTER, name)
	assert not saved.outcome and saved.support_count == 0 and not saved.decision


# --- who sees what -------------------------------------------------------------------------------


@pytest.mark.parametrize(
	"user_key, sees",
	[
		("hua", True),
		("zhoumin", True),
		("cw1", True),
		("gw12", True),
		("captain1", False),  # captain of buildings 1 and 2, not of 8
		("resident1", False),
		("resident2", False),
		("cw2", False),
		("gw11", False),  # another grid of the same community
	],
)
def test_a_matter_is_seen_by_its_buildings_and_their_workers(people, user_key, sees):
	name = raise_matter(people)
	meeting = call_meeting(people, [name])
	as_user(people.users[user_key])
	assert (name in frappe.get_list(MATTER, pluck="name")) is sees
	assert frappe.has_permission(MATTER, "read", frappe.get_doc(MATTER, name)) is sees
	if user_key in ("hua", "zhoumin", "resident1", "resident2"):
		with pytest.raises(frappe.PermissionError):  # residents do not read meetings, they vote
			frappe.get_list(MEETING)
	else:
		assert (meeting in frappe.get_list(MEETING, pluck="name")) is sees


# --- the meeting and the vote --------------------------------------------------------------------


def test_a_meeting_puts_its_matters_on_the_agenda_with_the_default_rules(people):
	matter = raise_matter(people)
	meeting = frappe.get_doc(
		MEETING, call_meeting(people, [matter], quorum_percent=None, passing_threshold=None)
	)
	assert state(matter) == "On Agenda" and frappe.db.get_value(MATTER, matter, "meeting") == meeting.name
	assert (meeting.quorum_percent, meeting.passing_threshold) == (50, 50)
	assert [row.building for row in meeting.buildings] == [B3]
	with pytest.raises(frappe.ValidationError, match="only proposed or supported"):
		call_meeting(people, [matter])


def test_a_meeting_of_another_community_cannot_take_the_matter(people):
	matter = raise_matter(people)
	with pytest.raises(frappe.ValidationError, match="not in community"):
		call_meeting(people, [matter], community="TC2", buildings=[{"building": B3}])


def test_sign_in_of_residents_and_partners(people):
	_matter, meeting = on_agenda(people)
	run_as(people, "cw1", api.sign_in, meeting, resident=people.residents["hua"])
	run_as(people, "cw1", api.sign_in, meeting, attendee_name="Manager Gao", attendee_type="Property Company")
	run_as(
		people,
		"cw1",
		api.sign_in,
		meeting,
		resident=people.residents["sunli"],
		proxy_for=people.residents["wugang"],
	)
	rows = frappe.get_doc(MEETING, meeting).attendance
	assert [row.attendee_name for row in rows] == ["Qian Hua", "Manager Gao", "Sun Li"]
	assert rows[0].household == people.households["hua"] and rows[2].proxy_for == people.residents["wugang"]
	with pytest.raises(frappe.ValidationError, match="does not live in the buildings"):
		run_as(people, "cw1", api.sign_in, meeting, resident=people.residents["resident1"])
	with pytest.raises(frappe.PermissionError):
		run_as(people, "hua", api.sign_in, meeting, attendee_name="Someone")


def test_household_counting_one_vote_per_household_proxies_and_quorum(people):
	matter, meeting = on_agenda(people, counting="Per Household", needed=2)
	households = electorate("Per Household")
	vote(people, "hua", meeting, matter, "In Favour")
	with pytest.raises(frappe.ValidationError, match=r"Household .* has already voted"):
		vote(people, "lei", meeting, matter, "Opposed")  # same household as Qian Hua
	with pytest.raises(
		frappe.ValidationError, match=f"No quorum: 1 of {households} eligible voters voted and at least 2"
	):
		run_as(people, "cw1", api.decide, meeting, matter, "Open the car park")
	assert state(matter) == "On Agenda" and not frappe.db.get_value(MATTER, matter, "outcome")

	# Sun Li holds Wu Gang's proxy; the vote is Wu Gang's household's and is marked as a proxy
	vote(
		people,
		"cw1",
		meeting,
		matter,
		"In Favour",
		resident=people.residents["wugang"],
		proxy_holder="Sun Li",
	)
	vote(people, "sunli", meeting, matter, "Opposed")
	votes = frappe.get_doc(MEETING, meeting).votes
	proxy = next(row for row in votes if row.resident == people.residents["wugang"])
	assert proxy.is_proxy and proxy.proxy_holder == "Sun Li" and proxy.recorded_by == people.users["cw1"]
	with pytest.raises(frappe.ValidationError, match="already voted"):
		vote(people, "cw1", meeting, matter, "Opposed", resident=people.residents["wugang"])

	result = run_as(people, "cw1", api.decide, meeting, matter, "Open the car park", add_days(today(), 60))
	assert result == {"matter": matter, "outcome": "Passed", "status": "Decided"}
	doc = frappe.get_doc(MATTER, matter)
	assert (doc.votes_for, doc.votes_against, doc.abstentions, doc.eligible_units) == (2, 1, 0, households)
	assert (
		doc.turnout == round(100 * 3 / households, 1)
		and doc.meeting == meeting
		and str(doc.review_date) == add_days(today(), 60)
	)
	row = frappe.get_doc(MEETING, meeting).agenda[0]
	assert (row.outcome, row.quorum_needed, row.decision) == ("Passed", 2, "Open the car park")
	with pytest.raises(frappe.ValidationError, match=r"vote on matter .* is closed"):
		vote(people, "zhoumin", meeting, matter, "In Favour")


def test_per_person_counting_counts_every_resident(people):
	matter, meeting = on_agenda(people, counting="Per Person", needed=3)
	persons = electorate("Per Person")
	assert persons > electorate("Per Household")
	vote(people, "hua", meeting, matter, "Opposed")
	vote(people, "lei", meeting, matter, "Opposed")  # same household, counted per person
	with pytest.raises(frappe.ValidationError, match=r"Qian Lei.* has already voted"):
		vote(people, "lei", meeting, matter, "In Favour")
	with pytest.raises(
		frappe.ValidationError, match=f"No quorum: 2 of {persons} eligible voters voted and at least 3"
	):
		run_as(people, "cw1", api.decide, meeting, matter, "Keep the car park closed")
	vote(people, "zhoumin", meeting, matter, "In Favour")
	result = run_as(people, "cw1", api.decide, meeting, matter, "The car park stays closed at night")
	assert result["outcome"] == "Rejected" and state(matter) == "Rejected"
	doc = frappe.get_doc(MATTER, matter)
	assert (doc.votes_for, doc.votes_against, doc.eligible_units) == (1, 2, persons)


def test_a_higher_threshold_needs_more_in_favour(people):
	matter = raise_matter(people, counting="Per Person")
	meeting = call_meeting(
		people, [matter], quorum_percent=quorum_of(3, "Per Person"), passing_threshold=66.7
	)
	vote(people, "hua", meeting, matter, "In Favour")
	vote(people, "lei", meeting, matter, "In Favour")
	vote(people, "sunli", meeting, matter, "Opposed")
	assert run_as(people, "cw1", api.decide, meeting, matter, "Not enough")["outcome"] == "Rejected"


def test_votes_from_outside_the_scope_or_for_another_household_are_refused(people):
	matter, meeting = on_agenda(people)
	with pytest.raises(frappe.ValidationError, match="does not live in the buildings this matter affects"):
		vote(people, "cw1", meeting, matter, "In Favour", resident=people.residents["resident1"])
	with pytest.raises(frappe.ValidationError, match="does not live in the buildings this matter affects"):
		vote(people, "resident1", meeting, matter, "In Favour")
	with pytest.raises(frappe.PermissionError, match="only for your own household"):
		vote(people, "hua", meeting, matter, "In Favour", resident=people.residents["zhoumin"])
	with pytest.raises(frappe.PermissionError):
		vote(
			people, "cw2", meeting, matter, "In Favour", resident=people.residents["hua"]
		)  # another community
	with pytest.raises(frappe.ValidationError, match="In Favour, Opposed or Abstain"):
		vote(people, "hua", meeting, matter, "Maybe")
	assert not frappe.get_doc(MEETING, meeting).votes


def test_only_the_meeting_records_votes(people):
	matter, meeting = on_agenda(people)
	as_user(people.users["cw1"])
	doc = frappe.get_doc(MEETING, meeting)
	doc.append("votes", {"matter": matter, "resident": people.residents["hua"], "choice": "In Favour"})
	doc.agenda[0].outcome = "Passed"
	doc.save()
	as_user("Administrator")
	saved = frappe.get_doc(MEETING, meeting)
	assert not saved.votes and not saved.agenda[0].outcome


# --- decision into work, and the review -----------------------------------------------------------


def decided(people) -> tuple[str, str]:
	matter, meeting = on_agenda(people, counting="Per Household", needed=3)
	for key in ("hua", "sunli", "zhoumin"):
		vote(people, key, meeting, matter, "In Favour")
	run_as(people, "cw1", api.decide, meeting, matter, "Open the car park", add_days(today(), 90))
	return matter, meeting


def test_an_action_needs_an_owner_and_a_due_date(people):
	matter, _meeting = decided(people)
	due = add_days(today(), 14)
	with pytest.raises(frappe.ValidationError, match="name the owner"):
		run_as(people, "cw1", api.add_action, matter, "Paint the bays", due_date=due)
	with pytest.raises(frappe.ValidationError, match="set a due date"):
		run_as(people, "cw1", api.add_action, matter, "Paint the bays", assigned_to=people.users["gw11"])
	with pytest.raises(frappe.ValidationError, match="already passed"):
		run_as(
			people,
			"cw1",
			api.add_action,
			matter,
			"Paint",
			assigned_to=people.users["gw11"],
			due_date="2020-01-01",
		)
	with pytest.raises(frappe.ValidationError, match="choose the category"):
		run_as(
			people,
			"cw1",
			api.add_action,
			matter,
			"Paint",
			assigned_to=people.users["gw11"],
			due_date=due,
			action_type="Service Request",
		)
	assert not frappe.get_doc(MATTER, matter).actions
	assert not frappe.get_all("ToDo", {"reference_type": MATTER, "reference_name": matter})


def test_actions_are_planned_only_for_a_decided_matter(people):
	matter, _meeting = on_agenda(people)
	with pytest.raises(frappe.ValidationError, match="once the matter is decided"):
		run_as(
			people,
			"cw1",
			api.add_action,
			matter,
			"Paint the bays",
			assigned_to=people.users["gw11"],
			due_date=add_days(today(), 7),
		)


def test_a_decision_becomes_todos_and_requests_then_is_implemented_and_reviewed(people):
	matter, _meeting = decided(people)
	due = add_days(today(), 14)
	todo = run_as(
		people, "cw1", api.add_action, matter, "Agree the hours with the car park", people.users["gw21"], due
	)
	assert todo["reference_doctype"] == "ToDo"
	todo_doc = frappe.get_doc("ToDo", todo["reference_name"])
	assert (todo_doc.allocated_to, str(todo_doc.date), todo_doc.reference_name) == (
		people.users["gw21"],
		due,
		matter,
	)
	# gw21 works in another community: the matter is shared with them so the to-do opens
	assert frappe.has_permission(MATTER, "read", frappe.get_doc(MATTER, matter), user=people.users["gw21"])

	request = run_as(
		people,
		"cw1",
		api.add_action,
		matter,
		"Paint the parking bays",
		people.users["gw11"],
		due,
		"Service Request",
		category="Test Repairs",
	)
	sr = frappe.get_doc("Service Request", request["reference_name"])
	assert (sr.workflow_state, sr.handler, sr.building, sr.owner) == (
		"Dispatched",
		people.users["gw11"],
		B3,
		people.users["cw1"],
	)
	assert frappe.get_all("ToDo", {"reference_name": sr.name, "allocated_to": people.users["gw11"]})

	with pytest.raises(frappe.ValidationError, match="0 of 2 follow-up actions are done"):
		run_as(people, "cw1", api.mark_implemented, matter)

	as_user(people.users["gw21"])
	frappe.get_doc("ToDo", todo["reference_name"]).update({"status": "Closed"}).save()
	as_user("Administrator")
	from community_governance.api import service_request as requests_api

	run_as(people, "gw11", requests_api.accept, sr.name)
	run_as(people, "gw11", requests_api.resolve, sr.name, "Bays painted")
	assert run_as(people, "cw1", api.mark_implemented, matter)["status"] == "Implemented"

	with pytest.raises(frappe.ValidationError, match="Record what the review found"):
		run_as(people, "cw1", api.review, matter, "  ", "Yes")
	assert run_as(people, "cw1", api.review, matter, "Residents park at night", "Yes")["status"] == "Reviewed"
	doc = frappe.get_doc(MATTER, matter)
	assert (doc.worked, str(doc.implemented_on), str(doc.reviewed_on)) == ("Yes", today(), today())


def test_the_register_counts_actions_done_and_overdue(people):
	matter, _meeting = decided(people)
	due = add_days(today(), 10)
	first = run_as(people, "cw1", api.add_action, matter, "Talk to the car park", people.users["gw11"], due)
	run_as(people, "cw1", api.add_action, matter, "Put up signs", people.users["gw11"], due)
	run_as(people, "cw1", api.add_action, matter, "Tell the residents", people.users["gw11"], due)
	frappe.db.set_value("ToDo", first["reference_name"], "status", "Closed")
	# time passes: the last action's due date is behind us
	last = frappe.get_doc(MATTER, matter).actions[-1]
	frappe.db.set_value("Deliberation Action", last.name, "due_date", add_days(today(), -1))

	as_user(people.users["cw1"])
	_columns, data, *_rest = deliberation_register.execute({"community": "TC1"})
	row = next(row for row in data if row["matter"] == matter)
	independent = frappe.get_all(
		"ToDo", {"reference_type": MATTER, "reference_name": matter, "status": "Closed"}, pluck="name"
	)
	assert (row["actions"], row["actions_done"], row["actions_overdue"]) == (3, len(independent), 1)
	assert (row["stage"], row["outcome"], row["votes_for"]) == ("Decided", "Passed", 3)

	as_user(people.users["cw2"])
	_columns, data, *_rest = deliberation_register.execute({})
	assert matter not in {row["matter"] for row in data}


def test_only_workers_plan_actions_and_close_a_decision(people):
	matter, _meeting = decided(people)
	try:
		# Qian Hua becomes the captain of building 3: she may edit its matters, not plan their follow-up
		frappe.get_doc(
			{
				"doctype": "Building Captain",
				"resident": people.residents["hua"],
				"public_phone": "13800000008",
				"term_start": "2026-01-01",
				"term_end": "2028-12-31",
				"buildings": [{"building": B3}],
			}
		).insert()
		assert "Building Captain" in frappe.get_roles(people.users["hua"])
		due = add_days(today(), 7)
		as_user(people.users["hua"])
		assert frappe.has_permission(MATTER, "write", frappe.get_doc(MATTER, matter))
		as_user("Administrator")
		with pytest.raises(frappe.PermissionError, match="Only the community's workers plan"):
			run_as(
				people, "hua", api.add_action, matter, "Paint", assigned_to=people.users["gw11"], due_date=due
			)
		with pytest.raises(frappe.PermissionError):
			run_as(people, "hua", api.mark_implemented, matter)
		assert not frappe.get_doc(MATTER, matter).actions and state(matter) == "Decided"
	finally:
		# the captaincy is rolled back; the cached roles (shared with the test server) must follow
		frappe.db.rollback()
		frappe.clear_cache(user=people.users["hua"])


def test_the_desk_workflow_implements_and_reviews_a_decision(people):
	from frappe.model.workflow import apply_workflow

	matter, _meeting = decided(people)
	todo = run_as(people, "cw1", api.add_action, matter, "Tell the residents", people.users["gw12"], today())
	frappe.db.set_value("ToDo", todo["reference_name"], "status", "Closed")
	as_user(people.users["hua"])  # a resident of the building has no such action
	with pytest.raises(frappe.ValidationError, match="Not a valid Workflow Action"):
		apply_workflow(frappe.get_doc(MATTER, matter), "Implement")
	as_user(people.users["gw12"])
	doc = apply_workflow(frappe.get_doc(MATTER, matter), "Implement")
	assert doc.workflow_state == "Implemented"
	with pytest.raises(frappe.ValidationError, match="Record what the review found"):
		apply_workflow(frappe.get_doc(MATTER, matter), "Record Review")
	frappe.get_doc(MATTER, matter).update({"review_note": "Works", "worked": "Partly"}).save()
	assert apply_workflow(frappe.get_doc(MATTER, matter), "Record Review").workflow_state == "Reviewed"


@pytest.mark.parametrize(
	"user_key, allowed",
	[("soa", True), ("cw1", True), ("gw12", True), ("captain1", True), ("hua", False), ("mediator", False)],
)
def test_who_may_run_the_reports(people, user_key, allowed):
	from frappe.desk.query_report import run as run_report

	as_user(people.users[user_key])
	for report in ("Deliberation Register", "Property Service Scores"):
		if allowed:
			assert "result" in run_report(report, filters={})
		else:
			with pytest.raises(frappe.PermissionError):
				run_report(report, filters={})
