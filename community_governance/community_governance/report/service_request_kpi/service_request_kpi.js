// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

frappe.query_reports["Service Request KPI"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.month_start(),
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
				{ value: "community", label: __("Community") },
				{ value: "grid", label: __("Grid") },
				{ value: "building", label: __("Building") },
				{ value: "category", label: __("Category") },
				{ value: "handler", label: __("Handler") },
			],
			default: "community",
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
		{
			fieldname: "category",
			label: __("Category"),
			fieldtype: "Link",
			options: "Service Request Category",
		},
	],
	formatter(value, row, column, data, default_formatter) {
		if (data && data.is_total) {
			// the total row names no record: show its label as plain text
			const shown =
				column.fieldname === "group"
					? frappe.utils.escape_html(value)
					: default_formatter(value, row, column, data);
			return `<b>${shown}</b>`;
		}
		return default_formatter(value, row, column, data);
	},
};
