"""Acts many people take on one shared record at once: votes, support, sign-ins, joins, scorecards.

A deliberation meeting is the moment when many households act together, so none of these acts
loads the parent, appends a row and saves the whole parent (the saves would overwrite each other,
or fail on Frappe's "modified after you opened it" check). Instead each act:

1. locks the parent row (``SELECT ... FOR UPDATE``) and reads it and its rows as they are now;
   whoever acts on the same record next waits, then sees this act;
2. checks its rule against those fresh rows;
3. inserts its own child row, with a ``rule_key`` the database keeps unique (one vote per household
   per matter, one support per resident...), the backstop whatever reaches the table;
4. writes the counts and tallies computed from the rows to the parent, which also moves the
   parent's ``modified``: a copy opened in the desk before the act is then refused on save instead
   of deleting the new row.

A deadlock rolls the act back; it is run again. Nothing here knows the rules themselves.
"""

import functools
import random
import time
from collections.abc import Callable

import frappe
from frappe import _
from frappe.model.document import Document

RULE_KEY = "rule_key"
ATTEMPTS = 4


def rule_key(*parts) -> str:
	"""The unique key of one act, from what the rule counts once (e.g. meeting, matter, household)."""
	return "|".join(str(part) for part in parts)


def lock(doctype: str, name: str) -> Document:
	"""The parent and its rows as committed now, locked until this transaction ends."""
	return frappe.get_doc(doctype, name, for_update=True)


def add_row(
	parent: Document,
	parentfield: str,
	values: dict,
	*,
	duplicate: str,
	title: str,
	check: Callable[[Document], None] | None = None,
) -> Document:
	"""Insert one row of the locked parent on its own. ``check`` runs the controller's own checks on
	the row first (it may set the row's ``rule_key``). A row whose ``rule_key`` is already taken, in
	the fresh rows or by the database's unique key, is refused with the caller's message."""
	row = parent.append(parentfield, values)
	try:
		if check:
			check(row)
		validate_row(row)
		key = row.get(RULE_KEY)
		if key and any(other is not row and other.get(RULE_KEY) == key for other in parent.get(parentfield)):
			frappe.throw(duplicate, title=title)
		try:
			row.db_insert()
		except frappe.UniqueValidationError:
			frappe.clear_last_message()  # Frappe's own "must be unique" notice
			frappe.throw(duplicate, title=title)
	except Exception:
		parent.get(parentfield).remove(row)
		raise
	return row


def validate_row(row: Document) -> None:
	"""What saving the parent would have checked of the row: mandatory values, select options,
	lengths and links."""
	missing = row._get_missing_mandatory_fields()
	if missing:
		frappe.throw(", ".join(message for _fieldname, message in missing), frappe.MandatoryError)
	row._validate_selects()
	row._validate_length()
	invalid_links, _cancelled = row.get_invalid_links()
	if invalid_links:
		frappe.throw(
			_("Could not find {0}").format(", ".join(link[2] for link in invalid_links)),
			frappe.LinkValidationError,
		)


def update_parent(parent: Document, values: dict) -> None:
	"""Write what the rows add up to, and move the parent's ``modified`` with it."""
	values = values or {"modified_by": frappe.session.user}
	frappe.db.set_value(parent.doctype, parent.name, values)
	parent.update(values)


def update_row(row: Document, values: dict) -> None:
	"""Write computed figures to one existing row (its parent is moved by ``update_parent``)."""
	frappe.db.set_value(row.doctype, row.name, values, update_modified=False)
	row.update(values)


def retry_on_deadlock(act):
	"""Run the act again when the database chose it as the victim of a deadlock (it rolled the whole
	transaction back), a few times; then, or after a lock wait timeout, a clear message instead of
	a raw error."""

	@functools.wraps(act)
	def run(*args, **kwargs):
		for attempt in range(1, ATTEMPTS + 1):
			try:
				return act(*args, **kwargs)
			except frappe.QueryDeadlockError:
				frappe.db.rollback()
				frappe.clear_messages()
				if attempt == ATTEMPTS:
					break
				# apart again, so the acts that deadlocked do not meet again at once
				time.sleep(random.uniform(0.02, 0.1) * attempt)
			except frappe.QueryTimeoutError:
				# waited the database's whole lock timeout already: trying again would wait as long
				frappe.db.rollback()
				frappe.clear_messages()
				break
		frappe.throw(_("Many people are doing this at the same moment; please try again."), title=_("Busy"))

	return run
