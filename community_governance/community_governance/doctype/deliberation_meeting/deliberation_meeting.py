# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""A deliberation meeting (议事会): the matters on its agenda, who was invited and signed in, the
discussion, the votes and the decision on each matter. Votes and decisions are recorded only through
the app's calls (community_governance.api.deliberation), which apply the counting, quorum and
threshold of community_governance.deliberation."""

import frappe
from community_governance import compounds, deliberation, shared_records
from community_governance.utils.text import plain_text
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, flt, now_datetime

# the matter stages a meeting may take up: supported, or picked by a worker while still proposed
AGENDA_STATES = ("Proposed", "Supported")
# written only by the app when a vote is cast or a decision recorded
AGENDA_RESULT_FIELDS = (
	"outcome",
	"votes_for",
	"votes_against",
	"abstentions",
	"eligible_units",
	"quorum_needed",
	"decision",
)


class DeliberationMeeting(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from community_governance.community_governance.doctype.deliberation_agenda_item.deliberation_agenda_item import (
			DeliberationAgendaItem,
		)
		from community_governance.community_governance.doctype.deliberation_attendance.deliberation_attendance import (
			DeliberationAttendance,
		)
		from community_governance.community_governance.doctype.deliberation_building.deliberation_building import (
			DeliberationBuilding,
		)
		from community_governance.community_governance.doctype.deliberation_meeting_rectification.deliberation_meeting_rectification import (
			DeliberationMeetingRectification,
		)
		from community_governance.community_governance.doctype.deliberation_vote.deliberation_vote import (
			DeliberationVote,
		)
		from frappe.types import DF

		agenda: DF.Table[DeliberationAgendaItem]
		attendance: DF.Table[DeliberationAttendance]
		buildings: DF.TableMultiSelect[DeliberationBuilding]
		community: DF.Link
		compound: DF.Link | None
		discussion: DF.TextEditor | None
		grid: DF.Link | None
		invite_captains: DF.Check
		invite_households: DF.Check
		invite_owners_committee: DF.Check
		invite_partner_units: DF.Check
		invite_property_company: DF.Check
		meeting_date: DF.Datetime
		meeting_kind: DF.Literal[
			"Deliberation", "Weekly Joint Meeting", "Monthly Joint Meeting", "Quarterly Joint Meeting"
		]
		passing_threshold: DF.Percent
		place: DF.Data | None
		quorum_percent: DF.Percent
		rectifications: DF.Table[DeliberationMeetingRectification]
		status: DF.Literal["Planned", "Held"]
		title: DF.Data
		votes: DF.Table[DeliberationVote]
	# end: auto-generated types

	def validate(self):
		self.keep_what_only_the_app_records()
		self.set_voting_rules()
		self.validate_voting_rules()
		compounds.validate_joint_meeting(self)
		self.draw_joint_agenda()
		self.validate_agenda()
		self.set_buildings()
		self.validate_place()
		self.validate_rectifications()
		self.validate_attendance()

	def keep_what_only_the_app_records(self):
		before = self.get_doc_before_save()
		if not before:
			self.set("votes", [])
			self.status = "Planned"
			for row in self.agenda:
				for fieldname in AGENDA_RESULT_FIELDS:
					row.set(fieldname, None)
			return
		if self.flags.managed_update:
			return
		self.set("votes", [row.as_dict() for row in before.votes])
		self.status = before.status
		results = {row.matter: row for row in before.agenda}
		for row in self.agenda:
			for fieldname in AGENDA_RESULT_FIELDS:
				row.set(fieldname, results[row.matter].get(fieldname) if row.matter in results else None)
		if self.has_votes_or_decisions(before):
			# once voting started the rules and the electorate are what the votes were cast under
			for fieldname in ("quorum_percent", "passing_threshold", "community", "grid", "compound"):
				self.set(fieldname, before.get(fieldname))
			self.set("buildings", [row.as_dict() for row in before.buildings])
			kept = {row.matter for row in self.agenda}
			for row in before.agenda:
				if row.outcome and row.matter not in kept:
					frappe.throw(
						_("Matter {0} was decided at this meeting and stays on its agenda.").format(
							row.matter
						),
						title=_("Already Decided"),
					)

	def has_votes_or_decisions(self, doc=None) -> bool:
		doc = doc or self
		return bool(doc.votes) or any(row.outcome for row in doc.agenda)

	def set_voting_rules(self):
		settings = frappe.get_cached_doc("Community Governance Settings")
		if self.is_new() and self.quorum_percent in (None, ""):
			self.quorum_percent = flt(settings.default_quorum_percent)
		if self.is_new() and not flt(self.passing_threshold):
			self.passing_threshold = flt(settings.default_passing_threshold)

	def validate_voting_rules(self):
		if not 0 <= flt(self.quorum_percent) <= 100:
			frappe.throw(_("The quorum is a share from 0 to 100%."), title=_("Invalid Quorum"))
		if not 0 <= flt(self.passing_threshold) < 100:
			frappe.throw(
				_("The passing threshold is a share from 0 to just under 100%."), title=_("Invalid Threshold")
			)

	def draw_joint_agenda(self):
		"""A new joint meeting with nothing on it takes up its compound's open matters and
		rectifications."""
		if self.is_new() and compounds.is_joint_meeting(self) and not (self.agenda or self.rectifications):
			compounds.fill_agenda(self)

	def validate_agenda(self):
		if not self.agenda and not (compounds.is_joint_meeting(self) and self.rectifications):
			frappe.throw(_("Put at least one matter on the agenda."), title=_("Empty Agenda"))
		before = self.get_doc_before_save()
		listed = {row.matter for row in before.agenda} if before else set()
		seen = set()
		for row in self.agenda:
			if row.matter in seen:
				frappe.throw(
					_("Matter {0} is on the agenda twice.").format(frappe.bold(row.matter)),
					title=_("Listed Twice"),
				)
			seen.add(row.matter)
			if row.matter in listed:
				continue
			state = frappe.db.get_value("Deliberation Matter", row.matter, "workflow_state")
			if state not in AGENDA_STATES:
				frappe.throw(
					_("Matter {0} is {1}: only proposed or supported matters can go on an agenda.").format(
						frappe.bold(row.matter), _(state or "")
					),
					title=_("Not Open"),
				)

	def set_buildings(self):
		if self.compound and not self.has_votes_or_decisions():
			compounds.take_place_from_compound(self)
			return
		if self.buildings:
			return
		affected = []
		for row in self.agenda:
			for building in frappe.get_doc("Deliberation Matter", row.matter).buildings:
				if building.building not in affected:
					affected.append(building.building)
		self.set("buildings", [{"building": name} for name in affected])

	def validate_place(self):
		names = {row.building for row in self.buildings}
		for row in self.buildings:
			row.grid = frappe.get_cached_value("Building", row.building, "grid")
			if frappe.get_cached_value("Building", row.building, "community") != self.community:
				frappe.throw(
					_("Building {0} is not in community {1}.").format(
						frappe.bold(row.building), frappe.bold(self.community)
					),
					title=_("Outside the Community"),
				)
		for row in self.agenda:
			matter_buildings = set(
				frappe.get_all(
					"Deliberation Building",
					filters={"parenttype": "Deliberation Matter", "parent": row.matter},
					pluck="building",
				)
			)
			if not matter_buildings <= names:
				frappe.throw(
					_("Matter {0} affects buildings outside this meeting's scope.").format(
						frappe.bold(row.matter)
					),
					title=_("Outside the Meeting's Scope"),
				)

	def validate_rectifications(self):
		"""A joint meeting follows up the rectifications of its own buildings, each once."""
		if self.rectifications and not self.compound:
			frappe.throw(
				_("Rectifications are followed up at a compound's joint meeting."),
				title=_("Compound Missing"),
			)
		names = {row.building for row in self.buildings}
		seen = set()
		for row in self.rectifications:
			building = frappe.db.get_value("Service Request", row.service_request, "building")
			if building not in names or row.service_request in seen:
				frappe.throw(
					_(
						"Rectification {0} is not an open request of this compound, or is listed twice."
					).format(frappe.bold(row.service_request)),
					title=_("Not the Compound's Rectification"),
				)
			seen.add(row.service_request)
			row.progress_note = plain_text(row.progress_note or "").strip() or None

	def validate_attendance(self):
		signed_in = set()
		for row in self.attendance:
			self.validate_attendance_row(row)
			if row.rule_key in signed_in:
				frappe.throw(
					_("Sign-in row {0}: {1} has already signed in to this meeting.").format(
						row.idx, frappe.bold(row.attendee_name)
					),
					title=_("Already Signed In"),
				)
			if row.rule_key:
				signed_in.add(row.rule_key)

	def validate_attendance_row(self, row):
		"""One sign-in: who it is, that a resident lives in the meeting's buildings, and its key (one
		sign-in per resident and meeting)."""
		row.rule_key = None
		if row.resident:
			resident = frappe.db.get_value(
				"Resident", row.resident, ["full_name", "household", "building"], as_dict=True
			)
			if not resident:
				frappe.throw(
					_("Resident {0} is not registered.").format(row.resident), title=_("Unknown Attendee")
				)
			row.attendee_name = row.attendee_name or resident.full_name
			row.household = resident.household
			if row.attendee_type == "Resident" and resident.building not in {
				b.building for b in self.buildings
			}:
				frappe.throw(
					_("Sign-in row {0}: {1} does not live in the buildings of this meeting.").format(
						row.idx, frappe.bold(resident.full_name)
					),
					title=_("Outside the Meeting's Scope"),
				)
			row.rule_key = shared_records.rule_key(self.name, row.resident)
		if not (row.attendee_name or "").strip():
			frappe.throw(_("Sign-in row {0}: who signed in?").format(row.idx), title=_("Attendee Missing"))
		row.signed_in_on = row.signed_in_on or now_datetime()

	def on_update(self):
		self.put_matters_on_agenda()

	def put_matters_on_agenda(self):
		for row in self.agenda:
			# locked and fresh: residents may be supporting it right now
			matter = frappe.get_doc("Deliberation Matter", row.matter, for_update=True)
			if matter.workflow_state not in AGENDA_STATES:
				continue
			matter.workflow_state = "On Agenda"
			matter.meeting = self.name
			matter.flags.managed_update = True
			matter.save()

	# --- voting ------------------------------------------------------------------------------------

	def agenda_row(self, matter: str):
		row = next((row for row in self.agenda if row.matter == matter), None)
		if not row:
			frappe.throw(
				_("Matter {0} is not on the agenda of meeting {1}.").format(frappe.bold(matter), self.name),
				title=_("Not on the Agenda"),
			)
		return row

	def votes_on(self, matter: str) -> list[dict]:
		return [
			{"resident": row.resident, "household": row.household, "choice": row.choice}
			for row in self.votes
			if row.matter == matter
		]

	def tally(self, matter) -> deliberation.Tally:
		electorate = eligible_residents([row.building for row in matter.buildings])
		return deliberation.tally(
			matter.counting,
			self.votes_on(matter.name),
			deliberation.eligible_units(matter.counting, electorate),
			flt(self.quorum_percent),
			flt(self.passing_threshold),
		)

	def record_tally(self, row, result: deliberation.Tally):
		row.update(self.tally_values(result))

	@staticmethod
	def tally_values(result: deliberation.Tally) -> dict:
		"""What the agenda row shows of a matter's count."""
		return {
			"votes_for": result.votes_for,
			"votes_against": result.votes_against,
			"abstentions": result.abstentions,
			"eligible_units": result.eligible,
			"quorum_needed": cint(result.quorum_needed),
		}

	def vote_key(self, matter: str, counting: str, resident: str, household: str | None) -> str:
		"""One vote per voting unit (the household or the person) on a matter at this meeting."""
		return shared_records.rule_key(
			self.name, matter, deliberation.voting_unit(counting, resident, household)
		)


def eligible_residents(buildings: list[str]) -> list[dict]:
	"""The electorate of a matter: the active residents of its buildings."""
	if not buildings:
		return []
	resident = frappe.qb.DocType("Resident")
	return (
		frappe.qb.from_(resident)
		.select(resident.name, resident.household)
		.where(resident.building.isin(buildings) & (resident.status == "Active"))
		.run(as_dict=True)
	)
