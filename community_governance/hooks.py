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
		# residents are portal users: after login Frappe would send them to this desk route
		"has_permission": "community_governance.resident_pages.has_desk_access",
	}
]

# Malformed list arguments (fields, filters, order and group by) answer a clear 4xx, not a 500
before_request = ["community_governance.list_arguments.check_list_request"]

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
	# the scope, and no filtering by a personal field the user may not read
	"Resident": "community_governance.personal_data.resident_query_condition",
	"Building Captain": "community_governance.scope.query_condition",
	"Service Request": "community_governance.scope.query_condition",
	"Points Transaction": "community_governance.scope.query_condition",
	"Points Account": "community_governance.scope.query_condition",
	"Volunteer Activity": "community_governance.scope.query_condition",
	"Reward Redemption": "community_governance.scope.query_condition",
	"Patrol Log": "community_governance.scope.query_condition",
	"Captain Evaluation": "community_governance.scope.query_condition",
	"Mediation Case": "community_governance.scope.query_condition",
	# a case's rows read on their own are as confidential as the case
	"Mediation Party": "community_governance.mediation.child_query_condition",
	"Mediation Team Member": "community_governance.mediation.child_query_condition",
	"Mediation Session": "community_governance.mediation.child_query_condition",
	"Mediation Obligation": "community_governance.mediation.child_query_condition",
	"Mediation Visit": "community_governance.mediation.child_query_condition",
	"Mediation Escalation": "community_governance.mediation.child_query_condition",
	"Deliberation Matter": "community_governance.scope.query_condition",
	"Deliberation Meeting": "community_governance.scope.query_condition",
	"Property Service Evaluation": "community_governance.scope.query_condition",
	"Care Visit Plan": "community_governance.scope.query_condition",
	"Care Visit": "community_governance.scope.query_condition",
	"Volunteer Team": "community_governance.scope.query_condition",
	# a team's member rows read on their own are as visible as the team
	"Volunteer Team Member": "community_governance.community_governance.doctype.volunteer_team.volunteer_team.member_query_condition",
	"Partner Unit": "community_governance.scope.query_condition",
	"Reporting Member": "community_governance.scope.query_condition",
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
	"Patrol Log": "community_governance.scope.has_permission",
	"Captain Evaluation": "community_governance.scope.has_permission",
	"Mediation Case": "community_governance.scope.has_permission",
	"Deliberation Matter": "community_governance.scope.has_permission",
	"Deliberation Meeting": "community_governance.scope.has_permission",
	"Property Service Evaluation": "community_governance.scope.has_permission",
	"Care Visit Plan": "community_governance.scope.has_permission",
	"Care Visit": "community_governance.scope.has_permission",
	"Volunteer Team": "community_governance.scope.has_permission",
	"Partner Unit": "community_governance.scope.has_permission",
	"Reporting Member": "community_governance.scope.has_permission",
}

# Scopes are cached per transaction; whatever changes who is responsible for what drops them.
doc_events = {
	doctype: {
		"on_update": "community_governance.scope.forget",
		"on_trash": "community_governance.scope.forget",
	}
	for doctype in ("Grid", "Building", "Resident", "Building Captain", "User")
}
doc_events["Service Request"] = {
	"on_update": [
		"community_governance.community_governance.doctype.patrol_log.patrol_log.sync_finding_status",
		"community_governance.care_visits.sync_request_status",
	]
}
# a file named like a photo must hold an image before Frappe's upload reads it as one
# (the desk calls it by its short name)
override_whitelisted_methods = {
	"upload_file": "community_governance.uploads.upload_file",
	"frappe.handler.upload_file": "community_governance.uploads.upload_file",
}

doc_events["File"] = {
	"validate": "community_governance.community_governance.doctype.service_request.service_request.validate_attachment"
}

scheduler_events = {
	"cron": {
		"*/15 * * * *": ["community_governance.tasks.escalate_overdue_requests"],
	},
	"hourly": ["community_governance.tasks.remind_captains_without_patrol"],
	"daily": [
		"community_governance.ledger.check_drift",
		"community_governance.mediation.remind_obligations",
		"community_governance.care_visits.remind_overdue_visits",
		"community_governance.tasks.anonymise_departed_residents",
	],
}

jinja = {
	"methods": [
		"community_governance.notice_board.notice_board",
		"community_governance.notice_board.qr_code_data_uri",
	],
}

# The resident's phone pages (www/me): where a resident lands, and their links in the portal sidebar
role_home_page = {"Resident": "me/services"}
portal_menu_items = [
	{"title": "Resident Services", "route": "/me/services", "role": "Resident"},
	{"title": "My Requests", "route": "/service-request/list", "role": "Resident"},
	{"title": "My Points", "route": "/me/points", "role": "Resident"},
	{"title": "Redeem Points", "route": "/me/rewards", "role": "Resident"},
	{"title": "Matters for Deliberation", "route": "/me/matters", "role": "Resident"},
	{"title": "My Data", "route": "/me/my-data", "role": "Resident"},
]
