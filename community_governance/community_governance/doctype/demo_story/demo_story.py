# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""A story of the demo street's life that is already on the site (``community_governance.demo.life``):
written with the story's first event, in the same transaction, so a second run plans it no more."""

from frappe.model.document import Document


class DemoStory(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		chapter: DF.Data | None
		failure: DF.SmallText | None
		lived_at: DF.Datetime | None
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		story: DF.Data
	# end: auto-generated types

	pass
