from datetime import date

import pytest

from community_governance import care

START = date(2026, 3, 2)


@pytest.mark.parametrize(
	"frequency, days", [("Weekly", 7), ("Fortnightly", 14), ("Monthly", 30), ("Quarterly", 91)]
)
def test_a_new_plan_asks_for_a_first_visit_within_one_interval(frequency, days):
	assert (care.next_due(frequency, START) - START).days == days


def test_each_visit_restarts_the_interval():
	assert care.next_due("Weekly", START, date(2026, 3, 20)) == date(2026, 3, 27)


def test_a_visit_before_the_plan_started_does_not_bring_the_first_visit_forward():
	assert care.next_due("Weekly", START, date(2026, 2, 1)) == date(2026, 3, 9)


def test_an_unknown_frequency_is_refused():
	with pytest.raises(ValueError):
		care.next_due("Daily", START)


@pytest.mark.parametrize(
	"today, late",
	[(date(2026, 3, 8), 0), (date(2026, 3, 9), 0), (date(2026, 3, 10), 1), (date(2026, 3, 19), 10)],
)
def test_a_visit_is_overdue_only_after_its_due_day(today, late):
	due = date(2026, 3, 9)
	assert care.days_overdue(due, today) == late
	assert care.is_overdue(due, today) is (late > 0)


def test_a_plan_without_a_due_date_is_never_overdue():
	assert not care.is_overdue(None, START)


def test_any_care_tag_makes_a_care_resident():
	assert care.is_care_tagged({"has_disability": 1})
	assert care.is_care_tagged({"elderly_living_alone": 1, "special_care": 0})
	assert not care.is_care_tagged({tag: 0 for tag in care.CARE_TAGS})


def test_coverage_is_the_share_of_care_residents_with_a_plan():
	assert care.coverage(2, 3) == 66.7
	assert care.coverage(0, 4) == 0
	assert care.coverage(0, 0) is None
