"""Scheduled jobs (registered in hooks.py)."""

import frappe
from community_governance import escalation, personal_data
from frappe import _
from frappe.utils import now_datetime


def escalate_overdue_requests(now=None, inline: bool = False) -> int | None:
	"""Every 15 minutes: move each overdue request up one level, in batches on the background
	queue (see escalation.py)."""
	return escalation.run(now, inline=inline)


def remind_captains_without_patrol(now=None) -> list[str]:
	"""Hourly; acts at the hour set in Community Governance Settings: captains who have not logged
	today's patrol of each of their buildings get a reminder. Returns the users reminded."""
	now = now or now_datetime()
	hour = frappe.db.get_single_value("Community Governance Settings", "patrol_reminder_hour")
	if hour is None or now.hour != int(hour):
		return []
	reminded = []
	for user, buildings in captains_missing_patrol(now.date()).items():
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": user,
				"type": "Alert",
				"document_type": "Patrol Log",
				"subject": _("Today's patrol is not logged yet for: {0}").format(
					", ".join(sorted(buildings))
				),
			}
		).insert(ignore_permissions=True)
		reminded.append(user)
	return reminded


def captains_missing_patrol(day) -> dict[str, set]:
	"""Active captains' users and the buildings they have not logged a patrol for on ``day``."""
	captain = frappe.qb.DocType("Building Captain")
	row = frappe.qb.DocType("Building Captain Building")
	log = frappe.qb.DocType("Patrol Log")
	logged = frappe.qb.from_(log).select(log.building).where(log.patrol_date == day)
	missing = (
		frappe.qb.from_(captain)
		.join(row)
		.on(row.parent == captain.name)
		.select(captain.user, row.building)
		.where((captain.status == "Active") & captain.user.isnotnull() & row.building.notin(logged))
		.run()
	)
	by_user = {}
	for user, building in missing:
		by_user.setdefault(user, set()).add(building)
	return by_user


def anonymise_departed_residents(today=None) -> list[str]:
	"""Daily: anonymise the personal data of residents who left more than the retention period ago."""
	return personal_data.anonymise_departed(today)
