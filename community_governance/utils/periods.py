"""Evaluation periods and prorated allowances: pure date arithmetic."""

import calendar
from datetime import date, timedelta

PERIODS = {
	"Q1": (1, 3),
	"Q2": (4, 6),
	"Q3": (7, 9),
	"Q4": (10, 12),
	"H1": (1, 6),
	"H2": (7, 12),
}


def period_bounds(year: int, period: str) -> tuple[date, date]:
	first_month, last_month = PERIODS[period]
	return date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


def month_bounds(year: int, month: int) -> tuple[date, date]:
	return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def days_between(start: date, end: date) -> int:
	"""Days from start to end, both included; 0 when end is before start."""
	return max((end - start).days + 1, 0)


def overlap_days(term_start: date, term_end: date | None, period_start: date, period_end: date) -> int:
	"""How many days of the period fall within the term (an open term runs on)."""
	start = max(term_start, period_start)
	end = min(term_end or period_end, period_end)
	return days_between(start, end)


def prorated_allowance(
	monthly: float, term_start: date, term_end: date | None, year: int, month: int
) -> float:
	"""The month's allowance for the days of the month the captain served."""
	month_start, month_end = month_bounds(year, month)
	served = overlap_days(term_start, term_end, month_start, month_end)
	return round(monthly * served / days_between(month_start, month_end), 2)


def each_day(start: date, end: date):
	day = start
	while day <= end:
		yield day
		day += timedelta(days=1)


def grade_for(score: float) -> str:
	if score >= 90:
		return "Excellent"
	if score >= 75:
		return "Good"
	if score >= 60:
		return "Fair"
	return "Poor"
