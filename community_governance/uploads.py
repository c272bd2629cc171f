"""Uploads go through Frappe's ``upload_file`` after one check of the app's: a file named like a
photo must hold an image. Frappe reads the bytes of a JPEG it is given (to strip its EXIF data)
before any validation hook runs, and fails with a server error on bytes that are not an image."""

import io

import frappe
from frappe import _
from frappe.handler import upload_file as frappe_upload_file

# the photo types Pillow reads; others (HEIC) pass through unchecked
READABLE_PHOTOS = (".jpg", ".jpeg", ".png", ".gif", ".webp")


@frappe.whitelist(allow_guest=True)  # as Frappe's own: it decides who may upload
def upload_file():
	upload = frappe.request.files.get("file") if frappe.request and frappe.request.files else None
	if upload:
		name = frappe.form_dict.file_name or upload.filename or ""
		content = upload.stream.read()
		upload.stream.seek(0)
		refuse_photo_that_is_not_an_image(name, content)
	return frappe_upload_file()


def refuse_photo_that_is_not_an_image(file_name: str, content: bytes) -> None:
	if not file_name.lower().endswith(READABLE_PHOTOS):
		return
	from PIL import Image

	try:
		with Image.open(io.BytesIO(content)) as image:
			image.verify()
		return
	except Exception:
		pass  # refused below, outside the handler: the user needs the reason, not Pillow's
	frappe.throw(
		_("{0} is not a photo: its contents are not an image.").format(frappe.bold(file_name)),
		title=_("Not a Photo"),
	)
