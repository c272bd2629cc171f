"""Residents' personal data, minimum necessary: the role × field matrix on every read path over
HTTP (REST v1 and v2, frappe.client.get_list with dotted link fields, the report view, exports,
prints), the captain's masked phone and its logged reveal, the care visitor's brief, the access
report, /me/my-data with its correction request, consent to the privacy notice, and retention."""

import csv
import io
import json

import pytest

import frappe
from community_governance import personal_data, tasks
from frappe.utils import add_days, add_months, getdate, today
from tests.integration import world as world_module
from tests.integration.conftest import as_user
from tests.integration.test_care_visits import PLAN, end_active_plans
from tests.integration.test_resident_pages import csrf_token_of
from tests.integration.test_service_requests import file_request

PERSONAL = ("phone", "date_of_birth", "household", "elderly_living_alone", "special_care", "has_disability")

DOTTED = ["name", "{0}.phone", "{0}.date_of_birth", "{0}.has_disability", "{0}.household"]
# who reads the personal fields of resident1 (Li Na, building TG11-1): its grid's and community's
# workers and the admin
FULL = ["soa", "cw1", "gw11"]
# who may read her record, without the personal fields: her building captain (masked phone only)
CAPTAIN = "captain1"
# who may read some record linking her, and must not get her personal fields through it
NO_PERSONAL = ["captain1", "volunteer", "resident1", "resident2", "mediator"]
REPORT = "Personal Data Access"


@pytest.fixture(scope="module")
def sessions(server, world):
	cache = {}

	def session(key):
		if key not in cache:
			cache[key] = server.session(world.users[key], world.password)
		return cache[key]

	return session


@pytest.fixture(scope="module", autouse=True)
def linked(world, server):
	"""Committed records that link resident1: a care plan visited by the volunteer, a micro-wish
	she filed (on the volunteers' board), and her as the unit head of her unit; and her date of
	birth (REST leaves out empty fields, so every personal field is filled)."""
	frappe.db.rollback()
	resident = world.residents["resident1"]
	frappe.set_user("Administrator")
	end_active_plans(resident)
	plan = frappe.get_doc(
		{"doctype": PLAN, "resident": resident, "visitor": world.users["volunteer"], "frequency": "Monthly"}
	).insert()
	wish = file_request(
		world, request_type="Micro-wish", category=world.categories["errands"], description="买菜"
	)
	as_user("Administrator")
	unit = frappe.db.get_value("Building Unit", {"parent": "TG11-1", "unit_name": "2"}, "name")
	frappe.db.set_value("Building Unit", unit, "unit_head", resident)
	frappe.db.set_value("Resident", resident, "date_of_birth", "1948-03-04")
	frappe.db.commit()
	yield frappe._dict(plan=plan.name, wish=wish.name, unit=unit, resident=resident)
	frappe.db.rollback()
	frappe.set_user("Administrator")
	frappe.db.set_value("Building Unit", unit, "unit_head", None)
	frappe.db.set_value("Resident", resident, "date_of_birth", None)
	frappe.delete_doc(PLAN, plan.name, force=True, ignore_permissions=True)
	frappe.delete_doc("Service Request", wish.name, force=True, ignore_permissions=True)
	frappe.db.commit()


def data_of(response):
	assert response.status_code == 200, response.text[:500]
	body = response.json()
	return body.get("data", body.get("message"))


def stored(resident) -> frappe._dict:
	return frappe.db.get_value("Resident", resident, ["*"], as_dict=True)


# --- the matrix on the record itself ---------------------------------------------------------------


@pytest.mark.parametrize("key", FULL)
def test_workers_of_her_grid_and_admins_read_her_personal_fields_in_full(world, sessions, key):
	record = data_of(sessions(key).get(f"/api/resource/Resident/{world.residents['resident1']}"))
	expected = stored(world.residents["resident1"])
	for fieldname in PERSONAL:
		assert str(record[fieldname]) == str(expected[fieldname]), fieldname
	assert record["elderly_living_alone"] == 1


def test_her_captain_reads_name_room_the_visit_flag_and_a_masked_phone_only(world, sessions):
	record = data_of(sessions(CAPTAIN).get(f"/api/resource/Resident/{world.residents['resident1']}"))
	phone = stored(world.residents["resident1"]).phone
	# Frappe blanks the fields the user may not read (a check reads 0: she is tagged elderly living alone)
	assert not any(record.get(fieldname) for fieldname in PERSONAL)
	assert phone not in json.dumps(record)
	assert record["phone_masked"] == f"{phone[:3]}****{phone[-4:]}"
	assert record["needs_visit"] == 1 and record["room"] == "202" and record["full_name"] == "Li Na"


@pytest.mark.parametrize("key", ["resident1", "volunteer"])
def test_a_resident_or_volunteer_reading_their_own_record_gets_none_of_the_personal_fields(
	world, sessions, key
):
	record = data_of(sessions(key).get(f"/api/resource/Resident/{world.residents[key]}"))
	assert not any(record.get(fieldname) for fieldname in PERSONAL + personal_data.DOOR_TO_DOOR_FIELDS)


@pytest.mark.parametrize("key", ["captain1", "gw11", "soa"])
def test_lists_v1_and_v2_apply_the_matrix(world, sessions, key):
	fields = json.dumps(["name", *PERSONAL, "phone_masked"])
	filters = json.dumps({"name": world.residents["resident1"]})
	v1 = data_of(sessions(key).get("/api/resource/Resident", fields=fields, filters=filters))
	v2 = data_of(sessions(key).get("/api/v2/document/Resident", fields=fields, filters=filters))
	for rows in (v1, v2):
		assert [row["name"] for row in rows] == [world.residents["resident1"]]
		readable = set(rows[0])
		if key in FULL:
			assert set(PERSONAL) <= readable
		else:
			assert not set(PERSONAL) & readable and "phone_masked" in readable


def test_the_report_view_drops_the_columns_a_captain_may_not_read(world, sessions):
	response = sessions(CAPTAIN).get(
		"/api/method/frappe.desk.reportview.get",
		doctype="Resident",
		fields=json.dumps(
			["`tabResident`.`name`", "`tabResident`.`phone`", "`tabResident`.`has_disability`"]
		),
		filters=json.dumps({"name": world.residents["resident1"]}),
	)
	result = data_of(response)
	assert result["keys"] == ["name"] and result["values"] == [[world.residents["resident1"]]]


@pytest.mark.parametrize(
	"argument, value",
	[
		("filters", {"elderly_living_alone": 1}),
		("filters", [["Resident", "has_disability", "=", 0]]),
		("or_filters", {"phone": ["like", "139%"]}),
		("filters", {"date_of_birth": ["<", "1960-01-01"]}),
		("order_by", "`tabResident`.`date_of_birth` asc"),
	],
)
def test_a_captain_cannot_filter_or_sort_by_a_personal_field(world, sessions, argument, value):
	params = {argument: value if isinstance(value, str) else json.dumps(value)}
	mine = {"building": "TG11-1"}
	base = {"filters": json.dumps(mine)} if argument != "filters" else {}
	listed = data_of(sessions(CAPTAIN).get("/api/resource/Resident", **base, **params))
	assert listed == []
	count = sessions(CAPTAIN).get(
		"/api/method/frappe.desk.reportview.get_count", doctype="Resident", **base, **params
	)
	assert data_of(count) == 0
	# without the personal field the same list holds her
	plain = data_of(sessions(CAPTAIN).get("/api/resource/Resident", filters=json.dumps(mine)))
	assert world.residents["resident1"] in {row["name"] for row in plain}


def test_her_grid_worker_filters_by_a_care_tag(world, sessions):
	listed = data_of(
		sessions("gw11").get("/api/resource/Resident", filters=json.dumps({"elderly_living_alone": 1}))
	)
	assert world.residents["resident1"] in {row["name"] for row in listed}


# --- link joins --------------------------------------------------------------------------------------


def dotted(session, doctype, link, name, **extra):
	return session.get(
		"/api/method/frappe.client.get_list",
		doctype=doctype,
		fields=json.dumps([field.format(link) for field in DOTTED]),
		filters=json.dumps({"name": name}),
		**extra,
	)


@pytest.mark.parametrize("key", ["volunteer", "resident1"])
def test_a_micro_wish_does_not_carry_its_requesters_personal_fields(world, sessions, linked, key):
	rows = data_of(dotted(sessions(key), "Service Request", "requester", linked.wish))
	assert [row["name"] for row in rows] == [linked.wish]  # the record itself is readable
	assert set(rows[0]) == {"name"}
	v2 = sessions(key).get(
		"/api/v2/document/Service Request",
		fields=json.dumps([field.format("requester") for field in DOTTED]),
		filters=json.dumps({"name": linked.wish}),
	)
	assert set(data_of(v2)[0]) == {"name"}


def test_the_visitor_gets_no_personal_fields_through_a_join_on_the_plan(world, sessions, linked):
	rows = data_of(dotted(sessions("volunteer"), PLAN, "resident", linked.plan))
	assert [set(row) for row in rows] == [{"name"}]


def test_a_captain_gets_no_unit_heads_personal_fields(world, sessions, linked):
	rows = data_of(dotted(sessions(CAPTAIN), "Building Unit", "unit_head", linked.unit, parent="Building"))
	assert rows and all(set(row) == {"name"} for row in rows)


def test_workers_with_the_personal_level_still_read_them_through_a_join(world, sessions, linked):
	rows = data_of(dotted(sessions("gw11"), "Service Request", "requester", linked.wish))
	assert stored(linked.resident).phone in rows[0].values(), rows


# --- the care visitor's brief ----------------------------------------------------------------------


def test_the_plans_visitor_reads_the_residents_phone_and_care_tags_on_the_plan(world, sessions, linked):
	plan = data_of(sessions("volunteer").get(f"/api/resource/{PLAN}/{linked.plan}"))
	resident = stored(linked.resident)
	assert plan["resident_phone"] == resident.phone
	assert plan["resident_care_needs"] == "Elderly Living Alone"
	# the brief is read from the record each time, never stored on the plan
	assert not frappe.db.has_column(PLAN, "resident_phone")


def test_her_captain_cannot_read_the_plan_nor_its_brief(world, sessions, linked):
	response = sessions(CAPTAIN).get(f"/api/resource/{PLAN}/{linked.plan}")
	assert response.status_code == 403


# --- reveal to call -----------------------------------------------------------------------------------


def access_logs(**filters) -> list:
	frappe.db.rollback()  # see what the server committed
	return frappe.get_all(
		"Access Log",
		filters={"export_from": "Resident", **filters},
		fields=["name", "user", "method", "reference_document"],
		order_by="creation desc",
	)


def test_a_captain_reveals_the_phone_to_call_and_the_reveal_is_logged(world, sessions):
	resident = world.residents["resident1"]
	before = len(access_logs(user=world.users[CAPTAIN], method=personal_data.REVEAL_PHONE))
	response = sessions(CAPTAIN).post(
		"/api/method/community_governance.api.personal_data.reveal_phone", resident=resident
	)
	assert data_of(response) == {"phone": stored(resident).phone}
	logs = access_logs(user=world.users[CAPTAIN], method=personal_data.REVEAL_PHONE)
	assert len(logs) == before + 1 and logs[0].reference_document == resident


@pytest.mark.parametrize(
	"key, resident_key",
	[
		("captain1", "resident2"),
		("volunteer", "resident1"),
		("resident1", "resident1"),
		("mediator", "resident1"),
	],
)
def test_nobody_else_reveals_a_phone(world, sessions, key, resident_key):
	before = len(access_logs(method=personal_data.REVEAL_PHONE))
	response = sessions(key).post(
		"/api/method/community_governance.api.personal_data.reveal_phone",
		resident=world.residents[resident_key],
	)
	assert response.status_code == 403
	assert stored(world.residents[resident_key]).phone not in response.text
	assert len(access_logs(method=personal_data.REVEAL_PHONE)) == before


def test_a_reveal_needs_a_post_and_a_real_resident(world, sessions):
	url = "/api/method/community_governance.api.personal_data.reveal_phone"
	response = sessions(CAPTAIN).get(url, resident=world.residents["resident1"])
	assert response.status_code == 403 and stored(world.residents["resident1"]).phone not in response.text
	assert sessions(CAPTAIN).post(url, resident="RES-NOPE").status_code == 404


# --- exports and prints ------------------------------------------------------------------------------


def export(session, fields):
	return session.post(
		"/api/method/frappe.desk.reportview.export_query",
		doctype="Resident",
		file_format_type="CSV",
		fields=json.dumps(fields),
		filters=json.dumps({"building": "TG11-1"}),
	)


def test_an_admins_export_carries_the_personal_fields_and_is_logged(world, sessions):
	before = len(access_logs(user=world.users["soa"], file_type="CSV"))
	response = export(sessions("soa"), ["`tabResident`.`name`", "`tabResident`.`phone`"])
	assert response.status_code == 200
	rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
	assert [world.residents["resident1"], stored(world.residents["resident1"]).phone] in [
		row[1:] for row in rows
	]
	assert len(access_logs(user=world.users["soa"], file_type="CSV")) == before + 1


@pytest.mark.parametrize("key", ["captain1", "gw11", "volunteer"])
def test_others_may_not_export_residents(world, sessions, key):
	response = export(sessions(key), ["`tabResident`.`name`", "`tabResident`.`phone`"])
	assert response.status_code == 403


@pytest.mark.parametrize("key", ["captain1", "gw11"])
def test_the_print_shows_what_the_matrix_allows_and_is_logged(world, sessions, key):
	resident = world.residents["resident1"]
	before = len(access_logs(user=world.users[key], reference_document=resident, method="Print"))
	response = sessions(key).get("/printview", doctype="Resident", name=resident)
	assert response.status_code == 200
	phone = stored(resident).phone
	assert (phone in response.text) == (key in FULL)
	assert len(access_logs(user=world.users[key], reference_document=resident, method="Print")) == before + 1


@pytest.mark.parametrize("key", ["captain1", "volunteer", "resident1"])
def test_the_data_tools_are_closed_to_those_without_full_access(world, sessions, key):
	export_tool = sessions(key).get(
		"/api/method/frappe.core.doctype.data_export.exporter.export_data",
		doctype="Resident",
		select_columns=json.dumps({"Resident": ["name", "phone"]}),
		with_data=1,
		file_type="CSV",
	)
	assert export_tool.status_code == 403
	assert stored(world.residents["resident1"]).phone not in export_tool.text
	assert not frappe.has_permission("Resident", "import", user=world.users[key])


# --- the access report -------------------------------------------------------------------------------


def run_access_report(session, **filters):
	response = session.get(
		"/api/method/frappe.desk.query_report.run",
		report_name=REPORT,
		filters=json.dumps({"from_date": add_days(today(), -1), "to_date": today(), **filters}),
	)
	return response


def test_the_access_report_lists_every_look_at_a_residents_data(world, sessions):
	resident = world.residents["resident1"]
	sessions(CAPTAIN).post(
		"/api/method/community_governance.api.personal_data.reveal_phone", resident=resident
	)
	sessions("gw11").get("/printview", doctype="Resident", name=resident)
	sessions("gw11").get("/api/method/frappe.desk.form.load.getdoc", doctype="Resident", name=resident)
	rows = data_of(run_access_report(sessions("soa"), resident=resident))["result"]
	frappe.db.rollback()
	since = add_days(today(), -1)
	independent = frappe.db.count(
		"Access Log", {"export_from": "Resident", "reference_document": resident, "creation": (">=", since)}
	) + frappe.db.count(
		"View Log", {"reference_doctype": "Resident", "reference_name": resident, "creation": (">=", since)}
	)
	assert len(rows) == independent
	hows = {(row["user"], row["how"]) for row in rows}
	assert {
		(world.users[CAPTAIN], "Reveal Phone"),
		(world.users["gw11"], "Print"),
		(world.users["gw11"], "View"),
	} <= hows
	assert all(row["resident_name"] == "Li Na" for row in rows)


@pytest.mark.parametrize("key", ["cw1", "gw11", "captain1"])
def test_only_the_streets_admin_runs_the_access_report(world, sessions, key):
	assert run_access_report(sessions(key)).status_code == 403


# --- the resident's own view -------------------------------------------------------------------------


def test_my_data_shows_the_resident_what_the_street_holds_and_is_logged(world, sessions):
	resident = stored(world.residents["resident1"])
	before = len(access_logs(method=personal_data.VIEW_MY_DATA, reference_document=resident.name))
	html = sessions("resident1").get("/me/my-data").text
	assert resident.phone in html and resident.household in html and "Elderly Living Alone" in html
	assert stored(world.residents["resident2"]).phone not in html
	assert len(access_logs(method=personal_data.VIEW_MY_DATA, reference_document=resident.name)) == before + 1


def ask_correction(session, what: str):
	"""The POST the page's form sends, with the page's CSRF token."""
	token = csrf_token_of(session.get("/me/my-data").text)
	return session.http.post(
		f"{session.url}/api/method/community_governance.api.personal_data.request_correction",
		data={"what": what},
		headers={"X-Frappe-CSRF-Token": token},
		timeout=60,
	)


def test_a_correction_becomes_a_todo_for_the_grid_worker(world, sessions):
	response = ask_correction(sessions("resident1"), "My phone changed to 13911112222 <b>now</b>")
	todo = data_of(response)["todo"]
	frappe.db.rollback()
	doc = frappe.get_doc("ToDo", todo)
	try:
		assert doc.allocated_to == world.users["gw11"]
		assert (doc.reference_type, doc.reference_name) == ("Resident", world.residents["resident1"])
		assert "13911112222" in doc.description and "<b>" not in doc.description
	finally:
		frappe.delete_doc("ToDo", todo, force=True, ignore_permissions=True)
		frappe.db.commit()


@pytest.mark.parametrize("what, status", [("", 417), ("x" * 501, 417)])
def test_an_empty_or_overlong_correction_is_refused(world, sessions, what, status):
	response = ask_correction(sessions("resident1"), what)
	assert response.status_code == status
	frappe.db.rollback()
	assert not frappe.db.exists("ToDo", {"reference_name": world.residents["resident1"], "status": "Open"})


def test_a_login_without_a_resident_cannot_ask_for_a_correction(world, sessions):
	response = sessions("gw11").post(
		"/api/method/community_governance.api.personal_data.request_correction", what="wrong"
	)
	assert response.status_code == 403


@pytest.fixture
def newcomer(world, server):
	"""A resident who logs in for the first time, committed (the server must see them). The login
	stays, like the world's (Frappe refuses to delete a user while no other System Manager exists)."""
	frappe.db.rollback()
	frappe.set_user("Administrator")
	user = world_module.ensure_user("newcomer", ())
	resident = frappe.get_doc(
		{"doctype": "Resident", "full_name": "Xin Lai", "building": "TG11-2", "user": user}
	).insert()
	frappe.db.commit()
	yield frappe._dict(user=user, resident=resident.name, session=server.session(user, world.password))
	frappe.db.rollback()
	frappe.delete_doc("Resident", resident.name, force=True, ignore_permissions=True)
	frappe.db.commit()


@pytest.mark.parametrize("path", ["/me/services", "/me/points", "/me/my-data", "/me/matters"])
def test_a_resident_without_consent_is_sent_to_the_notice_first(newcomer, path):
	response = newcomer.session.http.get(f"{newcomer.session.url}{path}", allow_redirects=False, timeout=60)
	assert response.status_code == 302
	assert response.headers["Location"].endswith(f"/me/privacy?redirect-to={path.replace('/', '%2F')}")


def accept_notice(newcomer):
	"""The POST the notice's button sends, with the page's CSRF token."""
	notice = newcomer.session.get("/me/privacy", **{"redirect-to": "/me/points"}).text
	assert 'id="accept-notice"' in notice and personal_data.notice_version() in notice
	return newcomer.session.http.post(
		f"{newcomer.session.url}/api/method/community_governance.api.personal_data.accept_privacy_notice",
		headers={"X-Frappe-CSRF-Token": csrf_token_of(notice)},
		timeout=60,
	)


def test_accepting_the_notice_records_its_version_and_time(newcomer):
	response = accept_notice(newcomer)
	assert data_of(response)["version"] == personal_data.notice_version()
	frappe.db.rollback()
	record = stored(newcomer.resident)
	assert record.privacy_notice_version == personal_data.notice_version() and record.privacy_consent_on
	assert newcomer.session.get("/me/services").status_code == 200
	assert "You accepted privacy notice" in newcomer.session.get("/me/my-data").text


def test_a_new_notice_version_asks_again(newcomer):
	accept_notice(newcomer)
	frappe.db.rollback()
	assert personal_data.has_consented(newcomer.resident)
	settings = frappe.get_single("Community Governance Settings")
	old = settings.privacy_notice_version
	frappe.db.set_single_value("Community Governance Settings", "privacy_notice_version", "2099-1")
	frappe.db.commit()
	try:
		response = newcomer.session.http.get(
			f"{newcomer.session.url}/me/services", allow_redirects=False, timeout=60
		)
		assert response.status_code == 302
	finally:
		frappe.db.set_single_value("Community Governance Settings", "privacy_notice_version", old)
		frappe.db.commit()


def test_the_notice_sends_back_only_to_resident_pages(newcomer):
	html = newcomer.session.get("/me/privacy", **{"redirect-to": "https://evil.example/"}).text
	assert "evil.example" not in html


# --- retention ---------------------------------------------------------------------------------------


def departed(world, name, months_ago, status="Moved Out"):
	doc = frappe.get_doc(
		{
			"doctype": "Resident",
			"full_name": name,
			"building": "TG12-3",
			"unit": "1",
			"room": "303",
			"household": f"H-{name}",
			"phone": "13700001111",
			"date_of_birth": "1940-05-01",
			"has_disability": 1,
		}
	).insert()
	doc.status = status
	doc.save()
	assert getdate(doc.left_on) == getdate(today())  # set when the status changed
	frappe.db.set_value("Resident", doc.name, "left_on", add_months(today(), -months_ago))
	return doc.name


def test_residents_who_left_long_ago_are_anonymised_and_the_statistics_stay(world):
	old = departed(world, "Gone Long", 25)
	dead = departed(world, "Died Long", 30, status="Deceased")
	recent = departed(world, "Gone Lately", 23)
	active = world.residents["volunteer"]
	count_before = frappe.db.count("Resident", {"building": "TG12-3"})
	moved_before = frappe.db.count("Resident", {"building": "TG12-3", "status": "Moved Out"})

	ours = {old, dead, recent}
	assert set(tasks.anonymise_departed_residents(today=today())) & ours == {old, dead}

	for name in (old, dead):
		record = stored(name)
		assert record.full_name == "Anonymised resident"
		for fieldname in ("phone", "phone_masked", "date_of_birth", "household", "room"):
			assert not record[fieldname], fieldname
		assert not record.has_disability and not record.needs_visit
		assert (record.building, record.grid, record.community) == ("TG12-3", "TG12", "TC1")
		assert record.anonymised_on == getdate(today())
	assert stored(recent).phone == "13700001111" and stored(active).full_name == "Zhao Lei"
	assert frappe.db.count("Resident", {"building": "TG12-3"}) == count_before
	assert frappe.db.count("Resident", {"building": "TG12-3", "status": "Moved Out"}) == moved_before
	# again: nothing left to do
	assert not set(tasks.anonymise_departed_residents(today=today())) & ours
	# two months later the recent one is due too
	assert set(tasks.anonymise_departed_residents(today=add_months(today(), 2))) & ours == {recent}


def test_the_retention_period_is_a_setting(world):
	gone = departed(world, "Gone Midway", 13)
	frappe.db.set_single_value("Community Governance Settings", "personal_data_retention_months", 12)
	assert gone in tasks.anonymise_departed_residents(today=today())


def test_coming_back_clears_the_day_they_left(world):
	name = departed(world, "Came Back", 1)
	doc = frappe.get_doc("Resident", name)
	doc.status = "Active"
	doc.save()
	assert not doc.left_on
	assert name not in tasks.anonymise_departed_residents(today=add_months(today(), 48))
	assert stored(name).full_name == "Came Back"


def test_copies_of_the_name_are_anonymised_too(world):
	name = departed(world, "Gone Volunteer", 30)
	frappe.db.set_value("Building Unit", {"parent": "TG12-3", "unit_name": "1"}, "unit_head", name)
	frappe.db.set_value(
		"Building Unit", {"parent": "TG12-3", "unit_name": "1"}, "unit_head_name", "Gone Volunteer"
	)
	tasks.anonymise_departed_residents(today=today())
	assert frappe.db.get_value("Building Unit", {"parent": "TG12-3", "unit_name": "1"}, "unit_head_name") == (
		"Anonymised resident"
	)
