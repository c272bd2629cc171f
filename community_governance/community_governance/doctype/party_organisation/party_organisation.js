// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

const PARENT_LEVEL = { "Grid Branch": "Community Committee", "Building Group": "Grid Branch" };
const NODE_LEVEL = { "Community Committee": "Community", "Grid Branch": "Grid" };

frappe.ui.form.on("Party Organisation", {
	setup(frm) {
		frm.set_query("parent_party_organisation", () => ({
			filters: { level: PARENT_LEVEL[frm.doc.level] || "" },
		}));
		frm.set_query("grid", () => ({ filters: { level: NODE_LEVEL[frm.doc.level] || "" } }));
		frm.set_query("secretary", () => ({ filters: { party_member: 1 } }));
		frm.set_query("resident", "members", () => ({ filters: { party_member: 1 } }));
		frm.set_query("reporting_member", "members", () => ({ filters: { party_member: 1 } }));
	},
});
