// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Property Service Evaluation", {
	setup(frm) {
		frm.set_query("community", () => ({ filters: { level: "Community" } }));
	},
});
