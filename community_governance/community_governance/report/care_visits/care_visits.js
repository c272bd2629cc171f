// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

frappe.query_reports["Care Visits"] = {
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
	],
	formatter(value, row, column, data, default_formatter) {
		if (data && data.is_total) {
			// the total row names no record: show its label as plain text
			const shown = column.fieldname === "grid" ? frappe.utils.escape_html(value) : default_formatter(value, row, column, data);
			return `<b>${shown}</b>`;
		}
		return default_formatter(value, row, column, data);
	},
};
