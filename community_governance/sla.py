"""Deadlines and escalation of service requests.

Pure functions of the times they are given (no clock, no database), so every rule is tested
without waiting: the controller and the scheduled job pass ``now`` in.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

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


def deadlines(start: datetime, targets: Targets) -> tuple[datetime, datetime]:
	return (
		start + timedelta(hours=targets.response_hours),
		start + timedelta(hours=targets.resolution_hours),
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


def renewed_deadlines(kind: str, now: datetime, targets: Targets, response_due, resolution_due):
	"""After an escalation the new level gets a fresh window for the missed deadline, so the same
	breach never escalates twice and a breach at the new level escalates once more."""
	if kind == RESPONSE:
		return now + timedelta(hours=targets.response_hours), resolution_due
	return response_due, now + timedelta(hours=targets.resolution_hours)


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
