"""Property Service Evaluation.compound was the compound's name as free text; it is now a link to a
Compound record. The old text moves to compound_name (the record's own name where the text already
names a Compound record), and the link is kept only where it names one. Each statement only fills
what is empty or clears what is not a record, so running it again changes nothing."""

import frappe


def execute():
	evaluation = frappe.qb.DocType("Property Service Evaluation")
	compound = frappe.qb.DocType("Compound")
	frappe.db.sql(
		"""update `tabProperty Service Evaluation` evaluation
		join `tabCompound` compound on compound.name = evaluation.compound
		set evaluation.compound_name = compound.compound_name
		where ifnull(evaluation.compound_name, '') = ''"""
	)
	unnamed = evaluation.compound_name.isnull() | (evaluation.compound_name == "")
	frappe.qb.update(evaluation).set(evaluation.compound_name, evaluation.compound).where(unnamed).run()
	(
		frappe.qb.update(evaluation)
		.set(evaluation.compound, None)
		.where(
			evaluation.compound.isnotnull()
			& evaluation.compound.notin(frappe.qb.from_(compound).select(compound.name))
		)
		.run()
	)
