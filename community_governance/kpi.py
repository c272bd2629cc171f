"""The figures a street is judged by, counted the way the 12345 hotline counts them.

One definition for every place that shows them (the Service Request KPI report, the workspace card,
the monthly report for the level above). Each rate counts, among the requests filed in a period,
those *due* it at the time the figures are made:

- response rate: responded (accepted, claimed, or rejected with a reason) within the response
  target from filing, of the requests responded or past that target;
- resolution rate (解决率): the resident's latest answer to "was your problem solved?" is Yes, of
  the requests answered Yes or No (in the rating or the follow-up call);
- on-time resolution rate: resolved now (Resolved or Closed) within the resolution target from
  filing, judged by the last resolution, of the requests not rejected that are resolved now or past
  that target;
- satisfaction rate (满意率): a rating of at least the satisfied threshold (a setting, default 3),
  of the rated requests.

The sums come from one aggregate query (``frappe.get_list``, so each viewer counts only their part)
grouped by state, handling level and answer; the figures are derived from them here.
"""

from datetime import datetime

import frappe
from frappe import _
from frappe.utils import cint, flt

DOCTYPE = "Service Request"
TABLE = f"`tab{DOCTYPE}`"
LEVELS = ("Grid", "Community", "Street")
RESOLVED_NOW = ("Resolved", "Closed")
ANSWERS = ("Yes", "No")
DEFAULT_SATISFIED_RATING = 3
# the finer grouping the aggregate query adds to the caller's own
GROUPING = ("workflow_state", "escalation_level", "solved")
SUMS = (
	"volume",
	"due_response",
	"responded_in_time",
	"answered",
	"solved",
	"due_resolution",
	"resolved_in_time",
	"rated",
	"satisfied",
	"accepted",
	"hours_to_accept",
	"resolved",
	"hours_to_resolve",
	*(f"closed_at_{level.lower()}" for level in LEVELS),
)


def rating_labels() -> dict[int, str]:
	"""What each rating means to the resident (5 to 1)."""
	return {
		5: _("Very Satisfied"),
		4: _("Satisfied"),
		3: _("Basically Satisfied"),
		2: _("Dissatisfied"),
		1: _("Very Dissatisfied"),
	}


def satisfied_rating() -> int:
	value = frappe.db.get_single_value("Community Governance Settings", "satisfied_rating")
	return cint(value) or DEFAULT_SATISFIED_RATING


def solved_from_rating(rating: int, threshold: int) -> str:
	"""The answer to "solved?" when the resident gives only a rating."""
	return "Yes" if cint(rating) >= threshold else "No"


def definitions() -> dict[str, str]:
	"""Each figure's definition, as the report states it on screen."""
	return {
		"volume": _("Requests filed in the period."),
		"due_response": _(
			"Requests due a response: responded (accepted, claimed, or rejected with a reason) or past "
			"the response target from filing."
		),
		"response_rate": _(
			"Responded within the response target from filing, of the requests due a response."
		),
		"answered": _(
			'Requests whose latest answer to "Was your problem solved?" (rating or follow-up call) is Yes or No.'
		),
		"resolution_rate": _("Latest answer Yes, of the answered requests."),
		"due_resolution": _(
			"Requests not rejected that are resolved now (Resolved or Closed) or past the resolution "
			"target from filing."
		),
		"on_time_resolution_rate": _(
			"Resolved now within the resolution target from filing (the last resolution counts; a "
			"reopened request is unresolved), of the requests due a resolution."
		),
		"rated": _("Requests with a rating (1 to 5)."),
		"satisfaction_rate": _(
			"Rated at least the satisfied rating (a setting, default 3 = Basically Satisfied), of the rated requests."
		),
		"avg_hours_to_accept": _("Average hours from filing to acceptance, of the accepted requests."),
		"avg_hours_to_resolve": _(
			"Average hours from filing to the last resolution, of the resolved requests."
		),
		"closed": _("Requests closed."),
		"closed_at_grid": _("Share of the closed requests closed at grid level."),
		"closed_at_community": _("Share of the closed requests closed at community level."),
		"closed_at_street": _("Share of the closed requests closed at street level."),
	}


def datetime_number(moment: datetime) -> int:
	# get_list fields may not hold quoted literals; MariaDB reads a YYYYMMDDhhmmss number compared
	# with a DATETIME column as that date and time
	return int(moment.strftime("%Y%m%d%H%M%S"))


def aggregate_fields(now: datetime, threshold: int) -> list[str]:
	"""The sums of one group of requests (see GROUPING), for ``frappe.get_list``."""

	def column(fieldname):
		return f"{TABLE}.`{fieldname}`"

	moment = datetime_number(now)
	return [
		f"count({column('name')}) as volume",
		f"count({column('responded_on')}) as responded",
		f"sum({column('responded_on')} is null and {column('response_due_from_filing')} < {moment})"
		" as unresponded_past_target",
		f"sum({column('responded_on')} <= {column('response_due_from_filing')}) as responded_in_time",
		f"sum({column('resolution_due_from_filing')} < {moment}) as past_resolution_target",
		f"sum({column('resolved_on')} <= {column('resolution_due_from_filing')}) as resolved_in_time",
		f"sum({column('rating')} >= 1) as rated",
		f"sum({column('rating')} >= {cint(threshold)}) as satisfied",
		f"count({column('accepted_on')}) as accepted",
		f"sum({column('hours_to_accept')}) as hours_to_accept",
		f"count({column('resolved_on')}) as resolved",
		f"sum({column('hours_to_resolve')}) as hours_to_resolve",
	]


def empty_sums() -> dict:
	return dict.fromkeys(SUMS, 0)


def add_row(sums: dict, row: dict) -> None:
	"""Add one row of the aggregate query (one state, level and answer) to a group's sums."""
	state, volume = row.get("workflow_state"), flt(row.get("volume"))
	resolved_now = state in RESOLVED_NOW
	sums["volume"] += volume
	sums["due_response"] += flt(row.get("responded")) + flt(row.get("unresponded_past_target"))
	sums["responded_in_time"] += flt(row.get("responded_in_time"))
	if row.get("solved") in ANSWERS:
		sums["answered"] += volume
		sums["solved"] += volume if row.get("solved") == "Yes" else 0
	if state != "Rejected":
		sums["due_resolution"] += volume if resolved_now else flt(row.get("past_resolution_target"))
	if resolved_now:
		sums["resolved_in_time"] += flt(row.get("resolved_in_time"))
	for key in ("rated", "satisfied", "accepted", "hours_to_accept", "resolved", "hours_to_resolve"):
		sums[key] += flt(row.get(key))
	if state == "Closed" and row.get("escalation_level") in LEVELS:
		sums[f"closed_at_{row.get('escalation_level').lower()}"] += volume


def add_sums(total: dict, part: dict) -> None:
	for key in SUMS:
		total[key] += part[key]


def figures(sums: dict) -> dict:
	"""The figures of a group from its sums; rates of a whole are made from summed parts, never
	averaged over groups."""
	closed = sum(sums[f"closed_at_{level.lower()}"] for level in LEVELS)
	return {
		"volume": int(sums["volume"]),
		"due_response": int(sums["due_response"]),
		"response_rate": percent(sums["responded_in_time"], sums["due_response"]),
		"answered": int(sums["answered"]),
		"resolution_rate": percent(sums["solved"], sums["answered"]),
		"due_resolution": int(sums["due_resolution"]),
		"on_time_resolution_rate": percent(sums["resolved_in_time"], sums["due_resolution"]),
		"rated": int(sums["rated"]),
		"satisfaction_rate": percent(sums["satisfied"], sums["rated"]),
		"avg_hours_to_accept": average(sums["hours_to_accept"], sums["accepted"]),
		"avg_hours_to_resolve": average(sums["hours_to_resolve"], sums["resolved"]),
		"closed": int(closed),
		**{
			f"closed_at_{level.lower()}": percent(sums[f"closed_at_{level.lower()}"], closed)
			for level in LEVELS
		},
	}


def grouped_sums(group_field: str, filters: list, now: datetime, threshold: int | None = None) -> dict:
	"""Per value of ``group_field``, the sums of the requests matching ``filters`` that the user may
	see, from a single aggregate query."""
	threshold = threshold or satisfied_rating()
	group_column = f"{TABLE}.`{group_field}`"
	finer = ", ".join(f"{TABLE}.`{field}`" for field in GROUPING)
	rows = frappe.get_list(
		DOCTYPE,
		filters=filters,
		fields=[f"{group_column} as group_value", *GROUPING, *aggregate_fields(now, threshold)],
		group_by=f"{group_column}, {finer}",
		order_by=None,
		limit_page_length=0,
	)
	sums = {}
	for row in rows:
		add_row(sums.setdefault(row.group_value, empty_sums()), row)
	return sums


def percent(part, whole) -> float | None:
	return round(100 * flt(part) / whole, 1) if whole else None


def average(total, count) -> float | None:
	return round(flt(total) / count, 2) if count else None
