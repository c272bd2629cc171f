// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

const DELIBERATION_API = "community_governance.api.deliberation";

frappe.ui.form.on("Deliberation Meeting", {
	setup(frm) {
		frm.set_query("community", () => ({ filters: { level: "Community" } }));
		frm.set_query("grid", () => ({ filters: { level: "Grid" } }));
		frm.set_query("compound", () => ({ filters: frm.doc.community ? { community: frm.doc.community } : {} }));
		frm.set_query("matter", "agenda", () => ({
			filters: { workflow_state: ["in", ["Proposed", "Supported", "On Agenda"]] },
		}));
	},

	refresh(frm) {
		const joint = (frm.doc.meeting_kind || "Deliberation") !== "Deliberation";
		if (!frm.is_new() && joint && frm.doc.status === "Planned" && frm.perm[0].write) {
			// the compound's matters and rectifications opened since the meeting was planned
			frm.add_custom_button(__("Fill Agenda from Compound"), () =>
				frappe.call({
					method: `${DELIBERATION_API}.fill_joint_agenda`,
					type: "POST",
					args: { meeting: frm.doc.name },
					callback: () => frm.reload_doc(),
				})
			);
		}
		const open = (frm.doc.agenda || []).filter((row) => !row.outcome).map((row) => row.matter);
		if (frm.is_new() || !open.length || !frm.perm[0].write) return;
		frm.add_custom_button(__("Record Vote"), () => record_vote(frm, open));
		frm.add_custom_button(__("Record Decision"), () => record_decision(frm, open));
	},
});

function record_vote(frm, matters) {
	frappe.prompt(
		[
			{ fieldname: "matter", label: __("Matter"), fieldtype: "Select", options: matters, reqd: 1 },
			{ fieldname: "resident", label: __("Voter"), fieldtype: "Link", options: "Resident", reqd: 1 },
			{
				fieldname: "choice",
				label: __("Vote"),
				fieldtype: "Select",
				options: [
					{ value: "In Favour", label: __("In Favour") },
					{ value: "Opposed", label: __("Opposed") },
					{ value: "Abstain", label: __("Abstain") },
				],
				reqd: 1,
			},
			{ fieldname: "proxy_holder", label: __("Proxy Holder"), fieldtype: "Data" },
		],
		(values) =>
			frappe.call({
				method: `${DELIBERATION_API}.cast_vote`,
				type: "POST",
				args: { meeting: frm.doc.name, ...values },
				callback: () => frm.reload_doc(),
			}),
		__("Record Vote")
	);
}

function record_decision(frm, matters) {
	frappe.prompt(
		[
			{ fieldname: "matter", label: __("Matter"), fieldtype: "Select", options: matters, reqd: 1 },
			{ fieldname: "decision", label: __("Decision"), fieldtype: "Small Text", reqd: 1 },
			{ fieldname: "review_date", label: __("Review Date"), fieldtype: "Date" },
		],
		(values) =>
			frappe.call({
				method: `${DELIBERATION_API}.decide`,
				type: "POST",
				args: { meeting: frm.doc.name, ...values },
				callback: () => frm.reload_doc(),
			}),
		__("Record Decision")
	);
}
