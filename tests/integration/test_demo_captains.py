"""The captains' chapter of the demo street's life: patrols with nil reports and hazards fixed through
the request loop, half-year evaluations, notices read by residents and registrations decided by
verifiers, all made through the app's own calls; a second run lives nothing new.

make_demo commits, so the demo stays on the test site (the full scale may be there too)."""

import pytest

import frappe
from community_governance import demo, ledger
from community_governance.demo import captains, catalogue
from tests.integration.demo_street import build_small_demo

INSIDE = ("like", f"{demo.STREET_CODE}-%")


@pytest.fixture(scope="module")
def small_life(site):
	return build_small_demo()


@pytest.fixture(scope="module")
def captained(small_life):
	return {b.name: b.captain.user for b in small_life.plan.buildings if b.captain}


def test_the_chapter_lives_without_failures(small_life):
	assert small_life.failures == []
	assert not frappe.get_all("Demo Story", filters={"chapter": "captains", "failure": ("is", "set")})


def test_captains_patrol_with_nil_reports_and_findings(captained):
	logs = frappe.get_all(
		"Patrol Log",
		filters={"building": ("in", list(captained))},
		fields=["name", "building", "captain_user", "nil_report", "patrol_date", "owner"],
	)
	nil = [log for log in logs if log.nil_report]
	found = [log for log in logs if not log.nil_report]
	assert nil and found and len(nil) > len(found), "most patrols find nothing"
	for log in logs:
		assert log.captain_user == captained[log.building] == log.owner, "the captain logs their own patrol"
	for building in captained:
		days = [log.patrol_date for log in logs if log.building == building]
		assert len(days) == len(set(days)), "one log a day"


def test_findings_become_requests_fixed_through_the_loop(captained):
	finding = frappe.qb.DocType("Patrol Finding")
	log = frappe.qb.DocType("Patrol Log")
	request = frappe.qb.DocType("Service Request")
	rows = (
		frappe.qb.from_(finding)
		.join(log)
		.on(finding.parent == log.name)
		.join(request)
		.on(request.name == finding.service_request)
		.select(
			finding.finding_type,
			finding.request_status,
			log.building,
			log.captain_user,
			request.name,
			request.workflow_state,
			request.channel,
			request.category,
			request.dispatched_by,
			request.handler,
			request.followed_up_by,
			request.rating,
			request.owner,
		)
		.where(log.building.isin(list(captained)) & (finding.parenttype == "Patrol Log"))
		.run(as_dict=True)
	)
	assert len(rows) >= 3
	states = {row.workflow_state for row in rows}
	assert "Closed" in states and states - {"Closed"}, "some hazards are fixed, some still open today"
	for row in rows:
		assert row.finding_type == "Hazard" and row.category == catalogue.HAZARD_CATEGORY
		assert row.channel == "Patrol" and row.owner == row.captain_user
		assert row.request_status == row.workflow_state, "the finding shows its request's state"
		if row.workflow_state not in ("Open", "Reopened"):
			grid = frappe.db.get_value("Building", row.building, "grid")
			assert row.dispatched_by == frappe.db.get_value("Grid", grid, "responsible_user")
			assert row.handler
		if row.workflow_state == "Closed":
			assert row.followed_up_by == row.captain_user and row.rating >= 4


def test_half_year_evaluations_by_the_community_worker(small_life, captained):
	evaluations = frappe.get_all(
		"Captain Evaluation",
		filters={"captain_user": ("in", list(captained.values())), "docstatus": 1},
		fields=["captain_user", "year", "period", "owner", "community", "worker_rating", "score", "grade"],
	)
	assert {row.captain_user for row in evaluations} == set(captained.values())
	for row in evaluations:
		assert row.period in captains.HALVES and (row.year, row.period) in captains.halves_to_evaluate(
			small_life
		)
		assert row.owner == frappe.db.get_value("Grid", row.community, "responsible_user")
		assert 3 <= row.worker_rating <= 5 and 0 < row.score <= 100 and row.grade


def test_notices_are_published_and_read(small_life):
	workers = {grid.responsible_user for grid in small_life.plan.grids if grid.level == "Community"}
	notices = frappe.get_all(
		"Community Notice",
		filters={"owner": ("in", list(workers)), "docstatus": 1},
		fields=["name", "recipients", "delivered_on", "requires_confirmation"],
	)
	assert notices
	read = 0
	for notice in notices:
		assert notice.delivered_on and notice.recipients > 0
		receipts = frappe.get_all(
			"Community Notice Receipt",
			filters={"notice": notice.name},
			fields=["read_on", "confirmed_on"],
		)
		assert len(receipts) == notice.recipients
		read += sum(1 for receipt in receipts if receipt.read_on)
		if notice.requires_confirmation:
			assert all(receipt.confirmed_on for receipt in receipts if receipt.read_on)
		assert any(not receipt.read_on for receipt in receipts), "not everyone has read it"
	assert read


def captain_of(building: str) -> str | None:
	"""The user of the building's captain (the full scale may be on the site too)."""
	captaincy = frappe.db.get_value("Building Captain Building", {"building": building}, "parent")
	return captaincy and frappe.db.get_value("Building Captain", captaincy, "user")


def test_registrations_are_approved_rejected_or_waiting(small_life):
	rows = frappe.get_all(
		"Resident Registration",
		filters={"building": INSIDE},
		fields=["status", "building", "resident", "user", "verified_by", "rejection_reason", "mobile"],
	)
	assert {"Approved", "Rejected", "Awaiting Verification"} <= {row.status for row in rows}
	for row in rows:
		if row.status == "Awaiting Verification":
			assert not row.verified_by and not row.user
			continue
		grid = frappe.db.get_value("Building", row.building, "grid")
		assert row.verified_by == (
			captain_of(row.building) or frappe.db.get_value("Grid", grid, "responsible_user")
		)
		if row.status == "Approved":
			assert frappe.db.get_value("Resident", row.resident, ["user", "building"]) == (
				row.user,
				row.building,
			)
			assert frappe.db.get_value("User", row.user, "mobile_no") == row.mobile
			assert "Resident" in frappe.get_roles(row.user)
		else:
			assert row.rejection_reason and not row.user


def test_the_points_ledger_adds_up(small_life):
	assert ledger.drift() == []


def test_a_second_run_lives_nothing(small_life):
	stories = frappe.db.count("Demo Story")
	counts = captains.CHAPTER.count(small_life)
	again = build_small_demo()
	assert again.failures == []
	assert frappe.db.count("Demo Story") == stories
	assert captains.CHAPTER.count(again) == counts
