"""Overdue requests escalate in batches through Frappe's background queue, writing only what an
escalation changes, and a run never overlaps the previous one."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest

import frappe
from community_governance import escalation
from frappe.utils import get_datetime
from tests.integration.conftest import BENCH, SITES_PATH, as_user
from tests.integration.test_service_requests import DOCTYPE, file_request


@pytest.fixture
def committed():
	created = []
	yield created
	frappe.db.rollback()
	as_user("Administrator")
	for name in created:
		frappe.delete_doc(DOCTYPE, name, force=True, ignore_permissions=True)
	frappe.db.commit()
	frappe.cache.delete(escalation._key(escalation.RUN_LOCK))


def escalated_rows(name):
	return frappe.get_all(
		"Service Request Escalation",
		filters={"parent": name, "parenttype": DOCTYPE},
		fields=["breach", "from_level", "to_level", "new_owner", "idx"],
		order_by="idx",
	)


def test_a_batch_escalates_each_overdue_request_once_with_its_owner_todo_and_notice(world):
	requests = [file_request(world, description=f"Lift stuck #{n}") for n in range(12)]
	as_user("Administrator")
	filed = max(get_datetime(doc.creation) for doc in requests)
	names = [doc.name for doc in requests]

	assert escalation.escalate(names, filed + timedelta(hours=3)) == 0  # all within the window
	assert escalation.escalate(names, filed + timedelta(hours=5)) == 12
	assert escalation.escalate(names, filed + timedelta(hours=5, minutes=15)) == 0  # same breach

	cw1 = world.users["cw1"]
	for name in names:
		request = frappe.get_doc(DOCTYPE, name)
		assert (request.escalation_level, request.current_owner) == ("Community", cw1)
		assert get_datetime(request.response_due) > filed + timedelta(hours=5)  # a fresh window
		assert [
			(row.breach, row.from_level, row.to_level, row.new_owner, row.idx) for row in escalated_rows(name)
		] == [("Response", "Grid", "Community", cw1, 1)]
		assert cw1 in json.loads(request._assign)
		assert (
			frappe.db.count(
				"ToDo",
				{"reference_type": DOCTYPE, "reference_name": name, "allocated_to": cw1, "status": "Open"},
			)
			== 1
		)
		assert frappe.db.exists(
			"Notification Log", {"document_name": name, "for_user": cw1, "type": "Assignment"}
		)

	# the community's window missed too: up to the street, its row numbered after the first
	later = filed + timedelta(hours=10)
	assert escalation.escalate(names, later) == 12
	for name in names:
		assert [row.to_level for row in escalated_rows(name)] == ["Community", "Street"]
		assert frappe.db.get_value(DOCTYPE, name, "current_owner") == world.users["soa"]
	assert escalation.escalate(names, filed + timedelta(days=30)) == 0  # nowhere higher to go


def test_the_new_owner_sees_the_escalated_request_in_their_list(world):
	doc = file_request(world)
	as_user("Administrator")
	escalation.escalate([doc.name], get_datetime(doc.creation) + timedelta(hours=5))
	as_user(world.users["cw1"])
	todos = frappe.get_list("ToDo", filters={"reference_name": doc.name}, pluck="name")
	assert todos and doc.name in frappe.get_list(DOCTYPE, pluck="name", limit_page_length=0)


def test_a_resolved_request_does_not_escalate_although_it_was_picked(world):
	from community_governance.api import service_request as api
	from tests.integration.test_service_requests import run_as

	doc = file_request(world)
	run_as(world, "captain1", api.dispatch, doc.name, world.users["cw1"])
	run_as(world, "cw1", api.accept, doc.name)
	run_as(world, "cw1", api.resolve, doc.name, note="Fixed")
	as_user("Administrator")
	# a name picked as overdue earlier is checked again under its lock, at the batch's own time
	assert escalation.escalate([doc.name], get_datetime(doc.creation) + timedelta(days=5)) == 0


def test_a_request_overdue_at_the_street_shows_overdue_though_it_cannot_rise_further(world):
	at_street, in_time = file_request(world), file_request(world)
	as_user("Administrator")
	frappe.db.set_value(DOCTYPE, at_street.name, "escalation_level", "Street")
	late = get_datetime(at_street.creation) + timedelta(hours=5)
	frappe.db.set_value(DOCTYPE, in_time.name, "response_due", late + timedelta(hours=1))
	try:
		escalation.run(late, inline=True)
		assert frappe.db.get_value(DOCTYPE, at_street.name, ["escalation_level", "sla_status"]) == (
			"Street",
			"Overdue",
		)
		assert escalated_rows(at_street.name) == []
		assert frappe.db.get_value(DOCTYPE, in_time.name, "sla_status") == "On Track"
	finally:
		frappe.db.rollback()


def run_worker_burst():
	"""A real RQ worker process of the bench, on the queue the batches go to; it exits when idle."""
	return subprocess.run(
		[
			sys.executable,
			"-m",
			"frappe.utils.bench_helper",
			"frappe",
			"worker",
			"--queue",
			escalation.QUEUE,
			"--burst",
		],
		cwd=SITES_PATH,
		env={**os.environ, "FRAPPE_BENCH_ROOT": BENCH},
		capture_output=True,
		text=True,
		timeout=300,
	)


def test_the_scheduled_run_queues_batches_that_a_worker_escalates(world, committed, monkeypatch):
	requests = [file_request(world, description=f"Bin overflowing #{n}") for n in range(5)]
	as_user("Administrator")
	committed.extend(doc.name for doc in requests)
	frappe.db.commit()
	now = max(get_datetime(doc.creation) for doc in requests) + timedelta(hours=5)
	monkeypatch.setattr(escalation, "BATCH_SIZE", 2)

	queued = escalation.run(now)
	assert queued >= 5  # every overdue request of the site, ours among them
	assert escalation.run(now) is None  # the batches are not done: the next run does not start
	frappe.db.commit()

	worker = run_worker_burst()
	assert worker.returncode == 0, worker.stderr[-2000:]
	frappe.db.rollback()
	for doc in requests:
		assert frappe.db.get_value(DOCTYPE, doc.name, "escalation_level") == "Community"
		assert len(escalated_rows(doc.name)) == 1
	# the last batch released the run: the next one starts, and finds nothing left at this time
	assert not frappe.cache.exists(escalation._key(escalation.RUN_LOCK))
	# run again at the same time: our requests have fresh windows and are not queued again
	assert escalation.run(now) is not None
	frappe.db.commit()
	assert not set(escalation.overdue_request_names(now)) & set(committed)
	worker = run_worker_burst()
	assert worker.returncode == 0, worker.stderr[-2000:]
	frappe.db.rollback()
	for doc in requests:
		assert len(escalated_rows(doc.name)) == 1


def test_a_run_does_not_start_while_the_previous_one_is_working(world, committed):
	doc = file_request(world)
	as_user("Administrator")
	committed.append(doc.name)
	frappe.db.commit()
	frappe.cache.set(escalation._key(escalation.RUN_LOCK), 1, ex=60)
	assert escalation.run(get_datetime(doc.creation) + timedelta(hours=5)) is None
	assert frappe.db.get_value(DOCTYPE, doc.name, "escalation_level") == "Grid"


def test_the_batches_go_out_when_the_run_commits_and_a_run_rolled_back_sends_none(world, committed):
	"""A worker taking a batch while the run's transaction is open would wait on the rows the run
	marked Overdue; a run that rolls back sends nothing and leaves the next run free to start."""
	from frappe.utils.background_jobs import get_queue

	doc = file_request(world, description="Gate left open")
	as_user("Administrator")
	committed.append(doc.name)
	frappe.db.commit()
	now = get_datetime(doc.creation) + timedelta(hours=5)
	queue = get_queue(escalation.QUEUE)
	queue.empty()

	assert escalation.run(now) >= 1
	assert not queue.get_job_ids()
	frappe.db.rollback()
	assert not queue.get_job_ids()
	assert not frappe.cache.exists(escalation._key(escalation.RUN_LOCK))

	assert escalation.run(now) >= 1
	frappe.db.commit()
	assert queue.get_job_ids()
	queue.empty()


def test_the_scheduler_calls_the_batched_run():
	assert (
		"community_governance.tasks.escalate_overdue_requests"
		in frappe.get_hooks("scheduler_events")["cron"]["*/15 * * * *"]
	)
