# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""What each partner unit (共建单位) — or each in-service member reporting to the community
(双报到) — contributed in a period, for the yearly report the community sends them: requests
handled and micro-wishes fulfilled (resolved in the period, as handler), volunteer activities
attended and their hours.

A unit's work is its contact's and its reporting members'. Units and members are those the viewer
may see (``frappe.get_list``); the figures come from grouped queries (see partners.contributions).
"""

from collections import Counter

import frappe
from community_governance.partners import Contributor, contributions
from community_governance.reports import report_period
from frappe import _
from frappe.utils import get_year_start, today

GROUPS = ("partner_unit", "reporting_member")
DEFAULT_GROUP = "partner_unit"
FIGURES = ("requests_handled", "micro_wishes", "activities", "hours")


def execute(filters: dict | None = None):
	filters = normalised(filters)
	units, members = registers(filters)
	if filters.group_by == "partner_unit":
		contributors = unit_contributors(units, members)
		counted = Counter(member.partner_unit for member in members)
		labels = {unit.name: (unit.name, unit.unit_type, counted[unit.name]) for unit in units}
	else:
		contributors = {member.name: member_contributor(member) for member in members}
		labels = {member.name: (member.partner_unit, member.member_name) for member in members}
	figures = contributions(list(contributors.values()), filters.from_date, filters.to_date)
	rows = [row(filters.group_by, key, labels[key], figures[key]) for key in contributors]
	return get_columns(filters), rows


def normalised(filters: dict | None) -> frappe._dict:
	filters = report_period(filters, default_from=get_year_start(today()))
	filters.group_by = filters.get("group_by") or DEFAULT_GROUP
	if filters.group_by not in GROUPS:
		frappe.throw(_("Contributions cannot be grouped by {0}.").format(frappe.bold(filters.group_by)))
	return filters


def get_columns(filters: dict | None = None) -> list[dict]:
	by_member = ((filters or {}).get("group_by") or DEFAULT_GROUP) == "reporting_member"
	first = [
		{
			"fieldname": "partner_unit",
			"label": _("Partner Unit"),
			"fieldtype": "Link",
			"options": "Partner Unit",
			"width": 180,
		},
	]
	if by_member:
		first += [
			{
				"fieldname": "reporting_member",
				"label": _("Reporting Member"),
				"fieldtype": "Link",
				"options": "Reporting Member",
				"width": 110,
			},
			{"fieldname": "member_name", "label": _("Member Name"), "fieldtype": "Data", "width": 120},
		]
	else:
		first += [
			{"fieldname": "unit_type", "label": _("Unit Type"), "fieldtype": "Data", "width": 130},
			{"fieldname": "members", "label": _("Reporting Members"), "fieldtype": "Int", "width": 140},
		]
	return [
		*first,
		{"fieldname": "requests_handled", "label": _("Requests Handled"), "fieldtype": "Int", "width": 130},
		{"fieldname": "micro_wishes", "label": _("Micro-wishes Fulfilled"), "fieldtype": "Int", "width": 160},
		{"fieldname": "activities", "label": _("Activities"), "fieldtype": "Int", "width": 90},
		{"fieldname": "hours", "label": _("Hours"), "fieldtype": "Float", "width": 90, "precision": 1},
	]


def registers(filters) -> tuple[list, list]:
	place = {"community": filters.community} if filters.get("community") else {}
	unit_filters = {**place, **({"name": filters.partner_unit} if filters.get("partner_unit") else {})}
	units = frappe.get_list(
		"Partner Unit",
		filters=unit_filters,
		fields=["name", "unit_type", "contact_user"],
		order_by="name asc",
		limit_page_length=0,
	)
	member_filters = {
		**place,
		**({"partner_unit": filters.partner_unit} if filters.get("partner_unit") else {}),
	}
	members = frappe.get_list(
		"Reporting Member",
		filters=member_filters,
		fields=["name", "member_name", "partner_unit", "user", "resident"],
		order_by="name asc",
		limit_page_length=0,
	)
	return units, members


def unit_contributors(units: list, members: list) -> dict[str, Contributor]:
	"""Each unit's logins and residents: its contact (and their resident record) and its members."""
	contact_residents = dict(
		frappe.get_all(
			"Resident",
			filters={"user": ["in", [unit.contact_user for unit in units if unit.contact_user] or [""]]},
			fields=["user", "name"],
			as_list=True,
		)
	)
	contributors = {
		unit.name: Contributor(
			unit.name,
			users={unit.contact_user},
			residents={contact_residents.get(unit.contact_user)},
		)
		for unit in units
	}
	for member in members:
		contributor = contributors.get(member.partner_unit)
		if contributor:
			contributor.users.add(member.user)
			contributor.residents.add(member.resident)
	return contributors


def member_contributor(member) -> Contributor:
	return Contributor(member.name, users={member.user}, residents={member.resident})


def row(group_by: str, key: str, labels: tuple, figures: dict) -> dict:
	if group_by == "partner_unit":
		unit, unit_type, members = labels
		first = {"partner_unit": unit, "unit_type": _(unit_type) if unit_type else None, "members": members}
	else:
		unit, member_name = labels
		first = {"partner_unit": unit, "reporting_member": key, "member_name": member_name}
	return {**first, **{name: figures[name] for name in FIGURES}}
