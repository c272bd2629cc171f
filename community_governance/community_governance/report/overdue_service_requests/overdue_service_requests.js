// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

frappe.query_reports["Overdue Service Requests"] = {
	filters: [
		{
			fieldname: "community",
			label: __("Community"),
			fieldtype: "Link",
			options: "Grid",
			get_query: () => ({ filters: { level: "Community" } }),
		},
		{
			fieldname: "grid",
			label: __("Grid"),
			fieldtype: "Link",
			options: "Grid",
			get_query: () => ({ filters: { level: "Grid" } }),
		},
		{
			fieldname: "escalation_level",
			label: __("Handling Level"),
			fieldtype: "Select",
			options: [
				{ value: "", label: "" },
				{ value: "Grid", label: __("Grid") },
				{ value: "Community", label: __("Community") },
				{ value: "Street", label: __("Street") },
			],
		},
	],
};
