// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

// A captain logs the day's patrol from a phone: their captaincy is filled in, a new finding opens
// as a full-width form, and a finding becomes a service request from the form in one step.

const REPORT_FINDING = "community_governance.api.patrol.report_finding";

frappe.ui.form.on("Patrol Log", {
	setup() {
		// the finding's request status is stored as the workflow state's name; show it translated
		// (set on the field every row's copy is made from)
		const status = frappe.meta.docfield_map["Patrol Finding"]?.request_status;
		if (status) {
			status.formatter = (value) => frappe.utils.escape_html(value ? __(value) : "");
		}
	},

	onload(frm) {
		if (frm.is_new() && !frm.doc.captain) {
			fill_own_captaincy(frm);
		}
	},

	refresh(frm) {
		// under the findings rather than in the toolbar, which a phone folds into its "..." menu
		const can_report = !frm.is_new() && unreported_findings(frm).length && frm.perm[0]?.write;
		frm.fields_dict.findings.grid
			.add_custom_button("Report as Request", () => report_finding(frm))
			.toggleClass("hidden", !can_report);
	},
});

frappe.ui.form.on("Patrol Finding", {
	findings_add(frm, cdt, cdn) {
		// on a phone the table is wider than the screen: edit the new finding in its own form
		if (!frappe.utils.is_xs()) return;
		setTimeout(() => frm.fields_dict.findings.grid.grid_rows_by_docname[cdn]?.toggle_view(true));
	},
});

function fill_own_captaincy(frm) {
	frappe.db
		.get_value("Building Captain", { user: frappe.session.user, status: "Active" }, "name")
		.then(({ message }) => {
			if (message?.name && !frm.doc.captain) {
				frm.set_value("captain", message.name);
			}
		});
}

function unreported_findings(frm) {
	return (frm.doc.findings || []).filter((row) => !row.service_request);
}

function finding_label(row) {
	const description = frappe.ellipsis(row.description || "", 40);
	return `${row.idx}. ${__(row.finding_type)}: ${description}`;
}

function report_finding(frm) {
	const unreported = unreported_findings(frm);
	if (!unreported.length) return;
	const dialog = new frappe.ui.Dialog({
		title: __("Report as Request"),
		fields: [
			{
				fieldname: "finding",
				fieldtype: "Select",
				label: __("Finding"),
				options: unreported.map((row) => ({ value: row.name, label: finding_label(row) })),
				default: unreported[0].name,
				reqd: 1,
			},
			{
				fieldname: "category",
				fieldtype: "Link",
				label: __("Category"),
				options: "Service Request Category",
				get_query: () => ({ filters: { is_active: 1 } }),
				description: __("Leave empty to use the default patrol category."),
			},
			{
				fieldname: "priority",
				fieldtype: "Select",
				label: __("Priority"),
				options: ["Low", "Medium", "High", "Urgent"].map((value) => ({ value, label: __(value) })),
				default: "Medium",
				reqd: 1,
			},
		],
		primary_action_label: __("Report as Request"),
		primary_action(values) {
			frappe
				.call({
					method: REPORT_FINDING,
					args: { patrol_log: frm.doc.name, ...values },
					freeze: true,
				})
				.then(({ message }) => {
					dialog.hide();
					frappe.show_alert(
						{
							message: __("Reported as service request {0}.", [message.service_request]),
							indicator: "green",
						},
						7
					);
					frm.reload_doc();
				});
		},
	});
	dialog.show();
}
