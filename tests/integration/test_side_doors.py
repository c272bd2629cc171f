"""No read path returns a record outside the user's scope, and no write files or moves one there.

The cases are generated from hooks.py and the DocType metadata: every DocType registered with the
scope model and every child table of them gets a record (or row) that belongs to Community Two,
outside the scope of every user of Community One, and each read path Frappe offers is asked for it
over HTTP as each of those users. A DocType or child table added later without a rule in hooks.py,
or without a factory below, fails this suite. The Street Office Admin must see the same record by
the same paths, so a path that returns nothing at all cannot pass for a closed one.
"""

import glob
import json
import os
import runpy
from types import SimpleNamespace

import pytest

import community_governance
import frappe
from frappe.utils import nowdate

APP_PATH = os.path.dirname(community_governance.__file__)
HOOKS = runpy.run_path(os.path.join(APP_PATH, "hooks.py"))
SCOPED = "community_governance.scope.has_permission"
CHILD_RULE = "community_governance.scope.child_query_condition"
# governed DocTypes: judged by the scope model (a list condition of their own is checked below)
GOVERNED = sorted(doctype for doctype, method in HOOKS["has_permission"].items() if method == SCOPED)
OUTSIDERS = ("resident1", "volunteer", "captain1", "gw11", "gw12", "cw1", "mediator", "merchant1")
FOREIGN_BUILDING, FOREIGN_GRID, FOREIGN_COMMUNITY = "TG21-4", "TG21", "TC2"
PREFIX = "SD-"  # names of the records this module makes, removed when it ends


def sd_name(*parts: str) -> str:
	return PREFIX + "-".join(frappe.scrub(part) for part in parts)


# --- the foreign records: one per governed DocType, in Community Two ------------------------------
# DocType -> function(world) returning (name, made_here). Records are written straight to the
# database: they only have to sit in the foreign place, with a row in every child table.


def _existing(name):
	return lambda world: (name(world), False)


def _place(**extra):
	return {"building": FOREIGN_BUILDING, "grid": FOREIGN_GRID, "community": FOREIGN_COMMUNITY, **extra}


def _record(doctype, values):
	def make(world):
		name = sd_name(doctype)
		if not frappe.db.exists(doctype, name):
			frappe.get_doc({"doctype": doctype, "name": name, **values(world)}).db_insert()
		return name, True

	return make


def _points_account(world):
	resident = world.residents["resident2"]
	if frappe.db.exists("Points Account", resident):
		return resident, False
	frappe.get_doc(
		{"doctype": "Points Account", "name": resident, "resident": resident, **_place()}
	).db_insert()
	return resident, True


FACTORIES = {
	"Grid": _existing(lambda world: FOREIGN_GRID),
	"Building": _existing(lambda world: FOREIGN_BUILDING),
	"Resident": _existing(lambda world: world.residents["resident2"]),
	"Building Captain": _existing(lambda world: world.captaincies["captain2"]),
	"Service Request": _record(
		"Service Request",
		lambda world: _place(
			requester=world.residents["resident2"],
			request_type="Request",
			workflow_state="Open",
			category=world.categories["repairs"],
			subject="Side door",
		),
	),
	"Points Transaction": _record(
		"Points Transaction",
		lambda world: _place(resident=world.residents["resident2"], points=1, kind="Earn", docstatus=1),
	),
	"Points Account": _points_account,
	"Points Monthly Total": _record(
		"Points Monthly Total",
		lambda world: _place(resident=world.residents["resident2"], month="2001-01-01"),
	),
	"Points Period Total": _record(
		"Points Period Total",
		lambda world: _place(resident=world.residents["resident2"], period="2001-H1"),
	),
	"Volunteer Activity": _record("Volunteer Activity", lambda world: _place()),
	"Reward Redemption": _record(
		"Reward Redemption", lambda world: _place(resident=world.residents["resident2"])
	),
	"Patrol Log": _record(
		"Patrol Log",
		lambda world: _place(captain=world.captaincies["captain2"], patrol_date="2001-01-01"),
	),
	"Captain Evaluation": _record(
		"Captain Evaluation",
		lambda world: _place(captain=world.captaincies["captain2"], captain_user=world.users["captain2"]),
	),
	"Mediation Case": _record("Mediation Case", lambda world: _place()),
	"Deliberation Matter": _record("Deliberation Matter", lambda world: _place()),
	"Deliberation Meeting": _record("Deliberation Meeting", lambda world: _place()),
	"Property Service Evaluation": _record("Property Service Evaluation", lambda world: _place()),
	"Care Visit Plan": _record(
		"Care Visit Plan",
		lambda world: _place(resident=world.residents["resident2"], visitor=world.users["gw21"]),
	),
	"Care Visit": _record(
		"Care Visit", lambda world: _place(plan=sd_name("Care Visit Plan"), visitor=world.users["gw21"])
	),
	"Volunteer Team": _record("Volunteer Team", lambda world: _place()),
	"Partner Unit": _record("Partner Unit", lambda world: _place(contact_user=world.users["cw2"])),
	"Reporting Member": _record("Reporting Member", lambda world: _place(user=world.users["resident2"])),
	"Compound": _record(
		"Compound", lambda world: {"compound_name": "Side Door Court", "community": FOREIGN_COMMUNITY}
	),
	"Party Organisation": _record(
		"Party Organisation",
		lambda world: {
			"organisation_name": "Side Door Branch",
			"level": "Grid Branch",
			"community": FOREIGN_COMMUNITY,
			"grid": FOREIGN_GRID,
		},
	),
	"Resident Registration": _record(
		"Resident Registration",
		lambda world: {
			"building": FOREIGN_BUILDING,
			"grid": FOREIGN_GRID,
			"full_name": "Side Door",
			"mobile": "13700000099",
			"room": "1",
			"status": "Awaiting Verification",
		},
	),
	"Caring Merchant": _existing(lambda world: world.merchants["merchant2"]),
	"Community Notice": _record(
		"Community Notice",
		lambda world: _place(
			title="Side door",
			body="<p>Side door</p>",
			audience="Buildings",
			publish_on="2001-01-01",
			docstatus=1,
		),
	),
	# delivered to a resident of Community Two: the notice's resident rule looks into these
	"Community Notice Receipt": _record(
		"Community Notice Receipt",
		lambda world: _place(notice=sd_name("Community Notice"), resident=world.residents["resident2"]),
	),
}

# what a row of a child table names, where the parent's rule looks into it (the rest stays empty)
ROW_VALUES = {
	"Grid Staff": lambda world: {"user": world.users["gw21"]},
	"Building Captain Building": lambda world: {"building": FOREIGN_BUILDING, "grid": FOREIGN_GRID},
	"Deliberation Building": lambda world: {"building": FOREIGN_BUILDING, "grid": FOREIGN_GRID},
	"Mediation Team Member": lambda world: {"user": world.users["gw21"]},
	"Mediation Party": lambda world: {"resident": world.residents["resident2"]},
	"Volunteer Activity Attendee": lambda world: {"resident": world.residents["resident2"]},
	"Volunteer Team Member": lambda world: {"resident": world.residents["resident2"]},
	"Compound Building": lambda world: {"building": FOREIGN_BUILDING, "grid": FOREIGN_GRID},
	"Owners Committee Member": lambda world: {
		"resident": world.residents["resident2"],
		"term_start": "2001-01-01",
	},
	"Party Organisation Building": lambda world: {"building": FOREIGN_BUILDING, "grid": FOREIGN_GRID},
	"Party Organisation Member": lambda world: {
		"member_type": "Resident",
		"resident": world.residents["resident2"],
		"joined_on": "2001-01-01",
	},
	"Party Household Care": lambda world: {
		"party_member": world.residents["resident2"],
		"served_resident": world.residents["resident2"],
	},
	"Caring Merchant Counter User": lambda world: {"user": world.users["merchant2"]},
	"Community Notice Building": lambda world: {"building": FOREIGN_BUILDING, "grid": FOREIGN_GRID},
}


def _doctype_metadata() -> dict:
	"""The app's DocType definitions as shipped (read before any site is connected)."""
	metas = {}
	for path in glob.glob(os.path.join(APP_PATH, "**", "doctype", "*", "*.json"), recursive=True):
		if os.path.basename(os.path.dirname(path)) + ".json" == os.path.basename(path):
			with open(path) as fh:
				meta = json.load(fh)
			if meta.get("doctype") == "DocType":
				metas[meta["name"]] = meta
	return metas


METADATA = _doctype_metadata()


def child_tables(doctype: str) -> list:
	"""(table field, child DocType) of a governed DocType, from its metadata."""
	return [
		(df["fieldname"], df["options"])
		for df in METADATA[doctype]["fields"]
		if df.get("fieldtype") in ("Table", "Table MultiSelect")
	]


@pytest.fixture(scope="module")
def foreign(world):
	"""Community Two's records and rows, committed for the HTTP server and removed at the end."""
	frappe.set_user("Administrator")
	made, records, rows = [], {}, []
	for doctype in GOVERNED:
		name, made_here = FACTORIES[doctype](world)
		records[doctype] = name
		if made_here:
			made.append((doctype, name))
		for fieldname, child in child_tables(doctype):
			row_name = sd_name("row", child, doctype)
			if not frappe.db.exists(child, row_name):
				frappe.get_doc(
					{
						"doctype": child,
						"name": row_name,
						"parent": name,
						"parenttype": doctype,
						"parentfield": fieldname,
						"idx": 99,
						**ROW_VALUES.get(child, lambda world: {})(world),
					}
				).db_insert()
			made.append((child, row_name))
			rows.append(SimpleNamespace(child=child, parent=doctype, name=row_name, record=name))
	frappe.db.commit()
	yield SimpleNamespace(records=records, rows=rows)
	frappe.db.rollback()
	for doctype, name in made:
		frappe.db.delete(doctype, {"name": name})
	frappe.db.commit()


@pytest.fixture(scope="module")
def clients(server, world):
	sessions = {}

	def client(user_key):
		if user_key not in sessions:
			sessions[user_key] = server.session(world.users[user_key], world.password)
		return sessions[user_key]

	return client


# --- the rules themselves -----------------------------------------------------------------------


def test_every_governed_doctype_has_a_foreign_record_factory():
	assert set(GOVERNED) == set(FACTORIES)
	assert set(GOVERNED) == {doctype for doctype in HOOKS["has_permission"] if doctype != "File"}
	# and every one of them has a list condition too (lists, reports, link search)
	assert set(GOVERNED) <= set(HOOKS["permission_query_conditions"])


def test_the_shipped_metadata_matches_the_site():
	for doctype in GOVERNED:
		site_tables = [(df.fieldname, df.options) for df in frappe.get_meta(doctype).get_table_fields()]
		assert site_tables == child_tables(doctype), doctype


def test_every_child_table_of_a_governed_doctype_has_the_child_rule():
	children = {child for doctype in GOVERNED for _, child in child_tables(doctype)}
	rules = HOOKS["permission_query_conditions"]
	assert {child for child in children if rules.get(child) != CHILD_RULE} == set()
	# and each of them is judged on a direct save, so a row cannot be moved to another record
	assert {child for child in children if "validate" not in HOOKS["doc_events"].get(child, {})} == set()


def test_every_child_table_judges_its_record_when_opened_on_its_own():
	from community_governance.scope import ScopedRow
	from frappe.model.base_document import get_controller

	children = {child for doctype in GOVERNED for _, child in child_tables(doctype)}
	assert {child for child in children if not issubclass(get_controller(child), ScopedRow)} == set()


def test_every_governed_doctype_judges_new_and_moved_records_by_place():
	events = HOOKS["doc_events"]
	assert {
		d for d in GOVERNED if events.get(d, {}).get("validate") != "community_governance.scope.keep_in_place"
	} == set()


# --- read paths -----------------------------------------------------------------------------------


def name_filter(name):
	return json.dumps([["name", "=", name]])


def read_paths(doctype: str, name: str) -> dict:
	"""path label -> (method, url, params); each answers a list or a count for one record."""
	method = "/api/method/"
	return {
		"rest v1 list": ("GET", f"/api/resource/{doctype}", {"filters": name_filter(name)}),
		"rest v2 list": ("GET", f"/api/v2/document/{doctype}", {"filters": name_filter(name)}),
		"client.get_list": (
			"GET",
			method + "frappe.client.get_list",
			{"doctype": doctype, "filters": name_filter(name)},
		),
		"client.get_value": (
			"GET",
			method + "frappe.client.get_value",
			{"doctype": doctype, "fieldname": "name", "filters": json.dumps({"name": name})},
		),
		"reportview.get": (
			"GET",
			method + "frappe.desk.reportview.get",
			{"doctype": doctype, "fields": json.dumps(["name"]), "filters": name_filter(name)},
		),
		"search_link": (
			"GET",
			method + "frappe.desk.search.search_link",
			{"doctype": doctype, "txt": name, "page_length": 50},
		),
		"export_query": (
			"POST",
			method + "frappe.desk.reportview.export_query",
			{
				"doctype": doctype,
				"file_format_type": "CSV",
				"fields": json.dumps(["name"]),
				"filters": name_filter(name),
			},
		),
	}


def count_paths(doctype: str, name: str, parent: str | None = None) -> dict:
	filters = name_filter(name)
	extra = {"parent": parent} if parent else {}
	paths = {
		"client.get_count": (
			"/api/method/frappe.client.get_count",
			{"doctype": doctype, "filters": filters, **extra},
		),
		"reportview.get_count": (
			"/api/method/frappe.desk.reportview.get_count",
			{"doctype": doctype, "filters": filters, **({"parent_doctype": parent} if parent else {})},
		),
	}
	if not parent:
		paths["rest v2 count"] = (f"/api/v2/doctype/{doctype}/count", {"filters": filters})
	return paths


def single_paths(doctype: str, name: str, parent: str | None = None) -> dict:
	extra = {"parent": parent} if parent else {}
	return {
		"rest v1 read": (f"/api/resource/{doctype}/{name}", {}),
		"rest v2 read": (f"/api/v2/document/{doctype}/{name}", {}),
		"client.get": ("/api/method/frappe.client.get", {"doctype": doctype, "name": name, **extra}),
	}


def call(client, method, url, params):
	if method == "POST":
		return client.http.post(client.url + url, data=params, timeout=60)
	return client.get(url, **params)


def shows(response, name: str) -> bool:
	assert response.status_code < 500, response.text[:500]
	return response.status_code == 200 and (f'"{name}"' in response.text or f"\n{name}" in response.text)


def counted(response) -> int:
	assert response.status_code < 500, response.text[:500]
	if response.status_code != 200:
		return 0
	body = response.json()
	return body.get("message", body.get("data"))


@pytest.mark.http
@pytest.mark.parametrize("doctype", GOVERNED)
def test_the_street_admin_reaches_each_foreign_record_by_every_path(doctype, foreign, clients):
	client, name = clients("soa"), foreign.records[doctype]
	for label, (method, url, params) in read_paths(doctype, name).items():
		assert shows(call(client, method, url, params), name), (doctype, label)
	for label, (url, params) in count_paths(doctype, name).items():
		assert counted(client.get(url, **params)) == 1, (doctype, label)
	for label, (url, params) in single_paths(doctype, name).items():
		assert client.get(url, **params).status_code == 200, (doctype, label)


@pytest.mark.http
@pytest.mark.parametrize("user_key", OUTSIDERS)
@pytest.mark.parametrize("doctype", GOVERNED)
def test_no_read_path_returns_a_foreign_record(doctype, user_key, foreign, clients):
	client, name = clients(user_key), foreign.records[doctype]
	for label, (method, url, params) in read_paths(doctype, name).items():
		assert not shows(call(client, method, url, params), name), (doctype, user_key, label)
	for label, (url, params) in count_paths(doctype, name).items():
		assert counted(client.get(url, **params)) == 0, (doctype, user_key, label)
	for label, (url, params) in single_paths(doctype, name).items():
		response = client.get(url, **params)
		assert 400 <= response.status_code < 500, (doctype, user_key, label, response.status_code)


def child_cases():
	return [
		pytest.param(child, parent, id=f"{child}<{parent}")
		for parent in GOVERNED
		for _, child in child_tables(parent)
	]


def child_read_paths(child: str, parent: str, name: str) -> dict:
	method = "/api/method/"
	return {
		"client.get_list parent=": (
			"GET",
			method + "frappe.client.get_list",
			{
				"doctype": child,
				"parent": parent,
				"fields": json.dumps(["name", "parent"]),
				"filters": name_filter(name),
			},
		),
		"rest v1 list parent=": (
			"GET",
			f"/api/resource/{child}",
			{"parent": parent, "fields": json.dumps(["name"]), "filters": name_filter(name)},
		),
		"rest v2 list parent=": (
			"GET",
			f"/api/v2/document/{child}",
			{"parent": parent, "fields": json.dumps(["name"]), "filters": name_filter(name)},
		),
		"client.get_value parent=": (
			"GET",
			method + "frappe.client.get_value",
			{"doctype": child, "parent": parent, "fieldname": "name", "filters": json.dumps({"name": name})},
		),
		"reportview.get parent_doctype=": (
			"GET",
			method + "frappe.desk.reportview.get",
			{
				"doctype": child,
				"parent_doctype": parent,
				"fields": json.dumps(["name"]),
				"filters": name_filter(name),
			},
		),
	}


def row_of(foreign, child, parent):
	return next(row for row in foreign.rows if row.child == child and row.parent == parent)


@pytest.mark.http
@pytest.mark.parametrize("child,parent", child_cases())
def test_the_street_admin_reads_each_foreign_row_on_its_own(child, parent, foreign, clients):
	client, row = clients("soa"), row_of(foreign, child, parent)
	for label, (method, url, params) in child_read_paths(child, parent, row.name).items():
		assert shows(call(client, method, url, params), row.name), (child, label)
	for label, (url, params) in count_paths(child, row.name, parent).items():
		assert counted(client.get(url, **params)) == 1, (child, label)


@pytest.mark.http
@pytest.mark.parametrize("user_key", OUTSIDERS)
@pytest.mark.parametrize("child,parent", child_cases())
def test_no_foreign_row_is_read_on_its_own(child, parent, user_key, foreign, clients):
	client, row = clients(user_key), row_of(foreign, child, parent)
	for label, (method, url, params) in child_read_paths(child, parent, row.name).items():
		assert not shows(call(client, method, url, params), row.name), (child, user_key, label)
	for label, (url, params) in count_paths(child, row.name, parent).items():
		assert counted(client.get(url, **params)) == 0, (child, user_key, label)
	for label, (url, params) in single_paths(child, row.name, parent).items():
		response = client.get(url, **params)
		assert 400 <= response.status_code < 500, (child, user_key, label, response.status_code)


# --- counts as an oracle ------------------------------------------------------------------------


@pytest.mark.http
def test_a_count_answers_nothing_about_residents_outside_the_scope(world, clients):
	client = clients("resident1")
	everyone = frappe.db.count("Resident")
	assert everyone > 1
	response = client.get("/api/method/frappe.client.get_count", doctype="Resident")
	assert counted(response) == 1  # their own record only
	for flag in ({"name": world.residents["neighbour1"], "special_care": 1}, {"special_care": 1}):
		response = client.get(
			"/api/method/frappe.client.get_count", doctype="Resident", filters=json.dumps(flag)
		)
		assert counted(response) == 0, flag
	# a DocType the user may not read at all is refused, not counted
	response = clients("mediator").get("/api/method/frappe.client.get_count", doctype="Resident")
	assert response.status_code == 403


# --- files attached to governed records ---------------------------------------------------------

PNG = bytes.fromhex(
	"89504e470d0a1a0a0000000d4948445200000001000000010806000000"
	"1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def photos(world, foreign):
	"""A private photo on Community Two's request, and one on a request of captain1's building."""
	frappe.set_user("Administrator")
	own_request = sd_name("own", "Service Request")
	if not frappe.db.exists("Service Request", own_request):
		frappe.get_doc(
			{
				"doctype": "Service Request",
				"name": own_request,
				"building": "TG11-1",
				"grid": "TG11",
				"community": "TC1",
				"requester": world.residents["resident1"],
				"request_type": "Request",
				"workflow_state": "Open",
				"category": world.categories["repairs"],
			}
		).db_insert()
	files = {}
	for key, request, file_name in (
		("foreign", foreign.records["Service Request"], "sd-foreign-photo.png"),
		("own", own_request, "sd-own-photo.png"),
	):
		file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": file_name,
				"attached_to_doctype": "Service Request",
				"attached_to_name": request,
				"is_private": 1,
				"content": PNG + key.encode(),  # distinct content: Frappe shares files of equal content
			}
		).insert(ignore_permissions=True)
		files[key] = SimpleNamespace(name=file.name, request=request, file_name=file_name)
	frappe.db.commit()
	yield files
	frappe.db.rollback()
	for file in files.values():
		frappe.delete_doc("File", file.name, force=True, ignore_permissions=True)
	frappe.db.delete("Service Request", {"name": own_request})
	frappe.db.commit()


def file_paths(file) -> dict:
	return {
		"rest File list": (
			"/api/resource/File",
			{
				"filters": json.dumps([["attached_to_doctype", "=", "Service Request"]]),
				"fields": json.dumps(["name", "file_name"]),
				"limit_page_length": 0,
			},
		),
		"reportview.get File": (
			"/api/method/frappe.desk.reportview.get",
			{
				"doctype": "File",
				"fields": json.dumps(["name", "file_name"]),
				"filters": json.dumps([["file_name", "like", "sd-%"]]),
			},
		),
		"get_attached_images": (
			"/api/method/frappe.core.api.file.get_attached_images",
			{"doctype": "Service Request", "names": json.dumps([file.request])},
		),
		"get_files_by_search_text": (
			"/api/method/frappe.core.api.file.get_files_by_search_text",
			{"text": file.file_name},
		),
		"File count": (
			"/api/method/frappe.client.get_count",
			{"doctype": "File", "filters": json.dumps({"file_name": file.file_name})},
		),
	}


def mentions(response, file) -> bool:
	assert response.status_code < 500, response.text[:500]
	if response.status_code != 200:
		return False
	body = response.json()
	if isinstance(body.get("message"), int):
		return body["message"] > 0
	return file.file_name in response.text or file.name in response.text


@pytest.mark.http
@pytest.mark.parametrize("user_key", ("captain1", "gw11", "cw1"))
def test_files_of_records_outside_the_scope_are_not_listed_nor_opened(user_key, photos, clients):
	client = clients(user_key)
	for label, (url, params) in file_paths(photos["foreign"]).items():
		assert not mentions(client.get(url, **params), photos["foreign"]), (user_key, label)
	# the same paths list the photo of a request inside the user's scope
	for label, (url, params) in file_paths(photos["own"]).items():
		assert mentions(client.get(url, **params), photos["own"]), (user_key, label)
	assert client.get(f"/api/resource/File/{photos['foreign'].name}").status_code == 403
	assert client.get(f"/api/resource/File/{photos['own'].name}").status_code == 200


# --- script reports with filters naming another place -----------------------------------------


def script_reports() -> list[str]:
	return frappe.get_all(
		"Report", {"module": "Community Governance", "report_type": "Script Report"}, pluck="name"
	)


@pytest.mark.http
@pytest.mark.parametrize("user_key", ("cw1", "gw11", "captain1", "mediator"))
def test_no_script_report_shows_another_place(user_key, world, foreign, clients):
	client = clients(user_key)
	year = nowdate()[:4]
	filters = {
		"community": FOREIGN_COMMUNITY,
		"grid": FOREIGN_GRID,
		"resident": world.residents["resident2"],
		"from_date": "2000-01-01",
		"to_date": f"{year}-12-31",
		"year": year,
	}
	marks = {
		*foreign.records.values(),
		FOREIGN_BUILDING,
		"Liu Yang",
		"Chen Jing",
		"Community Two",
		"Grid 2-1",
	}
	for report in script_reports():
		response = client.get(
			"/api/method/frappe.desk.query_report.run", report_name=report, filters=json.dumps(filters)
		)
		assert response.status_code < 500, (report, response.text[:500])
		if response.status_code != 200:
			continue
		message = response.json()["message"]
		shown = json.dumps([message.get("result"), message.get("chart"), message.get("report_summary")])
		leaked = {mark for mark in marks if f'"{mark}"' in shown}
		assert leaked == set(), (report, user_key, leaked)


# --- writes: filing and moving records outside the scope ---------------------------------------

OUTSIDE = "belongs to a place outside your responsibility"


def assert_refused(response):
	assert response.status_code == 403, response.text[:500]
	assert OUTSIDE in response.text, response.text[:500]
	assert "Traceback" not in json.loads(response.text).get("_server_messages", "")


@pytest.fixture
def cleanup():
	"""Whatever a refused write should not have made is removed if it was made all the same."""
	made = []
	yield made
	frappe.db.rollback()
	for doctype, filters in made:
		for name in frappe.get_all(doctype, filters, pluck="name"):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	frappe.db.commit()


@pytest.mark.http
@pytest.mark.parametrize(
	"user_key,building",
	[("captain1", FOREIGN_BUILDING), ("gw11", FOREIGN_BUILDING), ("gw11", "TG12-3")],
	ids=["captain-other-building", "grid-worker-other-community", "grid-worker-other-grid"],
)
def test_a_request_cannot_be_filed_for_a_building_outside_the_scope(
	user_key, building, world, clients, cleanup
):
	description = f"side door {user_key} {building}"
	cleanup.append(("Service Request", {"description": description}))
	response = clients(user_key).post(
		"/api/resource/Service Request",
		category=world.categories["repairs"],
		description=description,
		building=building,
		requester=world.residents["resident2"] if building == FOREIGN_BUILDING else None,
		channel="Phone",
	)
	assert_refused(response)
	assert not frappe.db.exists("Service Request", {"description": description})


@pytest.mark.http
def test_a_captain_cannot_file_for_themselves_in_another_building(world, clients, cleanup):
	description = "side door: my own request for someone else's building"
	cleanup.append(("Service Request", {"description": description}))
	response = clients("captain1").post(
		"/api/resource/Service Request",
		category=world.categories["repairs"],
		description=description,
		building=FOREIGN_BUILDING,
		requester=world.residents["captain1"],
	)
	assert_refused(response)


@pytest.mark.http
def test_a_captain_cannot_raise_a_matter_for_another_building(clients, cleanup):
	cleanup.append(("Deliberation Matter", {"title": "Side door matter"}))
	response = clients("captain1").post(
		"/api/resource/Deliberation Matter",
		title="Side door matter",
		category="Parking",
		description="A matter for a building that is not mine",
		buildings=[{"building": FOREIGN_BUILDING}],
	)
	assert_refused(response)
	assert not frappe.db.exists("Deliberation Matter", {"title": "Side door matter"})


@pytest.mark.http
def test_a_community_worker_cannot_open_an_evaluation_in_another_community(world, clients, cleanup):
	cleanup.append(("Property Service Evaluation", {"compound_name": "Side Door Garden"}))
	response = clients("cw1").post(
		"/api/resource/Property Service Evaluation",
		compound_name="Side Door Garden",
		property_company="Side Door Property",
		community=FOREIGN_COMMUNITY,
		buildings=[{"building": FOREIGN_BUILDING}],
		cadence="Monthly",
		period_start=nowdate()[:8] + "01",
	)
	assert_refused(response)
	assert not frappe.db.exists("Property Service Evaluation", {"compound_name": "Side Door Garden"})


@pytest.mark.http
def test_a_community_worker_cannot_redeem_for_a_resident_of_another_community(
	world, foreign, clients, cleanup
):
	resident = world.residents["resident2"]
	reward = frappe.get_doc(
		{
			"doctype": "Reward",
			"reward_name": "Side door haircut",
			"reward_type": "Service",
			"provider": "Caring barber",
			"points_cost": 1,
			"stock": 5,
		}
	).insert()
	balance = frappe.db.get_value("Points Account", resident, "balance")
	frappe.db.set_value("Points Account", resident, "balance", 10, update_modified=False)
	frappe.db.commit()
	cleanup.append(("Reward Redemption", {"reward": reward.name}))
	cleanup.append(("Reward", {"name": reward.name}))
	try:
		response = clients("cw1").post(
			"/api/resource/Reward Redemption", resident=resident, reward=reward.name
		)
		assert_refused(response)
		assert not frappe.db.exists("Reward Redemption", {"reward": reward.name})
	finally:
		frappe.db.set_value("Points Account", resident, "balance", balance or 0, update_modified=False)
		frappe.db.commit()


@pytest.mark.http
def test_a_captain_cannot_move_their_own_resident_record_to_another_building(world, clients):
	resident = world.residents["captain1"]
	home = frappe.db.get_value("Resident", resident, ["building", "unit", "grid", "community"], as_dict=True)
	try:
		response = clients("captain1").put(
			f"/api/resource/Resident/{resident}", building=FOREIGN_BUILDING, unit="1"
		)
		assert_refused(response)
		assert frappe.db.get_value("Resident", resident, "building") == "TG11-1"
	finally:
		frappe.db.rollback()
		frappe.db.set_value("Resident", resident, home, update_modified=False)  # the world stays as built
		frappe.db.commit()


@pytest.mark.http
def test_a_grid_worker_cannot_move_a_request_out_by_naming_their_own_grid(world, photos, clients):
	request = photos["own"].request
	response = clients("gw11").put(
		f"/api/resource/Service Request/{request}", building=FOREIGN_BUILDING, grid="TG11"
	)
	assert_refused(response)
	assert frappe.db.get_value("Service Request", request, "building") == "TG11-1"


@pytest.mark.http
def test_a_row_saved_on_its_own_cannot_be_moved_to_another_record(world, foreign, clients):
	# a unit of the foreign building, rewritten as a unit of a building the grid worker may edit
	row = row_of(foreign, "Building Unit", "Building")
	response = clients("gw11").put(f"/api/resource/Building Unit/{row.name}", parent="TG11-1")
	assert response.status_code == 403, response.text[:300]
	assert "cannot be moved to another record" in response.text
	assert frappe.db.get_value("Building Unit", row.name, "parent") == FOREIGN_BUILDING


def test_moves_and_filings_inside_the_scope_still_work(world):
	from tests.integration.conftest import as_user

	as_user(world.users["captain1"])
	resident = frappe.get_doc("Resident", world.residents["captain1"])
	resident.building, resident.unit = "TG11-2", "1"
	resident.save()
	assert frappe.db.get_value("Resident", resident.name, "grid") == "TG11"
	request = frappe.get_doc(
		{
			"doctype": "Service Request",
			"category": world.categories["repairs"],
			"description": "Inside my buildings",
			"building": "TG11-2",
			"requester": world.residents["resident1"],
			"channel": "Patrol",
		}
	).insert()
	assert request.community == "TC1"
	as_user(world.users["resident1"])
	own = frappe.get_doc(
		{"doctype": "Service Request", "category": world.categories["repairs"], "description": "Mine"}
	).insert()
	assert own.building == "TG11-1"


def mediation_case(world, subject, **place):
	return {
		"subject": subject,
		"dispute_type": "Neighbour",
		"description": "Noise through the wall at night.",
		"parties": [
			{"side": "Applicant", "resident": world.residents["resident2"]},
			{"side": "Respondent", "party_name": "Side Door Neighbour"},
		],
		**place,
	}


@pytest.mark.http
@pytest.mark.parametrize(
	"user_key,place",
	[
		("gw11", {}),  # the place taken from the foreign resident's building
		("gw11", {"building": FOREIGN_BUILDING}),
		("cw1", {"grid": FOREIGN_GRID}),
		("gw11", {"building": "TG12-3"}),
	],
	ids=["grid-worker-foreign-party", "grid-worker-other-community", "community-worker-other", "other-grid"],
)
def test_a_mediation_case_cannot_be_registered_outside_the_scope(user_key, place, world, clients, cleanup):
	subject = f"Side door case {user_key} {sorted(place.items())}"
	cleanup.append(("Mediation Case", {"subject": subject}))
	response = clients(user_key).post(
		"/api/resource/Mediation Case", **mediation_case(world, subject, **place)
	)
	assert_refused(response)
	assert not frappe.db.exists("Mediation Case", {"subject": subject})


@pytest.mark.http
def test_a_registered_mediation_case_cannot_be_moved_outside_the_scope(world, clients, cleanup):
	subject = "Side door case moved away"
	cleanup.append(("Mediation Case", {"subject": subject}))
	client = clients("gw11")
	case = mediation_case(world, subject, building="TG11-1")
	case["parties"][0]["resident"] = world.residents["resident1"]
	response = client.post("/api/resource/Mediation Case", **case)
	assert response.status_code == 200, response.text[:500]
	name = response.json()["data"]["name"]
	assert_refused(client.put(f"/api/resource/Mediation Case/{name}", building=FOREIGN_BUILDING))
	assert frappe.db.get_value("Mediation Case", name, "building") == "TG11-1"


@pytest.mark.http
def test_validate_link_answers_only_for_records_in_the_scope(world, foreign, clients):
	client = clients("cw1")

	def found(doctype, name):
		response = client.get("/api/method/frappe.client.validate_link", doctype=doctype, docname=name)
		assert response.status_code == 200, response.text[:300]
		return response.json()["message"].get("name")

	assert found("Building", FOREIGN_BUILDING) is None
	assert found("Resident", world.residents["resident2"]) is None
	assert found("Building", "TG11-1") == "TG11-1"
	assert found("Resident", world.residents["resident1"]) == world.residents["resident1"]
	# the desk's link field asks with the fields it fetches
	response = client.get(
		"/api/method/frappe.client.validate_link",
		doctype="Building",
		docname="TG11-1",
		fields=json.dumps(["grid"]),
	)
	assert response.json()["message"] == {"name": "TG11-1", "grid": "TG11"}
	assert (
		clients("soa")
		.get("/api/method/frappe.client.validate_link", doctype="Building", docname=FOREIGN_BUILDING)
		.json()["message"]["name"]
		== FOREIGN_BUILDING
	)
