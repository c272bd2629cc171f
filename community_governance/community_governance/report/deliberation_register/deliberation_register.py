# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""Every deliberation matter raised in a period: its stage, support, the decision and its vote, and
how its follow-up actions stand (done, overdue) with the review date.

The matters come from one ``frappe.get_list`` query, so each viewer sees only the matters of their
scope; the actions come from one query on their rows and one each on their to-dos and requests.
"""

import frappe
from community_governance.community_governance.doctype.deliberation_matter.deliberation_matter import (
	action_progress,
)
from community_governance.reports import report_period
from frappe import _
from frappe.utils import add_days, get_year_start, today

DOCTYPE = "Deliberation Matter"


def execute(filters: dict | None = None):
	filters = normalised(filters)
	matters = get_matters(filters)
	actions = get_actions([row.name for row in matters])
	progress = action_progress(actions)
	data = [row_of(matter, actions.get(matter.name, []), progress.get(matter.name)) for matter in matters]
	return get_columns(), data, None, None, get_summary(data)


def normalised(filters: dict | None) -> frappe._dict:
	filters = report_period(filters, default_from=get_year_start(today()))
	return filters


def get_columns() -> list[dict]:
	def column(fieldname, label, fieldtype="Data", width=110, **extra):
		return {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width, **extra}

	return [
		column("matter", _("Matter"), "Link", 150, options=DOCTYPE),
		column("title", _("Title"), width=200),
		column("category", _("Category"), width=110),
		column("community", _("Community"), width=130),
		column("stage", _("Stage"), width=110),
		column("support_count", _("Supporters"), "Int", 90),
		column("meeting", _("Meeting"), "Link", 150, options="Deliberation Meeting"),
		column("outcome", _("Outcome"), width=90),
		column("votes_for", _("In Favour"), "Int", 70),
		column("votes_against", _("Opposed"), "Int", 80),
		column("decision", _("Decision"), width=220),
		column("actions", _("Follow-up Actions"), "Int", 80),
		column("actions_done", _("Actions Done"), "Int", 110),
		column("actions_overdue", _("Actions Overdue"), "Int", 120),
		column("review_date", _("Review Date"), "Date", 110),
		column("worked", _("Did It Work"), width=100),
	]


def get_matters(filters) -> list[dict]:
	conditions = [[DOCTYPE, "creation", "between", [filters.from_date, add_days(filters.to_date, 1)]]]
	for fieldname in ("community", "compound", "category"):
		if filters.get(fieldname):
			conditions.append([DOCTYPE, fieldname, "=", filters.get(fieldname)])
	if filters.get("stage"):
		conditions.append([DOCTYPE, "workflow_state", "=", filters.stage])
	return frappe.get_list(
		DOCTYPE,
		filters=conditions,
		fields=[
			"name",
			"title",
			"category",
			"community",
			"workflow_state",
			"support_count",
			"meeting",
			"outcome",
			"votes_for",
			"votes_against",
			"decision",
			"review_date",
			"worked",
		],
		order_by="creation desc",
		limit_page_length=0,
	)


def get_actions(matters: list[str]) -> dict[str, list]:
	if not matters:
		return {}
	action = frappe.qb.DocType("Deliberation Action")
	rows = (
		frappe.qb.from_(action)
		.select(action.parent, action.due_date, action.reference_doctype, action.reference_name)
		.where((action.parenttype == DOCTYPE) & action.parent.isin(matters))
		.run(as_dict=True)
	)
	by_matter = {}
	for row in rows:
		by_matter.setdefault(row.parent, []).append(row)
	return by_matter


def row_of(matter, actions: list, progress: dict | None) -> dict:
	progress = progress or {"done": 0, "overdue": 0}
	return {
		"matter": matter.name,
		"title": matter.title,
		"category": _(matter.category) if matter.category else "",
		"community": matter.community,
		"stage": _(matter.workflow_state) if matter.workflow_state else "",
		"support_count": matter.support_count,
		"meeting": matter.meeting,
		"outcome": _(matter.outcome) if matter.outcome else "",
		"votes_for": matter.votes_for,
		"votes_against": matter.votes_against,
		"decision": matter.decision,
		"actions": len(actions),
		"actions_done": progress["done"],
		"actions_overdue": progress["overdue"],
		"review_date": matter.review_date,
		"worked": _(matter.worked) if matter.worked else "",
	}


def get_summary(data: list[dict]) -> list[dict]:
	if not data:
		return []
	overdue = sum(row["actions_overdue"] for row in data)
	return [
		{"label": _("Matters"), "value": len(data), "datatype": "Int", "indicator": "Blue"},
		{
			"label": _("Actions Done"),
			"value": sum(row["actions_done"] for row in data),
			"datatype": "Int",
			"indicator": "Green",
		},
		{
			"label": _("Actions Overdue"),
			"value": overdue,
			"datatype": "Int",
			"indicator": "Red" if overdue else "Green",
		},
	]
