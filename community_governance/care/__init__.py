"""Care visits to special groups: when the next visit falls due and when a plan is overdue.

Pure functions of the dates they are given (no clock, no database), so the controller, the daily
reminder and the report share one rule and the rule is tested without a site. ``care.visits`` keeps
plans, visits and their requests in step on a site.
"""

from datetime import date, timedelta

# how often a plan asks for a visit, in days
FREQUENCY_DAYS = {
	"Weekly": 7,
	"Fortnightly": 14,
	"Monthly": 30,
	"Quarterly": 91,
}
# the Resident check fields that make someone a care-tagged resident
CARE_TAGS = ("elderly_living_alone", "special_care", "has_disability", "child_in_difficulty")
# who may be named as the visitor of a plan
VISITOR_ROLES = ("Grid Worker", "Community Worker", "Building Captain", "Volunteer")


def interval_days(frequency: str) -> int:
	if frequency not in FREQUENCY_DAYS:
		raise ValueError(f"unknown visit frequency: {frequency}")
	return FREQUENCY_DAYS[frequency]


def next_due(frequency: str, start: date, last_visit: date | None = None) -> date:
	"""A new plan asks for a first visit within one interval of its start; each visit restarts
	the interval. A visit logged before the plan started does not move the first due date back."""
	counted_from = max(last_visit, start) if last_visit else start
	return counted_from + timedelta(days=interval_days(frequency))


def days_overdue(due: date | None, today: date) -> int:
	"""Whole days past the due date; 0 while it has not passed (a visit due today is not late)."""
	if not due:
		return 0
	return max((today - due).days, 0)


def is_overdue(due: date | None, today: date) -> bool:
	return days_overdue(due, today) > 0


def is_care_tagged(resident: dict) -> bool:
	return any(resident.get(tag) for tag in CARE_TAGS)


def coverage(planned: int, care_tagged: int) -> float | None:
	"""Share of care-tagged residents with an active plan, as a percentage (None without any)."""
	return round(100 * planned / care_tagged, 1) if care_tagged else None
