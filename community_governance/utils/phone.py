"""Chinese phone numbers: mobile (11 digits) and landline (area code + local number).

Pure functions, no Frappe: the bottom layer that controllers and imports share.
"""

import re

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# 010 and 02x are the three-digit area codes; all others have four digits (0xxx).
_LANDLINE = re.compile(r"^(0(?:10|2\d)|0[3-9]\d{2})(\d{7,8})$")
_COUNTRY_PREFIXES = ("+86", "0086")
_SEPARATORS = re.compile(r"[\s\-()（）]")


def normalize_phone(raw: str | None) -> str | None:
	"""Return the canonical form of a phone number, or None when it is not a valid one.

	Mobiles become 11 bare digits; landlines become ``area-local`` (e.g. ``0571-88886666``).
	Spaces, dashes, brackets and a +86 / 0086 country prefix are accepted on input.
	"""
	if raw is None:
		return None
	text = _SEPARATORS.sub("", str(raw).strip())
	for prefix in _COUNTRY_PREFIXES:
		if text.startswith(prefix):
			text = text[len(prefix) :]
			break
	if not text.isdigit():
		return None
	if _MOBILE.match(text):
		return text
	landline = _LANDLINE.match(text)
	if landline:
		return f"{landline.group(1)}-{landline.group(2)}"
	return None


def is_mobile(phone: str | None) -> bool:
	return bool(phone) and bool(_MOBILE.match(phone))


def mask_phone(phone: str | None) -> str | None:
	"""What a caller who must not hold the number sees: a mobile's first three and last four digits
	(``138****5678``), a landline's area code and last four digits (``0571-****6666``)."""
	if not phone:
		return None
	if is_mobile(phone):
		return f"{phone[:3]}****{phone[-4:]}"
	area, dash, local = phone.rpartition("-")
	if dash and local.isdigit() and len(local) > 4:
		return f"{area}-****{local[-4:]}"
	return "****" + phone[-4:] if len(phone) > 4 else "****"
