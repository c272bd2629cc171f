// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

frappe.query_reports["Captain Performance"] = {
	filters: [
		{
			fieldname: "year",
			label: __("Year"),
			fieldtype: "Int",
			default: new Date().getFullYear(),
			reqd: 1,
		},
		{
			fieldname: "period",
			label: __("Period"),
			fieldtype: "Select",
			options: ["Q1", "Q2", "Q3", "Q4", "H1", "H2"],
			default: new Date().getMonth() < 6 ? "H1" : "H2",
			reqd: 1,
		},
	],
};
