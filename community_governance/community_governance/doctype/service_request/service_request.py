# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""A resident's order (点单) through dispatch (派单), acceptance (接单), resolution (办结) and rating
(评价/回访). The workflow decides who may move a request and when; this controller checks what each
step needs, stamps its time and keeps the fields that only the app may write."""

import frappe
from community_governance import attachments, escalation, kpi, ledger, quick_report, scope, sla, work_calendar
from community_governance.utils.text import plain_text
from frappe import _
from frappe.desk.form import assign_to
from frappe.model.document import Document
from frappe.utils import cint, cstr, flt, get_datetime, now_datetime

FILING_FIELDS = (
	"subject",
	"request_type",
	"category",
	"priority",
	"channel",
	"requester",
	"building",
	"unit",
	"description",
	"photo",
	"location",
)
# what each kind of user may change on a filed request; everything else stays as saved
WORKER_FIELDS = (
	*FILING_FIELDS,
	"rejection_reason",
	"handler",
	"follow_up_note",
	"rating",
	"solved",
	"rating_comment",
)
HANDLER_FIELDS = ("resolution_note", "resolution_photo")
REQUESTER_FIELDS = ("rating", "solved", "rating_comment")
FEEDBACK_FIELDS = ("rating", "solved", "rating_comment", "follow_up_note")
# written only by the app: timestamps, deadlines, escalation, metrics
MANAGED_FIELDS = (
	"current_owner",
	"escalation_level",
	"sla_status",
	"response_due",
	"resolution_due",
	"response_due_from_filing",
	"resolution_due_from_filing",
	"response_hours",
	"resolution_hours",
	"dispatched_on",
	"dispatched_by",
	"responded_on",
	"accepted_on",
	"resolved_on",
	"rated_on",
	"closed_on",
	"rejected_on",
	"reopened_on",
	"hours_to_accept",
	"hours_to_resolve",
	"responded_on_time",
	"resolved_on_time",
	"satisfied",
	"reopen_count",
	"points_awarded",
	"followed_up_by",
	"follow_up_on",
)
TEXT_FIELDS = (
	"subject",
	"description",
	"resolution_note",
	"rejection_reason",
	"rating_comment",
	"follow_up_note",
)
# who may take on a dispatched request
# the columns of a worker's scope (its grids and its users, see scope.RULES): each has an index
# that leads to the filing time, so a worker's report reads only the period's rows of their scope
PERIOD_SCOPE_COLUMNS = tuple(
	column for part in ("grids", "users") for column in scope.RULES["Service Request"][part]
)
HANDLER_ROLES = ("Community Worker", "Grid Worker", "Volunteer", "Contributor")


class ServiceRequest(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from community_governance.community_governance.doctype.service_request_escalation.service_request_escalation import (
			ServiceRequestEscalation,
		)
		from frappe.types import DF

		accepted_on: DF.Datetime | None
		building: DF.Link
		category: DF.Link
		channel: DF.Literal[
			"Resident App",
			"Patrol",
			"Phone",
			"Walk-in",
			"12345 Hotline",
			"Care Visit",
			"Deliberation",
			"Property Evaluation",
			"Quick Report",
		]
		closed_on: DF.Datetime | None
		community: DF.Link | None
		current_owner: DF.Link | None
		description: DF.SmallText
		dispatched_by: DF.Link | None
		dispatched_on: DF.Datetime | None
		escalation_level: DF.Literal["Grid", "Community", "Street"]
		escalations: DF.Table[ServiceRequestEscalation]
		follow_up_note: DF.SmallText | None
		follow_up_on: DF.Datetime | None
		followed_up_by: DF.Link | None
		grid: DF.Link | None
		handler: DF.Link | None
		hours_to_accept: DF.Float
		hours_to_resolve: DF.Float
		photo: DF.AttachImage | None
		points_awarded: DF.Check
		priority: DF.Literal["Low", "Medium", "High", "Urgent"]
		rated_on: DF.Datetime | None
		rating: DF.Int
		rating_comment: DF.SmallText | None
		rejected_on: DF.Datetime | None
		rejection_reason: DF.SmallText | None
		reopen_count: DF.Int
		reopened_on: DF.Datetime | None
		request_type: DF.Literal["Request", "Micro-wish"]
		requester: DF.Link | None
		requester_name: DF.Data | None
		requester_user: DF.Link | None
		resolution_due: DF.Datetime | None
		resolution_due_from_filing: DF.Datetime | None
		resolution_hours: DF.Float
		resolution_note: DF.SmallText | None
		resolution_photo: DF.AttachImage | None
		resolved_on: DF.Datetime | None
		resolved_on_time: DF.Check
		responded_on: DF.Datetime | None
		responded_on_time: DF.Check
		response_due: DF.Datetime | None
		response_due_from_filing: DF.Datetime | None
		response_hours: DF.Float
		satisfied: DF.Check
		sla_status: DF.Literal["On Track", "Overdue", "Met", "Missed"]
		solved: DF.Literal["", "Yes", "No"]
		subject: DF.Data | None
		unit: DF.Data | None
		workflow_state: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.flags.requester_record = None
		self.set_requester_for_resident_filer()
		self.validate_channel()
		self.validate_place()
		self.keep_fields_the_user_may_not_change()
		self.set_derived_links()
		self.sanitise_text()
		self.validate_photos()
		self.set_default_subject()
		self.apply_rating_outcome()
		self.validate_step()
		self.record_step()
		self.set_sla_status()

	# --- filing ----------------------------------------------------------------------------------

	def files_as_resident(self) -> bool:
		"""Residents file for themselves, and so does anyone on the residents' web form."""
		if self.flags.filed_on_behalf or self.flags.quick_report:
			return False  # the app files for the resident, e.g. a need found on a care visit
		return not scope.is_worker() or bool(frappe.flags.in_web_form)

	def set_requester_for_resident_filer(self):
		if not self.is_new() or not self.files_as_resident():
			return
		own = scope.get_scope().residents
		if not own:
			frappe.throw(
				_("Only registered residents can file requests; please ask your community to register you."),
				frappe.PermissionError,
			)
		self.requester = next(iter(own))
		self.channel = "Resident App"
		if not self.building:
			self.building = self.requester_record().building

	def validate_channel(self):
		# a quick report earns its reporter points: it comes only from the quick report page
		if self.channel != quick_report.CHANNEL or self.flags.quick_report:
			return
		if self.is_new() or self.has_value_changed("channel"):
			frappe.throw(
				_(
					"Quick reports are sent by residents and contributors from their phones; choose another channel."
				),
				title=_("Invalid Channel"),
			)

	def validate_place(self):
		if self.is_new() and self.files_as_resident() and self.requester_is_contributor():
			frappe.throw(
				_(
					"You work in the street but do not live here, so you cannot file requests for a building as a resident. Send a quick report (随手拍) of what you find instead."
				),
				title=_("Not a Resident"),
			)
		if not self.building and self.requester:
			self.building = self.requester_record().building
		if self.is_new() and self.files_as_resident():
			home = self.requester_record().building
			if self.building != home:
				frappe.throw(
					_("You can file requests only for the building you live in ({0}).").format(
						frappe.bold(home)
					),
					title=_("Not Your Building"),
				)

	def requester_is_contributor(self) -> bool:
		return bool(self.requester) and self.requester_record().resident_kind == "Contributor"

	def requester_record(self) -> frappe._dict:
		"""What the steps of one save read of the requester's Resident record, read once."""
		record = self.flags.requester_record
		if record is None or record.name != self.requester:
			record = frappe.db.get_value(
				"Resident",
				self.requester,
				["name", "building", "resident_kind", "full_name", "user"],
				as_dict=True,
			) or frappe._dict(name=self.requester)
			self.flags.requester_record = record
		return record

	def set_derived_links(self):
		# set here as well as by fetch_from: the requester and building may be filled in by validate
		if not self.building:
			frappe.throw(_("Choose the building the request is about."), title=_("Building Missing"))
		self.grid, self.community = frappe.db.get_value("Building", self.building, ["grid", "community"])
		if self.requester:
			record = self.requester_record()
			self.requester_name, self.requester_user = record.full_name, record.user

	def keep_fields_the_user_may_not_change(self):
		before = self.get_doc_before_save()
		if not before:
			# a new request carries what was filed; the rest is written by later steps
			for fieldname in set(MANAGED_FIELDS + WORKER_FIELDS + HANDLER_FIELDS) - set(FILING_FIELDS):
				self.set(fieldname, None)
			self.set("escalations", [])
			return
		if self.flags.managed_update:
			return
		allowed = self.fields_the_user_may_change(before)
		kept = []
		for fieldname in MANAGED_FIELDS + WORKER_FIELDS + HANDLER_FIELDS:
			if fieldname not in allowed:
				if self.differs_from(before, fieldname):
					kept.append(_(self.meta.get_label(fieldname)))
				self.set(fieldname, before.get(fieldname))
		self.set("escalations", [row.as_dict() for row in before.escalations])
		if kept:
			# the save goes on with the rest; the user learns what was not theirs to change
			frappe.msgprint(
				_("You may not change these fields, so they were kept as they were: {0}.").format(
					", ".join(kept)
				),
				title=_("Some Changes Not Saved"),
				indicator="orange",
			)

	def differs_from(self, before, fieldname: str) -> bool:
		new, old = self.get(fieldname), before.get(fieldname)
		if not new and not old:
			return False
		fieldtype = self.meta.get_field(fieldname).fieldtype
		if fieldtype in ("Int", "Check", "Float"):
			return flt(new) != flt(old)
		if fieldtype == "Datetime" and new and old:
			# a form shows and sends a time to the second
			return get_datetime(new).replace(microsecond=0) != get_datetime(old).replace(microsecond=0)
		return cstr(new) != cstr(old)

	def fields_the_user_may_change(self, before) -> set[str]:
		user = frappe.session.user
		allowed = set()
		if scope.is_worker(user):
			allowed.update(WORKER_FIELDS)
		if user == before.handler:
			allowed.update(HANDLER_FIELDS)
		if user == before.requester_user:
			allowed.update(REQUESTER_FIELDS)
		if before.workflow_state != "Resolved":
			allowed -= set(FEEDBACK_FIELDS)  # feedback is given on a resolved request only
		return allowed

	def sanitise_text(self):
		# residents' text is shown as text: markup and scripts are dropped, never rendered
		for fieldname in TEXT_FIELDS:
			if self.get(fieldname):
				self.set(fieldname, plain_text(self.get(fieldname)))

	def validate_photos(self):
		# a photo is a file uploaded to this site, never a string that only looks like one
		attachments.check_attachments(self)

	def set_default_subject(self):
		if not self.subject:
			text = (self.description or "").strip().splitlines()[0] if self.description else ""
			self.subject = f"{self.category}: {text}"[:140] if text else self.category

	# --- steps -----------------------------------------------------------------------------------

	@property
	def previous_state(self) -> str | None:
		before = self.get_doc_before_save()
		return before.workflow_state if before else None

	def is_moving_to(self, state: str) -> bool:
		return self.workflow_state == state and self.previous_state != state

	def apply_rating_outcome(self):
		"""The resident's answers on a resolved request decide what happens next: "solved" closes it
		whatever the rating, "not solved" reopens it, whoever records them and however they arrive (API,
		form or web form). Given only a rating, the answer follows it: the satisfied rating or more means
		solved. A form keeps the answers of an earlier round, so only a changed answer counts."""
		if self.previous_state != "Resolved" or self.workflow_state not in ("Resolved", None):
			return
		if not (self.has_value_changed("rating") or self.has_value_changed("solved")):
			return
		if not self.has_value_changed("solved") or not self.solved:
			self.solved = kpi.solved_from_rating(self.rating, kpi.satisfied_rating())
		self.workflow_state = "Closed" if self.solved == "Yes" else "Reopened"

	def validate_step(self):
		if self.is_moving_to("Dispatched"):
			self.validate_assignee()
		elif self.workflow_state == "Dispatched" and self.has_value_changed("handler"):
			self.validate_assignee()  # re-dispatch to someone else
		if self.is_moving_to("Accepted") and self.previous_state == "Open":
			self.handler = frappe.session.user  # a micro-wish claimed from the board
		if self.is_moving_to("Resolved") and frappe.session.user != self.handler:
			frappe.throw(
				_("Only the handler of the request ({0}) can resolve it.").format(
					self.handler or _("nobody yet")
				),
				frappe.PermissionError,
				title=_("Not the Handler"),
			)
		if self.is_moving_to("Resolved") and not (self.resolution_note or "").strip():
			frappe.throw(
				_("Describe what was done before resolving the request."), title=_("Result Note Missing")
			)
		if self.is_moving_to("Rejected") and not (self.rejection_reason or "").strip():
			frappe.throw(_("Give the resident a reason for the rejection."), title=_("Reason Missing"))
		if self.is_moving_to("Rejected"):
			quick_report.check_rejection(self)
		if self.previous_state == "Resolved" and self.workflow_state in ("Closed", "Reopened"):
			self.validate_rating()

	def validate_assignee(self):
		if not self.handler:
			frappe.throw(
				_("Choose who will handle the request before dispatching it."), title=_("No Assignee")
			)
		enabled = frappe.db.get_value("User", self.handler, "enabled")
		if not enabled:
			frappe.throw(
				_("{0} is not an active user and cannot take requests.").format(frappe.bold(self.handler)),
				title=_("Invalid Assignee"),
			)
		if not set(HANDLER_ROLES) & set(frappe.get_roles(self.handler)):
			frappe.throw(
				_("{0} is not a community worker, grid worker or volunteer and cannot take requests.").format(
					frappe.bold(self.handler)
				),
				title=_("Invalid Assignee"),
			)

	def validate_rating(self):
		rating = cint(self.rating)
		if not 1 <= rating <= 5:
			frappe.throw(_("A rating is a whole number from 1 to 5."), title=_("Invalid Rating"))
		user = frappe.session.user
		if user != self.requester_user and not scope.is_worker(user):
			frappe.throw(
				_("Only the requester, or staff on their behalf, can rate a request."), frappe.PermissionError
			)
		if user != self.requester_user and user == self.handler:
			frappe.throw(
				_("The follow-up call is made by someone other than the handler."),
				title=_("Follow-up by Handler"),
			)
		if not self.solved:
			self.solved = kpi.solved_from_rating(rating, kpi.satisfied_rating())
		if self.workflow_state == "Closed" and self.solved != "Yes":
			frappe.throw(
				_("A request the resident says is not solved reopens; it cannot close."),
				title=_("Invalid Answer"),
			)
		if self.workflow_state == "Reopened" and self.solved == "Yes":
			frappe.throw(
				_("A request the resident says is solved closes; it does not reopen."),
				title=_("Invalid Answer"),
			)

	def record_step(self):
		now = now_datetime()
		if self.is_new():
			self.start_clock(self.get_datetime("creation") or now)
			return
		if not self.previous_state or self.previous_state == self.workflow_state:
			return
		self.keep_filing_deadlines()
		stamp = {
			"Dispatched": "dispatched_on",
			"Accepted": "accepted_on",
			"Resolved": "resolved_on",
			"Closed": "closed_on",
			"Rejected": "rejected_on",
			"Reopened": "reopened_on",
		}.get(self.workflow_state)
		if stamp:
			self.set(stamp, now)
		if self.workflow_state == "Dispatched":
			self.dispatched_by = frappe.session.user
		filed = self.get_datetime("creation")
		if self.workflow_state == "Accepted":
			if self.previous_state == "Open":
				self.dispatched_on = now
			if not self.hours_to_accept:
				self.hours_to_accept = sla.hours_between(filed, now)
		if self.workflow_state in ("Accepted", "Rejected") and not self.responded_on:
			# the first response counts: accepted, claimed, or rejected with a reason
			self.responded_on = now
			self.responded_on_time = now <= self.get_datetime("response_due_from_filing")
		elif self.workflow_state == "Resolved":
			# the last resolution counts, against the target from filing
			self.hours_to_resolve = sla.hours_between(filed, now)
			self.resolved_on_time = now <= self.get_datetime("resolution_due_from_filing")
		elif self.workflow_state in ("Closed", "Reopened"):
			self.rated_on = now
			self.satisfied = cint(self.rating) >= kpi.satisfied_rating()
			if frappe.session.user != self.requester_user:
				self.followed_up_by, self.follow_up_on = frappe.session.user, now
		if self.workflow_state == "Reopened":
			self.reopen_count = cint(self.reopen_count) + 1
			self.response_due, self.resolution_due = sla.deadlines(
				now, self.targets(), work_calendar.working_time()
			)
			self.clear_resolution()

	def keep_filing_deadlines(self):
		# requests filed before the deadlines from filing were stored get them from their targets
		if not self.response_due_from_filing or not self.resolution_due_from_filing:
			targets = sla.Targets(flt(self.response_hours), flt(self.resolution_hours))
			self.response_due_from_filing, self.resolution_due_from_filing = sla.deadlines(
				self.get_datetime("creation"), targets
			)

	def clear_resolution(self):
		"""A reopened request is unresolved until it is resolved again: nothing of the resolution the
		resident turned down counts any more."""
		self.resolved_on = None
		self.resolved_on_time = 0
		self.hours_to_resolve = 0

	def start_clock(self, filed):
		targets = self.targets()
		self.response_hours, self.resolution_hours = targets.response_hours, targets.resolution_hours
		self.response_due, self.resolution_due = sla.deadlines(filed, targets, work_calendar.working_time())
		# fixed at filing: the rates judge every request against these, whatever happens later
		self.response_due_from_filing, self.resolution_due_from_filing = (
			self.response_due,
			self.resolution_due,
		)
		self.escalation_level = "Grid"
		self.current_owner = responsible_user(self.grid)
		self.reopen_count = 0

	def set_sla_status(self):
		self.sla_status = sla.sla_status(
			self.workflow_state or "Open",
			self.get_datetime("response_due"),
			self.get_datetime("resolution_due"),
			now_datetime(),
			self.responded_on_time,
			self.resolved_on_time,
		)

	# --- after saving ----------------------------------------------------------------------------

	def on_update(self):
		self.sync_assignment()
		if self.is_moving_to("Closed") and self.satisfied:
			ledger.award_for_closed_request(self)
		if self.is_moving_to("Resolved"):
			quick_report.confirm(self)  # resolved: the report was real

	def sync_assignment(self):
		"""The handler finds the request in their to-do list (Frappe assignment), and it leaves the
		list when the request leaves their hands."""
		if self.workflow_state in ("Dispatched", "Accepted") and self.handler:
			current = assign_to.get({"doctype": self.doctype, "name": self.name})
			if self.handler not in {row.get("owner") for row in current}:
				assign_to.clear(self.doctype, self.name, ignore_permissions=True)
				assign_to.add(
					{
						"assign_to": [self.handler],
						"doctype": self.doctype,
						"name": self.name,
						"description": self.subject,
						"date": self.resolution_due and str(self.get_datetime("resolution_due").date()),
					},
					ignore_permissions=True,
				)
		elif self.workflow_state in ("Resolved", "Closed", "Rejected") and self.has_value_changed(
			"workflow_state"
		):
			assign_to.close_all_assignments(self.doctype, self.name, ignore_permissions=True)

	# --- escalation ------------------------------------------------------------------------------

	def escalate(self, now) -> bool:
		"""Move this request up one level (grid → community → street) if it is overdue at ``now``,
		once per breach, exactly as the scheduled job escalates many (see escalation.py)."""
		escalated = escalation.escalate([self.name], now)
		if escalated:
			self.reload()
		return bool(escalated)

	# --- helpers ---------------------------------------------------------------------------------

	def targets(self) -> sla.Targets:
		return escalation.request_targets(self.category, self.priority)

	def get_datetime(self, fieldname):
		value = self.get(fieldname)
		return frappe.utils.get_datetime(value) if value else None


def responsible_user(node: str | None) -> str | None:
	return frappe.db.get_value("Grid", node, "responsible_user") if node else None


def validate_attachment(file, method=None):
	"""``File.validate`` hook: what is attached to a request must be a photo of a sensible size."""
	if file.attached_to_doctype != "Service Request" or file.is_folder:
		return
	name = (file.file_name or file.file_url or "").lower()
	if not name.endswith(attachments.IMAGE_EXTENSIONS):
		frappe.throw(
			_("Only photos can be attached to a request (JPG, PNG, GIF, WebP or HEIC)."),
			title=_("Not a Photo"),
		)
	limit_mb = flt(frappe.db.get_single_value("Community Governance Settings", "max_photo_size_mb")) or 5
	if flt(file.file_size) > limit_mb * 1024 * 1024:
		frappe.throw(
			_("The photo is larger than {0} MB; please send a smaller one.").format(limit_mb),
			title=_("Photo Too Large"),
		)


def on_doctype_update():
	"""Reports count the requests filed in a period: their plan reads only that period's rows,
	the whole site's, one community's, or a worker's scope."""
	frappe.db.add_index("Service Request", ["creation"])
	frappe.db.add_index("Service Request", ["community", "creation"])
	# a worker's scope ORs the request's grid with the users on it: with each column's own index
	# leading to the filing time, MariaDB merges one period's ranges of each (index_merge)
	for column in PERIOD_SCOPE_COLUMNS:
		frappe.db.add_index("Service Request", [column, "creation"])
