"""The closed loop 点单 → 派单 → 接单 → 办结 → 评价, as the real users of each role."""

from datetime import timedelta

import pytest

import frappe
from community_governance.api import service_request as api
from community_governance.tasks import escalate_overdue_requests
from frappe.utils import get_datetime
from tests.integration.conftest import as_user

DOCTYPE = "Service Request"
B1, B4 = "TG11-1", "TG21-4"
API = "/api/method/community_governance.api.service_request"


def file_request(world, user_key="resident1", **values):
	as_user(world.users[user_key])
	doc = frappe.get_doc(
		{
			"doctype": DOCTYPE,
			"category": world.categories["repairs"],
			"description": "The stairwell light on floor 3 is out",
			**values,
		}
	).insert()
	return doc


def state(name):
	return frappe.db.get_value(DOCTYPE, name, "workflow_state")


def run_as(world, user_key, function, *args, **kwargs):
	as_user(world.users[user_key])
	try:
		return function(*args, **kwargs)
	finally:
		as_user("Administrator")


# --- the loop through the Python API, as each user -----------------------------------------------


def test_resident_files_and_the_request_knows_its_place_and_deadlines(world):
	doc = file_request(world)
	assert doc.workflow_state == "Open"
	assert doc.requester == world.residents["resident1"]
	assert doc.building == B1 and doc.grid == "TG11" and doc.community == "TC1"
	assert doc.channel == "Resident App"
	assert doc.escalation_level == "Grid" and doc.current_owner == world.users["gw11"]
	filed = get_datetime(doc.creation)
	assert get_datetime(doc.response_due) - filed == timedelta(hours=4)
	assert get_datetime(doc.resolution_due) - filed == timedelta(hours=48)
	assert doc.name.startswith(f"SR-{filed.year}-")


def test_whole_loop_with_assignment_and_notifications(world):
	name = file_request(world).name
	run_as(world, "captain1", api.dispatch, name, world.users["cw1"])
	assert state(name) == "Dispatched"
	assert frappe.db.exists(
		"ToDo", {"reference_name": name, "allocated_to": world.users["cw1"], "status": "Open"}
	)
	assert frappe.db.exists("Notification Log", {"document_name": name, "for_user": world.users["cw1"]})

	run_as(world, "cw1", api.accept, name)
	run_as(world, "cw1", api.resolve, name, "Replaced the bulb")
	doc = frappe.get_doc(DOCTYPE, name)
	assert doc.workflow_state == "Resolved" and doc.resolution_note == "Replaced the bulb"
	assert doc.accepted_on and doc.resolved_on and doc.responded_on_time and doc.resolved_on_time
	assert frappe.db.exists("Notification Log", {"document_name": name, "for_user": world.users["resident1"]})
	assert not frappe.db.exists("ToDo", {"reference_name": name, "status": "Open"})

	run_as(world, "resident1", api.rate, name, 5, comment="Quick, thank you")
	doc = frappe.get_doc(DOCTYPE, name)
	assert doc.workflow_state == "Closed" and doc.satisfied and doc.closed_on and doc.sla_status == "Met"
	assert doc.rating == 5 and not doc.followed_up_by


def resolved_request(world, handler="cw1"):
	name = file_request(world).name
	run_as(world, "captain1", api.dispatch, name, world.users[handler])
	run_as(world, handler, api.accept, name)
	run_as(world, handler, api.resolve, name, "Done")
	return name


def test_an_unsatisfied_rating_reopens_the_request(world):
	name = resolved_request(world)
	run_as(world, "resident1", api.rate, name, 2, comment="Still dark")
	doc = frappe.get_doc(DOCTYPE, name)
	assert doc.workflow_state == "Reopened" and doc.reopen_count == 1 and not doc.satisfied
	run_as(world, "gw11", api.dispatch, name, world.users["cw1"])
	assert state(name) == "Dispatched"


def test_a_rating_saved_through_the_form_also_decides_the_outcome(world):
	name = resolved_request(world)
	as_user(world.users["resident1"])
	doc = frappe.get_doc(DOCTYPE, name)
	doc.rating = 1
	doc.save()
	assert state(name) == "Reopened"


def test_follow_up_call_by_another_worker(world):
	name = resolved_request(world)
	run_as(world, "gw11", api.follow_up, name, 4, note="Resident is satisfied")
	doc = frappe.get_doc(DOCTYPE, name)
	assert doc.workflow_state == "Closed"
	assert doc.followed_up_by == world.users["gw11"] and doc.follow_up_note == "Resident is satisfied"


def test_the_handler_cannot_make_the_follow_up_call(world):
	name = resolved_request(world)
	with pytest.raises(frappe.PermissionError, match="must be made by someone else"):
		run_as(world, "cw1", api.follow_up, name, 5)
	assert state(name) == "Resolved"


# --- two answers: solved? and how satisfied -------------------------------------------------------


@pytest.mark.parametrize(
	"rating, solved, outcome, answer, satisfied",
	[
		(1, 1, "Closed", "Yes", 0),  # solved, but not satisfied with how
		(5, 0, "Reopened", "No", 1),  # pleasant, but the problem is still there
		(3, None, "Closed", "Yes", 1),  # no answer: the satisfied rating or more means solved
		(2, None, "Reopened", "No", 0),
		(4, "0", "Reopened", "No", 1),
		(2, "yes", "Closed", "Yes", 0),
	],
)
def test_the_solved_answer_decides_and_the_rating_is_kept_apart(
	world, rating, solved, outcome, answer, satisfied
):
	name = resolved_request(world)
	run_as(world, "resident1", api.rate, name, rating, solved)
	doc = frappe.get_doc(DOCTYPE, name)
	assert (doc.workflow_state, doc.solved, doc.satisfied, doc.rating) == (outcome, answer, satisfied, rating)


def test_a_follow_up_call_records_both_answers(world):
	name = resolved_request(world)
	run_as(world, "gw11", api.follow_up, name, 2, 1, "Fixed, but it took long")
	doc = frappe.get_doc(DOCTYPE, name)
	assert (doc.workflow_state, doc.solved, doc.satisfied) == ("Closed", "Yes", 0)
	assert doc.followed_up_by == world.users["gw11"] and doc.follow_up_note == "Fixed, but it took long"


@pytest.mark.parametrize("solved", ["maybe", 2, "-1"])
def test_a_solved_answer_other_than_one_or_zero_is_refused(world, solved):
	name = resolved_request(world)
	with pytest.raises(frappe.ValidationError, match="1 \\(yes\\) or 0 \\(no\\)"):
		run_as(world, "resident1", api.rate, name, 5, solved)
	assert state(name) == "Resolved"


def test_a_form_save_with_solved_no_reopens_whatever_the_rating(world):
	name = resolved_request(world)
	as_user(world.users["resident1"])
	doc = frappe.get_doc(DOCTYPE, name)
	doc.update({"rating": 5, "solved": "No"})
	doc.save()
	assert frappe.db.get_value(DOCTYPE, name, ["workflow_state", "solved"]) == ("Reopened", "No")


def test_a_reopened_request_is_unresolved_until_resolved_again(world):
	name = resolved_request(world)
	resolved = frappe.db.get_value(DOCTYPE, name, ["resolved_on", "resolved_on_time"], as_dict=True)
	assert resolved.resolved_on and resolved.resolved_on_time
	run_as(world, "resident1", api.rate, name, 4, 0)
	doc = frappe.get_doc(DOCTYPE, name)
	assert doc.workflow_state == "Reopened"
	assert (doc.resolved_on, doc.resolved_on_time, doc.hours_to_resolve) == (None, 0, 0)
	assert doc.sla_status in ("On Track", "Overdue")
	# resolved again after the target from filing: the last resolution is late
	filed = get_datetime(doc.creation) - timedelta(hours=50)
	frappe.db.set_value(
		DOCTYPE,
		name,
		{
			"creation": filed,
			"response_due_from_filing": filed + timedelta(hours=4),
			"resolution_due_from_filing": filed + timedelta(hours=48),
		},
		update_modified=False,
	)
	run_as(world, "gw11", api.dispatch, name, world.users["cw1"])
	run_as(world, "cw1", api.accept, name)
	run_as(world, "cw1", api.resolve, name, "Replaced the whole fitting")
	doc = frappe.get_doc(DOCTYPE, name)
	assert doc.workflow_state == "Resolved" and doc.resolved_on and not doc.resolved_on_time
	assert doc.hours_to_resolve >= 50 and doc.sla_status == "Missed"
	assert doc.responded_on_time  # the first response was in time and still counts


def test_staff_file_on_a_residents_behalf_with_the_channel(world):
	doc = file_request(
		world,
		"gw11",
		requester=world.residents["resident1"],
		channel="12345 Hotline",
		building="TG11-2",
		unit="1",
	)
	assert doc.channel == "12345 Hotline" and doc.building == "TG11-2"
	doc = file_request(world, "captain1", requester=world.residents["resident1"], channel="Patrol")
	assert doc.channel == "Patrol" and doc.building == B1


def test_micro_wish_board_and_claim(world):
	wish = file_request(
		world, request_type="Micro-wish", category=world.categories["errands"], description="买菜"
	)
	as_user(world.users["volunteer"])
	assert wish.name in frappe.get_list(DOCTYPE, pluck="name", limit_page_length=0)
	ordinary = file_request(world)
	as_user(world.users["volunteer"])
	assert ordinary.name not in frappe.get_list(DOCTYPE, pluck="name", limit_page_length=0)

	run_as(world, "volunteer", api.claim, wish.name)
	doc = frappe.get_doc(DOCTYPE, wish.name)
	assert doc.workflow_state == "Accepted" and doc.handler == world.users["volunteer"]
	assert doc.dispatched_on and doc.accepted_on
	with pytest.raises(frappe.PermissionError):
		run_as(world, "volunteer", api.claim, ordinary.name)


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_outside_one_to_five_is_refused(world, rating):
	name = resolved_request(world)
	with pytest.raises(frappe.ValidationError, match="1 to 5"):
		run_as(world, "resident1", api.rate, name, rating)
	assert state(name) == "Resolved"


def test_only_the_requester_rates(world):
	name = resolved_request(world)
	with pytest.raises(frappe.PermissionError):
		run_as(world, "resident2", api.rate, name, 5)
	with pytest.raises(frappe.PermissionError):
		run_as(world, "volunteer", api.rate, name, 5)
	assert state(name) == "Resolved"


def test_a_request_cannot_be_rated_before_it_is_resolved(world):
	name = file_request(world).name
	with pytest.raises(frappe.PermissionError):
		run_as(world, "resident1", api.rate, name, 5)
	as_user(world.users["resident1"])
	doc = frappe.get_doc(DOCTYPE, name)
	doc.rating = 5
	doc.save()
	assert state(name) == "Open" and not frappe.db.get_value(DOCTYPE, name, "rating")


@pytest.mark.parametrize(
	"user_key, action, args",
	[
		("resident1", api.dispatch, ("cw1@cg.test",)),
		("volunteer", api.dispatch, ("cw1@cg.test",)),
		("gw11", api.accept, ()),  # not the assignee
		("captain1", api.accept, ()),
		("resident1", api.accept, ()),
	],
)
def test_transitions_by_the_wrong_user_are_refused(world, user_key, action, args):
	name = file_request(world).name
	if action is api.accept:
		run_as(world, "captain1", api.dispatch, name, world.users["cw1"])
	before = state(name)
	with pytest.raises(frappe.PermissionError):
		run_as(world, user_key, action, name, *args)
	assert state(name) == before


def test_resolving_needs_a_result_note(world):
	name = file_request(world).name
	run_as(world, "captain1", api.dispatch, name, world.users["cw1"])
	run_as(world, "cw1", api.accept, name)
	with pytest.raises(frappe.ValidationError, match="what was done"):
		run_as(world, "cw1", api.resolve, name, "   ")
	assert state(name) == "Accepted"


def test_rejecting_needs_a_reason(world):
	name = file_request(world).name
	with pytest.raises(frappe.ValidationError, match="reason"):
		run_as(world, "gw11", api.reject, name, "")
	run_as(world, "gw11", api.reject, name, "Private property: the owner must repair it")
	assert state(name) == "Rejected"


@pytest.mark.parametrize("assignee_key", ["resident2", "mediator"])
def test_dispatch_to_someone_without_a_handler_role_is_refused(world, assignee_key):
	name = file_request(world).name
	with pytest.raises(frappe.ValidationError, match="cannot take requests"):
		run_as(world, "captain1", api.dispatch, name, world.users[assignee_key])
	assert state(name) == "Open"


def test_dispatch_to_a_disabled_user_is_refused(world):
	name = file_request(world).name
	frappe.db.set_value("User", world.users["cw2"], "enabled", 0)
	with pytest.raises(frappe.ValidationError, match="not an active user"):
		run_as(world, "captain1", api.dispatch, name, world.users["cw2"])
	assert state(name) == "Open"


def test_a_resident_files_only_for_their_own_building(world):
	with pytest.raises(frappe.ValidationError, match="only for the building you live in"):
		file_request(world, building="TG11-2", unit="1")


def test_markup_in_the_description_is_kept_as_text(world):
	doc = file_request(world, description="Leak<script>alert('x')</script> in <b>unit 2</b>")
	assert doc.description == "Leak  in  unit 2"
	assert "<" not in doc.subject


def test_a_photo_field_must_hold_a_photo(world):
	with pytest.raises(frappe.ValidationError, match="must be a photo"):
		file_request(world, photo="/files/notes.pdf")


def image_bytes(size, fmt):
	import io
	import os

	from PIL import Image

	buffer = io.BytesIO()
	Image.frombytes("RGB", (size, size), os.urandom(size * size * 3)).save(buffer, fmt)
	return buffer.getvalue()


def test_attachments_must_be_small_photos(world):
	name = file_request(world).name
	as_user(world.users["resident1"])

	def attach(file_name, content):
		return frappe.get_doc(
			{
				"doctype": "File",
				"file_name": file_name,
				"content": content,
				"attached_to_doctype": DOCTYPE,
				"attached_to_name": name,
			}
		).insert()

	with pytest.raises(frappe.ValidationError, match="Only photos"):
		attach("virus.exe", b"MZ")
	with pytest.raises(frappe.ValidationError, match="larger than"):
		attach("huge.png", image_bytes(1500, "PNG"))  # about 6.7 MB of noise
	assert attach("stairs.jpg", image_bytes(64, "JPEG")).file_url


def test_direct_saves_cannot_forge_what_the_app_writes(world):
	name = file_request(world).name
	as_user(world.users["resident1"])
	doc = frappe.get_doc(DOCTYPE, name)
	doc.handler = world.users["resident1"]
	doc.accepted_on = "2020-01-01 00:00:00"
	doc.escalation_level = "Street"
	doc.description = "changed after filing"
	doc.save()
	saved = frappe.db.get_value(DOCTYPE, name, ["handler", "accepted_on", "escalation_level", "description"])
	assert saved == (None, None, "Grid", "The stairwell light on floor 3 is out")


def test_a_direct_state_change_must_follow_the_workflow(world):
	name = file_request(world).name
	as_user(world.users["resident1"])
	doc = frappe.get_doc(DOCTYPE, name)
	doc.workflow_state = "Closed"
	with pytest.raises(frappe.ValidationError):
		doc.save()
	as_user(world.users["captain1"])
	doc = frappe.get_doc(DOCTYPE, name)
	doc.workflow_state = "Resolved"
	with pytest.raises(frappe.PermissionError, match="Only the handler"):
		doc.save()
	assert state(name) == "Open"


# --- who sees a request ----------------------------------------------------------------------


@pytest.mark.parametrize(
	"user_key, sees",
	[
		("resident1", True),
		("captain1", True),
		("gw11", True),
		("cw1", True),
		("soa", True),
		("resident2", False),
		("captain2", False),
		("gw21", False),
		("cw2", False),
		("volunteer", False),
		("mediator", False),
	],
)
def test_who_sees_a_request(world, user_key, sees):
	name = file_request(world).name
	as_user(world.users[user_key])
	assert frappe.has_permission(DOCTYPE, "read", doc=frappe.get_doc(DOCTYPE, name)) == sees
	if user_key == "mediator":
		with pytest.raises(frappe.PermissionError):
			frappe.get_list(DOCTYPE)
		return
	assert (name in frappe.get_list(DOCTYPE, pluck="name", limit_page_length=0)) == sees


def test_the_assignee_sees_the_request_dispatched_to_them(world):
	name = file_request(world).name
	run_as(world, "captain1", api.dispatch, name, world.users["volunteer"])
	as_user(world.users["volunteer"])
	assert name in frappe.get_list(DOCTYPE, pluck="name", limit_page_length=0)
	run_as(world, "volunteer", api.accept, name)
	assert state(name) == "Accepted"


# --- escalation -----------------------------------------------------------------------------


def test_escalation_climbs_one_level_per_breach(world):
	doc = file_request(world)
	filed = get_datetime(doc.creation)
	as_user("Administrator")

	assert not doc.escalate(filed + timedelta(hours=3))  # within the response window
	assert doc.escalate(filed + timedelta(hours=5))
	doc.reload()
	assert doc.escalation_level == "Community" and doc.current_owner == world.users["cw1"]
	assert len(doc.escalations) == 1 and doc.escalations[0].breach == "Response"
	assert not doc.escalate(filed + timedelta(hours=5, minutes=15))  # same breach, next run: nothing
	assert frappe.db.exists("Notification Log", {"document_name": doc.name, "for_user": world.users["cw1"]})

	assert doc.escalate(filed + timedelta(hours=10))  # the community's window missed too
	doc.reload()
	assert doc.escalation_level == "Street" and doc.current_owner == world.users["soa"]
	assert not doc.escalate(filed + timedelta(days=30))  # nowhere higher to go
	assert [row.to_level for row in doc.escalations] == ["Community", "Street"]


def test_an_accepted_request_escalates_for_resolution_only(world):
	doc = file_request(world)
	run_as(world, "captain1", api.dispatch, doc.name, world.users["cw1"])
	run_as(world, "cw1", api.accept, doc.name)
	doc.reload()
	filed = get_datetime(doc.creation)
	assert not doc.escalate(filed + timedelta(hours=20))
	assert doc.escalate(filed + timedelta(hours=49))
	doc.reload()
	assert doc.escalations[0].breach == "Resolution" and doc.escalation_level == "Community"


def test_the_database_refuses_a_second_row_for_the_same_breach(world):
	doc = file_request(world)
	doc.escalate(get_datetime(doc.creation) + timedelta(hours=5))
	doc.reload()
	row = doc.escalations[0]
	with pytest.raises(frappe.UniqueValidationError):
		frappe.get_doc(
			{
				"doctype": "Service Request Escalation",
				"parent": doc.name,
				"parenttype": DOCTYPE,
				"parentfield": "escalations",
				"breach": row.breach,
				"missed_due": row.missed_due,
				"from_level": "Grid",
				"to_level": "Community",
			}
		).db_insert()


@pytest.fixture
def committed_requests():
	created = []
	yield created
	frappe.set_user("Administrator")
	for name in created:
		frappe.delete_doc(DOCTYPE, name, force=True, ignore_permissions=True)
	frappe.db.commit()


def test_the_scheduled_job_escalates_each_overdue_request_once(world, committed_requests):
	doc = file_request(world)
	committed_requests.append(doc.name)
	frappe.db.commit()
	later = get_datetime(doc.creation) + timedelta(hours=5)
	escalate_overdue_requests(now=later, inline=True)
	escalate_overdue_requests(now=later + timedelta(minutes=15), inline=True)
	doc.reload()
	assert [row.to_level for row in doc.escalations] == ["Community"]
	assert (
		"community_governance.tasks.escalate_overdue_requests"
		in frappe.get_hooks("scheduler_events")["cron"]["*/15 * * * *"]
	)


# --- over HTTP, as the real users -----------------------------------------------------------


@pytest.mark.http
def test_the_loop_over_rest_as_each_user(world, server):
	resident = server.session(world.users["resident1"], world.password)
	response = resident.post(
		f"/api/resource/{DOCTYPE}",
		category=world.categories["repairs"],
		description="Water leaking from the ceiling",
	)
	assert response.status_code == 200, response.text
	name = response.json()["data"]["name"]
	assert response.json()["data"]["requester"] == world.residents["resident1"]

	def post(user_key, step, **data):
		client = server.session(world.users[user_key], world.password)
		result = client.post(f"{API}.{step}", name=name, **data)
		return result

	assert post("captain1", "dispatch", assignee=world.users["cw1"]).status_code == 200
	assert post("resident1", "accept").status_code == 403
	assert post("cw1", "accept").status_code == 200
	assert post("cw1", "resolve", note="Sealed the pipe").status_code == 200

	seen = resident.get(f"/api/resource/{DOCTYPE}/{name}").json()["data"]
	assert seen["workflow_state"] == "Resolved" and seen["handler"] == world.users["cw1"]
	assert seen["resolution_due"]

	assert post("resident1", "rate", rating=9).status_code == 417
	assert post("resident1", "rate", rating=4, solved="perhaps").status_code == 417
	assert post("cw1", "follow_up", rating=4).status_code == 403
	assert "someone else" in post("cw1", "follow_up", rating=4).text
	assert post("resident1", "rate", rating=4, solved=1, comment="Good").status_code == 200
	assert resident.get(f"/api/resource/{DOCTYPE}/{name}").json()["data"]["workflow_state"] == "Closed"

	other = server.session(world.users["resident2"], world.password)
	assert other.get(f"/api/resource/{DOCTYPE}/{name}").status_code == 403
	assert name not in other.list_names(DOCTYPE)
	captain2 = server.session(world.users["captain2"], world.password)
	assert captain2.get(f"/api/resource/{DOCTYPE}/{name}").status_code == 403


@pytest.mark.http
def test_steps_refuse_get(world, server):
	client = server.session(world.users["captain1"], world.password)
	assert client.get(f"{API}.dispatch", name="SR-0", assignee="x").status_code in (403, 405)
