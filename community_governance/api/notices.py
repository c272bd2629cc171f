"""Notices (通知公告) for phones and other clients.

Residents:

- ``mark_read(notice)`` (POST): the resident opened the notice; idempotent.
- ``confirm_read(notice)`` (POST): the resident confirms a notice that asks for it; idempotent,
  the first confirmation's time is kept. Both answer ``{"notice", "read_on", "confirmed_on"}``.
- ``my_notices()`` (GET): the resident's live notices, unread first, and the unread count.

Staff and captains:

- ``unread_by_building(notice)`` (GET): who has not confirmed (or, for a notice that asks no
  confirmation, not opened) it, building by building and door by door, limited to the buildings of
  the caller's scope (a captain's own buildings, a grid worker's grid). Answers::

      {"notice", "title", "requires_confirmation", "counts": "confirmed" | "read",
       "recipients", "done",
       "buildings": [{"building", "building_name", "recipients", "done", "pending",
                      "doors": [{"unit", "room",
                                 "residents": [{"resident", "full_name", "phone_masked", "read_on"}]}]}]}

  ``phone_masked`` is None for a caller who may not read door-to-door fields. A care group's
  notice answers only to workers who may read care tags (403 for captains).
"""

import frappe
from community_governance import notices, scope
from frappe import _


def _own_residents() -> frozenset:
	residents = scope.get_scope().residents
	if not residents:
		frappe.throw(
			_("Only registered residents receive notices; please ask your community to register you."),
			frappe.PermissionError,
		)
	return residents


@frappe.whitelist(methods=["POST"])
def mark_read(notice: str) -> dict:
	receipt = notices.own_receipt(notice, _own_residents())
	notices.check_live(notice)
	return notices.mark(receipt, confirm=False)


@frappe.whitelist(methods=["POST"])
def confirm_read(notice: str) -> dict:
	receipt = notices.own_receipt(notice, _own_residents())
	if not notices.check_live(notice).requires_confirmation:
		frappe.throw(_("This notice does not ask you to confirm."), title=_("No Confirmation Needed"))
	return notices.mark(receipt, confirm=True)


@frappe.whitelist(methods=["GET"])
def my_notices() -> dict:
	resident = min(_own_residents())
	rows = notices.notices_of(resident)
	return {"unread": sum(1 for row in rows if not row.read_on), "notices": rows}


@frappe.whitelist(methods=["GET"])
def unread_by_building(notice: str) -> dict:
	if not scope.is_worker():
		frappe.throw(
			_("Only staff and building captains see who has not read a notice."), frappe.PermissionError
		)
	if not frappe.db.exists(notices.NOTICE, notice):
		frappe.throw(_("Notice {0} does not exist.").format(notice), frappe.DoesNotExistError)
	doc = frappe.get_doc(notices.NOTICE, notice)
	doc.check_permission("read")
	if doc.care_group and not notices.may_address_care_groups():
		# the list would say who in the building is in the care group
		frappe.throw(
			_("Only workers who may read residents' care tags see who received a care group's notice."),
			frappe.PermissionError,
		)
	return notices.unread_by_building(doc)
