from datetime import datetime, timedelta

import pytest

from community_governance import sla

FILED = datetime(2026, 3, 2, 9, 0)
TARGETS = sla.Targets(response_hours=4, resolution_hours=48)
DEFAULT = sla.Targets(24, 72)


def test_targets_follow_the_priority_or_fall_back_to_the_default():
	rows = [{"priority": "Urgent", "response_hours": 1, "resolution_hours": 8}]
	assert sla.targets_for("Urgent", rows, DEFAULT) == sla.Targets(1, 8)
	assert sla.targets_for("Low", rows, DEFAULT) == DEFAULT


def test_deadlines_count_from_filing():
	assert sla.deadlines(FILED, TARGETS) == (FILED + timedelta(hours=4), FILED + timedelta(hours=48))


def test_levels_climb_grid_community_street_and_stop():
	assert sla.next_level("Grid") == "Community"
	assert sla.next_level("Community") == "Street"
	assert sla.next_level("Street") is None


@pytest.mark.parametrize(
	"state, hours_later, expected",
	[
		("Open", 3, None),
		("Open", 5, "Response"),
		("Dispatched", 5, "Response"),
		("Reopened", 5, "Response"),
		("Accepted", 5, None),  # answered: only the resolution deadline counts now
		("Accepted", 49, "Resolution"),
		("Open", 49, "Response"),  # unanswered first
		("Resolved", 100, None),
		("Closed", 100, None),
		("Rejected", 100, None),
	],
)
def test_breach(state, hours_later, expected):
	response_due, resolution_due = sla.deadlines(FILED, TARGETS)
	now = FILED + timedelta(hours=hours_later)
	assert sla.breach(state, "Grid", response_due, resolution_due, now) == expected


def test_nothing_escalates_beyond_the_street():
	response_due, resolution_due = sla.deadlines(FILED, TARGETS)
	assert sla.breach("Open", "Street", response_due, resolution_due, FILED + timedelta(days=9)) is None


def test_a_renewed_window_means_the_same_breach_never_escalates_twice():
	response_due, resolution_due = sla.deadlines(FILED, TARGETS)
	now = FILED + timedelta(hours=5)
	kind = sla.breach("Open", "Grid", response_due, resolution_due, now)
	response_due, resolution_due = sla.renewed_deadlines(kind, now, TARGETS, response_due, resolution_due)
	assert response_due == now + timedelta(hours=4)
	# the next run, minutes later, finds nothing to do at the new level
	assert sla.breach("Open", "Community", response_due, resolution_due, now + timedelta(minutes=15)) is None
	# a new breach at the new level escalates once more
	assert (
		sla.breach("Open", "Community", response_due, resolution_due, now + timedelta(hours=5)) == "Response"
	)


def test_a_resolution_breach_renews_only_the_resolution_window():
	response_due, resolution_due = sla.deadlines(FILED, TARGETS)
	now = FILED + timedelta(hours=50)
	new_response, new_resolution = sla.renewed_deadlines(
		"Resolution", now, TARGETS, response_due, resolution_due
	)
	assert new_response == response_due
	assert new_resolution == now + timedelta(hours=48)


def test_hours_between():
	assert sla.hours_between(FILED, FILED + timedelta(minutes=90)) == 1.5


@pytest.mark.parametrize(
	"state, hours_later, responded, resolved, expected",
	[
		("Open", 1, 0, 0, "On Track"),
		("Open", 5, 0, 0, "Overdue"),
		("Accepted", 5, 1, 0, "On Track"),
		("Accepted", 49, 1, 0, "Overdue"),
		("Closed", 100, 1, 1, "Met"),
		("Closed", 100, 1, 0, "Missed"),
		("Rejected", 100, 1, 0, "Met"),
		("Rejected", 100, 0, 0, "Missed"),
	],
)
def test_sla_status(state, hours_later, responded, resolved, expected):
	response_due, resolution_due = sla.deadlines(FILED, TARGETS)
	now = FILED + timedelta(hours=hours_later)
	assert sla.sla_status(state, response_due, resolution_due, now, responded, resolved) == expected
