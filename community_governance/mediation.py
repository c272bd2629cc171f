"""Mediation cases: the rules they share beyond a single case — the points a settled case earns its volunteers, and the daily reminder of obligations coming due.

A case file is confidential to its team, its registrar and Street Office Admins (see the
"Mediation Case" rule in scope.py); everything here keeps to that circle.
"""

import frappe
from community_governance import ledger
from frappe import _
from frappe.desk.doctype.notification_log.notification_log import make_notification_logs
from frappe.utils import add_days, formatdate, getdate, nowdate

DOCTYPE = "Mediation Case"
MEDIATOR_ROLE = "Mediator"
VOLUNTEER_ROLE = "Volunteer"
POINTS_SECTION = "Dispute Mediation"
# Points each volunteer on the team earns when a case closes with its agreement kept.
# To become a field of Community Governance Settings.
SETTLEMENT_POINTS = 5
# Obligations due within this many days are announced to the team (and overdue ones every day).
# To become a field of Community Governance Settings.
REMINDER_DAYS = 3
# obligation statuses: still owed, or owed and not kept; Superseded ones belong to an older agreement
OWED_STATUSES = ("Open", "Broken")
# while an agreement is in force, its obligations are followed up
FOLLOW_UP_STATES = ("Agreement Reached", "Follow-up")


# --- points ------------------------------------------------------------------------------------


def award_settlement_points(case) -> int:
	"""Volunteers on the team of a case closed with its agreement kept earn the mediation points.
	Paid once: the ledger refuses a second award for the same case and resident."""
	if case.points_awarded or case.outcome != "Agreement":
		return 0
	volunteers = sorted(
		{
			member.resident
			for member in case.team
			if member.resident and VOLUNTEER_ROLE in frappe.get_roles(member.user)
		}
	)
	for resident in volunteers:
		ledger.post(
			resident,
			SETTLEMENT_POINTS,
			"Earn",
			section=POINTS_SECTION,
			source=case,
			remark=_("Mediation case {0} settled").format(case.name),
		)
	case.db_set("points_awarded", 1, update_modified=False)
	return len(volunteers)


# --- reminders ---------------------------------------------------------------------------------


def remind_obligations(today=None) -> int:
	"""Daily: tell each team of the obligations of its cases that fall due within REMINDER_DAYS
	days or are overdue and not yet met. Running twice a day sends nothing new."""
	today = getdate(today or nowdate())
	sent = 0
	for row in obligations_due_by(add_days(today, REMINDER_DAYS)):
		for user in (row.team_users or "").split():
			sent += _remind(user, row, today)
	return sent


def obligations_due_by(horizon) -> list[dict]:
	case = frappe.qb.DocType(DOCTYPE)
	obligation = frappe.qb.DocType("Mediation Obligation")
	return (
		frappe.qb.from_(obligation)
		.join(case)
		.on(obligation.parent == case.name)
		.select(case.name.as_("case"), case.team_users, obligation.idx, obligation.due_date)
		.where(
			(obligation.parenttype == DOCTYPE)
			& case.workflow_state.isin(FOLLOW_UP_STATES)
			& (obligation.status == "Open")
			& obligation.agreed_on.isnotnull()
			& (obligation.due_date <= horizon)
		)
		.orderby(obligation.due_date)
		.run(as_dict=True)
	)


def _remind(user: str, row, today) -> int:
	# the subject names no party and no term: a notification may also go out by email
	lang = frappe.db.get_value("User", user, "language") or frappe.db.get_default("lang") or "en"
	due = formatdate(row.due_date)
	if getdate(row.due_date) < today:
		subject = _("Obligation {0} of mediation case {1} is overdue: it was due on {2}.", lang=lang)
	else:
		subject = _("Obligation {0} of mediation case {1} is due on {2}.", lang=lang)
	subject = subject.format(row.idx, row.case, due)
	already_sent = frappe.db.exists(
		"Notification Log",
		{"for_user": user, "document_name": row.case, "subject": subject, "creation": (">=", today)},
	)
	if already_sent:
		return 0
	make_notification_logs(
		{"type": "Alert", "document_type": DOCTYPE, "document_name": row.case, "subject": subject},
		[user],
	)
	return 1
