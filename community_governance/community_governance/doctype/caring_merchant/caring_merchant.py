# Copyright (c) 2026, Community Governance Developers and contributors
# For license information, please see license.txt

"""A caring merchant (爱心商家): a shop in a grid that honours residents' rewards at its counter.
Its offers are the Rewards naming it; whoever serves at its counter logs in to /me/merchant."""

import frappe
from community_governance import merchants, partners
from community_governance.utils.text import plain_text
from frappe.model.document import Document


class CaringMerchant(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from community_governance.community_governance.doctype.caring_merchant_counter_user.caring_merchant_counter_user import (
			CaringMerchantCounterUser,
		)
		from frappe.types import DF

		address: DF.SmallText
		community: DF.Link | None
		contact_person: DF.Data | None
		contact_phone: DF.Data | None
		counter_users: DF.Table[CaringMerchantCounterUser]
		grid: DF.Link
		is_active: DF.Check
		joined_on: DF.Date | None
		merchant_name: DF.Data
		offers: DF.SmallText | None
	# end: auto-generated types

	def validate(self):
		merchants.validate_grid(self.grid)
		self.set_community()
		self.keep_text_plain()
		self.contact_phone = partners.canonical_phone(self.contact_phone)
		merchants.validate_counter_users(self)

	def set_community(self):
		# set here as well as by fetch_from: a forged community beside the grid does not count
		self.community = frappe.db.get_value("Grid", self.grid, "parent_grid")

	def keep_text_plain(self):
		for fieldname in ("merchant_name", "address", "offers", "contact_person"):
			if self.get(fieldname):
				self.set(fieldname, plain_text(self.get(fieldname)))

	def on_update(self):
		merchants.sync_counter_roles(self)
