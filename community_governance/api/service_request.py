"""The service-request loop for phones and other clients: one POST call per step.

Each call finds the workflow action the user may take from the request's current state, sets what
the step needs and saves; the workflow and the controller check roles, conditions and inputs, so
these calls and a plain REST save of the same change behave alike.
"""

import frappe
from community_governance import dispatch as dispatching
from community_governance import kpi, shared_records, skills
from community_governance.community_governance.doctype.service_request.service_request import (
	HANDLER_ROLES,
	ServiceRequest,
)
from frappe import _
from frappe.model.workflow import get_transitions
from frappe.utils import cint

DOCTYPE = "Service Request"


def _take_action(name: str, action: str, **values) -> dict:
	# locked and read as committed now: two people acting on one request at once take turns
	request: ServiceRequest = frappe.get_doc(DOCTYPE, name, for_update=True)
	request.check_permission("read")
	next_state = {transition.action: transition.next_state for transition in get_transitions(request)}.get(
		action
	)
	if not next_state:
		frappe.throw(
			_("You cannot {0} request {1} while it is {2}.").format(
				_(action).lower(), request.name, _(request.workflow_state)
			),
			frappe.PermissionError,
		)
	request.update(values)
	request.workflow_state = next_state
	request.save()
	return {"name": request.name, "status": request.workflow_state, "handler": request.handler}


@frappe.whitelist(methods=["POST"])
def dispatch(name: str, assignee: str) -> dict:
	"""派单: a captain, grid or community worker hands the request to someone who will handle it."""
	return _take_action(name, "Dispatch", handler=assignee)


@frappe.whitelist()
def dispatch_candidates(name: str) -> list[dict]:
	"""Who may take this request, each with the reason (role, grid, matching skill): the grid's
	workers, then its volunteers and contributors (those with the skill the category needs first),
	then the community's partner contacts. Only for who may dispatch it now."""
	request: ServiceRequest = frappe.get_doc(DOCTYPE, name)
	request.check_permission("read")
	if "Dispatch" not in {transition.action for transition in get_transitions(request)}:
		frappe.throw(
			_("You cannot {0} request {1} while it is {2}.").format(
				_("Dispatch").lower(), request.name, _(request.workflow_state)
			),
			frappe.PermissionError,
		)
	return dispatching.candidates(request, HANDLER_ROLES)


@frappe.whitelist()
def micro_wish_board() -> list[dict]:
	"""The open micro-wishes the user may claim, those needing a skill the user has first."""
	wishes = frappe.get_list(
		DOCTYPE,
		filters={"request_type": "Micro-wish", "workflow_state": "Open"},
		fields=["name", "subject", "description", "category", "building", "creation"],
		order_by="creation desc",
		limit_page_length=100,
	)
	needed = skills.required_skills(sorted({wish.category for wish in wishes if wish.category}))
	for wish in wishes:
		wish["required_skill"] = needed.get(wish.category)
	offered = skills.skills_of_users([frappe.session.user]).get(frappe.session.user, set())
	return skills.matching_first(wishes, offered)


@frappe.whitelist(methods=["POST"])
def reject(name: str, reason: str) -> dict:
	return _take_action(name, "Reject", rejection_reason=reason)


@frappe.whitelist(methods=["POST"])
def accept(name: str) -> dict:
	"""接单: the assignee takes the request on."""
	return _take_action(name, "Accept")


@frappe.whitelist(methods=["POST"])
@shared_records.retry_on_deadlock
def claim(name: str) -> dict:
	"""A volunteer — or a partner unit's contact or reporting member, who log in as volunteers —
	claims a micro-wish from the open board. Many may try at once: the request is locked first, so
	exactly one wins and the others learn that it was claimed."""
	refuse_claimed_request(name)
	return _take_action(name, "Claim", handler=frappe.session.user)


# a request in these states has been dealt with: nobody can take it on any more
FINISHED_STATES = ("Resolved", "Closed", "Rejected")


def refuse_finished_request(name: str) -> None:
	# said before the read check: a claimer may not read a closed request, but should learn why
	state = frappe.db.get_value(DOCTYPE, name, "workflow_state")
	if state in FINISHED_STATES:
		frappe.throw(
			_("Request {0} is already {1} and cannot be claimed.").format(name, _(state).lower()),
			title=_("Request Finished"),
		)


def refuse_claimed_request(name: str) -> None:
	"""Lock the request, then say why it cannot be claimed: finished, or a micro-wish someone else
	has taken. Said before the read check: the board no longer shows the request to the claimer."""
	request = frappe.db.get_value(
		DOCTYPE, name, ["request_type", "workflow_state", "handler"], as_dict=True, for_update=True
	)
	if not request:
		return  # the read check answers for a request that does not exist
	refuse_finished_request(name)
	if request.request_type == "Micro-wish" and request.workflow_state != "Open":
		if request.handler == frappe.session.user:
			frappe.throw(_("You have already claimed this micro-wish."), title=_("Already Claimed"))
		frappe.throw(
			_("This micro-wish has just been claimed by another volunteer."), title=_("Already Claimed")
		)


@frappe.whitelist(methods=["POST"])
def resolve(name: str, note: str, photo: str | None = None) -> dict:
	"""办结: the assignee reports what was done."""
	values = {"resolution_note": note}
	if photo:
		values["resolution_photo"] = photo
	return _take_action(name, "Resolve", **values)


@frappe.whitelist(methods=["POST"])
def rate(name: str, rating: int, solved: int | str | None = None, comment: str | None = None) -> dict:
	"""评价: the requester answers "was your problem solved?" (``solved`` 1 or 0; omitted, it follows
	the rating) and rates the handling from 5 (very satisfied) to 1 (very dissatisfied). Solved closes
	the request, not solved reopens it."""
	answer = _answer(rating, solved)
	return _take_action(name, _outcome(answer), rating=cint(rating), solved=answer, rating_comment=comment)


@frappe.whitelist(methods=["POST"])
def follow_up(name: str, rating: int, solved: int | str | None = None, note: str | None = None) -> dict:
	"""回访: a worker other than the handler calls the resident and records their two answers."""
	refuse_handlers_own_call(name)
	answer = _answer(rating, solved)
	return _take_action(name, _outcome(answer), rating=cint(rating), solved=answer, follow_up_note=note)


def refuse_handlers_own_call(name: str) -> None:
	if frappe.db.get_value(DOCTYPE, name, "handler") == frappe.session.user:
		frappe.throw(
			_("You handled request {0}: the follow-up call must be made by someone else.").format(name),
			frappe.PermissionError,
			title=_("Follow-up by Handler"),
		)


# what a client may send for "solved?"
YES, NO = ("1", "yes", "true"), ("0", "no", "false")


def _answer(rating: int, solved: int | str | None) -> str:
	rating = cint(rating)
	if not 1 <= rating <= 5:
		frappe.throw(_("A rating is a whole number from 1 to 5."), title=_("Invalid Rating"))
	if solved is None or str(solved).strip() == "":
		return kpi.solved_from_rating(rating, kpi.satisfied_rating())
	text = str(solved).strip().lower()
	if text not in YES + NO:
		frappe.throw(_("Solved is 1 (yes) or 0 (no)."), title=_("Invalid Answer"))
	return "Yes" if text in YES else "No"


def _outcome(answer: str) -> str:
	return "Close" if answer == "Yes" else "Reopen"
