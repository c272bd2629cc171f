# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""One tally per event (一场一统计): an activity is recorded with its attendees and submitted once,
which pays every attendee in one go; cancelling it reverses the payments."""

import frappe
from community_governance import ledger
from community_governance.ledger import whole_points
from community_governance.places import validate_community_and_grid
from frappe import _
from frappe.model.document import Document


class VolunteerActivity(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from community_governance.community_governance.doctype.volunteer_activity_attendee.volunteer_activity_attendee import (
			VolunteerActivityAttendee,
		)
		from frappe.types import DF

		activity_date: DF.Date
		amended_from: DF.Link | None
		attendees: DF.Table[VolunteerActivityAttendee]
		community: DF.Link
		grid: DF.Link | None
		place: DF.Data | None
		points_per_attendee: DF.Int
		section: DF.Literal[
			"Democratic Building",
			"Civilisation Creation",
			"Neighbourly Help",
			"Production Safety",
			"Dispute Mediation",
		]
		title: DF.Data
		total_points: DF.Int
	# end: auto-generated types

	def validate(self):
		self.validate_place()
		self.validate_points()
		self.validate_attendees()
		self.set_total_points()

	def validate_place(self):
		validate_community_and_grid(self.community, self.grid)

	def validate_points(self):
		self.points_per_attendee = whole_points(self.points_per_attendee)
		if self.points_per_attendee <= 0:
			frappe.throw(_("Points per attendee must be at least 1."), title=_("Invalid Points"))
		for row in self.attendees:
			# an Int column stores "no points of their own" as 0, so a saved draft reads 0 back:
			# 0 means the activity's points, only a negative number is refused
			if row.points not in (None, "", 0):
				row.points = whole_points(row.points)
				if row.points < 0:
					frappe.throw(
						_("Row {0}: points must be at least 1.").format(row.idx), title=_("Invalid Points")
					)

	def validate_attendees(self):
		seen = set()
		for row in self.attendees:
			if row.resident in seen:
				frappe.throw(
					_("Row {0}: {1} is listed twice.").format(
						row.idx, frappe.bold(row.resident_name or row.resident)
					),
					title=_("Duplicate Attendee"),
				)
			seen.add(row.resident)

	def set_total_points(self):
		self.total_points = sum(self.points_of(row) for row in self.attendees)

	def points_of(self, row) -> int:
		return row.points or self.points_per_attendee

	def on_submit(self):
		ledger.post_many(
			[{"resident": row.resident, "points": self.points_of(row)} for row in self.attendees],
			kind="Earn",
			section=self.section,
			source=self,
			posting_date=self.activity_date,
			remark=self.title,
		)

	def before_cancel(self):
		# its ledger rows stay submitted when it is cancelled: the reversal rows answer them
		self.ignore_linked_doctypes = ("Points Transaction",)

	def on_cancel(self):
		ledger.reverse_source(self, remark=_("Activity {0} cancelled").format(self.name))
