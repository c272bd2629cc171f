"""Deadlines and escalation of service requests.

Pure functions of the times they are given (no clock, no database), so every rule is tested
without waiting: the controller and the scheduled job pass ``now`` in.

Targets run on calendar hours or, when a ``WorkingTime`` is given, on working hours: only the hours
between the start and end of a working day count, on the days of the working week that are not
holidays. A deadline is computed once, with the holidays known when its window starts; a holiday
added later does not move it (the handler and the resident were told that time), but it does count
for every window that starts afterwards (a new request, a reopening, an escalation).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

LEVELS = ("Grid", "Community", "Street")
AWAITING_RESPONSE = ("Open", "Dispatched", "Reopened")
UNRESOLVED = ("Open", "Dispatched", "Accepted", "Reopened")
RESPONSE, RESOLUTION = "Response", "Resolution"


@dataclass(frozen=True)
class Targets:
	response_hours: float
	resolution_hours: float


def targets_for(priority: str, rows: list, default: Targets) -> Targets:
	"""The category's targets for a priority (rows carry priority/response_hours/resolution_hours)."""
	for row in rows:
		if row.get("priority") == priority:
			return Targets(float(row.get("response_hours") or 0), float(row.get("resolution_hours") or 0))
	return default


@dataclass(frozen=True)
class WorkingTime:
	weekdays: frozenset[int]  # datetime.weekday(): Monday is 0
	day_start: time
	day_end: time
	holidays: frozenset[date] = frozenset()

	def is_working_day(self, day: date) -> bool:
		return day.weekday() in self.weekdays and day not in self.holidays


# how far ahead a deadline is looked for: a working week that never comes is a setting's mistake
SEARCH_DAYS = 3660


def add_hours(start: datetime, hours: float, working: WorkingTime | None = None) -> datetime:
	"""``hours`` after ``start``, in calendar hours or, given ``working``, in working hours.

	Counting starts at the next working moment: a request filed on a Friday evening starts on
	Monday morning. A deadline that uses up a day exactly falls at its closing time, never on the
	next opening."""
	if working is None:
		return start + timedelta(hours=hours)
	if not working.weekdays or working.day_end <= working.day_start:
		raise ValueError("the working week has no working hours")
	remaining = timedelta(hours=max(hours, 0))
	moment = start
	for _ in range(SEARCH_DAYS):
		day = moment.date()
		if working.is_working_day(day):
			begin = max(moment, datetime.combine(day, working.day_start))
			closes = datetime.combine(day, working.day_end)
			if begin < closes:
				if remaining <= closes - begin:
					return begin + remaining
				remaining -= closes - begin
		moment = datetime.combine(day + timedelta(days=1), time.min)
	raise ValueError("no working day within ten years")


def deadlines(
	start: datetime, targets: Targets, working: WorkingTime | None = None
) -> tuple[datetime, datetime]:
	return (
		add_hours(start, targets.response_hours, working),
		add_hours(start, targets.resolution_hours, working),
	)


def hours_between(start: datetime, end: datetime) -> float:
	return round((end - start).total_seconds() / 3600, 2)


def next_level(level: str) -> str | None:
	index = LEVELS.index(level)
	return LEVELS[index + 1] if index + 1 < len(LEVELS) else None


def breach(state: str, level: str, response_due, resolution_due, now: datetime) -> str | None:
	"""The deadline a request has missed and should escalate for, if any.

	A request at the top level has nowhere to go. An unanswered request escalates for its response
	deadline first; an unresolved one for its resolution deadline.
	"""
	if state not in UNRESOLVED or next_level(level) is None:
		return None
	if state in AWAITING_RESPONSE and response_due and now > response_due:
		return RESPONSE
	if resolution_due and now > resolution_due:
		return RESOLUTION
	return None


def renewed_deadlines(
	kind: str,
	now: datetime,
	targets: Targets,
	response_due,
	resolution_due,
	working: WorkingTime | None = None,
):
	"""After an escalation the new level gets a fresh window for the missed deadline, so the same
	breach never escalates twice and a breach at the new level escalates once more."""
	if kind == RESPONSE:
		return add_hours(now, targets.response_hours, working), resolution_due
	return response_due, add_hours(now, targets.resolution_hours, working)


def parse_weekdays(text: str) -> frozenset[int]:
	"""The working week as a setting writes it, ISO numbers "1,2,3,4,5" (1 = Monday), as weekday()s."""
	days = set()
	for part in (text or "").replace("，", ",").split(","):
		part = part.strip()
		if not part:
			continue
		if not part.isdigit() or not 1 <= int(part) <= 7:
			raise ValueError(part)
		days.add(int(part) - 1)
	return frozenset(days)


def is_overdue(state: str, response_due, resolution_due, now: datetime) -> bool:
	if state in AWAITING_RESPONSE and response_due and now > response_due:
		return True
	return state in UNRESOLVED and bool(resolution_due) and now > resolution_due


def sla_status(
	state: str, response_due, resolution_due, now: datetime, responded_on_time, resolved_on_time
) -> str:
	if state in UNRESOLVED:
		return "Overdue" if is_overdue(state, response_due, resolution_due, now) else "On Track"
	if state == "Rejected":
		return "Met" if responded_on_time else "Missed"
	return "Met" if resolved_on_time else "Missed"
