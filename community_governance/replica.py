"""Reads on the site's read replica, where it has one (``read_from_replica`` with ``replica_host``).

Frappe's report views already read there (``frappe.read_only``). These wrappers bring the rest of
what a street office reads all day to the replica: script reports, the workspace's number cards and
charts. While one runs on the replica, whatever it would write is deferred to the primary (Frappe's
own read-only flag: an error log goes through the deferred-insert queue) or left out (a chart's
"last synced" stamp), because a replica takes no writes: a script report refusing a bad filter
would otherwise fail with the replica's read-only error instead of the report's own message.
"""

from contextlib import contextmanager

import frappe


@contextmanager
def deferring_writes():
	"""Within ``frappe.read_only``: writes Frappe can defer are deferred, if on a replica."""
	if not frappe.conf.read_from_replica:
		yield
		return
	was_read_only, frappe.flags.read_only = frappe.flags.read_only, True
	try:
		yield
	finally:
		frappe.flags.read_only = was_read_only


@frappe.whitelist()
@frappe.read_only()
def run_report(**kwargs):
	"""Frappe's ``query_report.run``, read on the replica where there is one."""
	from frappe.desk.query_report import run

	with deferring_writes():
		return run(**frappe.get_newargs(run, kwargs))


@frappe.whitelist()
@frappe.read_only()
def number_card_result(doc, filters, to_date=None):
	"""Frappe's number card figure (``get_result``), read on the replica where there is one."""
	from frappe.desk.doctype.number_card.number_card import get_result

	return get_result(doc, filters, to_date)


@frappe.whitelist()
@frappe.read_only()
def dashboard_chart_data(**kwargs):
	"""Frappe's dashboard chart data (``dashboard_chart.get``), read on the replica where there is
	one; the data itself is cached in Redis as before."""
	from frappe.desk.doctype.dashboard_chart.dashboard_chart import get

	with deferring_writes():
		return get(**frappe.get_newargs(get, kwargs))
