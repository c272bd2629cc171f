"""The demo street's cases: mediation, deliberation, care visits and partners. The small demo lives
its month without a failure, each chapter leaves records at varied states, a case file stays with
its team, the ledger equals its balances and a second run lives nothing new."""

import pytest

import frappe
from community_governance import care, demo, ledger
from community_governance.demo import partners as demo_partners
from tests.integration.conftest import as_user
from tests.integration.demo_street import build_small_demo

INSIDE = ("like", f"{demo.STREET_CODE}-%")
CHAPTERS = ("mediation", "deliberation", "care", "partners")
SETTINGS = "Community Governance Settings"


@pytest.fixture(scope="module")
def lived(site):
	return build_small_demo()


@pytest.fixture(scope="module")
def plan(lived):
	return demo.plan_demo("small")


def test_the_month_was_lived_without_a_failure(lived):
	assert lived.failures == []
	failed = frappe.get_all(
		"Demo Story",
		filters={"chapter": ("in", CHAPTERS), "failure": ("is", "set")},
		fields=["name", "failure"],
	)
	assert not failed, "\n".join(f"{row.name}: {row.failure}" for row in failed)
	chapters = set(frappe.get_all("Demo Story", filters={"chapter": ("in", CHAPTERS)}, pluck="chapter"))
	assert chapters == set(CHAPTERS)


# --- mediation -----------------------------------------------------------------------------------


def cases() -> list:
	return frappe.get_all(
		"Mediation Case",
		filters={"community": INSIDE},
		fields=["name", "workflow_state", "team_users", "owner", "outcome", "handling_level"],
	)


def test_mediation_cases_are_at_varied_stages(lived):
	found = cases()
	assert 3 <= len(found) <= 6
	assert len({case.workflow_state for case in found}) >= 3
	for case in found:
		doc = frappe.get_doc("Mediation Case", case.name)
		assert len(doc.parties) == 2 and doc.team
		assert case.owner in case.team_users.split()
		if doc.workflow_state in ("Agreement Reached", "Follow-up", "Closed") and doc.outcome == "Agreement":
			assert doc.obligations and doc.agreement_date
	assert any(frappe.get_all("Mediation Session", filters={"parent": case.name}) for case in found)


def test_a_case_file_stays_with_its_team(lived, plan):
	found = cases()
	mediators = [demo.MEDIATOR] + [
		grid.responsible_user for grid in plan.grids if grid.level in ("Community", "Grid")
	]
	outsiders = 0
	for case in found:
		doc = frappe.get_doc("Mediation Case", case.name)
		team = set(case.team_users.split())
		for user in mediators:
			allowed = frappe.has_permission("Mediation Case", "read", doc, user=user)
			assert allowed == (user in team or user == case.owner), (case.name, user)
			outsiders += not allowed
	assert outsiders, "some mediator sits on no team of some case"

	# the street's mediator, logged in, reads and lists the cases of their teams and no other
	as_user(demo.MEDIATOR)
	theirs = {case.name for case in found if demo.MEDIATOR in case.team_users.split()}
	assert theirs and len(theirs) < len(found)
	for case in found:
		assert frappe.has_permission("Mediation Case", "read", case.name) == (case.name in theirs)
	listed = set(frappe.get_list("Mediation Case", filters={"community": INSIDE}, pluck="name"))
	assert listed == theirs


# --- deliberation --------------------------------------------------------------------------------


def test_matters_are_raised_voted_and_carried_out(lived):
	matters = frappe.get_all(
		"Deliberation Matter",
		filters={"community": INSIDE},
		fields=["name", "workflow_state", "votes_for", "turnout", "outcome"],
	)
	assert len(matters) >= 2
	assert len({matter.workflow_state for matter in matters}) >= 2
	decided = [matter for matter in matters if matter.outcome]
	assert decided and all(matter.turnout >= 50 for matter in decided)
	meetings = frappe.get_all("Deliberation Meeting", filters={"community": INSIDE}, pluck="name")
	assert frappe.db.count("Deliberation Vote", {"parent": ("in", meetings)}) >= 2
	assert frappe.db.count("Deliberation Attendance", {"parent": ("in", meetings)}) >= 2
	assert frappe.db.count("Deliberation Action", {"parenttype": "Deliberation Matter"}) >= 1


def test_owners_score_their_property_company(lived):
	evaluations = frappe.get_all(
		"Property Service Evaluation",
		filters={"community": INSIDE},
		fields=["name", "docstatus", "scorecards", "overall_score", "company_contact"],
	)
	assert evaluations and all(row.scorecards >= 1 for row in evaluations)
	assert all(1 <= row.overall_score <= 5 for row in evaluations)
	assert all(row.company_contact.endswith(f"@{demo.DOMAIN}") for row in evaluations)
	closed = [row for row in evaluations if row.docstatus == 1]
	assert closed
	rectifications = frappe.get_all(
		"Property Service Rectification",
		filters={"parent": ("in", [row.name for row in closed])},
		pluck="service_request",
	)
	assert rectifications, "a low score opened a rectification"
	assert set(
		frappe.get_all("Service Request", filters={"name": ("in", rectifications)}, pluck="handler")
	) <= {row.company_contact for row in closed}


# --- care ----------------------------------------------------------------------------------------


def test_every_care_tagged_core_resident_has_a_plan_and_visits(lived, plan):
	tagged = {
		(building.name, resident.household, resident.full_name)
		for building in plan.buildings
		for resident in building.residents
		if resident.core and resident.status == "Active" and care.is_care_tagged(resident.tags)
	}
	plans = frappe.get_all(
		"Care Visit Plan",
		filters={"community": INSIDE, "status": "Active"},
		fields=["name", "resident", "visitor", "frequency", "visit_count", "next_due_date", "is_overdue"],
	)
	residents = {
		row.name: (row.building, row.household, row.full_name)
		for row in frappe.get_all(
			"Resident",
			filters={"name": ("in", [row.resident for row in plans])},
			fields=["name", "building", "household", "full_name"],
		)
	}
	assert {residents[row.resident] for row in plans} == tagged
	assert sum(row.visit_count for row in plans) >= len(plans) - 2
	assert {row.frequency for row in plans} >= {"Monthly", "Fortnightly"}
	assert any(row.next_due_date <= frappe.utils.getdate() for row in plans), "a visit is due"
	assert any(row.is_overdue for row in plans), "today's reminder flagged the late plans"
	assert demo.VOLUNTEER in {row.visitor for row in plans}


# --- partners ------------------------------------------------------------------------------------


def test_partners_are_registered_and_serve_the_community(lived):
	units = frappe.get_all(
		"Partner Unit", filters={"community": INSIDE}, fields=["name", "unit_type", "contact_user"]
	)
	assert len({unit.unit_type for unit in units}) >= 4
	compounds = frappe.get_all(
		"Compound", filters={"community": INSIDE}, fields=["property_company", "company_contact"]
	)
	assert compounds and all(row.property_company and row.company_contact for row in compounds)
	members = frappe.get_all(
		"Reporting Member", filters={"community": INSIDE}, fields=["name", "partner_unit", "user"]
	)
	assert members and all(member.partner_unit for member in members)
	handlers = {unit.contact_user for unit in units if unit.contact_user} | {
		m.user for m in members if m.user
	}
	served = frappe.get_all(
		"Service Request",
		filters={"building": INSIDE, "handler": ("in", list(handlers)), "channel": "Phone"},
		pluck="workflow_state",
	)
	assert "Resolved" in served
	assert all("Volunteer" in frappe.get_roles(user.email) for user in demo_partners.partner_logins(lived))


# --- the whole ------------------------------------------------------------------------------------


def test_the_ledger_equals_its_balances(lived):
	assert ledger.drift() == []


def test_a_second_run_lives_nothing(lived):
	stories = frappe.db.count("Demo Story")
	again = build_small_demo()
	assert again.failures == []
	assert frappe.db.count("Demo Story") == stories
