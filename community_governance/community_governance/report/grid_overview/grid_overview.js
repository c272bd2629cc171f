// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

frappe.query_reports["Grid Overview"] = {
	filters: [
		{
			fieldname: "community",
			label: __("Community"),
			fieldtype: "Link",
			options: "Grid",
			get_query: () => ({ filters: { level: "Community" } }),
		},
	],
	tree: true,
	name_field: "node",
	parent_field: "parent_node",
	initial_depth: 1,
};
