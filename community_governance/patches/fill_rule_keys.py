"""Give the votes, supporters, sign-ins, members and scorecards a site already has the rule_key
that keeps each act once (see community_governance/shared_records.py). Rows that break a rule
(acts stored twice before the key existed) keep the earliest; the counts of their parents are
computed again from the rows that stay. Safe to run again."""

import frappe
from community_governance import deliberation, shared_records
from community_governance.community_governance.doctype.property_service_evaluation.property_service_evaluation import (
	RESULT_FIELDS,
)


def execute():
	counting = dict(frappe.qb.from_("Deliberation Matter").select("name", "counting").run())

	def vote_key(row):
		unit = deliberation.voting_unit(
			counting.get(row.matter) or deliberation.PER_PERSON, row.resident, row.household
		)
		return shared_records.rule_key(row.parent, row.matter, unit)

	def resident_key(row):
		return shared_records.rule_key(row.parent, row.resident) if row.resident else None

	fill("Deliberation Vote", "Deliberation Meeting", ["matter", "resident", "household"], vote_key)
	fill("Deliberation Attendance", "Deliberation Meeting", ["resident"], resident_key)
	for parent in fill("Deliberation Supporter", "Deliberation Matter", ["resident"], resident_key):
		count_rows(parent, "Deliberation Matter", "Deliberation Supporter", "support_count")
	for parent in fill("Volunteer Team Member", "Volunteer Team", ["resident"], resident_key):
		count_rows(parent, "Volunteer Team", "Volunteer Team Member", "member_count")
	for parent in fill("Property Service Score", "Property Service Evaluation", ["resident"], resident_key):
		evaluation = frappe.get_doc("Property Service Evaluation", parent)
		evaluation.compute_results()
		frappe.db.set_value(
			evaluation.doctype,
			parent,
			{fieldname: evaluation.get(fieldname) for fieldname in RESULT_FIELDS},
			update_modified=False,
		)


def fill(child: str, parenttype: str, fields: list[str], key_of) -> set[str]:
	"""Set every row's key, the earliest row of a key first; delete the later ones. Returns the
	parents that lost a row."""
	table = frappe.qb.DocType(child)
	frappe.qb.update(table).set(table.rule_key, None).where(table.parenttype == parenttype).run()
	rows = (
		frappe.qb.from_(table)
		.select(table.name, table.parent, *fields)
		.where(table.parenttype == parenttype)
		.orderby(table.creation)
		.orderby(table.idx)
		.run(as_dict=True)
	)
	seen, changed = set(), set()
	for row in rows:
		key = key_of(row)
		if key and key in seen:
			frappe.db.delete(child, {"name": row.name})
			changed.add(row.parent)
		elif key:
			seen.add(key)
			frappe.db.set_value(child, row.name, "rule_key", key, update_modified=False)
	return changed


def count_rows(parent: str, parenttype: str, child: str, fieldname: str) -> None:
	count = frappe.db.count(child, {"parent": parent, "parenttype": parenttype})
	frappe.db.set_value(parenttype, parent, fieldname, count, update_modified=False)
