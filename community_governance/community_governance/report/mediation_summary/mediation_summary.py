# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""Mediation cases registered in a period, per community or grid: by dispute type, by the level
they are handled at and by outcome, with the settlement rate, the share settled at grid level
("small matters do not leave the grid"), the average days to an agreement and the obligations
still owed.

- settlement rate: cases settled by agreement among those with an outcome (agreement, failure or
  referral); cases still in mediation, or reopened after a broken agreement, have none yet;
- settled at grid level: agreements reached while the case was handled at grid level;
- average days to agreement: from registration to the date of the (latest) agreement.

All figures come from one aggregate ``frappe.get_list`` query, so the case files stay confidential:
each viewer counts only the cases they may open.
"""

from collections import defaultdict

import frappe
from community_governance.reports import report_period
from community_governance.sla import LEVELS
from frappe import _
from frappe.utils import flt, get_year_start, today

DOCTYPE = "Mediation Case"
TABLE = f"`tab{DOCTYPE}`"
GROUPS = ("community", "grid")
DEFAULT_GROUP = "community"
DISPUTE_TYPES = ("Family", "Neighbour", "Marriage", "Property Management", "Property Rights", "Other")
OUTCOMES = ("Agreement", "Failed", "Referred")
# sums the query returns per group; the rates and averages are derived from them
SUMS = (
	"cases",
	*(f"type_{frappe.scrub(kind)}" for kind in DISPUTE_TYPES),
	*(f"at_{level.lower()}" for level in LEVELS),
	*(f"outcome_{outcome.lower()}" for outcome in OUTCOMES),
	"pending",
	"settled_at_grid",
	"days_to_agreement",
	"open_obligations",
)
CHART_GROUPS = 20


def execute(filters: dict | None = None):
	filters = normalised(filters)
	sums = get_sums(filters)
	rows = sorted((figures(group, values) for group, values in sums.items()), key=by_cases)
	total = totals(sums)
	data = [*rows, total] if rows else []
	return get_columns(filters), data, None, get_chart(rows), get_summary(total)


def normalised(filters: dict | None) -> frappe._dict:
	filters = report_period(filters, default_from=get_year_start(today()))
	filters.group_by = filters.get("group_by") or DEFAULT_GROUP
	if filters.group_by not in GROUPS:
		frappe.throw(_("Cases cannot be grouped by {0}.").format(frappe.bold(filters.group_by)))
	return filters


def get_columns(filters: dict | None = None) -> list[dict]:
	group_by = (filters or {}).get("group_by") or DEFAULT_GROUP

	def column(fieldname, label, fieldtype="Int", width=110, **extra):
		return {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width, **extra}

	return [
		# plain text, not a link: mediators may read the report but not the Grid registry
		column("group", _("Community") if group_by == "community" else _("Grid"), "Data", 160),
		column("cases", _("Cases"), width=80),
		*(column(f"type_{frappe.scrub(kind)}", _(kind), width=100) for kind in DISPUTE_TYPES),
		column("at_grid", _("Handled at Grid Level"), width=150),
		column("at_community", _("Handled at Community Level"), width=180),
		column("at_street", _("Handled at Street Level"), width=160),
		column("outcome_agreement", _("Agreements"), width=100),
		column("outcome_failed", _("Failed"), width=80),
		column("outcome_referred", _("Referred"), width=90),
		column("pending", _("Without Outcome"), width=130),
		column("settlement_rate", _("Settlement Rate"), "Percent", 130),
		column("settled_at_grid_share", _("Settled at Grid Level"), "Percent", 150),
		column("avg_days_to_agreement", _("Average Days to Agreement"), "Float", 180, precision=1),
		column("open_obligations", _("Open Obligations"), width=130),
	]


def get_sums(filters) -> dict:
	"""Per group, the sums the figures are made of, from a single aggregate query grouped finely
	enough (type, level, outcome) that every count is added up here."""
	group_column = f"{TABLE}.`{filters.group_by}`"
	rows = frappe.get_list(
		DOCTYPE,
		filters=list_filters(filters),
		fields=[
			f"{group_column} as group_value",
			"dispute_type",
			"handling_level",
			"outcome",
			f"count({TABLE}.`name`) as cases",
			f"sum({TABLE}.`days_to_agreement`) as days_to_agreement",
			f"sum({TABLE}.`open_obligations`) as open_obligations",
		],
		group_by=f"{group_column}, {TABLE}.`dispute_type`, {TABLE}.`handling_level`, {TABLE}.`outcome`",
		order_by=None,
		limit_page_length=0,
	)
	sums = defaultdict(lambda: dict.fromkeys(SUMS, 0))
	for row in rows:
		group = sums[row.group_value]
		cases = row.cases
		group["cases"] += cases
		group["open_obligations"] += flt(row.open_obligations)
		if row.dispute_type in DISPUTE_TYPES:
			group[f"type_{frappe.scrub(row.dispute_type)}"] += cases
		if row.handling_level in LEVELS:
			group[f"at_{row.handling_level.lower()}"] += cases
		if row.outcome in OUTCOMES:
			group[f"outcome_{row.outcome.lower()}"] += cases
		else:
			group["pending"] += cases
		if row.outcome == "Agreement":
			group["days_to_agreement"] += flt(row.days_to_agreement)
			if row.handling_level == "Grid":
				group["settled_at_grid"] += cases
	return sums


def list_filters(filters) -> list:
	conditions = [[DOCTYPE, "registered_on", "between", [filters.from_date, filters.to_date]]]
	for fieldname in ("community", "grid"):
		if filters.get(fieldname):
			conditions.append([DOCTYPE, fieldname, "=", filters.get(fieldname)])
	return conditions


def figures(group, sums: dict) -> dict:
	agreements = sums["outcome_agreement"]
	concluded = agreements + sums["outcome_failed"] + sums["outcome_referred"]
	return {
		"group": group,
		**{key: int(sums[key]) for key in SUMS if key not in ("settled_at_grid", "days_to_agreement")},
		"settlement_rate": percent(agreements, concluded),
		"settled_at_grid_share": percent(sums["settled_at_grid"], agreements),
		"avg_days_to_agreement": round(flt(sums["days_to_agreement"]) / agreements, 1)
		if agreements
		else None,
	}


def totals(sums: dict) -> dict:
	# rates of the whole are computed from the summed parts, never averaged over the groups
	overall = dict.fromkeys(SUMS, 0)
	for group in sums.values():
		for key in SUMS:
			overall[key] += group[key]
	return {**figures(_("Total"), overall), "is_total": 1}


def percent(part, whole) -> float | None:
	return round(100 * flt(part) / whole, 1) if whole else None


def by_cases(row: dict):
	return (-row["cases"], row["group"] or "")


def get_chart(rows: list[dict]) -> dict | None:
	shown = rows[:CHART_GROUPS]
	if not shown:
		return None
	return {
		"data": {
			"labels": [row["group"] or _("Not Set") for row in shown],
			"datasets": [
				{"name": _("Agreements"), "values": [row["outcome_agreement"] for row in shown]},
				{"name": _("Failed"), "values": [row["outcome_failed"] for row in shown]},
				{"name": _("Referred"), "values": [row["outcome_referred"] for row in shown]},
				{"name": _("Without Outcome"), "values": [row["pending"] for row in shown]},
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
	}


def get_summary(total: dict) -> list[dict]:
	if not total["cases"]:
		return []
	return [
		{"label": _("Cases"), "value": total["cases"], "datatype": "Int", "indicator": "Blue"},
		{
			"label": _("Settlement Rate"),
			"value": total["settlement_rate"] or 0,
			"datatype": "Percent",
			"indicator": "Green",
		},
		{
			"label": _("Settled at Grid Level"),
			"value": total["settled_at_grid_share"] or 0,
			"datatype": "Percent",
			"indicator": "Green",
		},
		{
			"label": _("Open Obligations"),
			"value": total["open_obligations"],
			"datatype": "Int",
			"indicator": "Orange" if total["open_obligations"] else "Green",
		},
	]
