"""Sites that had the request workflow before contributors could handle requests get their steps:
a contributor dispatched a request accepts and resolves it, as a volunteer does (the shipped
workflow is only inserted where missing, so an existing one would never learn them). Running it
again changes nothing."""

import frappe
from community_governance.workflow_setup import shipped_workflows

WORKFLOW = "Service Request Workflow"
ROLE = "Contributor"


def execute():
	if not frappe.db.exists("Workflow", WORKFLOW):
		return
	if not frappe.db.exists("Role", ROLE):
		frappe.get_doc({"doctype": "Role", "role_name": ROLE, "desk_access": 0}).insert(
			ignore_permissions=True
		)
	workflow = frappe.get_doc("Workflow", WORKFLOW)
	shipped = shipped_workflows()[WORKFLOW]
	if not any(row.allowed == ROLE for row in workflow.transitions):
		for row in shipped["transitions"]:
			if row["allowed"] == ROLE:
				workflow.append("transitions", row)
	if not any(row.allow_edit == ROLE for row in workflow.states):
		for row in shipped["states"]:
			if row["allow_edit"] == ROLE:
				workflow.append("states", row)
	workflow.flags.ignore_permissions = True
	workflow.save()
