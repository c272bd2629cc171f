# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""One matter, one deliberation (一事一议): a residents' proposal that gathers support, goes on a
meeting's agenda, is decided by vote and becomes follow-up work that the community reviews. The
workflow decides who may move a matter; this controller checks what each stage needs and keeps the
fields only the app writes (support, the vote and the review) as the app wrote them."""

import frappe
from community_governance import compounds, deliberation, scope, shared_records
from community_governance.utils.text import plain_text
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, getdate, today

# written only through the app's steps (support, decide, implement); the review is the workers' own
MANAGED_FIELDS = (
	"proposer",
	"raised_by",
	"support_count",
	"meeting",
	"outcome",
	"decided_on",
	"decision",
	"votes_for",
	"votes_against",
	"abstentions",
	"eligible_units",
	"turnout",
	"implemented_on",
	"reviewed_on",
)
TEXT_FIELDS = ("title", "description")
OPEN_STATES = ("Proposed", "Supported", "On Agenda")
DECIDED_STATES = ("Decided", "Implemented", "Reviewed")
# the actions of a decision are planned while it is being carried out
ACTION_STATES = ("Decided",)
DONE_REQUEST_STATES = ("Resolved", "Closed")


class DeliberationMatter(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from community_governance.community_governance.doctype.deliberation_action.deliberation_action import (
			DeliberationAction,
		)
		from community_governance.community_governance.doctype.deliberation_building.deliberation_building import (
			DeliberationBuilding,
		)
		from community_governance.community_governance.doctype.deliberation_supporter.deliberation_supporter import (
			DeliberationSupporter,
		)
		from frappe.types import DF

		abstentions: DF.Int
		actions: DF.Table[DeliberationAction]
		buildings: DF.TableMultiSelect[DeliberationBuilding]
		category: DF.Literal[
			"Parking", "Lifts", "Greenery", "Traffic", "Compound Rules", "Property Service", "Other"
		]
		community: DF.Link | None
		compound: DF.Link | None
		counting: DF.Literal["Per Household", "Per Person"]
		decided_on: DF.Date | None
		decision: DF.Text | None
		description: DF.Text
		eligible_units: DF.Int
		grid: DF.Link | None
		implemented_on: DF.Date | None
		meeting: DF.Link | None
		outcome: DF.Literal["", "Passed", "Rejected"]
		proposer: DF.Link | None
		proposer_name: DF.Data | None
		raised_by: DF.Link | None
		review_date: DF.Date | None
		review_note: DF.SmallText | None
		reviewed_on: DF.Date | None
		scope_level: DF.Literal["Buildings", "Grid", "Community", "Compound"]
		support_count: DF.Int
		support_needed: DF.Int
		supporters: DF.Table[DeliberationSupporter]
		title: DF.Data
		turnout: DF.Percent
		votes_against: DF.Int
		votes_for: DF.Int
		worked: DF.Literal["", "Yes", "Partly", "No"]
		workflow_state: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.keep_fields_the_user_may_not_change()
		self.set_proposer()
		self.set_support_needed()
		self.sanitise_text()
		self.set_buildings()
		self.validate_place()
		self.set_support_keys()
		self.validate_actions()
		self.validate_step()
		self.record_step()

	# --- who may change what ---------------------------------------------------------------------

	def keep_fields_the_user_may_not_change(self):
		before = self.get_doc_before_save()
		if not before:
			for fieldname in MANAGED_FIELDS:
				self.set(fieldname, None)
			self.set("supporters", [])
			self.set("actions", [])
			return
		if self.flags.managed_update:
			return
		for fieldname in MANAGED_FIELDS:
			self.set(fieldname, before.get(fieldname))
		self.set("supporters", [row.as_dict() for row in before.supporters])
		if self.workflow_state not in OPEN_STATES or before.workflow_state not in OPEN_STATES:
			# the place and the counting are what was voted on: they stay once the vote is over
			for fieldname in ("scope_level", "community", "grid", "compound", "counting"):
				self.set(fieldname, before.get(fieldname))
			self.set("buildings", [row.as_dict() for row in before.buildings])
		self.keep_recorded_actions(before)

	def keep_recorded_actions(self, before):
		"""An action that already became a to-do or a request stays as it was recorded."""
		recorded = {row.name: row for row in before.actions if row.reference_name}
		kept = [row.as_dict() for row in recorded.values()]
		drafts = [row for row in self.actions if row.name not in recorded]
		for row in drafts:
			row.reference_doctype = row.reference_name = None
		self.set("actions", kept + [row.as_dict() for row in drafts])

	def set_proposer(self):
		if not self.is_new():
			return
		self.raised_by = frappe.session.user
		own = scope.get_scope().residents
		if own:
			self.proposer = min(own)
			self.proposer_name = frappe.db.get_value("Resident", self.proposer, "full_name")

	def set_support_needed(self):
		# staff may ask more or less support of a matter; a resident's proposal asks the usual
		if self.is_new() and (not cint(self.support_needed) or not scope.is_worker()):
			self.support_needed = cint(
				frappe.db.get_single_value("Community Governance Settings", "matter_support_needed")
			)

	def sanitise_text(self):
		for fieldname in TEXT_FIELDS:
			if self.get(fieldname):
				self.set(fieldname, plain_text(self.get(fieldname)).strip())
		if not self.title:
			frappe.throw(_("Give the matter a title."), title=_("Title Missing"))

	# --- where ---------------------------------------------------------------------------------

	def set_buildings(self):
		"""A matter of a grid or a community concerns every building in it (listed when the scope is
		chosen, so that support and votes do not rewrite the list)."""
		if self.compound:
			self.scope_level = "Compound"
		if self.is_new() or any(
			self.has_value_changed(fieldname)
			for fieldname in ("scope_level", "community", "grid", "compound")
		):
			self.list_buildings_of_scope()
		if not self.buildings:
			frappe.throw(
				_("Choose the buildings the matter affects, or its grid or community."),
				title=_("Buildings Missing"),
			)
		for row in self.buildings:
			row.grid = frappe.get_cached_value("Building", row.building, "grid")

	def list_buildings_of_scope(self):
		if self.scope_level == "Community" and self.community:
			self.set("buildings", [{"building": name} for name in buildings_in("community", self.community)])
		elif self.scope_level == "Grid" and self.grid:
			self.set("buildings", [{"building": name} for name in buildings_in("grid", self.grid)])
		elif self.scope_level == "Compound" and self.compound:
			compounds.take_place_from_compound(self)

	def validate_place(self):
		names = [row.building for row in self.buildings]
		communities = {frappe.get_cached_value("Building", name, "community") for name in names}
		if len(communities) > 1:
			frappe.throw(
				_("The buildings of one matter must belong to one community."), title=_("Several Communities")
			)
		self.community = communities.pop()
		grids = {row.grid for row in self.buildings}
		self.grid = grids.pop() if len(grids) == 1 else None
		if self.is_new() and not scope.is_worker():
			home = scope.get_scope().home_buildings
			if not home & set(names):
				frappe.throw(
					_("You can raise matters only for the buildings you live in."),
					title=_("Not Your Building"),
				)

	# --- support ---------------------------------------------------------------------------------

	def support_key(self, resident: str) -> str:
		"""One support per resident and matter (the database keeps it unique)."""
		return shared_records.rule_key(self.name, resident)

	def set_support_keys(self):
		for row in self.supporters:
			row.rule_key = self.support_key(row.resident)

	# --- follow-up actions -----------------------------------------------------------------------

	def validate_actions(self):
		drafts = [row for row in self.actions if not row.reference_name]
		if drafts and not runs_meetings():
			frappe.throw(
				_("Only the community's workers plan the follow-up actions of a decision."),
				frappe.PermissionError,
			)
		if drafts and self.workflow_state not in ACTION_STATES:
			frappe.throw(
				_("Follow-up actions are planned once the matter is decided and before it is implemented."),
				title=_("Not Decided"),
			)
		# a joint meeting's decision is carried out by the compound's property company
		contact = compounds.property_contact_of_meeting(self.meeting)
		for row in drafts:
			row.assigned_to = row.assigned_to or contact
			row.description = plain_text(row.description or "").strip()
			if not row.description:
				frappe.throw(
					_("Action {0}: say what is to be done.").format(row.idx), title=_("Action Missing")
				)
			if not row.assigned_to:
				frappe.throw(
					_("Action {0}: name the owner who answers for it.").format(row.idx),
					title=_("Owner Missing"),
				)
			if not frappe.db.get_value("User", row.assigned_to, "enabled"):
				frappe.throw(
					_("Action {0}: {1} is not an active user.").format(row.idx, frappe.bold(row.assigned_to)),
					title=_("Invalid Owner"),
				)
			if not row.due_date:
				frappe.throw(_("Action {0}: set a due date.").format(row.idx), title=_("Due Date Missing"))
			if getdate(row.due_date) < getdate(today()):
				frappe.throw(
					_("Action {0}: the due date has already passed.").format(row.idx),
					title=_("Invalid Due Date"),
				)
			if row.action_type == "Service Request":
				self.validate_request_action(row)

	def validate_request_action(self, row):
		row.building = row.building or self.buildings[0].building
		if row.building not in {building.building for building in self.buildings}:
			frappe.throw(
				_("Action {0}: a request is about one of the matter's buildings.").format(row.idx),
				title=_("Not the Matter's Building"),
			)
		if not row.category:
			frappe.throw(
				_("Action {0}: choose the category of the service request.").format(row.idx),
				title=_("Category Missing"),
			)

	def action_progress(self) -> dict:
		"""How many actions are done and overdue, from their to-dos and requests."""
		return action_progress({self.name: self.actions}).get(self.name, {"done": 0, "overdue": 0})

	# --- stages ------------------------------------------------------------------------------------

	@property
	def previous_state(self) -> str | None:
		before = self.get_doc_before_save()
		return before.workflow_state if before else None

	def is_moving_to(self, state: str) -> bool:
		return self.workflow_state == state and self.previous_state != state

	def validate_step(self):
		if self.is_new():
			self.workflow_state = "Proposed"
			return
		if self.is_moving_to("Supported") and not deliberation.has_enough_support(
			cint(self.support_count), cint(self.support_needed)
		):
			frappe.throw(
				_("The matter has {0} supporters of the {1} it needs.").format(
					cint(self.support_count), cint(self.support_needed)
				),
				title=_("Not Enough Support"),
			)
		if self.is_moving_to("On Agenda") and not self.flags.managed_update:
			frappe.throw(
				_("A matter goes on the agenda when a meeting lists it."), title=_("Choose a Meeting")
			)
		if (self.is_moving_to("Decided") or self.is_moving_to("Rejected")) and not self.flags.managed_update:
			frappe.throw(_("A matter is decided by the vote of its meeting."), title=_("Decided by Vote"))
		if self.is_moving_to("Implemented"):
			self.validate_actions_done()
		if self.is_moving_to("Reviewed"):
			self.validate_review()

	def validate_review(self):
		if not (self.review_note or "").strip():
			frappe.throw(
				_("Record what the review found before closing the matter."), title=_("Review Note Missing")
			)
		if self.worked not in ("Yes", "Partly", "No"):
			frappe.throw(_("Say whether it worked: Yes, Partly or No."), title=_("Invalid Review"))

	def validate_actions_done(self):
		if not self.actions:
			frappe.throw(
				_("Plan the follow-up actions of the decision before marking it implemented."),
				title=_("No Actions"),
			)
		progress = self.action_progress()
		if progress["done"] < len(self.actions):
			frappe.throw(
				_(
					"{0} of {1} follow-up actions are done; finish them before marking the matter implemented."
				).format(progress["done"], len(self.actions)),
				title=_("Actions Open"),
			)

	def record_step(self):
		if self.is_moving_to("Implemented"):
			self.implemented_on = today()
		elif self.is_moving_to("Reviewed"):
			self.reviewed_on = today()

	# --- after saving -------------------------------------------------------------------------------

	def on_update(self):
		self.carry_out_actions()

	def carry_out_actions(self):
		"""Each new action becomes its owner's to-do, or a service request dispatched to them."""
		for row in self.actions:
			if row.reference_name:
				continue
			if row.action_type == "Service Request":
				reference = ("Service Request", self.file_request(row))
			else:
				reference = ("ToDo", self.assign_todo(row))
			row.db_set({"reference_doctype": reference[0], "reference_name": reference[1]})

	def assign_todo(self, row) -> str:
		todo = frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": row.assigned_to,
				"reference_type": self.doctype,
				"reference_name": self.name,
				"description": f"{self.title}: {row.description}",
				"date": row.due_date,
				"assigned_by": frappe.session.user,
			}
		).insert(ignore_permissions=True)
		if not frappe.has_permission(self.doctype, "read", self, user=row.assigned_to):
			frappe.share.add_docshare(
				self.doctype, self.name, row.assigned_to, flags={"ignore_share_permission": True}
			)
		return todo.name

	def file_request(self, row) -> str:
		"""Filed by the worker on the community's behalf and dispatched to the action's owner."""
		request = frappe.get_doc(
			{
				"doctype": "Service Request",
				"channel": "Deliberation",
				"building": row.building,
				"category": row.category,
				"priority": "Medium",
				"subject": f"{self.title}: {row.description}"[:140],
				"description": _("Decided in deliberation {0}: {1}").format(self.name, row.description),
			}
		).insert()
		request.handler = row.assigned_to
		request.workflow_state = "Dispatched"
		request.save()
		return request.name


def runs_meetings(user: str | None = None) -> bool:
	"""Street-office admins and the community and grid workers run meetings and their follow-up."""
	user = user or frappe.session.user
	return user == "Administrator" or bool(
		(scope.SEES_ALL_ROLES | scope.STAFF_ROLES) & set(frappe.get_roles(user))
	)


def buildings_in(fieldname: str, node: str) -> list[str]:
	return frappe.get_all("Building", filters={fieldname: node}, pluck="name", order_by="name")


def action_progress(actions_by_matter: dict[str, list]) -> dict[str, dict]:
	"""Per matter, its actions done and overdue: one query for the to-dos, one for the requests."""
	rows = [row for actions in actions_by_matter.values() for row in actions]
	todos = [row.reference_name for row in rows if row.reference_doctype == "ToDo"]
	requests = [row.reference_name for row in rows if row.reference_doctype == "Service Request"]
	done = set()
	if todos:
		todo = frappe.qb.DocType("ToDo")
		done |= {
			("ToDo", name)
			for name in frappe.qb.from_(todo)
			.select(todo.name)
			.where(todo.name.isin(todos) & (todo.status == "Closed"))
			.run(pluck=True)
		}
	if requests:
		request = frappe.qb.DocType("Service Request")
		done |= {
			("Service Request", name)
			for name in frappe.qb.from_(request)
			.select(request.name)
			.where(request.name.isin(requests) & request.workflow_state.isin(DONE_REQUEST_STATES))
			.run(pluck=True)
		}
	now = getdate(today())
	progress = {}
	for matter, actions in actions_by_matter.items():
		finished = [row for row in actions if (row.reference_doctype, row.reference_name) in done]
		late = [
			row for row in actions if row not in finished and row.due_date and getdate(row.due_date) < now
		]
		progress[matter] = {"done": len(finished), "overdue": len(late)}
	return progress
