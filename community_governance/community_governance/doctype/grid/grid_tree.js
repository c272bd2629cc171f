frappe.treeview_settings["Grid"] = {
	breadcrumb: "Community Governance",
	title: __("Grid"),
	get_tree_root: false,
	// each worker sees their own subtree at the root (Frappe's own would list only the street)
	get_tree_nodes: "community_governance.community_governance.doctype.grid.grid.get_children",
	root_label: __("All Grids"),
	fields: [
		{ fieldtype: "Data", fieldname: "grid_name", label: __("Grid Name"), reqd: 1 },
		{ fieldtype: "Data", fieldname: "code", label: __("Code"), reqd: 1 },
		{
			fieldtype: "Select",
			fieldname: "level",
			label: __("Level"),
			options: ["Street", "Community", "Grid"],
			reqd: 1,
		},
		{ fieldtype: "Link", fieldname: "responsible_user", label: __("Responsible User"), options: "User" },
	],
	ignore_fields: ["parent_grid", "is_group"],
};
