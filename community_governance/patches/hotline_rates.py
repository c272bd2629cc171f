"""Requests recorded before the hotline's rates: deadlines from filing, the first response, the
answer to "solved?", and reopened requests that still carried their old resolution. Each statement
only fills what is empty or clears what must not be there, so running it again changes nothing."""

import frappe


def execute():
	# the targets stored on the request, counted from filing in calendar hours (the app's only clock
	# until then)
	frappe.db.sql(
		"""update `tabService Request`
		set response_due_from_filing = timestampadd(second, round(response_hours * 3600), creation)
		where response_due_from_filing is null"""
	)
	frappe.db.sql(
		"""update `tabService Request`
		set resolution_due_from_filing = timestampadd(second, round(resolution_hours * 3600), creation)
		where resolution_due_from_filing is null"""
	)
	frappe.db.sql(
		"""update `tabService Request`
		set responded_on = coalesce(least(accepted_on, rejected_on), accepted_on, rejected_on)
		where responded_on is null and (accepted_on is not null or rejected_on is not null)"""
	)
	# until now a rating decided alone: a satisfied rating closed the request, meaning solved
	frappe.db.sql(
		"""update `tabService Request`
		set solved = if(satisfied, 'Yes', 'No')
		where coalesce(solved, '') = '' and rated_on is not null and rating between 1 and 5"""
	)
	# a reopened request is unresolved until it is resolved again
	frappe.db.sql(
		"""update `tabService Request`
		set resolved_on = null, resolved_on_time = 0, hours_to_resolve = 0
		where workflow_state not in ('Resolved', 'Closed') and resolved_on is not null"""
	)
