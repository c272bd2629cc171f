from datetime import date

import pytest

from community_governance.utils.periods import (
	days_between,
	each_day,
	grade_for,
	overlap_days,
	period_bounds,
	prorated_allowance,
)


@pytest.mark.parametrize(
	"period, expected",
	[
		("Q1", (date(2026, 1, 1), date(2026, 3, 31))),
		("Q2", (date(2026, 4, 1), date(2026, 6, 30))),
		("H2", (date(2026, 7, 1), date(2026, 12, 31))),
	],
)
def test_period_bounds(period, expected):
	assert period_bounds(2026, period) == expected


def test_february_of_a_leap_year():
	assert period_bounds(2028, "Q1")[1] == date(2028, 3, 31)
	assert prorated_allowance(150, date(2028, 2, 15), None, 2028, 2) == round(150 * 15 / 29, 2)


def test_a_full_month_pays_the_whole_allowance():
	assert prorated_allowance(150, date(2025, 1, 1), None, 2026, 3) == 150


def test_a_term_starting_mid_month_is_prorated():
	assert prorated_allowance(150, date(2026, 4, 16), None, 2026, 4) == 75  # 15 of 30 days


def test_a_term_ending_mid_month_is_prorated():
	assert prorated_allowance(150, date(2025, 1, 1), date(2026, 3, 10), 2026, 3) == round(150 * 10 / 31, 2)


def test_a_term_outside_the_month_pays_nothing():
	assert prorated_allowance(150, date(2026, 5, 1), None, 2026, 4) == 0
	assert prorated_allowance(150, date(2025, 1, 1), date(2026, 2, 28), 2026, 3) == 0


def test_day_counting():
	assert days_between(date(2026, 1, 1), date(2026, 1, 1)) == 1
	assert days_between(date(2026, 1, 2), date(2026, 1, 1)) == 0
	assert overlap_days(date(2026, 1, 10), date(2026, 1, 20), date(2026, 1, 15), date(2026, 1, 31)) == 6
	assert len(list(each_day(date(2026, 2, 27), date(2026, 3, 2)))) == 4


@pytest.mark.parametrize(
	"score, grade", [(95, "Excellent"), (90, "Excellent"), (80, "Good"), (60, "Fair"), (10, "Poor")]
)
def test_grades(score, grade):
	assert grade_for(score) == grade
