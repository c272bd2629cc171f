"""Each role sees and touches exactly its part of the street: lists, single documents, link search,
the Grid Overview report and REST over HTTP all give the same answer."""

import pytest

import frappe
from frappe.desk.search import search_link
from tests.integration.conftest import as_user

B1, B2, B3, B4 = "TG11-1", "TG11-2", "TG12-3", "TG21-4"
ALL_BUILDINGS = {B1, B2, B3, B4}

# user -> buildings they may read (None: the role grants no access to the DocType at all)
BUILDINGS = {
	"soa": ALL_BUILDINGS,
	"cw1": {B1, B2, B3},
	"cw2": {B4},
	"gw11": {B1, B2},
	"gw12": {B3},
	"gw21": {B4},
	"captain1": {B1, B2},
	"captain2": {B4},
	"resident1": {B1},
	"resident2": {B4},
	"volunteer": {B3},
	"mediator": None,
}

GRIDS = {
	"soa": {"TST", "TC1", "TC2", "TG11", "TG12", "TG21"},
	"cw1": {"TC1", "TG11", "TG12"},
	"cw2": {"TC2", "TG21"},
	"gw11": {"TG11"},
	"gw12": {"TG12"},
	"gw21": {"TG21"},
	"captain1": {"TG11"},
	"captain2": {"TG21"},
	"resident1": None,
	"volunteer": None,
	"mediator": None,
}

# user -> residents (world keys) they may read
RESIDENTS = {
	"soa": {"captain1", "resident1", "neighbour1", "volunteer", "captain2", "resident2"},
	"cw1": {"captain1", "resident1", "neighbour1", "volunteer"},
	"cw2": {"captain2", "resident2"},
	"gw11": {"captain1", "resident1", "neighbour1"},
	"gw12": {"volunteer"},
	"captain1": {"captain1", "resident1", "neighbour1"},
	"captain2": {"captain2", "resident2"},
	"resident1": {"resident1"},
	"resident2": {"resident2"},
	"volunteer": {"volunteer"},
	"mediator": None,
}

CAPTAINCIES = {
	"soa": {"captain1", "captain2"},
	"cw1": {"captain1"},
	"cw2": {"captain2"},
	"gw11": {"captain1"},
	"gw12": set(),
	"captain1": {"captain1"},
	"captain2": {"captain2"},
	"resident1": None,
	"mediator": None,
}


def expected_names(world, doctype, user_key):
	table = {"Building": BUILDINGS, "Grid": GRIDS, "Resident": RESIDENTS, "Building Captain": CAPTAINCIES}[
		doctype
	]
	keys = table[user_key]
	if keys is None:
		return None
	if doctype == "Resident":
		return {world.residents[key] for key in keys}
	if doctype == "Building Captain":
		return {world.captaincies[key] for key in keys}
	return keys


def world_names(world, doctype):
	return {
		"Building": ALL_BUILDINGS,
		"Grid": GRIDS["soa"],
		"Resident": set(world.residents.values()),
		"Building Captain": set(world.captaincies.values()),
	}[doctype]


CASES = [
	(doctype, user_key)
	for doctype, table in (
		("Building", BUILDINGS),
		("Grid", GRIDS),
		("Resident", RESIDENTS),
		("Building Captain", CAPTAINCIES),
	)
	for user_key in table
]


@pytest.mark.parametrize("doctype, user_key", CASES)
def test_get_list_shows_only_the_users_part(world, doctype, user_key):
	expected = expected_names(world, doctype, user_key)
	as_user(world.users[user_key])
	if expected is None:
		with pytest.raises(frappe.PermissionError):
			frappe.get_list(doctype, pluck="name", limit_page_length=0)
		return
	seen = set(frappe.get_list(doctype, pluck="name", limit_page_length=0)) & world_names(world, doctype)
	assert seen == expected


@pytest.mark.parametrize("doctype, user_key", CASES)
def test_single_documents_follow_the_same_scope(world, doctype, user_key):
	expected = expected_names(world, doctype, user_key) or set()
	for name in world_names(world, doctype):
		doc = frappe.get_doc(doctype, name)
		allowed = frappe.has_permission(doctype, "read", doc=doc, user=world.users[user_key])
		assert allowed == (name in expected), f"{user_key} reading {doctype} {name}"


@pytest.mark.parametrize(
	"doctype, user_key", [case for case in CASES if case[0] in ("Building", "Resident", "Grid")]
)
def test_link_search_offers_only_the_users_part(world, doctype, user_key):
	expected = expected_names(world, doctype, user_key)
	as_user(world.users[user_key])
	# the site may hold other data (the demo street): search among the world's records
	only_world = {"name": ["in", sorted(world_names(world, doctype))]}
	if expected is None:
		with pytest.raises(frappe.PermissionError):
			search_link(doctype, "", filters=only_world, page_length=100)
		return
	assert {row["value"] for row in search_link(doctype, "", filters=only_world, page_length=100)} == expected


def test_get_doc_through_the_client_api_is_refused_outside_scope(world):
	from frappe.client import get as client_get

	as_user(world.users["captain1"])
	assert client_get("Building", B1)["name"] == B1
	with pytest.raises(frappe.PermissionError):
		client_get("Building", B4)
	with pytest.raises(frappe.PermissionError):
		client_get("Resident", world.residents["resident2"])


# --- writing ------------------------------------------------------------------------------


def new_resident(building, unit="1", **extra):
	return frappe.get_doc(
		{"doctype": "Resident", "full_name": "New Neighbour", "building": building, "unit": unit, **extra}
	)


def test_captain_registers_residents_only_in_their_buildings(world):
	as_user(world.users["captain1"])
	new_resident(B1).insert()
	with pytest.raises(frappe.PermissionError):
		new_resident(B4).insert()


def test_captain_cannot_move_a_resident_out_of_scope(world):
	as_user(world.users["captain1"])
	doc = frappe.get_doc("Resident", world.residents["resident1"])
	doc.building, doc.unit = B4, "1"
	with pytest.raises(frappe.PermissionError):
		doc.save()


def test_grid_worker_cannot_edit_a_building_of_another_grid(world):
	as_user(world.users["gw11"])
	doc = frappe.get_doc("Building", B1)
	doc.address = "1 Test Road"
	doc.save()
	other = frappe.get_doc("Building", B3)
	other.address = "3 Test Road"
	with pytest.raises(frappe.PermissionError):
		other.save()


def test_community_worker_adds_grids_only_inside_their_community(world):
	as_user(world.users["cw1"])
	frappe.get_doc(
		{"doctype": "Grid", "code": "TG13", "grid_name": "Grid 1-3", "level": "Grid", "parent_grid": "TC1"}
	).insert()
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc(
			{
				"doctype": "Grid",
				"code": "TG22",
				"grid_name": "Grid 2-2",
				"level": "Grid",
				"parent_grid": "TC2",
			}
		).insert()


def test_resident_cannot_edit_even_their_own_record(world):
	as_user(world.users["resident1"])
	doc = frappe.get_doc("Resident", world.residents["resident1"])
	doc.room = "999"
	with pytest.raises(frappe.PermissionError):
		doc.save()


def test_captain_cannot_appoint_captains(world):
	as_user(world.users["captain1"])
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc(
			{
				"doctype": "Building Captain",
				"resident": world.residents["resident1"],
				"term_start": "2026-01-01",
				"status": "Inactive",
				"buildings": [{"building": B1}],
			}
		).insert()


def test_community_worker_cannot_appoint_a_captain_outside_their_community(world):
	as_user(world.users["cw1"])
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc(
			{
				"doctype": "Building Captain",
				"resident": world.residents["resident2"],
				"term_start": "2026-01-01",
				"status": "Inactive",
				"buildings": [{"building": B4}],
			}
		).insert()


# --- the same over HTTP ---------------------------------------------------------------------


REST_USERS = ["soa", "cw1", "gw11", "captain1", "resident1", "volunteer", "mediator"]


@pytest.mark.http
@pytest.mark.parametrize("user_key", REST_USERS)
def test_rest_lists_and_documents_respect_scope(world, server, user_key):
	client = server.session(world.users[user_key], world.password)
	for doctype in ("Building", "Resident"):
		expected = expected_names(world, doctype, user_key)
		response = client.get(f"/api/resource/{doctype}", limit_page_length=0)
		if expected is None:
			assert response.status_code == 403
			continue
		assert response.status_code == 200, response.text
		assert {row["name"] for row in response.json()["data"]} & world_names(world, doctype) == expected
		for name in world_names(world, doctype):
			single = client.get(f"/api/resource/{doctype}/{name}")
			assert single.status_code == (200 if name in expected else 403), (
				doctype,
				name,
				single.text[:200],
			)


@pytest.mark.http
def test_rest_write_outside_scope_is_refused_and_changes_nothing(world, server):
	client = server.session(world.users["captain1"], world.password)
	response = client.put(f"/api/resource/Building/{B4}", address="taken over")
	assert response.status_code == 403
	assert not frappe.db.get_value("Building", B4, "address")
	response = client.post("/api/resource/Resident", full_name="Intruder", building=B4, unit="1")
	assert response.status_code == 403
	assert not frappe.db.exists("Resident", {"full_name": "Intruder"})


@pytest.mark.http
def test_rest_link_search_respects_scope(world, server):
	client = server.session(world.users["gw11"], world.password)
	response = client.get(
		"/api/method/frappe.desk.search.search_link", doctype="Building", txt="", page_length=100
	)
	assert response.status_code == 200, response.text
	assert {row["value"] for row in response.json()["message"]} & ALL_BUILDINGS == {B1, B2}
