"""The app's workflows ship as JSON in the module's ``workflow/`` folder. Frappe does not sync that
folder, so install and migrate create each workflow when it is missing and leave an existing one
alone: an administrator's later edits are kept. ``restore_workflow`` puts the shipped version back:

    bench --site <site> execute community_governance.workflow_setup.restore_workflow \\
        --kwargs "{'name': 'Service Request Workflow'}"
"""

import json
import os

import frappe

MODULE = "Community Governance"
# Frappe creates these itself; they are not ours to remove
FRAMEWORK_STATES = {"Pending", "Approved", "Rejected"}
FRAMEWORK_ACTIONS = {"Approve", "Reject", "Review"}
STATE_STYLES = {
	"Open": "Primary",
	"Dispatched": "Info",
	"Accepted": "Warning",
	"Resolved": "Success",
	"Closed": "Success",
	"Rejected": "Danger",
	"Reopened": "Danger",
	"Requested": "Primary",
	"Approved": "Info",
	"Fulfilled": "Success",
	"Cancelled": "Inverse",
	"Registered": "Primary",
	"In Mediation": "Warning",
	"Agreement Reached": "Success",
	"Failed": "Danger",
	"Referred": "Info",
	"Follow-up": "Info",
}


def shipped_workflows() -> dict[str, dict]:
	folder = frappe.get_module_path(MODULE, "workflow")
	workflows = {}
	if not os.path.isdir(folder):
		return workflows
	for entry in sorted(os.listdir(folder)):
		path = os.path.join(folder, entry, f"{entry}.json")
		if os.path.exists(path):
			with open(path) as fh:
				workflow = json.load(fh)
			workflows[workflow["name"]] = workflow
	return workflows


def sync_workflows():
	for name, workflow in shipped_workflows().items():
		if not frappe.db.exists("Workflow", name):
			_insert(workflow)


def restore_workflow(name: str):
	"""Replace the site's copy of a shipped workflow with the shipped version."""
	frappe.only_for(("System Manager", "Street Office Admin"))
	workflow = shipped_workflows().get(name)
	if not workflow:
		frappe.throw(frappe._("{0} is not a workflow of this app.").format(frappe.bold(name)))
	frappe.delete_doc("Workflow", name, ignore_missing=True, ignore_permissions=True, force=True)
	_insert(workflow)


def _insert(workflow: dict):
	_ensure_masters(workflow)
	doc = frappe.get_doc(workflow)
	doc.flags.ignore_permissions = True
	doc.insert()


def _ensure_masters(workflow: dict):
	for state in {row["state"] for row in workflow["states"]}:
		if not frappe.db.exists("Workflow State", state):
			frappe.get_doc(
				{
					"doctype": "Workflow State",
					"workflow_state_name": state,
					"style": STATE_STYLES.get(state, ""),
				}
			).insert(ignore_permissions=True)
	for action in {row["action"] for row in workflow["transitions"]}:
		if not frappe.db.exists("Workflow Action Master", action):
			frappe.get_doc({"doctype": "Workflow Action Master", "workflow_action_name": action}).insert(
				ignore_permissions=True
			)


def remove_workflows():
	"""On uninstall: the workflows, and the states and actions no other workflow uses."""
	shipped = shipped_workflows()
	for name in shipped:
		frappe.delete_doc("Workflow", name, ignore_missing=True, ignore_permissions=True, force=True)
	states = {row["state"] for workflow in shipped.values() for row in workflow["states"]} - FRAMEWORK_STATES
	actions = {
		row["action"] for workflow in shipped.values() for row in workflow["transitions"]
	} - FRAMEWORK_ACTIONS
	used_states = set(frappe.get_all("Workflow Document State", pluck="state"))
	used_states |= set(frappe.get_all("Workflow Transition", pluck="next_state"))
	used_actions = set(frappe.get_all("Workflow Transition", pluck="action"))
	for state in states - used_states:
		frappe.delete_doc("Workflow State", state, ignore_missing=True, ignore_permissions=True, force=True)
	for action in actions - used_actions:
		frappe.delete_doc(
			"Workflow Action Master", action, ignore_missing=True, ignore_permissions=True, force=True
		)
