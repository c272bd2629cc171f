"""The building's notice board (楼栋长信息公示牌): who the captain is, a QR code that opens the
resident request form for the building and one that opens the registration for its residents
(/me/join with the building chosen). Used by the "Building Notice Board" print format."""

import base64
import io
from urllib.parse import quote

import pyqrcode

import frappe


def request_form_url(building: str) -> str:
	return frappe.utils.get_url(f"/service-request/new?building={quote(building)}")


def join_url(building: str) -> str:
	return frappe.utils.get_url(f"/me/join?building={quote(building)}")


def qr_code_data_uri(text: str) -> str:
	buffer = io.BytesIO()
	pyqrcode.create(text, error="M").png(buffer, scale=6, quiet_zone=2)
	return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def notice_board(building: str) -> dict:
	"""What the board shows: the active captain, their public phone and photo, the duties, the QR code."""
	captain = frappe.qb.DocType("Building Captain")
	row = frappe.qb.DocType("Building Captain Building")
	found = (
		frappe.qb.from_(captain)
		.join(row)
		.on(row.parent == captain.name)
		.select(
			captain.captain_name, captain.public_phone, captain.photo, captain.term_start, captain.term_end
		)
		.where((row.building == building) & (captain.status == "Active"))
		.limit(1)
		.run(as_dict=True)
	)
	url = request_form_url(building)
	joining = join_url(building)
	return {
		"captain": found[0] if found else None,
		"duties": frappe.db.get_single_value("Community Governance Settings", "captain_duties"),
		"form_url": url,
		"qr_code": qr_code_data_uri(url),
		"join_url": joining,
		"join_qr_code": qr_code_data_uri(joining),
	}
