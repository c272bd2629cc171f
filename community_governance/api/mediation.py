"""Mediation cases for desks, phones and other clients: one POST call per step.

A case is registered with a plain REST insert of a Mediation Case (its parties and, if known, its
team). Each step here finds the workflow action the user may take from the case's current state,
sets what the step needs and saves; the workflow and the controller check roles, team membership
and inputs, so these calls and a plain REST save of the same change behave alike.
"""

import frappe
from community_governance.community_governance.doctype.mediation_case.mediation_case import MediationCase
from frappe import _
from frappe.model.workflow import get_transitions
from frappe.utils import nowdate

DOCTYPE = "Mediation Case"
# the action that starts or resumes mediation when a session is recorded in each state
SESSION_ACTIONS = {"Accepted": "Start Mediation", "Reopened": "Resume Mediation", "In Mediation": None}


def _case(name: str) -> MediationCase:
	case: MediationCase = frappe.get_doc(DOCTYPE, name)
	case.check_permission("read")
	return case


def _summary(case: MediationCase) -> dict:
	return {
		"name": case.name,
		"status": case.workflow_state,
		"handling_level": case.handling_level,
		"outcome": case.outcome,
		"open_obligations": case.open_obligations,
	}


def _take_action(case: MediationCase, action: str | None, **values) -> dict:
	if action:
		next_state = {transition.action: transition.next_state for transition in get_transitions(case)}.get(
			action
		)
		if not next_state:
			frappe.throw(
				_("You cannot {0} case {1} while it is {2}.").format(
					_(action).lower(), case.name, _(case.workflow_state)
				),
				frappe.PermissionError,
			)
		case.workflow_state = next_state
	case.update(values)
	case.save()
	return _summary(case)


def _require_team(case: MediationCase):
	if not case.is_on_team():
		frappe.throw(
			_("Only the mediation team of case {0} can do this.").format(case.name), frappe.PermissionError
		)


@frappe.whitelist(methods=["POST"])
def add_team_member(name: str, user: str, team_role: str) -> dict:
	"""The registrar or the team adds a mediator; the controller refuses conflicts of interest."""
	case = _case(name)
	if not case.may_form_team():
		frappe.throw(
			_("Only the registrar or the mediation team of case {0} can change its team.").format(case.name),
			frappe.PermissionError,
		)
	case.append("team", {"user": user, "team_role": team_role})
	return _take_action(case, None)


@frappe.whitelist(methods=["POST"])
def accept(name: str) -> dict:
	"""受理: a member of the team takes the case on at its level."""
	return _take_action(_case(name), "Accept Case")


@frappe.whitelist(methods=["POST"])
def record_session(
	name: str,
	session_date: str | None = None,
	place: str | None = None,
	present: str | None = None,
	notes: str | None = None,
) -> dict:
	"""A mediation session; the first one starts the mediation (or resumes it after a reopening)."""
	case = _case(name)
	_require_team(case)
	if case.workflow_state not in SESSION_ACTIONS:
		frappe.throw(
			_("Sessions are recorded while the case is being mediated, not while it is {0}.").format(
				_(case.workflow_state)
			),
			title=_("Not in Mediation"),
		)
	case.append(
		"sessions",
		{"session_date": session_date or nowdate(), "place": place, "present": present, "notes": notes},
	)
	return _take_action(case, SESSION_ACTIONS[case.workflow_state])


@frappe.whitelist(methods=["POST"])
def reach_agreement(
	name: str, obligations: list[dict], agreement_date: str | None = None, terms: str | None = None
) -> dict:
	"""调解协议: the agreement and each obligation in it (``obligation``, ``owed_by``, ``due_date``)."""
	case = _case(name)
	for row in obligations or []:
		case.append(
			"obligations",
			{
				"obligation": row.get("obligation"),
				"owed_by": row.get("owed_by"),
				"due_date": row.get("due_date"),
			},
		)
	return _take_action(
		case, "Reach Agreement", agreement_date=agreement_date or nowdate(), agreement_terms=terms
	)


@frappe.whitelist(methods=["POST"])
def record_failure(name: str, reason: str) -> dict:
	return _take_action(_case(name), "Record Failure", outcome_note=reason)


@frappe.whitelist(methods=["POST"])
def refer(name: str, referred_to: str, note: str | None = None) -> dict:
	"""Referral to a court, the police, arbitration or the petition office."""
	values = {"referred_to": referred_to}
	if note:
		values["outcome_note"] = note
	return _take_action(_case(name), "Refer", **values)


@frappe.whitelist(methods=["POST"])
def record_follow_up(name: str, results: list[dict], visit_date: str | None = None) -> dict:
	"""回访: how each obligation checked stands (``obligation_no``, ``result``: Kept, Pending or
	Broken, ``note``). A broken obligation reopens the case; when all are met it closes."""
	case = _case(name)
	_require_team(case)
	if case.workflow_state not in ("Agreement Reached", "Follow-up"):
		frappe.throw(
			_("Follow-up visits check an agreement in force; case {0} is {1}.").format(
				case.name, _(case.workflow_state)
			),
			title=_("No Agreement in Force"),
		)
	for row in results or []:
		case.append(
			"visits",
			{
				"visit_date": visit_date or nowdate(),
				"obligation_no": row.get("obligation_no"),
				"result": row.get("result"),
				"note": row.get("note"),
			},
		)
	return _take_action(case, None)


@frappe.whitelist(methods=["POST"])
def close(name: str) -> dict:
	"""结案: after a failure or a referral, or with every obligation of the agreement met."""
	return _take_action(_case(name), "Close Case")


@frappe.whitelist(methods=["POST"])
def escalate(name: str, reason: str, mediators: list[dict] | None = None) -> dict:
	"""Up one level (grid → community → street) when the case cannot be settled at its own; the
	mediators of the new level (``user``, ``team_role``) join the team and accept it anew."""
	case = _case(name)
	for member in mediators or []:
		case.append("team", {"user": member.get("user"), "team_role": member.get("team_role")})
	case.flags.escalate = True
	return _take_action(case, "Escalate", escalation_reason=reason)
