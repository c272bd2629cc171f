// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Compound", {
	setup(frm) {
		frm.set_query("community", () => ({ filters: { level: "Community" } }));
		frm.set_query("property_company", () => ({ filters: { community: frm.doc.community || "" } }));
		frm.set_query("building", "buildings", () => ({ filters: { community: frm.doc.community || "" } }));
		frm.set_query("resident", "committee", () => ({
			filters: { building: ["in", (frm.doc.buildings || []).map((row) => row.building)] },
		}));
	},
});
