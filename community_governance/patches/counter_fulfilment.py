"""Sites that had the redemption workflow before caring merchants get the counter's step: a login
serving at the reward's merchant fulfils an approved redemption (the shipped workflow is only
inserted where missing, so an existing one would never learn it). Running it again changes nothing."""

import frappe
from community_governance.workflow_setup import shipped_workflows

WORKFLOW = "Reward Redemption Workflow"
ROLE = "Caring Merchant"


def execute():
	if not frappe.db.exists("Workflow", WORKFLOW):
		return
	if not frappe.db.exists("Role", ROLE):
		frappe.get_doc({"doctype": "Role", "role_name": ROLE, "desk_access": 0}).insert(
			ignore_permissions=True
		)
	workflow = frappe.get_doc("Workflow", WORKFLOW)
	if any(row.allowed == ROLE for row in workflow.transitions):
		return
	for row in shipped_workflows()[WORKFLOW]["transitions"]:
		if row["allowed"] == ROLE:
			workflow.append("transitions", row)
	workflow.flags.ignore_permissions = True
	workflow.save()
