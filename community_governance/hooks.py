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
# Other clients (a mini-program, frappe-js-sdk): a token- or OAuth-authenticated user gets messages in
# their own language, errors carry a plain-text message, a login refused for a registration that is
# not approved yet says why
auth_hooks = ["community_governance.api_clients.use_language_of_authenticated_user"]
after_request = [
	"community_governance.api_clients.explain_refused_login",
	"community_governance.api_clients.add_plain_text_message",
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
					"Caring Merchant",
					"Contributor",
				],
			]
		],
	},
]

# Permissions: one scope model (community_governance/scope.py) for every governed DocType
# ----------------------------------------------------------------------------------------

_GOVERNED_DOCTYPES = (
	"Grid",
	"Building",
	"Resident",
	"Building Captain",
	"Service Request",
	"Points Transaction",
	"Points Account",
	"Points Monthly Total",
	"Points Period Total",
	"Volunteer Activity",
	"Reward Redemption",
	"Patrol Log",
	"Captain Evaluation",
	"Mediation Case",
	"Deliberation Matter",
	"Deliberation Meeting",
	"Property Service Evaluation",
	"Care Visit Plan",
	"Care Visit",
	"Volunteer Team",
	"Partner Unit",
	"Reporting Member",
	"Compound",
	"Party Organisation",
	"Resident Registration",
	"Caring Merchant",
	"Community Notice",
	"Community Notice Receipt",
)
# every child table of a governed DocType: read on its own, a row is visible only when its record is
_GOVERNED_CHILD_TABLES = (
	"Grid Staff",
	"Building Unit",
	"Building Captain Building",
	"Service Request Escalation",
	"Volunteer Activity Attendee",
	"Patrol Finding",
	"Mediation Party",
	"Mediation Team Member",
	"Mediation Session",
	"Mediation Obligation",
	"Mediation Visit",
	"Mediation Escalation",
	"Deliberation Building",
	"Deliberation Supporter",
	"Deliberation Action",
	"Deliberation Agenda Item",
	"Deliberation Attendance",
	"Deliberation Vote",
	"Property Service Score",
	"Property Service Rectification",
	"Volunteer Team Member",
	"Compound Building",
	"Owners Committee Member",
	"Deliberation Meeting Rectification",
	"Party Organisation Building",
	"Party Organisation Member",
	"Party Household Care",
	"Caring Merchant Counter User",
	"Resident Skill",
	"Community Notice Building",
)

permission_query_conditions = {
	"Grid": "community_governance.scope.query_condition",
	"Building": "community_governance.scope.query_condition",
	# the scope, and no filtering by a personal field the user may not read
	"Resident": "community_governance.personal_data.resident_query_condition",
	"Building Captain": "community_governance.scope.query_condition",
	"Service Request": "community_governance.scope.query_condition",
	"Points Transaction": "community_governance.scope.query_condition",
	"Points Account": "community_governance.scope.query_condition",
	"Points Monthly Total": "community_governance.scope.query_condition",
	"Points Period Total": "community_governance.scope.query_condition",
	"Volunteer Activity": "community_governance.scope.query_condition",
	"Reward Redemption": "community_governance.scope.query_condition",
	"Patrol Log": "community_governance.scope.query_condition",
	"Captain Evaluation": "community_governance.scope.query_condition",
	"Mediation Case": "community_governance.scope.query_condition",
	"Deliberation Matter": "community_governance.scope.query_condition",
	"Deliberation Meeting": "community_governance.scope.query_condition",
	"Property Service Evaluation": "community_governance.scope.query_condition",
	"Care Visit Plan": "community_governance.scope.query_condition",
	"Care Visit": "community_governance.scope.query_condition",
	"Volunteer Team": "community_governance.scope.query_condition",
	"Partner Unit": "community_governance.scope.query_condition",
	"Reporting Member": "community_governance.scope.query_condition",
	"Resident Registration": "community_governance.scope.query_condition",
	"Caring Merchant": "community_governance.scope.query_condition",
	# child tables read on their own (frappe.client.get_list(child, parent=...), REST of the child)
	"Grid Staff": "community_governance.scope.child_query_condition",
	"Building Unit": "community_governance.scope.child_query_condition",
	"Building Captain Building": "community_governance.scope.child_query_condition",
	"Service Request Escalation": "community_governance.scope.child_query_condition",
	"Volunteer Activity Attendee": "community_governance.scope.child_query_condition",
	"Patrol Finding": "community_governance.scope.child_query_condition",
	"Mediation Party": "community_governance.scope.child_query_condition",
	"Mediation Team Member": "community_governance.scope.child_query_condition",
	"Mediation Session": "community_governance.scope.child_query_condition",
	"Mediation Obligation": "community_governance.scope.child_query_condition",
	"Mediation Visit": "community_governance.scope.child_query_condition",
	"Mediation Escalation": "community_governance.scope.child_query_condition",
	"Deliberation Building": "community_governance.scope.child_query_condition",
	"Deliberation Supporter": "community_governance.scope.child_query_condition",
	"Deliberation Action": "community_governance.scope.child_query_condition",
	"Deliberation Agenda Item": "community_governance.scope.child_query_condition",
	"Deliberation Attendance": "community_governance.scope.child_query_condition",
	"Deliberation Vote": "community_governance.scope.child_query_condition",
	"Property Service Score": "community_governance.scope.child_query_condition",
	"Property Service Rectification": "community_governance.scope.child_query_condition",
	"Volunteer Team Member": "community_governance.scope.child_query_condition",
	"Compound": "community_governance.scope.query_condition",
	# the scope, and no filtering by who is a member for those who may not read the members
	"Party Organisation": "community_governance.personal_data.party_organisation_query_condition",
	"Compound Building": "community_governance.scope.child_query_condition",
	"Owners Committee Member": "community_governance.scope.child_query_condition",
	"Deliberation Meeting Rectification": "community_governance.scope.child_query_condition",
	"Party Organisation Building": "community_governance.scope.child_query_condition",
	"Party Organisation Member": "community_governance.scope.child_query_condition",
	"Party Household Care": "community_governance.scope.child_query_condition",
	"Caring Merchant Counter User": "community_governance.scope.child_query_condition",
	"Resident Skill": "community_governance.scope.child_query_condition",
	"Community Notice": "community_governance.scope.query_condition",
	"Community Notice Receipt": "community_governance.scope.query_condition",
	"Community Notice Building": "community_governance.scope.child_query_condition",
	# attachments of governed records, on top of Frappe's own File rule
	"File": "community_governance.scope.file_query_condition",
}

has_permission = {
	"Grid": "community_governance.scope.has_permission",
	"Building": "community_governance.scope.has_permission",
	"Resident": "community_governance.scope.has_permission",
	"Building Captain": "community_governance.scope.has_permission",
	"Service Request": "community_governance.scope.has_permission",
	"Points Transaction": "community_governance.scope.has_permission",
	"Points Account": "community_governance.scope.has_permission",
	"Points Monthly Total": "community_governance.scope.has_permission",
	"Points Period Total": "community_governance.scope.has_permission",
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
	"Compound": "community_governance.scope.has_permission",
	"Party Organisation": "community_governance.scope.has_permission",
	"Resident Registration": "community_governance.scope.has_permission",
	"Caring Merchant": "community_governance.scope.has_permission",
	"Community Notice": "community_governance.scope.has_permission",
	"Community Notice Receipt": "community_governance.scope.has_permission",
	"File": "community_governance.scope.file_has_permission",
}

override_whitelisted_methods = {
	# script reports and dashboards read on the read replica where the site has one (see replica.py)
	"frappe.desk.query_report.run": "community_governance.replica.run_report",
	"frappe.desk.doctype.number_card.number_card.get_result": "community_governance.replica.number_card_result",
	"frappe.desk.doctype.dashboard_chart.dashboard_chart.get": "community_governance.replica.dashboard_chart_data",
	# Frappe 15's get_count checks no permission at all: counts answer only for what the user may list
	"frappe.client.get_count": "community_governance.api.client.get_count",
	# nor does its validate_link: a governed name outside the scope is answered as missing
	"frappe.client.validate_link": "community_governance.api.client.validate_link",
	# a file named like a photo must hold an image before Frappe's upload reads it as one
	# (the desk calls it by its short name)
	"upload_file": "community_governance.uploads.upload_file",
	"frappe.handler.upload_file": "community_governance.uploads.upload_file",
}

# Scopes are cached per transaction; whatever changes who is responsible for what drops them.
doc_events = {
	doctype: {
		"on_update": "community_governance.scope.forget",
		"on_trash": "community_governance.scope.forget",
	}
	for doctype in ("Grid", "Building", "Resident", "Building Captain", "Care Visit Plan", "User")
}
# who sits on an owners' committee changes what its members see
doc_events["Compound"] = {
	"on_update": "community_governance.scope.forget",
	"on_trash": "community_governance.scope.forget",
}
doc_events["Service Request"] = {
	"on_update": [
		"community_governance.community_governance.doctype.patrol_log.patrol_log.sync_finding_status",
		"community_governance.care.visits.sync_request_status",
	]
}
# a new or moved record must belong to one of the user's places once its controller filled it in;
# a row saved on its own stays with its record
for _doctype in _GOVERNED_DOCTYPES:
	doc_events.setdefault(_doctype, {})["validate"] = "community_governance.scope.keep_in_place"
for _doctype in _GOVERNED_CHILD_TABLES:
	doc_events[_doctype] = {"validate": "community_governance.scope.keep_row_with_its_record"}
doc_events["File"] = {
	"validate": "community_governance.community_governance.doctype.service_request.service_request.validate_attachment"
}

scheduler_events = {
	"cron": {
		"*/15 * * * *": [
			"community_governance.tasks.escalate_overdue_requests",
			"community_governance.notices.deliver_due_notices",
		],
	},
	"hourly": ["community_governance.tasks.remind_captains_without_patrol"],
	"daily": [
		"community_governance.ledger.check_drift",
		"community_governance.mediation.remind_obligations",
		"community_governance.care.visits.remind_overdue_visits",
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
role_home_page = {"Resident": "me/services", "Caring Merchant": "me/merchant"}
# staff land on their queues, a building captain on their phone page (resident_pages.ROLE_HOMES)
on_session_creation = "community_governance.resident_pages.send_each_role_home"
portal_menu_items = [
	{"title": "Resident Services", "route": "/me/services", "role": "Resident"},
	{"title": "Captain's Day", "route": "/me/captain", "role": "Building Captain"},
	{"title": "My Requests", "route": "/service-request/list", "role": "Resident"},
	{"title": "My Points", "route": "/me/points", "role": "Resident"},
	{"title": "Redeem Points", "route": "/me/rewards", "role": "Resident"},
	{"title": "Matters for Deliberation", "route": "/me/matters", "role": "Resident"},
	{"title": "My Data", "route": "/me/my-data", "role": "Resident"},
	{"title": "Merchant Counter", "route": "/me/merchant", "role": "Caring Merchant"},
	{"title": "Quick Report", "route": "/me/quick-report", "role": "Resident"},
	{"title": "Notices", "route": "/me/notices", "role": "Resident"},
]
