"""The demo street on the test site, built as an administrator would build it."""

import frappe
from community_governance import demo
from community_governance.demo import life as street_life

SETTINGS = "Community Governance Settings"


def build_small_demo() -> street_life.Life:
	"""Build the small demo outside test mode (the street's notifications are built, then muted), and
	leave the app's settings the rest of the suite reads as they were: the demo puts its street on
	working time, and names the rectifications' category."""
	kept = frappe.db.get_singles_dict(SETTINGS)
	in_test, frappe.flags.in_test = frappe.flags.in_test, False
	try:
		return demo.build_demo(scale="small")
	finally:
		frappe.flags.in_test = in_test
		frappe.flags.in_web_form = False
		changed = {
			field: kept.get(field)
			for field, value in frappe.db.get_singles_dict(SETTINGS).items()
			if field not in ("modified", "modified_by") and value != kept.get(field)
		}
		if changed:
			frappe.db.set_single_value(SETTINGS, changed)
		frappe.clear_document_cache(SETTINGS, SETTINGS)
		frappe.db.commit()
