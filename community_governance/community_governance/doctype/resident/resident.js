// Copyright (c) 2026, Community Governance Developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Resident", {
	building(frm) {
		frm.set_value("unit", "");
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
