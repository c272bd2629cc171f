// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

frappe.query_reports["Points Statement"] = {
	filters: [
		{
			fieldname: "resident",
			label: __("Resident"),
			fieldtype: "Link",
			options: "Resident",
			reqd: 1,
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
		},
	],
	formatter(value, row, column, data, default_formatter) {
		// the source type is stored as the DocType's name, shown in the viewer's language
		const shown =
			column.fieldname === "source_doctype" && value
				? frappe.utils.escape_html(__(value))
				: default_formatter(value, row, column, data);
		// the opening balance row stands apart from the ledger rows under it
		return data && data.is_opening ? `<b>${shown}</b>` : shown;
	},
};
