// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Caring Merchant", {
	setup(frm) {
		frm.set_query("grid", () => ({ filters: { level: "Grid" } }));
	},
});
