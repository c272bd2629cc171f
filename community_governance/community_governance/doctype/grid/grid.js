// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

const PARENT_LEVEL = { Community: "Street", Grid: "Community" };

frappe.ui.form.on("Grid", {
	setup(frm) {
		frm.set_query("parent_grid", () => ({
			filters: { level: PARENT_LEVEL[frm.doc.level] || "__none__" },
		}));
		frm.set_query("responsible_user", () => ({ filters: { user_type: "System User", enabled: 1 } }));
	},
	refresh(frm) {
		if (!frm.is_new() && frm.doc.level === "Grid") {
			frm.add_custom_button(__("Buildings"), () =>
				frappe.set_route("List", "Building", { grid: frm.doc.name })
			);
		}
	},
});
