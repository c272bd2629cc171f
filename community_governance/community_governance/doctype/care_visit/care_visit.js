// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Care Visit", {
	setup(frm) {
		// a visit belongs to a plan still running; ended plans take no more visits
		frm.set_query("plan", () => ({ filters: { status: ["!=", "Ended"] } }));
	},
	need_found(frm) {
		if (!frm.doc.need_found && !frm.doc.service_request) {
			frm.set_value({ need_description: "", need_category: "" });
		}
	},
});
