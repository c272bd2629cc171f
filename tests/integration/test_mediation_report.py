"""The Mediation Summary report: figures that match an independent count over cases taken through
the real steps, for an admin who sees every case and for a mediator who sees only their own."""

from collections import defaultdict

import pytest

import frappe
from community_governance.api import mediation as api
from frappe.desk.query_report import run as run_report
from frappe.utils import add_days, date_diff, today
from tests.integration.test_mediation import (
	RESPONDENT,
	agreed,
	in_mediation,
	mediation_people,
	obligations,
	register,
	results,
	run_as,
)

DOCTYPE = "Mediation Case"
REPORT = "Mediation Summary"
TYPES = ("Family", "Neighbour", "Marriage", "Property Management", "Property Rights", "Other")
LEVELS = ("Grid", "Community", "Street")


@pytest.fixture(scope="module")
def people(world):
	return mediation_people(world)


def period() -> dict:
	return {"from_date": add_days(today(), -30), "to_date": today()}


@pytest.fixture
def cases(people):
	"""Cases in every state the figures distinguish, in both communities and two grids."""
	made = {}
	made["agreed"] = agreed(people, registered_on=add_days(today(), -10))
	made["closed"] = agreed(people, registered_on=add_days(today(), -4), dispute_type="Family")
	run_as(people, "mediator", api.record_follow_up, made["closed"], results((1, "Kept"), (2, "Kept")))
	made["failed"] = in_mediation(people, dispute_type="Property Rights")
	run_as(people, "mediator", api.record_failure, made["failed"], "No agreement")
	made["referred"] = in_mediation(
		people,
		dispute_type="Family",
		parties=[{"side": "Applicant", "party_name": "Passer-by Tang"}],
		grid="TG12",
		user_key="gw12",  # the staff of the grid registers its cases
	)
	run_as(people, "mediator", api.refer, made["referred"], "Police")
	made["at_community"] = in_mediation(people, registered_on=add_days(today(), -3))
	run_as(
		people,
		"mediator",
		api.escalate,
		made["at_community"],
		"Beyond the grid",
		[{"user": people.users["mediator2"], "team_role": "Community Lawyer"}],
	)
	run_as(people, "mediator2", api.accept, made["at_community"])
	run_as(people, "mediator2", api.record_session, made["at_community"])
	run_as(
		people,
		"mediator2",
		api.reach_agreement,
		made["at_community"],
		obligations(("Share the repair cost", RESPONDENT, 20)),
	)
	made["reopened"] = agreed(people)
	run_as(people, "mediator", api.record_follow_up, made["reopened"], results((1, "Broken")))
	made["pending"] = register(
		people,
		user_key="cw2",
		team=(("mediator2", "People's Mediator"),),
		parties=[{"side": "Applicant", "resident": people.residents["resident2"]}],
		dispute_type="Marriage",
	)
	return made


def report(user_key, people, **filters) -> dict:
	result = run_as(people, user_key, run_report, REPORT, filters={**period(), **filters})["result"]
	return {(row["group"] if not row.get("is_total") else "Total"): row for row in result}


def independent_figures(group_by: str, user: str | None = None) -> dict:
	"""Counted straight from the tables, without the report's code or permission layer: a user
	other than an admin sees the cases they registered or are on the team of."""
	case = frappe.qb.DocType(DOCTYPE)
	member = frappe.qb.DocType("Mediation Team Member")
	obligation = frappe.qb.DocType("Mediation Obligation")
	query = (
		frappe.qb.from_(case)
		.select(
			case.name,
			case[group_by].as_("group"),
			case.dispute_type,
			case.handling_level,
			case.outcome,
			case.registered_on,
			case.agreement_date,
		)
		.where(case.registered_on[add_days(today(), -30) : today()])
	)
	if user:
		on_team = frappe.qb.from_(member).select(member.parent).where(member.user == user)
		query = query.where((case.owner == user) | case.name.isin(on_team))
	rows = query.run(as_dict=True)
	owed = defaultdict(int)
	for parent in (
		frappe.qb.from_(obligation)
		.select(obligation.parent)
		.where(obligation.status.isin(["Open", "Broken"]) & obligation.agreed_on.isnotnull())
		.run(pluck=True)
	):
		owed[parent] += 1

	groups = defaultdict(lambda: defaultdict(int))
	for row in rows:
		for key in (row.group, "Total"):
			figures = groups[key]
			figures["cases"] += 1
			figures[f"type_{frappe.scrub(row.dispute_type)}"] += 1
			figures[f"at_{row.handling_level.lower()}"] += 1
			figures[f"outcome_{(row.outcome or 'pending').lower()}"] += 1
			figures["open_obligations"] += owed[row.name]
			if row.outcome == "Agreement":
				figures["days"] += date_diff(row.agreement_date, row.registered_on)
				figures["agreed_at_grid"] += row.handling_level == "Grid"
	return groups


def expected_row(figures) -> dict:
	agreements = figures["outcome_agreement"]
	concluded = agreements + figures["outcome_failed"] + figures["outcome_referred"]
	return {
		"cases": figures["cases"],
		**{f"type_{frappe.scrub(kind)}": figures[f"type_{frappe.scrub(kind)}"] for kind in TYPES},
		**{f"at_{level.lower()}": figures[f"at_{level.lower()}"] for level in LEVELS},
		"outcome_agreement": agreements,
		"outcome_failed": figures["outcome_failed"],
		"outcome_referred": figures["outcome_referred"],
		"pending": figures["outcome_pending"],
		"settlement_rate": round(100 * agreements / concluded, 1) if concluded else None,
		"settled_at_grid_share": round(100 * figures["agreed_at_grid"] / agreements, 1)
		if agreements
		else None,
		"avg_days_to_agreement": round(figures["days"] / agreements, 1) if agreements else None,
		"open_obligations": figures["open_obligations"],
	}


def assert_matches(rows: dict, groups: dict):
	assert set(rows) == set(groups)
	for group, figures in groups.items():
		expected = expected_row(figures)
		shown = {key: rows[group][key] for key in expected}
		assert shown == expected, group


@pytest.mark.parametrize("group_by", ["community", "grid"])
def test_figures_match_an_independent_count(people, cases, group_by):
	assert_matches(report("soa", people, group_by=group_by), independent_figures(group_by))


def test_a_mediator_counts_only_their_own_cases(people, cases):
	rows = report("mediator2", people, group_by="community")
	assert_matches(rows, independent_figures("community", people.users["mediator2"]))
	# among their cases: the one escalated to them and the one they mediate in community two
	assert rows["TC1"]["at_community"] >= 1 and rows["TC2"]["pending"] >= 1


def test_the_cases_of_this_test_are_counted_as_expected(people, cases):
	before = independent_figures("community")  # includes these cases
	rows = report("soa", people, community="TC1", group_by="grid")
	assert set(rows) >= {"TG11", "TG12", "Total"}
	assert rows["TG12"]["outcome_referred"] >= 1 and rows["TG12"]["type_family"] >= 1
	assert rows["Total"]["cases"] == sum(
		figures["cases"] for group, figures in before.items() if group == "TC1"
	)
	# the case escalated to the community is settled, but not at grid level
	assert rows["Total"]["at_community"] >= 1
	assert rows["Total"]["settled_at_grid_share"] < 100


def test_an_inverted_period_is_refused(people):
	with pytest.raises(frappe.ValidationError, match="From Date must not be after"):
		run_as(
			people,
			"soa",
			run_report,
			REPORT,
			filters={"from_date": today(), "to_date": add_days(today(), -1)},
		)
