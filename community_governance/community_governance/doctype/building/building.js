// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Building", {
	setup(frm) {
		frm.set_query("grid", () => ({ filters: { level: "Grid" } }));
		frm.set_query("unit_head", "units", () => ({ filters: { building: frm.doc.name } }));
	},
	refresh(frm) {
		if (!frm.is_new()) {
			frm.add_custom_button(__("Residents"), () =>
				frappe.set_route("List", "Resident", { building: frm.doc.name })
			);
		}
	},
});
