# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""The property company's scores per compound and period (closed evaluations only): the average of
each criterion, the overall score, its change from the compound's previous period (the trend) and
the rectification requests the low criteria opened.

The evaluations come from one ``frappe.get_list`` query (each viewer sees the evaluations of their
scope) and the rectifications from one query on their rows.
"""

import frappe
from community_governance.deliberation import CRITERIA
from community_governance.reports import report_period
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import add_months, flt, today

DOCTYPE = "Property Service Evaluation"
DEFAULT_MONTHS = 12


def execute(filters: dict | None = None):
	filters = normalised(filters)
	evaluations = get_evaluations(filters)
	rectifications = count_rectifications([row.name for row in evaluations])
	data = with_trend(evaluations, rectifications)
	return get_columns(), data, None, get_chart(data)


def normalised(filters: dict | None) -> frappe._dict:
	filters = report_period(filters, default_from=add_months(today(), -DEFAULT_MONTHS))
	return filters


def get_columns() -> list[dict]:
	def column(fieldname, label, fieldtype="Float", width=100, **extra):
		return {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width, **extra}

	return [
		column("compound", _("Compound"), "Link", 150, options="Compound"),
		column("compound_name", _("Compound Name"), "Data", 150),
		column("property_company", _("Property Company"), "Data", 160),
		column("period_start", _("Period Start"), "Date", 110),
		column("period_end", _("Period End"), "Date", 110),
		column("evaluation", _("Evaluation"), "Link", 150, options=DOCTYPE),
		column("scorecards", _("Scorecards"), "Int", 100),
		*(column(f"avg_{criterion}", _(criterion.title()), precision=2) for criterion in CRITERIA),
		column("overall_score", _("Overall Score"), width=110, precision=2),
		column("change", _("Change from Previous Period"), width=190, precision=2),
		column("rectifications", _("Rectification Requests"), "Int", 170),
	]


def get_evaluations(filters) -> list[dict]:
	conditions = [
		[DOCTYPE, "docstatus", "=", 1],
		[DOCTYPE, "period_start", "between", [filters.from_date, filters.to_date]],
	]
	# a compound is chosen as its record, or (evaluations older than compound records) by name
	for fieldname in ("community", "compound", "compound_name"):
		if filters.get(fieldname):
			conditions.append([DOCTYPE, fieldname, "=", filters.get(fieldname)])
	return frappe.get_list(
		DOCTYPE,
		filters=conditions,
		fields=[
			"name",
			"compound",
			"compound_name",
			"property_company",
			"period_start",
			"period_end",
			"scorecards",
			"overall_score",
			*(f"avg_{criterion}" for criterion in CRITERIA),
		],
		order_by="compound_name asc, period_start asc",
		limit_page_length=0,
	)


def count_rectifications(evaluations: list[str]) -> dict[str, int]:
	if not evaluations:
		return {}
	row = frappe.qb.DocType("Property Service Rectification")
	counts = (
		frappe.qb.from_(row)
		.select(row.parent, Count(row.name))
		.where((row.parenttype == DOCTYPE) & row.parent.isin(evaluations))
		.groupby(row.parent)
		.run()
	)
	return dict(counts)


def with_trend(evaluations: list[dict], rectifications: dict[str, int]) -> list[dict]:
	data, previous = [], {}
	for evaluation in evaluations:
		overall = flt(evaluation.overall_score, 2)
		before = previous.get(evaluation.compound_name)
		data.append(
			{
				"compound": evaluation.compound,
				"compound_name": evaluation.compound_name,
				"property_company": evaluation.property_company,
				"period_start": evaluation.period_start,
				"period_end": evaluation.period_end,
				"evaluation": evaluation.name,
				"scorecards": evaluation.scorecards,
				**{f"avg_{c}": flt(evaluation.get(f"avg_{c}"), 2) or None for c in CRITERIA},
				"overall_score": overall,
				"change": round(overall - before, 2) if before is not None else None,
				"rectifications": rectifications.get(evaluation.name, 0),
			}
		)
		previous[evaluation.compound_name] = overall
	return data


def get_chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	periods = sorted({str(row["period_start"]) for row in data})
	compounds = sorted({row["compound_name"] for row in data})
	scores = {(row["compound_name"], str(row["period_start"])): row["overall_score"] for row in data}
	return {
		"data": {
			"labels": periods,
			"datasets": [
				{"name": compound, "values": [scores.get((compound, period), 0) for period in periods]}
				for compound in compounds
			],
		},
		"type": "line",
	}
