# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""A skill a volunteer or contributor offers (一技之长, the street's 银发人才库): repairs, haircuts,
teaching, law. A request category names the skill it needs, so the right people are offered first."""

from frappe.model.document import Document


class Skill(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		description: DF.SmallText | None
		is_active: DF.Check
		skill_name: DF.Data
	# end: auto-generated types

	pass
