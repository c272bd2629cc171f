"""A mediation case file is confidential: only its team, its registrar and Street Office Admins see
it — in lists, single documents, the report, link search, its rows read on their own, prints and
REST — and only its team sees the parties' contacts."""

import json

import pytest

import frappe
from frappe.client import get as client_get
from frappe.desk.query_report import run as run_report
from frappe.desk.search import search_link
from frappe.utils import add_days, today
from tests.integration.conftest import as_user
from tests.integration.test_mediation import mediation_people, register, run_as, usual_parties

DOCTYPE = "Mediation Case"
REPORT = "Mediation Summary"
CHILD_TABLES = ("Mediation Party", "Mediation Team Member", "Mediation Session", "Mediation Obligation")
# roles without any access to mediation cases
WITHOUT_ACCESS = ["captain1", "volunteer", "resident1", "resident2"]
# roles that may hold cases, but not this one: a mediator of another case, the community worker and
# grid workers of the place (mediation is not the grid's business)
NOT_THIS_CASE = ["mediator2", "cw1", "gw12", "gw21"]
OUTSIDERS = WITHOUT_ACCESS + NOT_THIS_CASE
# the team's mediator, the registrar (a grid worker) and a Street Office Admin
INSIDERS = ["mediator", "gw11", "soa"]


@pytest.fixture(scope="module")
def people(world):
	return mediation_people(world)


@pytest.fixture
def case_name(people):
	# resident1 is a party: even a party does not read the case file
	name = register(people)
	# mediator2 mediates a case of their own
	register(
		people,
		user_key="cw2",
		team=(("mediator2", "People's Mediator"),),
		parties=[{"side": "Applicant", "resident": people.residents["resident2"]}],
	)
	return name


def period() -> dict:
	return {"from_date": add_days(today(), -1), "to_date": today()}


def report_cases(user_key, people) -> int:
	result = run_as(people, user_key, run_report, REPORT, filters=period())["result"]
	return result[-1]["cases"] if result else 0


# --- outsiders see nothing ---------------------------------------------------------------------


@pytest.mark.parametrize("user_key", OUTSIDERS)
def test_outsiders_find_nothing_in_lists(people, case_name, user_key):
	as_user(people.users[user_key])
	if user_key in WITHOUT_ACCESS:
		with pytest.raises(frappe.PermissionError):
			frappe.get_list(DOCTYPE, limit_page_length=0)
		return
	assert case_name not in frappe.get_list(DOCTYPE, pluck="name", limit_page_length=0)


@pytest.mark.parametrize("user_key", OUTSIDERS)
def test_outsiders_cannot_open_or_print_the_case(people, case_name, user_key):
	doc = frappe.get_doc(DOCTYPE, case_name)
	assert not frappe.has_permission(DOCTYPE, "read", doc=doc, user=people.users[user_key])
	as_user(people.users[user_key])
	with pytest.raises(frappe.PermissionError):
		client_get(DOCTYPE, case_name)
	with pytest.raises(frappe.PermissionError):
		frappe.get_print(DOCTYPE, case_name, "Mediation Agreement")


@pytest.mark.parametrize("user_key", OUTSIDERS)
def test_outsiders_find_nothing_in_link_search(people, case_name, user_key):
	as_user(people.users[user_key])
	only_the_case = {"name": case_name}
	if user_key in WITHOUT_ACCESS:
		with pytest.raises(frappe.PermissionError):
			search_link(DOCTYPE, "", filters=only_the_case)
		return
	assert not search_link(DOCTYPE, "", filters=only_the_case)
	assert not search_link(DOCTYPE, "Water from the flat above", filters=only_the_case)


@pytest.mark.parametrize("user_key", OUTSIDERS)
def test_outsiders_cannot_read_the_rows_of_the_case(people, case_name, user_key):
	as_user(people.users[user_key])
	for child in CHILD_TABLES:
		if user_key in WITHOUT_ACCESS:
			with pytest.raises(frappe.PermissionError):
				frappe.get_list(child, parent_doctype=DOCTYPE, filters={"parent": case_name}, fields=["name"])
			continue
		rows = frappe.get_list(
			child, parent_doctype=DOCTYPE, filters={"parent": case_name}, fields=["name", "parent"]
		)
		assert not rows, child


@pytest.mark.parametrize("user_key", OUTSIDERS + INSIDERS)
def test_the_report_counts_only_the_cases_a_user_may_open(people, user_key):
	if user_key in WITHOUT_ACCESS:
		with pytest.raises(frappe.PermissionError):
			report_cases(user_key, people)
		return
	before = report_cases(user_key, people)
	register(people)
	after = report_cases(user_key, people)
	assert after == before + (1 if user_key in INSIDERS else 0)


# --- the circle of trust -------------------------------------------------------------------------


@pytest.mark.parametrize("user_key", INSIDERS)
def test_the_team_the_registrar_and_admins_see_the_case(people, case_name, user_key):
	as_user(people.users[user_key])
	assert case_name in frappe.get_list(DOCTYPE, pluck="name", limit_page_length=0)
	assert client_get(DOCTYPE, case_name)["name"] == case_name
	assert [row["value"] for row in search_link(DOCTYPE, "", filters={"name": case_name})] == [case_name]
	parties = frappe.get_list(
		"Mediation Party", parent_doctype=DOCTYPE, filters={"parent": case_name}, fields=["party_name"]
	)
	assert {row.party_name for row in parties} == {"Li Na", "Wang Fang"}


def test_party_contacts_only_for_the_team(people, case_name):
	phone = frappe.db.get_value("Resident", people.residents["resident1"], "phone")
	as_user(people.users["mediator"])
	assert client_get(DOCTYPE, case_name)["parties"][0]["phone"] == phone
	assert phone in frappe.get_print(DOCTYPE, case_name, "Mediation Agreement")
	for user_key in ("soa", "gw11"):
		as_user(people.users[user_key])
		parties = client_get(DOCTYPE, case_name)["parties"]
		assert all(row.get("phone") is None and row.get("address") is None for row in parties), user_key
		rows = frappe.get_list(
			"Mediation Party",
			parent_doctype=DOCTYPE,
			filters={"parent": case_name},
			fields=["party_name", "phone", "address"],
		)
		assert rows and all(row.get("phone") is None and row.get("address") is None for row in rows), user_key
		assert phone not in frappe.get_print(DOCTYPE, case_name, "Mediation Agreement"), user_key


def test_a_save_by_the_registrar_keeps_the_contacts_they_cannot_see(people, case_name):
	phone = frappe.db.get_value("Resident", people.residents["resident1"], "phone")
	frappe.db.set_value("Mediation Party", {"parent": case_name, "idx": 2}, "address", "3 Well Lane")
	as_user(people.users["gw11"])
	doc = frappe.get_doc(DOCTYPE, case_name)
	doc.apply_fieldlevel_read_permissions()  # what the registrar's form holds
	doc.subject = "Leak from above"
	doc.save()
	saved = frappe.get_doc(DOCTYPE, case_name)
	assert saved.parties[0].phone == phone and saved.parties[1].address == "3 Well Lane"


# --- the same over HTTP ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def committed_case(people, server):
	"""A case registered over REST by the grid worker (so the server has committed it)."""
	registrar = server.session(people.users["gw11"], people.password)
	response = registrar.post(
		f"/api/resource/{DOCTYPE}",
		subject="Parking in front of the door",
		dispute_type="Neighbour",
		description="A car blocks the entrance every night.",
		parties=usual_parties(people),
		team=[{"user": people.users["mediator"], "team_role": "People's Mediator"}],
	)
	assert response.status_code == 200, response.text
	return response.json()["data"]["name"]


def rest_report_cases(client) -> tuple[int, int]:
	response = client.get(
		"/api/method/frappe.desk.query_report.run", report_name=REPORT, filters=json.dumps(period())
	)
	if response.status_code != 200:
		return response.status_code, 0
	result = response.json()["message"]["result"]
	return 200, (result[-1]["cases"] if result else 0)


def cases_visible_to(user: str) -> int:
	"""Counted straight from the tables: cases of the period the user registered or mediates."""
	case = frappe.qb.DocType(DOCTYPE)
	member = frappe.qb.DocType("Mediation Team Member")
	on_team = frappe.qb.from_(member).select(member.parent).where(member.user == user)
	in_period = case.registered_on[add_days(today(), -1) : today()]
	return len(
		frappe.qb.from_(case)
		.select(case.name)
		.where(in_period & ((case.owner == user) | case.name.isin(on_team)))
		.run()
	)


@pytest.mark.http
@pytest.mark.parametrize("user_key", OUTSIDERS)
def test_rest_shows_outsiders_nothing(people, server, committed_case, user_key):
	client = server.session(people.users[user_key], people.password)
	assert client.get(f"/api/resource/{DOCTYPE}/{committed_case}").status_code == 403

	listed = client.get(f"/api/resource/{DOCTYPE}", limit_page_length=0)
	if user_key in WITHOUT_ACCESS:
		assert listed.status_code == 403
	else:
		assert committed_case not in {row["name"] for row in listed.json()["data"]}

	rows = client.get(
		"/api/resource/Mediation Party",
		parent=DOCTYPE,
		fields=json.dumps(["parent", "party_name", "phone"]),
		filters=json.dumps({"parent": committed_case}),
	)
	assert rows.status_code == 403 or not rows.json()["data"]

	search = client.get(
		"/api/method/frappe.desk.search.search_link",
		doctype=DOCTYPE,
		txt="Parking",
		filters=json.dumps({"name": committed_case}),
	)
	assert search.status_code == 403 or not search.json()["message"]

	printed = client.get(
		"/api/method/frappe.www.printview.get_html_and_style",
		doc=DOCTYPE,
		name=committed_case,
		print_format="Mediation Agreement",
	)
	assert printed.status_code == 403

	status, cases = rest_report_cases(client)
	frappe.db.rollback()  # read what the server has committed
	if user_key in WITHOUT_ACCESS:
		assert status == 403
	else:
		assert (status, cases) == (200, cases_visible_to(people.users[user_key]))


@pytest.mark.http
def test_rest_hides_party_contacts_from_readers_outside_the_team(people, server, committed_case):
	phone = frappe.db.get_value("Resident", people.residents["resident1"], "phone")
	team = server.session(people.users["mediator"], people.password)
	assert (
		team.get(f"/api/resource/{DOCTYPE}/{committed_case}").json()["data"]["parties"][0]["phone"] == phone
	)
	for user_key in ("soa", "gw11"):
		client = server.session(people.users[user_key], people.password)
		response = client.get(f"/api/resource/{DOCTYPE}/{committed_case}")
		assert response.status_code == 200, (user_key, response.text[:200])
		parties = response.json()["data"]["parties"]
		assert [row["party_name"] for row in parties] == ["Li Na", "Wang Fang"]
		assert all(row.get("phone") is None and row.get("address") is None for row in parties)
		rows = client.get(
			"/api/resource/Mediation Party",
			parent=DOCTYPE,
			fields=json.dumps(["party_name", "phone"]),
			filters=json.dumps({"parent": committed_case}),
		).json()["data"]
		assert rows and all(row.get("phone") is None for row in rows)
		status, cases = rest_report_cases(client)
		frappe.db.rollback()
		expected = frappe.db.count(DOCTYPE, {"registered_on": ("between", [add_days(today(), -1), today()])})
		assert (status, cases) == (
			200,
			expected if user_key == "soa" else cases_visible_to(people.users[user_key]),
		)
