# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""A dispute from intake to a signed agreement (人民调解协议书) and the follow-up visits (回访) that
check it is kept. The workflow decides who may move a case and when (members of its team; its
registrar may also escalate it); this controller checks what each step needs, keeps each part of
the file in the hands of those who may change it and records the steps."""

import frappe
from community_governance import mediation, scope
from community_governance.sla import next_level
from community_governance.utils.phone import normalize_phone
from community_governance.utils.text import plain_text
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_months, cint, date_diff, getdate, now_datetime, nowdate

# the parts of the file, by who may change them (see fields_the_user_may_change)
INTAKE_FIELDS = ("subject", "dispute_type", "building", "grid", "description", "parties")
TEAM_FIELDS = ("team", "escalation_reason")
SESSION_FIELDS = ("sessions",)
OUTCOME_FIELDS = ("agreement_date", "agreement_terms", "obligations", "referred_to", "outcome_note")
VISIT_FIELDS = ("visits",)
# set at intake, then written only by the app
INTAKE_ONLY_FIELDS = ("handling_level", "registered_on")
MANAGED_FIELDS = (
	*INTAKE_ONLY_FIELDS,
	"community",
	"team_users",
	"is_repeat",
	"repeat_of",
	"outcome",
	"open_obligations",
	"escalations",
	"accepted_on",
	"closed_on",
	"days_to_agreement",
	"reopen_count",
	"points_awarded",
)
TABLE_FIELDS = ("parties", "team", "sessions", "obligations", "visits", "escalations")
# the states in which each part may change
DETAIL_STATES = ("Registered", "Accepted", "In Mediation", "Reopened")
SESSION_STATES = ("Accepted", "In Mediation", "Reopened")
OUTCOME_STATES = ("In Mediation", "Reopened", "Failed")
TEXT_FIELDS = ("subject", "description", "agreement_terms", "outcome_note", "escalation_reason")
ROW_TEXT_FIELDS = {
	"parties": ("party_name", "address"),
	"sessions": ("place", "present", "notes"),
	"obligations": ("obligation", "owed_by"),
	"visits": ("note",),
}
VISIT_RESULTS = {"Kept": "Kept", "Broken": "Broken", "Pending": "Open"}
REPEAT_WINDOW_MONTHS = 12
# the permission level of party contacts: read only by mediators, i.e. by the team
CONTACT_PERMLEVEL = 1


class MediationCase(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from community_governance.community_governance.doctype.mediation_escalation.mediation_escalation import (
			MediationEscalation,
		)
		from community_governance.community_governance.doctype.mediation_obligation.mediation_obligation import (
			MediationObligation,
		)
		from community_governance.community_governance.doctype.mediation_party.mediation_party import (
			MediationParty,
		)
		from community_governance.community_governance.doctype.mediation_session.mediation_session import (
			MediationSession,
		)
		from community_governance.community_governance.doctype.mediation_team_member.mediation_team_member import (
			MediationTeamMember,
		)
		from community_governance.community_governance.doctype.mediation_visit.mediation_visit import (
			MediationVisit,
		)
		from frappe.types import DF

		accepted_on: DF.Datetime | None
		agreement_date: DF.Date | None
		agreement_terms: DF.Text | None
		building: DF.Link | None
		closed_on: DF.Datetime | None
		community: DF.Link | None
		days_to_agreement: DF.Int
		description: DF.Text
		dispute_type: DF.Literal[
			"Family", "Neighbour", "Marriage", "Property Management", "Property Rights", "Other"
		]
		escalation_reason: DF.SmallText | None
		escalations: DF.Table[MediationEscalation]
		grid: DF.Link | None
		handling_level: DF.Literal["Grid", "Community", "Street"]
		is_repeat: DF.Check
		obligations: DF.Table[MediationObligation]
		open_obligations: DF.Int
		outcome: DF.Literal["", "Agreement", "Failed", "Referred"]
		outcome_note: DF.SmallText | None
		parties: DF.Table[MediationParty]
		points_awarded: DF.Check
		referred_to: DF.Literal["", "Court", "Police", "Arbitration", "Petition Office"]
		registered_on: DF.Date
		reopen_count: DF.Int
		repeat_of: DF.SmallText | None
		sessions: DF.Table[MediationSession]
		subject: DF.Data
		team: DF.Table[MediationTeamMember]
		team_users: DF.SmallText | None
		visits: DF.Table[MediationVisit]
		workflow_state: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.keep_fields_the_user_may_not_change()
		self.sanitise_text()
		self.set_parties()
		self.validate_parties()
		self.set_place()
		self.set_team()
		self.validate_team()
		self.flag_repeat_dispute()
		self.validate_sessions()
		self.apply_visits()
		self.decide_visit_outcome()
		self.escalate_if_asked()
		self.validate_step()
		self.record_step()
		self.count_open_obligations()

	# --- who may change what ---------------------------------------------------------------------

	def is_on_team(self, user: str | None = None) -> bool:
		return (user or frappe.session.user) in (self.team_users or "").split()

	def may_form_team(self, user: str | None = None) -> bool:
		"""The registrar, the team and Street Office Admins shape the team of an open case."""
		user = user or frappe.session.user
		if self.workflow_state == "Closed":
			return False
		return self.is_on_team(user) or user == self.owner or scope.get_scope(user).sees_all

	def fields_the_user_may_change(self, before) -> set[str]:
		state, user = before.workflow_state, frappe.session.user
		if not before.may_form_team(user):
			return set()
		allowed = set(TEAM_FIELDS)
		if state in DETAIL_STATES:
			allowed.update(INTAKE_FIELDS)
		if before.is_on_team(user):
			# the mediation itself is the team's: sessions, the outcome and the follow-up visits
			if state in SESSION_STATES:
				allowed.update(SESSION_FIELDS)
			if state in OUTCOME_STATES:
				allowed.update(OUTCOME_FIELDS)
			if state in mediation.FOLLOW_UP_STATES:
				allowed.update(VISIT_FIELDS)
		return allowed

	def keep_fields_the_user_may_not_change(self):
		before = self.get_doc_before_save()
		if not before:
			self.start_new_case()
			return
		allowed = self.fields_the_user_may_change(before)
		editable = (*INTAKE_FIELDS, *TEAM_FIELDS, *SESSION_FIELDS, *OUTCOME_FIELDS, *VISIT_FIELDS)
		for fieldname in (*editable, *MANAGED_FIELDS):
			if fieldname not in allowed:
				self.restore(fieldname, before)
		self.keep_what_was_recorded(before)

	def restore(self, fieldname: str, before):
		if fieldname in TABLE_FIELDS:
			self.set(fieldname, [row.as_dict() for row in before.get(fieldname)])
		else:
			self.set(fieldname, before.get(fieldname))

	def start_new_case(self):
		"""A new case carries its intake and its team; the rest is written by later steps."""
		for fieldname in (*SESSION_FIELDS, *OUTCOME_FIELDS, *VISIT_FIELDS, *MANAGED_FIELDS):
			if fieldname in TABLE_FIELDS:
				self.set(fieldname, [])
			elif fieldname not in INTAKE_ONLY_FIELDS:
				self.set(fieldname, None)
		self.handling_level = self.handling_level or "Grid"
		self.registered_on = self.registered_on or nowdate()

	def keep_what_was_recorded(self, before):
		"""An agreed obligation and a recorded visit stay as they were; new rows are stamped here."""
		user = frappe.session.user
		agreed = [row.as_dict() for row in before.obligations if row.agreed_on]
		agreed_names = {row["name"] for row in agreed}
		drafts = [row.as_dict() for row in self.obligations if row.name not in agreed_names]
		for row in drafts:
			row.update({"status": "Open", "checked_on": None, "agreed_on": None})
		self.set("obligations", agreed + drafts)

		recorded = [row.as_dict() for row in before.visits]
		recorded_names = {row["name"] for row in recorded}
		new_visits = [row.as_dict() for row in self.visits if row.name not in recorded_names]
		for row in new_visits:
			row["visited_by"] = user
		self.set("visits", recorded + new_visits)

		recorders = {row.name: row.recorded_by for row in before.sessions}
		for row in self.sessions:
			row.recorded_by = recorders.get(row.name, user)

	def sanitise_text(self):
		# what people typed is kept and shown as text: markup and scripts are dropped
		for fieldname in TEXT_FIELDS:
			if self.get(fieldname):
				self.set(fieldname, plain_text(self.get(fieldname)))
		for table, fieldnames in ROW_TEXT_FIELDS.items():
			for row in self.get(table):
				for fieldname in fieldnames:
					if row.get(fieldname):
						row.set(fieldname, plain_text(row.get(fieldname)))

	# --- parties, place and team -----------------------------------------------------------------

	def set_parties(self):
		for party in self.parties:
			if party.resident:
				full_name, building, household, phone = frappe.db.get_value(
					"Resident", party.resident, ["full_name", "building", "household", "phone"]
				)
				party.party_name, party.building, party.household = full_name, building, household
				party.phone = party.phone or phone
			else:
				party.building = party.household = None
			if party.phone:
				phone = normalize_phone(party.phone)
				if not phone:
					frappe.throw(
						_(
							"{0} is not a valid phone number: use an 11-digit mobile or a landline with its area code."
						).format(frappe.bold(party.phone)),
						title=_("Invalid Phone"),
					)
				party.phone = phone

	def validate_parties(self):
		if not self.parties:
			frappe.throw(_("Name the parties to the dispute."), title=_("No Parties"))
		seen = set()
		for party in self.parties:
			# obligations name the party who owes them, so a name may stand for one party only
			key = party.resident or party.party_name
			if key in seen or party.party_name in seen:
				frappe.throw(
					_("{0} is listed twice among the parties.").format(frappe.bold(party.party_name)),
					title=_("Duplicate Party"),
				)
			seen.update({key, party.party_name})

	def set_place(self):
		if not self.building:
			self.building = next((party.building for party in self.parties if party.building), None)
		if self.building:
			self.grid, self.community = frappe.db.get_value("Building", self.building, ["grid", "community"])
			return
		if not self.grid:
			frappe.throw(
				_("Choose the building or the grid where the dispute arises."), title=_("Place Missing")
			)
		level, parent = frappe.db.get_value("Grid", self.grid, ["level", "parent_grid"])
		if level != "Grid":
			frappe.throw(
				_("{0} is not a grid: choose a grid, not a community or street.").format(
					frappe.bold(self.grid)
				),
				title=_("Not a Grid"),
			)
		self.community = parent

	def set_team(self):
		for member in self.team:
			member.member_name = frappe.db.get_value("User", member.user, "full_name")
			member.resident = frappe.db.get_value("Resident", {"user": member.user}, "name")
		# kept on the case so that workflow conditions can test membership
		self.team_users = "\n".join(sorted({member.user for member in self.team}))

	def validate_team(self):
		party_of_resident = {party.resident: party.party_name for party in self.parties if party.resident}
		party_of_household = {party.household: party.party_name for party in self.parties if party.household}
		seen = set()
		for member in self.team:
			name = frappe.bold(member.member_name or member.user)
			if member.user in seen:
				frappe.throw(_("{0} is on the team twice.").format(name), title=_("Duplicate Member"))
			seen.add(member.user)
			if mediation.MEDIATOR_ROLE not in frappe.get_roles(member.user):
				frappe.throw(
					_(
						"{0} is not a mediator: only users with the Mediator role can be on a mediation team."
					).format(name),
					title=_("Not a Mediator"),
				)
			if member.resident in party_of_resident:
				frappe.throw(
					_("{0} is a party to this dispute and cannot mediate it.").format(name),
					title=_("Conflict of Interest"),
				)
			household = member.resident and frappe.db.get_value("Resident", member.resident, "household")
			if household in party_of_household:
				frappe.throw(
					_(
						"{0} lives in the household of {1}, a party to this dispute, and cannot mediate it."
					).format(name, frappe.bold(party_of_household[household])),
					title=_("Conflict of Interest"),
				)

	def flag_repeat_dispute(self):
		"""At intake: the same building or the same residents in a dispute of the past 12 months."""
		if not self.is_new():
			return
		earlier = earlier_disputes(
			self.registered_on,
			self.building,
			[party.resident for party in self.parties if party.resident],
		)
		self.is_repeat = 1 if earlier else 0
		self.repeat_of = ", ".join(earlier) or None

	# --- sessions and follow-up visits -----------------------------------------------------------

	def validate_sessions(self):
		registered = getdate(self.registered_on)
		for session in self.sessions:
			if getdate(session.session_date) < registered:
				frappe.throw(
					_("Session {0} is dated {1}, before the case was registered on {2}.").format(
						session.idx,
						frappe.format(session.session_date, "Date"),
						frappe.format(self.registered_on, "Date"),
					),
					title=_("Invalid Session Date"),
				)

	def new_visits(self) -> list:
		before = self.get_doc_before_save()
		recorded = {row.name for row in before.visits} if before else set()
		return [row for row in self.visits if row.name not in recorded]

	def apply_visits(self):
		"""Each new visit records how one obligation stands."""
		for visit in self.new_visits():
			obligation = self.obligation_numbered(visit.obligation_no)
			if not obligation:
				frappe.throw(
					_("There is no obligation {0} in the current agreement.").format(visit.obligation_no),
					title=_("Unknown Obligation"),
				)
			if getdate(visit.visit_date) < getdate(self.agreement_date):
				frappe.throw(
					_("A follow-up visit cannot be dated before the agreement ({0}).").format(
						frappe.format(self.agreement_date, "Date")
					),
					title=_("Invalid Visit Date"),
				)
			visit.obligation = obligation.obligation
			obligation.status = VISIT_RESULTS[visit.result]
			obligation.checked_on = visit.visit_date

	def obligation_numbered(self, number):
		number = cint(number)
		if not 1 <= number <= len(self.obligations):
			return None
		obligation = self.obligations[number - 1]
		return obligation if obligation.agreed_on and obligation.status != "Superseded" else None

	def decide_visit_outcome(self):
		"""What a visit finds decides what happens next, however it arrives (API, form or REST):
		a broken obligation reopens the case, all obligations met close it."""
		if (
			self.previous_state not in mediation.FOLLOW_UP_STATES
			or self.workflow_state != self.previous_state
			or not self.new_visits()
		):
			return
		current = self.current_obligations()
		if any(row.status == "Broken" for row in current):
			self.workflow_state = "Reopened"
		elif all(row.status == "Kept" for row in current):
			self.workflow_state = "Closed"
		else:
			self.workflow_state = "Follow-up"

	def current_obligations(self) -> list:
		return [row for row in self.obligations if row.agreed_on and row.status != "Superseded"]

	# --- escalation ------------------------------------------------------------------------------

	def escalate_if_asked(self):
		"""A case that cannot be settled at its level goes one level up and is accepted anew there."""
		if self.is_new() or not (self.flags.escalate or self.is_moving_to("Registered")):
			return
		to_level = next_level(self.handling_level)
		if not to_level:
			frappe.throw(
				_("The case is already handled at street level and cannot be escalated further."),
				title=_("Cannot Escalate"),
			)
		reason = (self.escalation_reason or "").strip()
		if not reason:
			frappe.throw(_("Give the reason for escalating the case."), title=_("Reason Missing"))
		self.append(
			"escalations",
			{
				"escalated_on": now_datetime(),
				"from_level": self.handling_level,
				"to_level": to_level,
				"from_state": self.previous_state,
				"reason": reason,
				"escalated_by": frappe.session.user,
			},
		)
		self.handling_level, self.workflow_state = to_level, "Registered"
		self.outcome = self.referred_to = self.escalation_reason = None

	# --- steps -----------------------------------------------------------------------------------

	@property
	def previous_state(self) -> str | None:
		before = self.get_doc_before_save()
		return before.workflow_state if before else None

	def is_moving_to(self, state: str) -> bool:
		return not self.is_new() and self.workflow_state == state and self.previous_state != state

	def validate_step(self):
		if self.is_moving_to("Accepted") and not self.team:
			frappe.throw(_("Form the mediation team before accepting the case."), title=_("No Team"))
		if self.is_moving_to("Agreement Reached"):
			self.validate_agreement()
		if self.is_moving_to("Failed") and not (self.outcome_note or "").strip():
			frappe.throw(_("Record why the mediation failed."), title=_("Reason Missing"))
		if self.is_moving_to("Referred") and not self.referred_to:
			frappe.throw(_("Choose where the case is referred to."), title=_("Referral Missing"))
		if self.is_moving_to("Reopened") and not any(row.status == "Broken" for row in self.obligations):
			frappe.throw(
				_("A case is reopened when a follow-up visit finds an obligation broken."),
				title=_("Nothing Broken"),
			)
		if self.is_moving_to("Closed"):
			self.validate_closing()

	def validate_agreement(self):
		self.agreement_date = self.agreement_date or nowdate()
		agreed_on = getdate(self.agreement_date)
		if agreed_on < getdate(self.registered_on):
			frappe.throw(
				_("The agreement cannot be dated before the case was registered ({0}).").format(
					frappe.format(self.registered_on, "Date")
				),
				title=_("Invalid Agreement Date"),
			)
		terms = [row for row in self.obligations if not row.agreed_on]
		if not terms:
			frappe.throw(
				_("An agreement needs at least one obligation: what each party will do, and by when."),
				title=_("No Obligations"),
			)
		parties = {party.party_name for party in self.parties}
		for row in terms:
			if row.owed_by not in parties:
				frappe.throw(
					_("Obligation {0}: {1} is not a party to this dispute.").format(
						row.idx, frappe.bold(row.owed_by)
					),
					title=_("Unknown Party"),
				)
			if getdate(row.due_date) < agreed_on:
				frappe.throw(
					_("Obligation {0} is due on {1}, before the agreement date {2}.").format(
						row.idx,
						frappe.format(row.due_date, "Date"),
						frappe.format(self.agreement_date, "Date"),
					),
					title=_("Invalid Due Date"),
				)

	def validate_closing(self):
		if self.outcome != "Agreement":
			return
		owed = [str(row.idx) for row in self.current_obligations() if row.status in mediation.OWED_STATUSES]
		if owed:
			frappe.throw(
				_("Obligations {0} are not met yet: the case closes when every obligation is met.").format(
					", ".join(owed)
				),
				title=_("Open Obligations"),
			)

	def record_step(self):
		if not self.is_moving_to(self.workflow_state):
			return
		state = self.workflow_state
		if state == "Accepted":
			self.accepted_on = now_datetime()
		elif state == "Agreement Reached":
			self.settle_obligations()
			self.outcome = "Agreement"
			self.days_to_agreement = date_diff(self.agreement_date, self.registered_on)
		elif state in ("Failed", "Referred"):
			self.outcome = state
		elif state == "Reopened":
			self.outcome = None  # the agreement was not kept: the case is unsettled again
			self.reopen_count = cint(self.reopen_count) + 1
		elif state == "Closed":
			self.closed_on = now_datetime()

	def settle_obligations(self):
		"""A new agreement replaces what an earlier one left unmet; its own terms take its date."""
		for row in self.obligations:
			if not row.agreed_on:
				row.agreed_on = self.agreement_date
			elif row.status != "Kept":
				row.status = "Superseded"

	def count_open_obligations(self):
		self.open_obligations = sum(
			1 for row in self.current_obligations() if row.status in mediation.OWED_STATUSES
		)

	# --- after saving ----------------------------------------------------------------------------

	def on_update(self):
		if self.is_moving_to("Closed"):
			mediation.award_settlement_points(self)

	# --- printing --------------------------------------------------------------------------------

	def contacts_visible(self) -> bool:
		"""May the current user read party contacts? The printed agreement shows them only then."""
		return CONTACT_PERMLEVEL in self.get_permlevel_access("read")


def earlier_disputes(registered_on, building: str | None, residents: list[str]) -> list[str]:
	"""Cases registered in the 12 months up to ``registered_on`` about the same building or with
	one of the same residents as a party, newest first."""
	case = frappe.qb.DocType("Mediation Case")
	party = frappe.qb.DocType("Mediation Party")
	same_place_or_people = []
	if building:
		same_place_or_people.append(case.building == building)
	if residents:
		with_the_same_residents = (
			frappe.qb.from_(party)
			.select(party.parent)
			.where((party.parenttype == "Mediation Case") & party.resident.isin(residents))
		)
		same_place_or_people.append(case.name.isin(with_the_same_residents))
	if not same_place_or_people:
		return []
	registered_on = getdate(registered_on)
	since = add_months(registered_on, -REPEAT_WINDOW_MONTHS)
	matches = same_place_or_people[0]
	for criterion in same_place_or_people[1:]:
		matches = matches | criterion
	return (
		frappe.qb.from_(case)
		.select(case.name)
		.where((case.registered_on >= since) & (case.registered_on <= registered_on) & matches)
		.orderby(case.registered_on, order=frappe.qb.desc)
		.orderby(case.name, order=frappe.qb.desc)
		.run(pluck=True)
	)
