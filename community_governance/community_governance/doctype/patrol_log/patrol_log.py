# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""Daily patrol, daily report (日巡查、日报告): one log per captain, building and day, with either a
nil report or what was found. A finding becomes a service request in one step and shows its status."""

import frappe
from community_governance import attachments, scope
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, today


class PatrolLog(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from community_governance.community_governance.doctype.patrol_finding.patrol_finding import (
			PatrolFinding,
		)
		from frappe.types import DF

		building: DF.Link
		captain: DF.Link
		captain_name: DF.Data | None
		captain_user: DF.Link | None
		community: DF.Link | None
		findings: DF.Table[PatrolFinding]
		grid: DF.Link | None
		nil_report: DF.Check
		patrol_date: DF.Date
	# end: auto-generated types

	def validate(self):
		self.set_captain()
		self.validate_captain_runs_building()
		self.validate_logger()
		self.validate_date()
		self.validate_report()
		self.validate_photos()
		self.validate_one_log_a_day()

	def set_captain(self):
		if self.captain:
			return
		self.captain = active_captaincy(frappe.session.user, self.building)
		if not self.captain:
			frappe.throw(
				_("You are not the active captain of building {0}.").format(frappe.bold(self.building)),
				frappe.PermissionError,
			)
		self.captain_name, self.captain_user = frappe.db.get_value(
			"Building Captain", self.captain, ["captain_name", "user"]
		)

	def validate_captain_runs_building(self):
		runs = frappe.db.exists(
			"Building Captain Building",
			{"parent": self.captain, "parenttype": "Building Captain", "building": self.building},
		)
		if not runs or frappe.db.get_value("Building Captain", self.captain, "status") != "Active":
			frappe.throw(
				_("{0} is not the active captain of building {1}.").format(
					frappe.bold(self.captain_name or self.captain), frappe.bold(self.building)
				),
				title=_("Not Your Building"),
			)

	def validate_logger(self):
		user = frappe.session.user
		if user in (self.captain_user, "Administrator"):
			return
		if set(frappe.get_roles(user)) & (scope.SEES_ALL_ROLES | scope.STAFF_ROLES):
			return  # staff may record a patrol on the captain's behalf
		frappe.throw(_("A captain logs only their own patrols."), frappe.PermissionError)

	def validate_date(self):
		if getdate(self.patrol_date) > getdate(today()):
			frappe.throw(
				_("A patrol cannot be logged for a day that has not come yet."), title=_("Future Date")
			)

	def validate_report(self):
		for finding in self.findings:
			finding.description = (finding.description or "").strip()
			if not finding.description:
				frappe.throw(
					_("Row {0}: describe what was found.").format(finding.idx), title=_("Description Missing")
				)
		if self.nil_report and self.findings:
			frappe.throw(
				_("A nil report has no findings; untick Nothing Found or remove the findings."),
				title=_("Nil Report"),
			)
		if not self.nil_report and not self.findings:
			frappe.throw(
				_("Record a finding, or tick Nothing Found for a nil report."), title=_("Empty Report")
			)

	def validate_photos(self):
		# a photo is a file uploaded to this site, never a string that only looks like one
		attachments.check_attachments(self)

	def validate_one_log_a_day(self):
		# the database also refuses a second log (unique key); this gives the friendly message first
		existing = frappe.db.exists(
			"Patrol Log",
			{
				"captain": self.captain,
				"building": self.building,
				"patrol_date": self.patrol_date,
				"name": ("!=", self.name),
			},
		)
		if existing:
			frappe.throw(
				_("Building {0} already has a patrol log for {1}: {2}.").format(
					frappe.bold(self.building), frappe.format(self.patrol_date, "Date"), existing
				),
				title=_("Already Logged"),
			)


def active_captaincy(user: str, building: str) -> str | None:
	captain = frappe.qb.DocType("Building Captain")
	row = frappe.qb.DocType("Building Captain Building")
	found = (
		frappe.qb.from_(captain)
		.join(row)
		.on(row.parent == captain.name)
		.select(captain.name)
		.where((captain.user == user) & (captain.status == "Active") & (row.building == building))
		.limit(1)
		.run(pluck=True)
	)
	return found[0] if found else None


def sync_finding_status(request, method=None):
	"""``Service Request.on_update``: a finding shows the live status of the request it became."""
	if request.channel != "Patrol":
		return
	# a request is linked after it is filed, with its status; later saves matter when it moves
	if request.flags.in_insert or not request.has_value_changed("workflow_state"):
		return
	finding = frappe.qb.DocType("Patrol Finding")
	frappe.qb.update(finding).set(finding.request_status, request.workflow_state).where(
		finding.service_request == request.name
	).run()
