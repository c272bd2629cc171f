// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

frappe.query_reports["Partner Contribution"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.year_start(),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "partner_unit", label: __("Partner Unit") },
				{ value: "reporting_member", label: __("Reporting Member") },
			],
			default: "partner_unit",
			reqd: 1,
		},
		{
			fieldname: "community",
			label: __("Community"),
			fieldtype: "Link",
			options: "Grid",
			get_query: () => ({ filters: { level: "Community" } }),
		},
		{
			fieldname: "partner_unit",
			label: __("Partner Unit"),
			fieldtype: "Link",
			options: "Partner Unit",
		},
	],
};
