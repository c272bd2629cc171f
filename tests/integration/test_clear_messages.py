"""Where a refusal or a silently kept change used to be vague: each now says what happened."""

import io
import json

import pytest

import frappe
from community_governance.api import service_request as api
from tests.integration.conftest import as_user
from tests.integration.test_service_requests import file_request, image_bytes, run_as, state

DOCTYPE = "Service Request"


def message_text(message) -> str:
	return (json.loads(message) if isinstance(message, str) else message)["message"]


def accepted_request(world) -> str:
	name = file_request(world).name
	run_as(world, "captain1", api.dispatch, name, world.users["cw1"])
	run_as(world, "cw1", api.accept, name)
	return name


def test_a_residents_plain_save_to_resolved_says_only_the_handler_resolves(world):
	name = accepted_request(world)
	as_user(world.users["resident1"])
	doc = frappe.get_doc(DOCTYPE, name)
	doc.update({"workflow_state": "Resolved", "resolution_note": "I fixed it myself"})
	with pytest.raises(frappe.PermissionError, match="Only the handler of the request"):
		doc.save()
	assert state(name) == "Accepted"


def test_a_save_of_fields_the_user_may_not_change_says_which_were_kept(world):
	name = file_request(world).name
	as_user(world.users["resident1"])
	frappe.local.message_log = []
	doc = frappe.get_doc(DOCTYPE, name)
	doc.update({"handler": world.users["resident1"], "escalation_level": "Street", "unit": "2"})
	doc.save()
	messages = " ".join(message_text(message) for message in frappe.local.message_log)
	assert "kept as they were" in messages and "Handler" in messages and "Handling Level" in messages
	assert frappe.db.get_value(DOCTYPE, name, ["handler", "escalation_level"]) == (None, "Grid")


def test_a_save_changing_nothing_forbidden_says_nothing(world):
	name = file_request(world).name
	as_user(world.users["resident1"])
	frappe.local.message_log = []
	doc = frappe.get_doc(DOCTYPE, name)
	doc.save()
	assert not frappe.local.message_log


@pytest.mark.http
def test_over_rest_the_kept_fields_and_the_handlers_step_are_spelled_out(world, server):
	resident = server.session(world.users["resident1"], world.password)
	response = resident.post(
		f"/api/resource/{DOCTYPE}", category=world.categories["repairs"], description="Broken mailbox"
	)
	name = response.json()["data"]["name"]
	response = resident.put(f"/api/resource/{DOCTYPE}/{name}", handler=world.users["resident1"])
	assert response.status_code == 200
	assert "Handler" in response.json().get("_server_messages", "")
	captain = server.session(world.users["captain1"], world.password)
	captain.post(
		"/api/method/community_governance.api.service_request.dispatch",
		name=name,
		assignee=world.users["cw1"],
	)
	server.session(world.users["cw1"], world.password).post(
		"/api/method/community_governance.api.service_request.accept", name=name
	)
	response = resident.put(
		f"/api/resource/{DOCTYPE}/{name}", workflow_state="Resolved", resolution_note="Done by me"
	)
	assert response.status_code == 403 and "Only the handler" in response.text


@pytest.mark.http
def test_a_jpg_that_is_not_an_image_is_refused_clearly(world, server):
	resident = server.session(world.users["resident1"], world.password)
	name = resident.post(
		f"/api/resource/{DOCTYPE}", category=world.categories["repairs"], description="Cracked step"
	).json()["data"]["name"]

	def upload(file_name, content):
		return resident.http.post(
			f"{resident.url}/api/method/upload_file",
			data={"doctype": DOCTYPE, "docname": name, "is_private": 1},
			files={"file": (file_name, io.BytesIO(content), "image/jpeg")},
			timeout=60,
		)

	response = upload("stairs.jpg", b"this is a text file, not a photo")
	assert response.status_code == 417, response.text[:300]
	assert response.json()["exc_type"] == "ValidationError"
	assert "not a photo" in response.json()["_server_messages"]
	response = upload("stairs.png", b"\x89PNG but not really")
	assert response.status_code == 417
	assert upload("stairs.jpg", image_bytes(32, "JPEG")).status_code == 200
