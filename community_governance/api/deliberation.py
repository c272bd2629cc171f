"""Deliberation (议事) for phones and other clients: one POST call per step.

Residents support matters of their own buildings and vote for their own household; the workers of
the scope sign people in, record votes (proxies too), record the decision and its follow-up work.
Every call checks the caller's permission on the record first; the controllers check the rest.
"""

import frappe
from community_governance import compounds, deliberation, scope, shared_records
from community_governance.community_governance.doctype.deliberation_matter.deliberation_matter import (
	DeliberationMatter,
	runs_meetings,
)
from community_governance.community_governance.doctype.deliberation_meeting.deliberation_meeting import (
	DeliberationMeeting,
)
from community_governance.community_governance.doctype.property_service_evaluation.property_service_evaluation import (
	RESULT_FIELDS,
	PropertyServiceEvaluation,
)
from community_governance.utils.text import plain_text
from frappe import _
from frappe.utils import cint, getdate, now_datetime, today

MATTER = "Deliberation Matter"
MEETING = "Deliberation Meeting"
EVALUATION = "Property Service Evaluation"
SUPPORT_STATES = ("Proposed", "Supported")


def _own_resident() -> frappe._dict:
	own = scope.get_scope().residents
	if not own:
		frappe.throw(
			_("Only registered residents can take part; please ask your community to register you."),
			frappe.PermissionError,
		)
	return frappe.db.get_value(
		"Resident", min(own), ["name", "full_name", "household", "building"], as_dict=True
	)


def _meeting_to_run(name: str) -> DeliberationMeeting:
	# locked and fresh: votes and sign-ins may be arriving while the worker records the decision
	meeting: DeliberationMeeting = shared_records.lock(MEETING, name)
	if not runs_meetings():
		frappe.throw(_("Only the community's workers run deliberation meetings."), frappe.PermissionError)
	meeting.check_permission("write")
	return meeting


def _matter_buildings(matter: DeliberationMatter) -> set[str]:
	return {row.building for row in matter.buildings}


# --- residents ------------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
@shared_records.retry_on_deadlock
def support(matter: str) -> dict:
	"""A resident of the affected buildings backs a proposed matter; enough support makes it Supported.
	Many residents support at once: each support is its own row (see shared_records)."""
	doc: DeliberationMatter = shared_records.lock(MATTER, matter)
	doc.check_permission("read")
	resident = _own_resident()
	if resident.building not in _matter_buildings(doc):
		frappe.throw(
			_("Only residents of the buildings this matter affects can support it."), frappe.PermissionError
		)
	if doc.workflow_state not in SUPPORT_STATES:
		frappe.throw(
			_("Matter {0} is {1} and no longer gathers support.").format(doc.name, _(doc.workflow_state)),
			title=_("Support Closed"),
		)
	already = _("You already support this matter.")
	if any(row.resident == resident.name for row in doc.supporters):
		frappe.throw(already, title=_("Already Supported"))
	shared_records.add_row(
		doc,
		"supporters",
		{
			"resident": resident.name,
			"resident_name": resident.full_name,
			"household": resident.household,
			"supported_on": now_datetime(),
			"rule_key": doc.support_key(resident.name),
		},
		duplicate=already,
		title=_("Already Supported"),
	)
	values = {"support_count": len(doc.supporters)}
	if doc.workflow_state == "Proposed" and deliberation.has_enough_support(
		values["support_count"], cint(doc.support_needed)
	):
		values["workflow_state"] = "Supported"
	shared_records.update_parent(doc, values)
	return {"name": doc.name, "status": doc.workflow_state, "supporters": doc.support_count}


@frappe.whitelist(methods=["POST"])
@shared_records.retry_on_deadlock
def cast_vote(
	meeting: str,
	matter: str,
	choice: str,
	resident: str | None = None,
	proxy_holder: str | None = None,
) -> dict:
	"""A vote on a matter of the meeting. A resident votes for their own household; a worker records
	the vote of a resident present, or a proxy vote for a household (naming who holds the proxy).
	The whole meeting votes at once: each vote is its own row, counted under a lock on the meeting."""
	doc: DeliberationMeeting = shared_records.lock(MEETING, meeting)
	voter, recorded_by_staff = _voter(doc, resident)
	row = doc.agenda_row(matter)
	if row.outcome:
		frappe.throw(_("The vote on matter {0} is closed.").format(matter), title=_("Vote Closed"))
	if choice not in deliberation.CHOICES:
		frappe.throw(_("A vote is In Favour, Opposed or Abstain."), title=_("Invalid Vote"))
	matter_doc: DeliberationMatter = frappe.get_doc(MATTER, matter)
	if voter.building not in _matter_buildings(matter_doc):
		frappe.throw(
			_("{0} does not live in the buildings this matter affects and cannot vote on it.").format(
				frappe.bold(voter.full_name)
			),
			title=_("Outside the Matter's Scope"),
		)
	already = (
		_("Household {0} has already voted on this matter.").format(frappe.bold(voter.household))
		if matter_doc.counting == deliberation.PER_HOUSEHOLD and voter.household
		else _("{0} has already voted on this matter.").format(frappe.bold(voter.full_name))
	)
	if deliberation.duplicate_unit(matter_doc.counting, doc.votes_on(matter), voter.name, voter.household):
		frappe.throw(already, title=_("Already Voted"))
	proxy_holder = plain_text(proxy_holder or "").strip() if recorded_by_staff else ""
	shared_records.add_row(
		doc,
		"votes",
		{
			"matter": matter,
			"resident": voter.name,
			"resident_name": voter.full_name,
			"household": voter.household,
			"choice": choice,
			"is_proxy": 1 if proxy_holder else 0,
			"proxy_holder": proxy_holder or None,
			"recorded_by": frappe.session.user,
			"voted_on": now_datetime(),
			"rule_key": doc.vote_key(matter, matter_doc.counting, voter.name, voter.household),
		},
		duplicate=already,
		title=_("Already Voted"),
	)
	shared_records.update_row(row, doc.tally_values(doc.tally(matter_doc)))
	shared_records.update_parent(doc, {})
	return {"meeting": doc.name, "matter": matter, "for": row.votes_for, "against": row.votes_against}


def _voter(meeting: DeliberationMeeting, resident: str | None) -> tuple[frappe._dict, bool]:
	if runs_meetings() and meeting.has_permission("write"):
		if not resident:
			frappe.throw(_("Choose the resident whose vote you record."), title=_("Voter Missing"))
		voter = frappe.db.get_value(
			"Resident", resident, ["name", "full_name", "household", "building"], as_dict=True
		)
		if not voter:
			frappe.throw(_("Resident {0} is not registered.").format(resident), title=_("Unknown Voter"))
		return voter, True
	own = _own_resident()
	if resident and resident != own.name:
		frappe.throw(_("You can vote only for your own household."), frappe.PermissionError)
	return own, False


# --- workers ----------------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
@shared_records.retry_on_deadlock
def sign_in(
	meeting: str,
	resident: str | None = None,
	attendee_name: str | None = None,
	attendee_type: str = "Resident",
	proxy_for: str | None = None,
) -> dict:
	"""Sign in to a meeting: a resident of its buildings signs themselves in from their phone; a
	worker signs in someone present: a resident, a captain or a representative of the property
	company, the owners' committee or a partner unit. One sign-in per resident and meeting."""
	doc: DeliberationMeeting = shared_records.lock(MEETING, meeting)
	if runs_meetings():
		doc.check_permission("write")
		values = {
			"attendee_type": attendee_type,
			"resident": resident,
			"attendee_name": plain_text(attendee_name or "").strip() or None,
			"proxy_for": proxy_for,
		}
		signing_in_oneself = False
	else:
		own = _own_resident()
		someone_else = (resident and resident != own.name) or attendee_name or proxy_for
		if someone_else or attendee_type != "Resident":
			frappe.throw(_("You can sign in only yourself."), frappe.PermissionError)
		if own.building not in {row.building for row in doc.buildings}:
			frappe.throw(
				_("Only residents of the buildings of this meeting sign in to it."), frappe.PermissionError
			)
		values = {"attendee_type": "Resident", "resident": own.name}
		signing_in_oneself = True
	already = (
		_("You have already signed in to this meeting.")
		if signing_in_oneself
		else _("{0} has already signed in to this meeting.").format(
			frappe.bold(frappe.db.get_value("Resident", resident, "full_name") or resident)
		)
	)
	shared_records.add_row(
		doc,
		"attendance",
		{**values, "signed_in_on": now_datetime()},
		duplicate=already,
		title=_("Already Signed In"),
		check=doc.validate_attendance_row,
	)
	shared_records.update_parent(doc, {})
	return {"meeting": doc.name, "present": len(doc.attendance)}


@frappe.whitelist(methods=["POST"])
def decide(meeting: str, matter: str, decision: str, review_date: str | None = None) -> dict:
	"""Record the decision on a matter from its votes; refused without a quorum."""
	doc = _meeting_to_run(meeting)
	row = doc.agenda_row(matter)
	if row.outcome:
		frappe.throw(_("Matter {0} is already decided.").format(matter), title=_("Already Decided"))
	decision = plain_text(decision or "").strip()
	if not decision:
		frappe.throw(_("Write down what was decided."), title=_("Decision Missing"))
	if review_date and getdate(review_date) < getdate(today()):
		frappe.throw(_("The review date has already passed."), title=_("Invalid Review Date"))
	matter_doc: DeliberationMatter = frappe.get_doc(MATTER, matter)
	result = doc.tally(matter_doc)
	if not result.has_quorum:
		frappe.throw(
			_(
				"No quorum: {0} of {1} eligible voters voted and at least {2} are needed. The decision cannot be recorded."
			).format(result.cast, result.eligible, result.quorum_needed),
			title=_("No Quorum"),
		)
	doc.record_tally(row, result)
	row.outcome, row.decision = result.outcome, decision
	doc.status = "Held"
	doc.flags.managed_update = True
	doc.save()
	matter_doc.update(
		{
			"meeting": doc.name,
			"outcome": result.outcome,
			"decision": decision,
			"decided_on": today(),
			"review_date": review_date,
			"votes_for": result.votes_for,
			"votes_against": result.votes_against,
			"abstentions": result.abstentions,
			"eligible_units": result.eligible,
			"turnout": result.turnout,
			"workflow_state": "Decided" if result.passed else "Rejected",
		}
	)
	matter_doc.flags.managed_update = True
	matter_doc.save()
	return {"matter": matter, "outcome": result.outcome, "status": matter_doc.workflow_state}


@frappe.whitelist(methods=["POST"])
def add_action(
	matter: str,
	description: str,
	assigned_to: str | None = None,
	due_date: str | None = None,
	action_type: str = "To-do",
	building: str | None = None,
	category: str | None = None,
) -> dict:
	"""A follow-up action of a decision: its owner's to-do, or a service request dispatched to them."""
	doc: DeliberationMatter = frappe.get_doc(MATTER, matter)
	doc.check_permission("write")
	if action_type not in ("To-do", "Service Request"):
		frappe.throw(
			_("An action is carried out as a to-do or a service request."), title=_("Invalid Action")
		)
	row = doc.append(
		"actions",
		{
			"description": description,
			"assigned_to": assigned_to,
			"due_date": due_date,
			"action_type": action_type,
			"building": building,
			"category": category,
		},
	)
	doc.save()
	row = next(saved for saved in doc.actions if saved.name == row.name)
	return {
		"matter": doc.name,
		"reference_doctype": row.reference_doctype,
		"reference_name": row.reference_name,
	}


@frappe.whitelist(methods=["POST"])
def mark_implemented(matter: str) -> dict:
	"""Every follow-up action is done: the decision is implemented."""
	return _move(matter, "Implemented")


@frappe.whitelist(methods=["POST"])
def review(matter: str, note: str, worked: str) -> dict:
	"""The community checks on the review date whether the decision was carried out and worked."""
	if worked not in ("Yes", "Partly", "No"):
		frappe.throw(_("Say whether it worked: Yes, Partly or No."), title=_("Invalid Review"))
	return _move(matter, "Reviewed", review_note=plain_text(note or "").strip(), worked=worked)


def _move(matter: str, state: str, **values) -> dict:
	doc: DeliberationMatter = frappe.get_doc(MATTER, matter)
	doc.check_permission("write")
	if not runs_meetings():
		frappe.throw(
			_("Only the community's workers record how a decision was carried out."), frappe.PermissionError
		)
	doc.update(values)
	doc.workflow_state = state
	doc.flags.managed_update = True
	doc.save()
	return {"name": doc.name, "status": doc.workflow_state}


# --- joint meetings ----------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def fill_joint_agenda(meeting: str) -> dict:
	"""A joint meeting (联席会议) takes up its compound's open matters and rectifications."""
	doc = _meeting_to_run(meeting)
	if not compounds.is_joint_meeting(doc):
		frappe.throw(_("Only a compound's joint meeting draws its agenda from the compound."))
	if doc.status != "Planned":
		frappe.throw(_("The meeting has been held: its agenda is closed."), title=_("Meeting Held"))
	added = compounds.fill_agenda(doc)
	doc.save()
	return {"meeting": doc.name, **added}


# --- property-service evaluation ---------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
@shared_records.retry_on_deadlock
def score_property_service(
	evaluation: str,
	cleaning: int,
	security: int,
	greenery: int,
	repairs: int,
	parking: int,
	comment: str | None = None,
) -> dict:
	"""A resident or captain of the compound scores the property company for the open period: one
	scorecard each, inserted on its own, and the averages recomputed from all of them."""
	doc: PropertyServiceEvaluation = shared_records.lock(EVALUATION, evaluation)
	resident = _own_resident()
	if resident.building not in {row.building for row in doc.buildings}:
		frappe.throw(
			_("Only residents of the compound can score its property company."), frappe.PermissionError
		)
	if doc.docstatus != 0:
		frappe.throw(_("The evaluation of this period is closed."), title=_("Evaluation Closed"))
	scores = {"cleaning": cleaning, "security": security, "greenery": greenery, "repairs": repairs}
	scores["parking"] = parking
	shared_records.add_row(
		doc,
		"scores",
		{
			"resident": resident.name,
			**{criterion: _whole(value) for criterion, value in scores.items()},
			"comment": comment,
		},
		duplicate=_("{0} has already scored this period.").format(frappe.bold(resident.full_name)),
		title=_("Already Scored"),
		check=lambda row: doc.validate_scores(),
	)
	doc.compute_results()
	shared_records.update_parent(doc, {fieldname: doc.get(fieldname) for fieldname in RESULT_FIELDS})
	return {"evaluation": doc.name, "scorecards": doc.scorecards, "overall_score": doc.overall_score}


def _whole(value):
	"""A score as sent: whole numbers pass through, anything else is left for the range check."""
	if isinstance(value, str) and value.strip().lstrip("-").isdigit():
		return int(value)
	return value


@frappe.whitelist(methods=["POST"])
def close_evaluation(evaluation: str) -> dict:
	"""Close the period: the evaluation is submitted and low criteria open rectification requests."""
	doc: PropertyServiceEvaluation = frappe.get_doc(EVALUATION, evaluation)
	doc.check_permission("submit")
	doc.submit()
	return {
		"evaluation": doc.name,
		"overall_score": doc.overall_score,
		"rectifications": [row.service_request for row in doc.rectifications],
	}
