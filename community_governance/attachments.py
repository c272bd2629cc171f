"""What an Attach or Attach Image field may hold: the address of a file already uploaded to this site
that the user may use.

Frappe stores such a field as a plain string and prints it raw (``<img src="...">`` in the standard
print view, the web form's embedded JSON), so a string that merely ends in ``.png`` could carry
markup. A value is therefore accepted only when it is the ``file_url`` of a File record, on this
site (not a remote address), without characters that end an HTML attribute, and that the user
uploaded, or that is attached to this document or to a document the user may read. A value that
did not change is not checked again, nor one the app copies from a record where it was checked
(``doc.flags.copied_attachments``, a set of fieldnames; flags never come from a client).
"""

import frappe
from frappe import _

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic")
ATTACH_FIELDTYPES = ("Attach", "Attach Image")
LOCAL_FILE_PREFIXES = ("/files/", "/private/files/")
# would end the attribute or open a tag where Frappe prints the address unescaped
UNSAFE_CHARACTERS = frozenset("\"'<>`\\")


def check_attachments(doc) -> None:
	"""Check every Attach / Attach Image field of the document and of its child rows."""
	before = doc.get_doc_before_save()
	_check_fields(doc, doc, before, doc.flags.copied_attachments or ())
	for table in doc.meta.get_table_fields():
		rows_before = {row.name: row for row in (before.get(table.fieldname) if before else []) or []}
		for row in doc.get(table.fieldname) or []:
			_check_fields(row, doc, rows_before.get(row.name))


def _check_fields(record, doc, before, copied=()) -> None:
	for df in record.meta.get("fields", {"fieldtype": ("in", ATTACH_FIELDTYPES)}):
		url = record.get(df.fieldname)
		if not url or (before and before.get(df.fieldname) == url) or df.fieldname in copied:
			continue
		label = _(df.label or df.fieldname)
		if record.get("parentfield"):
			label = _("Row {0}: {1}").format(record.idx, label)
		check_file_url(url, df.fieldtype == "Attach Image", label, doc)


def check_file_url(url: str, image: bool, label: str, doc) -> None:
	if image and not is_image_address(url):
		frappe.throw(
			_("{0} must be a photo (JPG, PNG, GIF, WebP or HEIC).").format(label), title=_("Not a Photo")
		)
	if not is_local_address(url):
		frappe.throw(
			_("{0} must be a file uploaded to this site; please upload it again.").format(label),
			title=_("Unknown File"),
		)
	if not may_use_file(url, doc):
		frappe.throw(
			_("{0} is not a file you uploaded or may see; please upload it again.").format(label),
			title=_("Unknown File"),
		)


def is_local_address(url: str) -> bool:
	"""A file of this site, printable as it is inside an HTML attribute."""
	return url.startswith(LOCAL_FILE_PREFIXES) and not UNSAFE_CHARACTERS & set(url) and url.isprintable()


def is_image_address(url: str) -> bool:
	return url.lower().split("?")[0].endswith(IMAGE_EXTENSIONS)


def may_use_file(url: str, doc, user: str | None = None) -> bool:
	user = user or frappe.session.user
	files = frappe.get_all(
		"File",
		filters={"file_url": url, "is_folder": 0},
		fields=["owner", "attached_to_doctype", "attached_to_name"],
	)
	if files and user == "Administrator":
		return True
	for file in files:
		if file.owner == user:
			return True
		if not (file.attached_to_doctype and file.attached_to_name):
			continue
		if (file.attached_to_doctype, file.attached_to_name) == (doc.doctype, doc.name):
			return True
		if may_read(file.attached_to_doctype, file.attached_to_name, user):
			return True
	return False


def may_read(doctype: str, name: str, user: str) -> bool:
	if not (frappe.db.exists("DocType", doctype) and frappe.db.exists(doctype, name)):
		return False
	return frappe.has_permission(doctype, "read", name, user=user)
