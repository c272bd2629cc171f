// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

frappe.query_reports["Monthly Service Report"] = {
	filters: [
		{
			fieldname: "month",
			label: __("Month"),
			fieldtype: "Date",
			default: frappe.datetime.month_start(),
			reqd: 1,
		},
	],
	onload(report) {
		report.page.add_inner_button(__("Download PDF"), () => {
			const month = report.get_filter_value("month");
			const url = frappe.urllib.get_full_url(
				"/api/method/community_governance.community_governance.report.monthly_service_report." +
					"monthly_service_report.download_pdf?month=" +
					encodeURIComponent(month)
			);
			window.open(url);
		});
	},
};
