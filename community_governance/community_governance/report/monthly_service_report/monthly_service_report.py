# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""The month's report a street office sends to the district (街道 → 区): per community the three
hotline rates and the on-time resolution rate (defined in ``community_governance.kpi``), each with
its change from the month before, the community's rank, the month's requests by category and the
requests still overdue. Printable as a PDF (``download_pdf``) and exportable to Excel like any
report.

The rank orders communities by the mean of their three hotline rates (response, resolution,
satisfaction; a rate with nothing due is left out), highest first; equal means share a rank.
"""

from datetime import date

import frappe
from community_governance import kpi, sla
from frappe import _
from frappe.utils import add_months, escape_html, get_datetime, get_first_day, get_last_day, getdate
from frappe.utils import now_datetime as current_time

DOCTYPE = "Service Request"
TABLE = f"`tab{DOCTYPE}`"
RATES = ("response_rate", "resolution_rate", "satisfaction_rate", "on_time_resolution_rate")
HOTLINE_RATES = ("response_rate", "resolution_rate", "satisfaction_rate")
OVERDUE_FIELDS = (
	"name",
	"community",
	"category",
	"subject",
	"workflow_state",
	"escalation_level",
	"current_owner",
	"response_due",
	"resolution_due",
	"creation",
)


def execute(filters: dict | None = None):
	month = month_of(filters)
	report = build(month, current_time())
	return get_columns(report["categories"]), report["rows"], get_message(month), None, None


def month_of(filters: dict | None) -> date:
	value = (filters or {}).get("month")
	try:
		return get_first_day(getdate(value) if value else getdate())
	except Exception:
		frappe.throw(_("{0} is not a date.").format(frappe.bold(value)), title=_("Invalid Month"))


def period(month: date) -> list:
	start = get_datetime(month)
	end = get_datetime(get_last_day(month)).replace(hour=23, minute=59, second=59, microsecond=999999)
	return [[DOCTYPE, "creation", "between", [start, end]]]


def build(month: date, now) -> dict:
	"""Everything the report, its export and its PDF show, counted once."""
	threshold = kpi.satisfied_rating()
	current = kpi.grouped_sums("community", period(month), now, threshold)
	previous = kpi.grouped_sums("community", period(add_months(month, -1)), now, threshold)
	by_category = volume_by_category(month)
	categories = sorted({category for counts in by_category.values() for category in counts})
	overdue = overdue_requests(month, now)
	communities = sorted(set(current) | set(previous) | set(overdue), key=lambda name: name or "")
	names = dict(
		frappe.get_all(
			"Grid", filters={"name": ["in", communities]}, fields=["name", "grid_name"], as_list=True
		)
	)
	rows = []
	for community in communities:
		figures = kpi.figures(current.get(community, kpi.empty_sums()))
		before = kpi.figures(previous.get(community, kpi.empty_sums()))
		row = {
			"community": community,
			"community_name": names.get(community),
			"volume": figures["volume"],
			"previous_volume": before["volume"],
			**{rate: figures[rate] for rate in RATES},
			**{f"{rate}_change": change(figures[rate], before[rate]) for rate in RATES},
			"hotline_score": hotline_score(figures),
			"overdue": len(overdue.get(community, [])),
		}
		for index, category in enumerate(categories):
			row[category_field(index)] = by_category.get(community, {}).get(category, 0)
		rows.append(row)
	rank(rows)
	rows.sort(key=lambda row: (row["rank"], row["community"] or ""))
	return {
		"month": month,
		"rows": rows,
		"categories": categories,
		"overdue": [request for community in communities for request in overdue.get(community, [])],
	}


def change(now_rate, before_rate):
	if now_rate is None or before_rate is None:
		return None
	return round(now_rate - before_rate, 1)


def hotline_score(figures: dict):
	rates = [figures[rate] for rate in HOTLINE_RATES if figures[rate] is not None]
	return round(sum(rates) / len(rates), 1) if rates else None


def rank(rows: list[dict]) -> None:
	"""Competition ranking (1, 2, 2, 4) by the hotline score; communities without one come last."""
	scored = sorted(
		(row for row in rows if row["hotline_score"] is not None), key=lambda r: -r["hotline_score"]
	)
	for position, row in enumerate(scored, start=1):
		ahead = scored[position - 2] if position > 1 else None
		row["rank"] = ahead["rank"] if ahead and ahead["hotline_score"] == row["hotline_score"] else position
	for row in rows:
		row.setdefault("rank", len(scored) + 1)


def volume_by_category(month: date) -> dict:
	rows = frappe.get_list(
		DOCTYPE,
		filters=period(month),
		fields=["community", "category", f"count({TABLE}.`name`) as volume"],
		group_by=f"{TABLE}.`community`, {TABLE}.`category`",
		order_by=None,
		limit_page_length=0,
	)
	counts = {}
	for row in rows:
		counts.setdefault(row.community, {})[row.category] = row.volume
	return counts


def overdue_requests(month: date, now) -> dict:
	"""Per community, the requests filed by the month's end that are still past a deadline now."""
	end = get_datetime(get_last_day(month)).replace(hour=23, minute=59, second=59, microsecond=999999)
	rows = frappe.get_list(
		DOCTYPE,
		filters=[[DOCTYPE, "creation", "<=", end], [DOCTYPE, "workflow_state", "in", sla.UNRESOLVED]],
		fields=list(OVERDUE_FIELDS),
		order_by=f"{TABLE}.`creation` asc",
		limit_page_length=0,
	)
	overdue = {}
	for row in rows:
		if sla.is_overdue(
			row.workflow_state, get_optional(row.response_due), get_optional(row.resolution_due), now
		):
			overdue.setdefault(row.community, []).append(row)
	return overdue


def get_optional(value):
	return get_datetime(value) if value else None


def category_field(index: int) -> str:
	return f"category_{index + 1}"


def get_columns(categories: list[str] = ()) -> list[dict]:
	definitions = kpi.definitions()
	columns = [
		{"fieldname": "rank", "label": _("Rank"), "fieldtype": "Int", "width": 70},
		{
			"fieldname": "community",
			"label": _("Community"),
			"fieldtype": "Link",
			"options": "Grid",
			"width": 110,
		},
		{"fieldname": "community_name", "label": _("Community Name"), "fieldtype": "Data", "width": 140},
		{"fieldname": "volume", "label": _("Requests"), "fieldtype": "Int", "width": 90},
		{"fieldname": "previous_volume", "label": _("Requests Last Month"), "fieldtype": "Int", "width": 120},
	]
	for rate, label, change_label in (
		("response_rate", _("Response Rate"), _("Response Rate Change")),
		("resolution_rate", _("Resolution Rate"), _("Resolution Rate Change")),
		("satisfaction_rate", _("Satisfaction Rate"), _("Satisfaction Rate Change")),
		("on_time_resolution_rate", _("On-time Resolution Rate"), _("On-time Resolution Rate Change")),
	):
		columns.append(
			{
				"fieldname": rate,
				"label": label,
				"fieldtype": "Percent",
				"width": 120,
				"description": definitions[rate],
			}
		)
		columns.append(
			{
				"fieldname": f"{rate}_change",
				"label": change_label,
				"fieldtype": "Float",
				"precision": 1,
				"width": 120,
			}
		)
	columns.append(
		{
			"fieldname": "hotline_score",
			"label": _("Mean of the Three Rates"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 130,
		}
	)
	columns.append({"fieldname": "overdue", "label": _("Still Overdue"), "fieldtype": "Int", "width": 100})
	for index, category in enumerate(categories):
		columns.append(
			{"fieldname": category_field(index), "label": category, "fieldtype": "Int", "width": 110}
		)
	return columns


def get_message(month: date) -> str:
	text = _(
		"Requests filed in {0}; each rate counts the requests due it when the report runs. Changes are in "
		"percentage points against the month before; the rank orders communities by the mean of the "
		"response, resolution and satisfaction rates."
	).format(month.strftime("%Y-%m"))
	return f'<div class="small text-muted">{escape_html(text)}</div>'


@frappe.whitelist()
@frappe.read_only()
def download_pdf(month: str | None = None):
	"""The month's report as a PDF in the user's language, to send to the level above."""
	if not frappe.get_cached_doc("Report", "Monthly Service Report").is_permitted():
		frappe.throw(_("You cannot see the Monthly Service Report."), frappe.PermissionError)
	from frappe.utils.pdf import get_pdf

	first = month_of({"month": month})
	html = render_html(first)
	frappe.local.response.filename = f"monthly-service-report-{first.strftime('%Y-%m')}.pdf"
	frappe.local.response.filecontent = get_pdf(html, {"orientation": "Landscape"})
	frappe.local.response.type = "pdf"


def render_html(first: date) -> str:
	"""The printed report: what the PDF shows."""
	report = build(first, current_time())
	return frappe.render_template(
		"community_governance/templates/print/monthly_service_report.html",
		{
			"report": report,
			"month_label": first.strftime("%Y-%m"),
			"definitions": kpi.definitions(),
			"generated_on": current_time().strftime("%Y-%m-%d %H:%M"),
			"street": frappe.db.get_value("Grid", {"level": "Street"}, "grid_name"),
		},
	)
