// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

frappe.query_reports["Points Leaderboard"] = {
	filters: [
		{
			fieldname: "period",
			label: __("Period"),
			fieldtype: "Select",
			options: [
				{ value: "First Half", label: __("First Half") },
				{ value: "Second Half", label: __("Second Half") },
				{ value: "Custom", label: __("Custom") },
			],
			// two evaluations a year: the half-year under way
			default: moment().month() < 6 ? "First Half" : "Second Half",
			reqd: 1,
		},
		{
			fieldname: "year",
			label: __("Year"),
			fieldtype: "Int",
			default: moment().year(),
			depends_on: "eval:doc.period != 'Custom'",
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.year_start(),
			depends_on: "eval:doc.period == 'Custom'",
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			depends_on: "eval:doc.period == 'Custom'",
		},
		{
			fieldname: "section",
			label: __("Section"),
			fieldtype: "Select",
			options: [
				{ value: "", label: "" },
				{ value: "Democratic Building", label: __("Democratic Building") },
				{ value: "Civilisation Creation", label: __("Civilisation Creation") },
				{ value: "Neighbourly Help", label: __("Neighbourly Help") },
				{ value: "Production Safety", label: __("Production Safety") },
				{ value: "Dispute Mediation", label: __("Dispute Mediation") },
			],
		},
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
			get_query: () => {
				const community = frappe.query_report.get_filter_value("community");
				return { filters: { level: "Grid", ...(community ? { parent_grid: community } : {}) } };
			},
		},
		{
			fieldname: "top_n",
			label: __("Top"),
			fieldtype: "Int",
			default: 20,
			reqd: 1,
		},
	],
};
