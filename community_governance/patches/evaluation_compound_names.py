"""Property Service Evaluation.compound was the compound's name as free text; it is now a link to a
Compound record. The old text moves to compound_name, and the link is kept only where it names a
Compound record."""

import frappe


def execute():
	evaluation = frappe.qb.DocType("Property Service Evaluation")
	compound = frappe.qb.DocType("Compound")
	(
		frappe.qb.update(evaluation)
		.set(evaluation.compound_name, evaluation.compound)
		.where(evaluation.compound_name.isnull() | (evaluation.compound_name == ""))
		.run()
	)
	(
		frappe.qb.update(evaluation)
		.set(evaluation.compound, None)
		.where(
			evaluation.compound.isnotnull()
			& evaluation.compound.notin(frappe.qb.from_(compound).select(compound.name))
		)
		.run()
	)
