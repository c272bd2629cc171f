// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Resident", {
	building(frm) {
		frm.set_value("unit", "");
	},
	resident_kind(frm) {
		// a contributor lives elsewhere: no building, and the grid is chosen instead of derived
		if (frm.doc.resident_kind === "Contributor") frm.set_value("building", "");
	},
	refresh(frm) {
		frm.set_df_property("unit", "description", "");
		if (!frm.doc.building) return;
		frappe.db.get_doc("Building", frm.doc.building).then((building) => {
			const units = (building.units || []).map((unit) => unit.unit_name);
			if (units.length) {
				frm.set_df_property("unit", "description", __("Units: {0}", [units.join(", ")]));
			}
		});
	},
});

// A building captain sees the masked phone; to call, they reveal the number, and the reveal is logged.
frappe.ui.form.on("Resident", {
	refresh(frm) {
		const personal = frappe.perm.has_perm("Resident", 1, "read");
		const doorToDoor = frappe.perm.has_perm("Resident", 2, "read");
		if (frm.is_new() || personal || !doorToDoor || !frm.doc.phone_masked) return;
		frm.add_custom_button(__("Reveal to Call"), () => {
			frappe
				.xcall(
					"community_governance.api.personal_data.reveal_phone",
					{ resident: frm.doc.name },
					"POST"
				)
				.then(({ phone }) => {
					frappe.msgprint({
						title: __("Phone of {0}", [frm.doc.full_name]),
						message: `<a href="tel:${encodeURIComponent(phone)}">${frappe.utils.escape_html(phone)}</a>`,
						indicator: "blue",
					});
				});
		});
	},
});

// A resident who forgot their password and has no SMS: their grid worker gets a one-time code to hand over.
frappe.ui.form.on("Resident", {
	refresh(frm) {
		const staff = ["Grid Worker", "Community Worker", "Street Office Admin", "System Manager"];
		if (frm.is_new() || !frm.doc.user || !staff.some((role) => frappe.user.has_role(role))) return;
		frm.add_custom_button(__("Password Reset Code"), () => {
			frappe
				.xcall(
					"community_governance.api.registration.issue_reset_code",
					{ resident: frm.doc.name },
					"POST"
				)
				.then(({ code, valid_minutes }) => {
					frappe.msgprint({
						title: __("Password Reset Code"),
						message: __(
							"Give {0} this code in person: {1}. They set a new password with it at /me/reset-password within {2} minutes.",
							[frappe.utils.escape_html(frm.doc.full_name), `<strong>${code}</strong>`, valid_minutes]
						),
						indicator: "blue",
					});
				});
		});
	},
});
