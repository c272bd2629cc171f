app_name = "community_governance"
app_title = "Community Governance"
app_publisher = "Community Governance Developers"
app_description = "Grassroots governance for street offices: grids, buildings, residents and captains"
app_email = "developers@community-governance.invalid"
app_license = "mit"
required_apps = ["frappe/frappe"]

add_to_apps_screen = [
	{
		"name": "community_governance",
		"logo": "/assets/community_governance/images/logo.svg",
		"title": "Community Governance",
		"route": "/app/community-governance",
	}
]

# Installation
# ------------

after_install = "community_governance.install.after_install"
after_migrate = "community_governance.install.after_migrate"
before_uninstall = "community_governance.install.before_uninstall"

fixtures = [
	{
		"dt": "Role",
		"filters": [
			[
				"role_name",
				"in",
				[
					"Street Office Admin",
					"Community Worker",
					"Grid Worker",
					"Building Captain",
					"Mediator",
					"Volunteer",
					"Resident",
				],
			]
		],
	},
]

# Permissions: one scope model (community_governance/scope.py) for every governed DocType
# ----------------------------------------------------------------------------------------

permission_query_conditions = {
	"Grid": "community_governance.scope.query_condition",
	"Building": "community_governance.scope.query_condition",
	"Resident": "community_governance.scope.query_condition",
	"Building Captain": "community_governance.scope.query_condition",
	"Service Request": "community_governance.scope.query_condition",
	"Points Transaction": "community_governance.scope.query_condition",
	"Points Account": "community_governance.scope.query_condition",
	"Volunteer Activity": "community_governance.scope.query_condition",
	"Reward Redemption": "community_governance.scope.query_condition",
}

has_permission = {
	"Grid": "community_governance.scope.has_permission",
	"Building": "community_governance.scope.has_permission",
	"Resident": "community_governance.scope.has_permission",
	"Building Captain": "community_governance.scope.has_permission",
	"Service Request": "community_governance.scope.has_permission",
	"Points Transaction": "community_governance.scope.has_permission",
	"Points Account": "community_governance.scope.has_permission",
	"Volunteer Activity": "community_governance.scope.has_permission",
	"Reward Redemption": "community_governance.scope.has_permission",
}

# Scopes are cached per transaction; whatever changes who is responsible for what drops them.
doc_events = {
	doctype: {
		"on_update": "community_governance.scope.forget",
		"on_trash": "community_governance.scope.forget",
	}
	for doctype in ("Grid", "Building", "Resident", "Building Captain", "User")
}
doc_events["File"] = {
	"validate": "community_governance.community_governance.doctype.service_request.service_request.validate_attachment"
}

scheduler_events = {
	"cron": {
		"*/15 * * * *": ["community_governance.tasks.escalate_overdue_requests"],
	},
	"daily": ["community_governance.ledger.check_drift"],
}
