# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""Who earned the most points in a half-year ("two evaluations a year", 一年两评选), overall or in one
section, with each one's earnings by section and the activities they attended.

Two aggregate ``frappe.get_list`` queries, whatever the number of residents: one ranks the residents,
one breaks the top ones down. Both go through the permission layer, so each viewer ranks only the
residents in their own scope. A half-year of the whole site (a viewer who sees every resident, no
place chosen) reads the period totals the ledger keeps, its top residents straight from an index in
rank order; any other period of whole months, or a part of the site, reads the monthly totals (they
carry the place of each posting); any other period reads the ledger rows. All give the same figures.
"""

from collections import defaultdict
from datetime import date

import frappe
from community_governance import scope
from community_governance.ledger import (
	ACTIVITY_SOURCE,
	MERIT_KINDS,
	PERIOD_TOTALS,
	SECTION_FIELDS,
	SPENDING_SOURCE,
	TOTALS,
	month_of,
	period_of,
)
from frappe import _
from frappe.utils import cint, get_last_day, getdate

DOCTYPE = "Points Transaction"
TABLE = f"`tab{DOCTYPE}`"
TOTALS_TABLE = f"`tab{TOTALS}`"
PERIOD_TABLE = f"`tab{PERIOD_TOTALS}`"
FIRST_HALF, SECOND_HALF, CUSTOM = "First Half", "Second Half", "Custom"
PERIODS = (FIRST_HALF, SECOND_HALF, CUSTOM)
PLACE_FIELDS = ("resident_name", "community", "grid")
DEFAULT_TOP_N = 20
# a leaderboard is for honours; the full list of balances is the Points Account list
MAX_TOP_N = 1000


def execute(filters: dict | None = None):
	filters = normalised(filters)
	rows = get_data(filters)
	return get_columns(), rows, None, get_chart(rows)


def normalised(filters: dict | None) -> frappe._dict:
	filters = frappe._dict(filters or {})
	filters.period = filters.get("period") or current_half()
	if filters.period not in PERIODS:
		frappe.throw(_("{0} is not a period of the leaderboard.").format(frappe.bold(filters.period)))
	filters.from_date, filters.to_date = period_dates(filters)
	if filters.get("section") and filters.section not in SECTION_FIELDS:
		frappe.throw(_("{0} is not a points section.").format(frappe.bold(filters.section)))
	filters.top_n = min(cint(filters.get("top_n")) or DEFAULT_TOP_N, MAX_TOP_N)
	if filters.top_n < 1:
		frappe.throw(_("Show at least one resident."), title=_("Invalid Number"))
	return filters


def current_half(today: date | None = None) -> str:
	return FIRST_HALF if getdate(today).month <= 6 else SECOND_HALF


def period_dates(filters) -> tuple[date, date]:
	if filters.period == CUSTOM:
		if not (filters.get("from_date") and filters.get("to_date")):
			frappe.throw(_("Give the From Date and To Date of a custom period."), title=_("Invalid Period"))
		from_date, to_date = getdate(filters.from_date), getdate(filters.to_date)
		if from_date > to_date:
			frappe.throw(_("The From Date must not be after the To Date."), title=_("Invalid Period"))
		return from_date, to_date
	year = cint(filters.get("year")) or getdate().year
	if filters.period == FIRST_HALF:
		return date(year, 1, 1), date(year, 6, 30)
	return date(year, 7, 1), date(year, 12, 31)


def get_columns() -> list[dict]:
	return [
		{"fieldname": "rank", "label": _("Rank"), "fieldtype": "Int", "width": 70},
		{
			"fieldname": "resident",
			"label": _("Resident"),
			"fieldtype": "Link",
			"options": "Resident",
			"width": 150,
		},
		{"fieldname": "resident_name", "label": _("Resident Name"), "fieldtype": "Data", "width": 140},
		{
			"fieldname": "community",
			"label": _("Community"),
			"fieldtype": "Link",
			"options": "Grid",
			"width": 120,
		},
		{"fieldname": "grid", "label": _("Grid"), "fieldtype": "Link", "options": "Grid", "width": 120},
		{"fieldname": "points", "label": _("Points Earned"), "fieldtype": "Int", "width": 120},
		*(
			{"fieldname": fieldname, "label": _(section), "fieldtype": "Int", "width": 130}
			for section, fieldname in SECTION_FIELDS.items()
		),
		{"fieldname": "activities", "label": _("Activities Attended"), "fieldtype": "Int", "width": 140},
	]


def get_data(filters) -> list[dict]:
	if reads_period_totals(filters):
		return from_period_totals(filters)
	if covers_whole_months(filters):
		return from_monthly_totals(filters)
	return from_ledger_rows(filters)


def reads_period_totals(filters) -> bool:
	"""A half-year ranked over every resident: the period totals hold each one's sum, whatever
	places they lived in; a part of the site needs the place of each posting (the monthly totals)."""
	return (
		filters.period in (FIRST_HALF, SECOND_HALF)
		and not filters.get("community")
		and not filters.get("grid")
		and scope.get_scope().sees_all
	)


def covers_whole_months(filters) -> bool:
	return filters.from_date.day == 1 and filters.to_date == get_last_day(filters.to_date)


def from_monthly_totals(filters) -> list[dict]:
	conditions = [
		[TOTALS, "month", "between", [month_of(filters.from_date), month_of(filters.to_date)]],
		[TOTALS, "merit_rows", ">", 0],  # a month of only spending ranks no one
	]
	for fieldname in ("section", "community", "grid"):
		if filters.get(fieldname):
			conditions.append([TOTALS, fieldname, "=", filters.get(fieldname)])
	leaders = frappe.get_list(
		TOTALS,
		filters=conditions,
		fields=["resident", f"sum({TOTALS_TABLE}.`merit_points`) as points"],
		group_by=f"{TOTALS_TABLE}.`resident`",
		order_by=f"sum({TOTALS_TABLE}.`merit_points`) desc, {TOTALS_TABLE}.`resident` asc",
		limit_page_length=filters.top_n,
	)
	if not leaders:
		return []
	rows = frappe.get_list(
		TOTALS,
		filters=[*conditions, [TOTALS, "resident", "in", [row.resident for row in leaders]]],
		fields=[
			"resident",
			"section",
			"max(resident_name) as resident_name",
			"max(community) as community",
			"max(grid) as grid",
			f"sum({TOTALS_TABLE}.`merit_points`) as points",
			f"sum({TOTALS_TABLE}.`activities`) as activities",
		],
		group_by=f"{TOTALS_TABLE}.`resident`, {TOTALS_TABLE}.`section`",
		order_by=None,
		limit_page_length=0,
	)
	places, by_section, activities = breakdown_sums()
	for row in rows:
		add_to_breakdown(places, by_section, row)
		activities[row.resident] += cint(row.activities)
	return leader_rows(leaders, places, by_section, activities)


def from_period_totals(filters) -> list[dict]:
	"""The top residents are the first rows of the index in rank order of the half-year's totals,
	over all sections or of the chosen one; the breakdown by section reads the leaders' own totals."""
	section, period = filters.get("section"), period_of(filters.from_date)
	# the filters of one of the two indexes in rank order (see the DocType's on_doctype_update)
	ranked_by = (
		[PERIOD_TOTALS, "section", "=", section] if section else [PERIOD_TOTALS, "all_sections", "=", 1]
	)
	leaders = frappe.get_list(
		PERIOD_TOTALS,
		filters=[
			[PERIOD_TOTALS, "period", "=", period],
			ranked_by,
			[PERIOD_TOTALS, "merit_rows", ">", 0],  # only spending ranks no one
		],
		fields=[
			"resident",
			"resident_name",
			"community",
			"grid",
			"merit_points as points",
			"activities",
		],
		order_by=f"{PERIOD_TABLE}.`merit_points` desc, {PERIOD_TABLE}.`resident` asc",
		limit_page_length=filters.top_n,
	)
	if not leaders:
		return []
	places, by_section, activities = breakdown_sums()
	for row in leaders:
		places[row.resident] = {field: row[field] or None for field in PLACE_FIELDS}
		activities[row.resident] = cint(row.activities)
	if section:
		for row in leaders:
			by_section[row.resident][SECTION_FIELDS[section]] = cint(row.points)
	else:
		rows = frappe.get_list(
			PERIOD_TOTALS,
			filters=[
				[PERIOD_TOTALS, "period", "=", period],
				[PERIOD_TOTALS, "all_sections", "=", 0],
				[PERIOD_TOTALS, "resident", "in", [row.resident for row in leaders]],
			],
			fields=["resident", "section", "merit_points as points"],
			order_by=None,
			limit_page_length=0,
		)
		for row in rows:
			if row.section in SECTION_FIELDS:
				by_section[row.resident][SECTION_FIELDS[row.section]] += cint(row.points)
	return leader_rows(leaders, places, by_section, activities)


def breakdown_sums() -> tuple[dict, dict, dict]:
	"""Empty per-resident places, points per section and activities, filled row by row."""
	return (
		defaultdict(lambda: dict.fromkeys(PLACE_FIELDS)),
		defaultdict(lambda: dict.fromkeys(SECTION_FIELDS.values(), 0)),
		defaultdict(int),
	)


def add_to_breakdown(places: dict, by_section: dict, row) -> None:
	# a resident's rows carry the place they lived in when each was posted; one who moved within
	# the period is shown in one of them
	place = places[row.resident]
	for field in PLACE_FIELDS:
		place[field] = max(place[field] or "", row[field] or "") or None
	if row.section in SECTION_FIELDS:
		by_section[row.resident][SECTION_FIELDS[row.section]] += cint(row.points)


def from_ledger_rows(filters) -> list[dict]:
	conditions = merit_filters(filters)
	leaders = frappe.get_list(
		DOCTYPE,
		filters=conditions,
		# only the key and the sum: names and places of all residents would make the grouping
		# table too big for memory; the breakdown fetches them for the leaders alone
		fields=["resident", f"sum({TABLE}.`points`) as points"],
		group_by=f"{TABLE}.`resident`",
		# ties are broken by the resident's ID so the order never changes between two runs
		order_by=f"sum({TABLE}.`points`) desc, {TABLE}.`resident` asc",
		limit_page_length=filters.top_n,
	)
	if not leaders:
		return []
	places, by_section, activities = breakdown(conditions, [row.resident for row in leaders])
	return leader_rows(leaders, places, by_section, activities)


def leader_rows(leaders: list, places: dict, by_section: dict, activities: dict) -> list[dict]:
	rows = []
	for row in leaders:
		rows.append(
			{
				"resident": row.resident,
				**places[row.resident],
				"points": cint(row.points),
				**{field: by_section[row.resident][field] for field in SECTION_FIELDS.values()},
				"activities": max(activities[row.resident], 0),
			}
		)
	return ranked(rows)


def merit_filters(filters) -> list:
	conditions = [
		[DOCTYPE, "docstatus", "=", 1],
		[DOCTYPE, "kind", "in", MERIT_KINDS],
		[DOCTYPE, "source_doctype", "!=", SPENDING_SOURCE],  # matches rows without a source too
		[DOCTYPE, "posting_date", "between", [filters.from_date, filters.to_date]],
	]
	for fieldname in ("section", "community", "grid"):
		if filters.get(fieldname):
			conditions.append([DOCTYPE, fieldname, "=", filters.get(fieldname)])
	return conditions


def breakdown(conditions: list, residents: list[str]) -> tuple[dict, dict, dict]:
	"""The leaders' names and places, points per section and activities attended, from one
	aggregate query."""
	rows = frappe.get_list(
		DOCTYPE,
		filters=[*conditions, [DOCTYPE, "resident", "in", residents]],
		fields=[
			"resident",
			"section",
			"kind",
			"source_doctype",
			"max(resident_name) as resident_name",
			"max(community) as community",
			"max(grid) as grid",
			f"sum({TABLE}.`points`) as points",
			f"count(distinct {TABLE}.`source_name`) as sources",
		],
		group_by=f"{TABLE}.`resident`, {TABLE}.`section`, {TABLE}.`kind`, {TABLE}.`source_doctype`",
		order_by=None,
		limit_page_length=0,
	)
	places, by_section, activities = breakdown_sums()
	for row in rows:
		add_to_breakdown(places, by_section, row)
		if row.source_doctype == ACTIVITY_SOURCE:
			# an activity pays each attendee once and its cancellation reverses that once (the
			# database holds one row per activity, resident and kind), so a cancelled activity
			# is not counted; an activity has one section, so the counts add up across sections.
			# One cancelled in a later period lowers that period's count, never below zero.
			activities[row.resident] += cint(row.sources) * (-1 if row.kind == "Reversal" else 1)
	return places, by_section, activities


def ranked(rows: list[dict]) -> list[dict]:
	"""Number the rows; residents with equal points share a rank (1, 2, 2, 4)."""
	rank, previous = 0, None
	for position, row in enumerate(rows, start=1):
		if row["points"] != previous:
			rank, previous = position, row["points"]
		row["rank"] = rank
	return rows


def get_chart(rows: list[dict]) -> dict | None:
	if not rows:
		return None
	return {
		"data": {
			"labels": [row["resident_name"] or row["resident"] for row in rows],
			"datasets": [{"name": _("Points Earned"), "values": [row["points"] for row in rows]}],
		},
		"type": "bar",
		"colors": ["#5e64ff"],
	}
