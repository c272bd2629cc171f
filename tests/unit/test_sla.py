from datetime import datetime, time, timedelta

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


# --- working hours: the traps of helpdesk SLAs ---------------------------------------------------

# Monday to Friday, 09:00-18:00; Thursday 2026-10-01 is National Day
NATIONAL_DAY = datetime(2026, 10, 1).date()
WEEK = sla.WorkingTime(frozenset(range(5)), time(9), time(18), frozenset({NATIONAL_DAY}))


def test_calendar_hours_are_the_default():
	assert sla.add_hours(FILED, 30) == FILED + timedelta(hours=30)


def test_a_deadline_never_falls_on_a_holiday():
	# Wednesday 17:00 + 8 working hours: one hour on Wednesday, Thursday is a holiday, seven on Friday
	filed = datetime(2026, 9, 30, 17, 0)
	assert sla.add_hours(filed, 8, WEEK) == datetime(2026, 10, 2, 16, 0)
	# without the holiday the same target ends on Thursday
	plain = sla.WorkingTime(WEEK.weekdays, WEEK.day_start, WEEK.day_end)
	assert sla.add_hours(filed, 8, plain) == datetime(2026, 10, 1, 16, 0)


def test_a_request_filed_on_a_friday_evening_starts_on_monday_morning():
	friday_evening = datetime(2026, 3, 6, 20, 30)
	assert sla.add_hours(friday_evening, 4, WEEK) == datetime(2026, 3, 9, 13, 0)
	assert sla.add_hours(friday_evening, 0, WEEK) == datetime(2026, 3, 9, 9, 0)


def test_a_target_filling_a_day_exactly_ends_at_closing_time():
	monday_morning = datetime(2026, 3, 9, 9, 0)
	assert sla.add_hours(monday_morning, 9, WEEK) == datetime(2026, 3, 9, 18, 0)
	assert sla.add_hours(monday_morning, 9.5, WEEK) == datetime(2026, 3, 10, 9, 30)


def test_filed_before_opening_or_on_a_holiday_counts_from_the_next_opening():
	assert sla.add_hours(datetime(2026, 3, 9, 6, 0), 2, WEEK) == datetime(2026, 3, 9, 11, 0)
	assert sla.add_hours(datetime(2026, 10, 1, 10, 0), 2, WEEK) == datetime(2026, 10, 2, 11, 0)


def test_a_holiday_added_after_filing_does_not_move_the_deadline_already_given():
	"""Deadlines are computed once, when their window starts: the controller stores them, and only
	windows starting later (a new request, a reopening, an escalation) see the new holiday."""
	filed = datetime(2026, 9, 30, 17, 0)
	before = sla.WorkingTime(WEEK.weekdays, WEEK.day_start, WEEK.day_end)
	response_due, _resolution_due = sla.deadlines(filed, sla.Targets(8, 16), before)
	assert response_due == datetime(2026, 10, 1, 16, 0)
	# the holiday is added; the stored deadline stays, a renewed window skips the holiday
	renewed, _ = sla.renewed_deadlines(sla.RESPONSE, filed, sla.Targets(8, 16), response_due, None, WEEK)
	assert renewed == datetime(2026, 10, 2, 16, 0)


def test_a_working_week_without_hours_is_refused():
	with pytest.raises(ValueError):
		sla.add_hours(FILED, 4, sla.WorkingTime(frozenset(), time(9), time(18)))
	with pytest.raises(ValueError):
		sla.add_hours(FILED, 4, sla.WorkingTime(frozenset({0}), time(18), time(9)))


def test_the_working_week_setting_is_read_as_iso_day_numbers():
	assert sla.parse_weekdays("1,2,3,4,5") == frozenset(range(5))
	assert sla.parse_weekdays(" 6， 7 ") == frozenset({5, 6})
	for bad in ("0", "8", "Mon"):
		with pytest.raises(ValueError):
			sla.parse_weekdays(bad)
