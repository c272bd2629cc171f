# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""Per community and grid: what is registered and where captains are missing.

Every figure comes from ``frappe.get_list`` so each viewer counts only their own part of the tree.
"""

from collections import defaultdict

import frappe
from frappe import _

CARE_TAGS = ("elderly_living_alone", "special_care", "has_disability", "child_in_difficulty")
FIGURES = (
	"buildings",
	"units",
	"households",
	"residents",
	"care_residents",
	"active_captains",
	"buildings_without_captain",
)


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	return get_columns(), get_data(filters)


def get_columns() -> list[dict]:
	return [
		{
			"fieldname": "node",
			"label": _("Community / Grid"),
			"fieldtype": "Link",
			"options": "Grid",
			"width": 220,
		},
		{"fieldname": "node_name", "label": _("Name"), "fieldtype": "Data", "width": 160},
		{
			"fieldname": "responsible_user",
			"label": _("Responsible User"),
			"fieldtype": "Link",
			"options": "User",
			"width": 180,
		},
		{"fieldname": "buildings", "label": _("Buildings"), "fieldtype": "Int", "width": 100},
		{"fieldname": "units", "label": _("Units"), "fieldtype": "Int", "width": 90},
		{"fieldname": "households", "label": _("Households"), "fieldtype": "Int", "width": 110},
		{"fieldname": "residents", "label": _("Residents"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "care_residents",
			"label": _("Care-tagged Residents"),
			"fieldtype": "Int",
			"width": 160,
		},
		{"fieldname": "active_captains", "label": _("Active Captains"), "fieldtype": "Int", "width": 130},
		{
			"fieldname": "buildings_without_captain",
			"label": _("Buildings without Captain"),
			"fieldtype": "Int",
			"width": 180,
		},
	]


def get_data(filters) -> list[dict]:
	building_filters = {"community": filters.community} if filters.get("community") else {}
	buildings = frappe.get_list(
		"Building", filters=building_filters, fields=["name", "grid", "community"], limit_page_length=0
	)
	if not buildings:
		return []
	grid_of = {row.name: row.grid for row in buildings}
	community_of = {row.grid: row.community for row in buildings}
	figures = defaultdict(lambda: dict.fromkeys(FIGURES, 0))

	for row in buildings:
		figures[row.grid]["buildings"] += 1
	for row in _units(building_filters):
		if row.unit:
			figures[row.grid]["units"] += 1
			figures[row.grid]["households"] += row.households or 0
	for row in _residents_by_grid(building_filters):
		figures[row.grid]["residents"] = row.residents
	for row in _residents_by_grid(building_filters, care_only=True):
		figures[row.grid]["care_residents"] = row.residents

	captained = _captained_buildings(set(grid_of))
	captains_by_grid = defaultdict(set)
	for building, captain in captained:
		captains_by_grid[grid_of[building]].add(captain)
	captained_buildings = {building for building, _captain in captained}
	for building, grid in grid_of.items():
		if building not in captained_buildings:
			figures[grid]["buildings_without_captain"] += 1
	for grid, captains in captains_by_grid.items():
		figures[grid]["active_captains"] = len(captains)

	return _tree_rows(figures, community_of, captains_by_grid)


def _units(building_filters):
	# one row per unit (child-table fields cannot be aggregated through get_list)
	return frappe.get_list(
		"Building",
		filters=building_filters,
		fields=["grid", "`tabBuilding Unit`.`name` as unit", "`tabBuilding Unit`.`households` as households"],
		limit_page_length=0,
	)


def _residents_by_grid(building_filters, care_only=False):
	# contributors work here but live elsewhere: they are not the grid's population
	filters = {"status": "Active", "resident_kind": "Resident", **building_filters}
	return frappe.get_list(
		"Resident",
		filters=filters,
		or_filters=dict.fromkeys(CARE_TAGS, 1) if care_only else None,
		fields=["grid", "count(`tabResident`.`name`) as residents"],
		group_by="grid",
		order_by="grid",
		limit_page_length=0,
	)


def _captained_buildings(buildings: set) -> set[tuple[str, str]]:
	rows = frappe.get_list(
		"Building Captain",
		filters={"status": "Active"},
		fields=["name", "`tabBuilding Captain Building`.`building` as building"],
		limit_page_length=0,
	)
	# a captaincy may span buildings the viewer does not see; count only the visible ones
	return {(row.building, row.name) for row in rows if row.building in buildings}


def _tree_rows(figures: dict, community_of: dict, captains_by_grid: dict) -> list[dict]:
	# only nodes the viewer may read are named; a captain sees their community as its bare code
	nodes = {
		row.name: row
		for row in frappe.get_list(
			"Grid",
			filters={"name": ("in", list(set(figures) | set(community_of.values())))},
			fields=["name", "grid_name", "responsible_user", "lft"],
			limit_page_length=0,
		)
	}
	grids_by_community = defaultdict(list)
	for grid in figures:
		grids_by_community[community_of[grid]].append(grid)

	def position(name):
		node = nodes.get(name)
		return node.lft if node else min(position(grid) for grid in grids_by_community[name])

	rows = []
	for community in sorted(grids_by_community, key=position):
		grids = sorted(grids_by_community[community], key=position)
		total = {figure: sum(figures[grid][figure] for grid in grids) for figure in FIGURES}
		# a captain may run buildings in two grids of the community: count them once
		total["active_captains"] = len(set().union(*(captains_by_grid[grid] for grid in grids)))
		rows.append(_row(nodes.get(community) or frappe._dict(name=community), None, 0, total))
		rows.extend(
			_row(nodes.get(grid) or frappe._dict(name=grid), community, 1, figures[grid]) for grid in grids
		)
	return rows


def _row(node, parent, indent, values) -> dict:
	return {
		"node": node.name,
		"node_name": node.grid_name,
		"responsible_user": node.responsible_user,
		"parent_node": parent,
		"indent": indent,
		**values,
	}
