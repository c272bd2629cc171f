"""The demo street's service requests: the small demo files them through several channels, lives them
to every state of the workflow, pays what it awards into the ledger, keeps the KPI rates of a real
street, and a second run lives nothing new.

The chapter switches deadlines to working hours; the rest of the suite counts calendar hours, so the
module puts them back when it is done."""

from collections import Counter

import pytest

import frappe
from community_governance import demo, ledger
from community_governance.community_governance.report.service_request_kpi import service_request_kpi
from community_governance.demo import life
from frappe.utils import add_days, getdate
from tests.integration.demo_street import build_small_demo

SETTINGS = "Community Governance Settings"
COMMUNITY = f"{demo.STREET_CODE}-01"
STATES = ("Open", "Dispatched", "Accepted", "Resolved", "Closed", "Rejected", "Reopened")
RATES = ("response_rate", "on_time_resolution_rate", "satisfaction_rate", "resolution_rate")


@pytest.fixture(scope="module")
def lived(site):
	first = build_small_demo()
	stories = frappe.db.count("Demo Story")
	return first, build_small_demo(), stories


def requests():
	return frappe.get_all(
		"Service Request",
		filters={"community": COMMUNITY},
		fields=["name", "workflow_state", "channel", "request_type", "escalation_level", "reopen_count"],
	)


def test_the_small_demo_lives_without_failures(lived):
	first, second, _stories = lived
	assert first.failures == []
	assert second.failures == []


def test_every_state_of_the_workflow_is_reached(lived):
	rows = requests()
	assert set(STATES) <= {row.workflow_state for row in rows}
	assert any(row.reopen_count for row in rows)
	assert any(row.escalation_level != "Grid" for row in rows)


def test_requests_come_through_several_channels(lived):
	rows = requests()
	channels = Counter(row.channel for row in rows)
	assert "Resident App" in channels and len(channels) >= 3
	assert {"Request", "Micro-wish"} <= {row.request_type for row in rows}


def test_micro_wishes_are_claimed_by_the_volunteer_and_pay_into_the_ledger(lived):
	claimed = frappe.get_all(
		"Service Request",
		filters={"community": COMMUNITY, "handler": demo.VOLUNTEER, "points_awarded": 1},
		pluck="name",
	)
	assert claimed
	paid = frappe.get_all(
		"Points Transaction", filters={"source_name": ("in", claimed), "docstatus": 1}, pluck="source_name"
	)
	assert set(paid) == set(claimed)
	assert ledger.drift() == []


def test_the_kpi_rates_are_those_of_a_working_street(lived):
	first, *_ = lived
	end = getdate(first.end)
	for days in (first.days, 30):
		filters = {"from_date": add_days(end, -(days - 1)), "to_date": end, "community": COMMUNITY}
		_columns, data, *_ = service_request_kpi.execute(filters)
		total = data[-1]
		assert total["volume"] >= 15
		for rate in RATES:
			assert 85 <= total[rate] <= 98, (days, rate, total[rate])


def test_a_second_run_lives_nothing(lived):
	_first, _second, stories = lived
	assert frappe.db.count("Demo Story") == stories
	assert frappe.db.count("Demo Story", {"chapter": "requests", "failure": ("is", "set")}) == 0


def test_the_chapter_is_part_of_the_life():
	assert "community_governance.demo.requests" in life.CHAPTERS
