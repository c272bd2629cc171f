// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Building Captain", {
	setup(frm) {
		frm.set_query("building", "buildings", () => ({ filters: { grid: ["is", "set"] } }));
	},
	resident(frm) {
		if (!frm.doc.resident) return;
		frappe.db.get_value("Resident", frm.doc.resident, ["phone", "user"]).then(({ message }) => {
			if (message && !frm.doc.public_phone) frm.set_value("public_phone", message.phone);
			if (message && message.user) frm.set_value("user", message.user);
		});
	},
});
