// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

const REGISTRATION_API = "community_governance.api.registration";

frappe.ui.form.on("Resident Registration", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.status !== "Awaiting Verification") return;
		frm.add_custom_button(__("Approve"), () => approve(frm)).addClass("btn-primary");
		frm.add_custom_button(__("Reject"), () => reject(frm));
		show_suggestions(frm);
	},
});

function show_suggestions(frm) {
	frappe.call({
		method: `${REGISTRATION_API}.suggest_residents`,
		args: { registration: frm.doc.name },
		callback: ({ message }) => {
			if (!message || !message.length) {
				frm.set_intro(__("No resident record matches: approving creates a new one."), "blue");
				return;
			}
			const lines = message.map(
				(row) =>
					`${frappe.utils.escape_html(row.full_name)} (${frappe.utils.escape_html(
						[row.unit, row.room].filter(Boolean).join("-")
					)}): ${row.matches.map((m) => frappe.utils.escape_html(m)).join(", ")}`
			);
			frm.set_intro(__("Possible resident records: {0}", [lines.join("; ")]), "yellow");
			if (!frm.doc.resident && message[0].matches.length > 1) {
				frm.set_value("resident", message[0].name);
			}
		},
	});
}

function approve(frm) {
	const save_first = frm.is_dirty() ? frm.save() : Promise.resolve();
	save_first.then(() =>
		frappe.call({
			method: `${REGISTRATION_API}.approve`,
			type: "POST",
			args: { registration: frm.doc.name, resident: frm.doc.resident || null },
			freeze: true,
			callback: () => {
				frappe.show_alert({ message: __("Registration approved"), indicator: "green" });
				frm.reload_doc();
			},
		})
	);
}

function reject(frm) {
	frappe.prompt(
		{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason for Rejection"), reqd: 1 },
		({ reason }) =>
			frappe.call({
				method: `${REGISTRATION_API}.reject`,
				type: "POST",
				args: { registration: frm.doc.name, reason },
				freeze: true,
				callback: () => frm.reload_doc(),
			}),
		__("Reject Registration"),
		__("Reject")
	);
}
