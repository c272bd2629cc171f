"""Evaluation of the property-management company: residents and captains of a compound score it for
a period; a low criterion opens a rectification request to the company's contact; the scores report
shows the trend per compound."""

import uuid

import pytest

import frappe
from community_governance.api import deliberation as api
from community_governance.community_governance.report.property_service_scores import property_service_scores
from frappe.utils import add_days, add_months, get_first_day, today
from tests.integration import deliberation_world
from tests.integration.conftest import as_user

EVALUATION = "Property Service Evaluation"
CRITERIA = ("cleaning", "security", "greenery", "repairs", "parking")


@pytest.fixture(scope="module")
def people(world):
	built = deliberation_world.build(world)
	frappe.db.commit()
	return built


@pytest.fixture(autouse=True)
def rectification_category():
	# inside the test's transaction: rolled back with it
	frappe.db.set_single_value(
		"Community Governance Settings", "rectification_category", deliberation_world.RECTIFICATION_CATEGORY
	)
	frappe.clear_document_cache("Community Governance Settings", "Community Governance Settings")


def run_as(people, user_key, function, *args, **kwargs):
	as_user(people.users[user_key])
	try:
		return function(*args, **kwargs)
	finally:
		as_user("Administrator")


def open_evaluation(people, compound=None, period_start=None, user_key="cw1", **values) -> str:
	doc = {
		"doctype": EVALUATION,
		"compound_name": compound or f"Harmony Garden {uuid.uuid4().hex[:6]}",
		"property_company": "Harmony Property Services",
		"company_contact": people.users["propco"],
		"community": "TC1",
		"buildings": [{"building": deliberation_world.BUILDING}],
		"cadence": "Monthly",
		"period_start": period_start or get_first_day(today()),
		**values,
	}
	return run_as(people, user_key, lambda: frappe.get_doc(doc).insert().name)


def score(people, user_key, evaluation, *scores, comment=None):
	return run_as(people, user_key, api.score_property_service, evaluation, *scores, comment=comment)


def test_residents_score_the_period_and_the_averages_follow(people):
	name = open_evaluation(people)
	score(people, "hua", name, 2, 4, 5, 3, 4, comment="Stairs not swept")
	result = score(people, "sunli", name, 3, 5, 4, 3, 2)
	assert result["scorecards"] == 2 and result["overall_score"] == 3.5
	doc = frappe.get_doc(EVALUATION, name)
	assert (doc.avg_cleaning, doc.avg_security, doc.avg_parking) == (2.5, 4.5, 3.0)
	assert str(doc.period_end) == str(add_days(add_months(get_first_day(today()), 1), -1))
	assert doc.low_score_below == 3  # the setting
	assert (
		doc.scores[0].household == people.households["hua"] and doc.scores[0].scored_by == people.users["hua"]
	)


def test_a_score_out_of_range_is_refused(people):
	name = open_evaluation(people)
	with pytest.raises(frappe.ValidationError, match="Cleaning score must be a whole number from 1 to 5"):
		score(people, "hua", name, 0, 4, 4, 4, 4)
	with pytest.raises(frappe.ValidationError, match="Parking score must be a whole number from 1 to 5"):
		score(people, "hua", name, 4, 4, 4, 4, 6)
	as_user(people.users["cw1"])  # a worker typing in a paper scorecard
	doc = frappe.get_doc(EVALUATION, name)
	doc.append("scores", {"resident": people.residents["sunli"], **dict.fromkeys(CRITERIA, 4), "security": 9})
	with pytest.raises(frappe.ValidationError, match="Security score must be a whole number"):
		doc.save()
	as_user("Administrator")
	assert not frappe.get_doc(EVALUATION, name).scores


def test_one_scorecard_per_resident_and_only_from_the_compound(people):
	name = open_evaluation(people)
	score(people, "hua", name, 4, 4, 4, 4, 4)
	with pytest.raises(frappe.ValidationError, match="already scored this period"):
		score(people, "hua", name, 1, 1, 1, 1, 1)
	with pytest.raises(frappe.PermissionError):
		score(people, "resident2", name, 1, 1, 1, 1, 1)
	assert len(frappe.get_doc(EVALUATION, name).scores) == 1


def test_a_period_that_has_not_started_cannot_be_evaluated(people):
	next_month = get_first_day(add_months(today(), 1))
	with pytest.raises(frappe.ValidationError, match="has not started yet"):
		open_evaluation(people, period_start=next_month)


def test_one_evaluation_per_compound_and_period(people):
	name = open_evaluation(people)
	compound = frappe.db.get_value(EVALUATION, name, "compound_name")
	with pytest.raises(frappe.ValidationError, match="already has an evaluation"):
		open_evaluation(people, compound=compound)


def test_a_low_score_opens_a_rectification_request_to_the_company_contact(people):
	name = open_evaluation(people)
	score(people, "hua", name, 2, 4, 4, 1, 4)
	score(people, "zhoumin", name, 2, 5, 4, 3, 4)
	result = run_as(people, "cw1", api.close_evaluation, name)
	doc = frappe.get_doc(EVALUATION, name)
	assert doc.docstatus == 1
	assert [(row.criterion, row.average_score) for row in doc.rectifications] == [
		("Cleaning", 2.0),
		("Repairs", 2.0),
	]
	assert result["rectifications"] == [row.service_request for row in doc.rectifications]
	for row in doc.rectifications:
		request = frappe.get_doc("Service Request", row.service_request)
		assert (request.workflow_state, request.handler, request.owner) == (
			"Dispatched",
			people.users["propco"],
			people.users["cw1"],
		)
		assert request.category == deliberation_world.RECTIFICATION_CATEGORY and request.priority == "High"
		assert frappe.get_all(
			"ToDo", {"reference_name": request.name, "allocated_to": people.users["propco"]}
		)
	with pytest.raises(frappe.ValidationError, match="closed"):
		score(people, "sunli", name, 5, 5, 5, 5, 5)


def test_a_good_period_opens_nothing_and_residents_cannot_close_a_period(people):
	name = open_evaluation(people)
	score(people, "hua", name, 4, 4, 4, 3, 5)
	with pytest.raises(frappe.PermissionError):
		run_as(people, "hua", api.close_evaluation, name)
	assert not run_as(people, "cw1", api.close_evaluation, name)["rectifications"]


def test_a_stricter_compound_sets_its_own_low_score(people):
	name = open_evaluation(people, low_score_below=4.5)
	score(people, "hua", name, 4, 5, 5, 5, 5)
	assert len(run_as(people, "cw1", api.close_evaluation, name)["rectifications"]) == 1


def test_the_scores_report_matches_an_independent_count_and_shows_the_trend(people):
	compound = f"Willow Court {uuid.uuid4().hex[:6]}"
	this_month = get_first_day(today())
	last_month = get_first_day(add_months(today(), -1))
	cards = {
		last_month: {"hua": (4, 4, 4, 4, 4), "sunli": (5, 4, 3, 4, 5)},
		this_month: {"hua": (2, 3, 4, 5, 3), "sunli": (3, 3, 4, 4, 4), "zhoumin": (1, 5, 5, 3, 2)},
	}
	names = {}
	for period, by_resident in cards.items():
		names[period] = open_evaluation(people, compound=compound, period_start=period)
		for key, scores in by_resident.items():
			score(people, key, names[period], *scores)
		run_as(people, "cw1", api.close_evaluation, names[period])

	as_user(people.users["cw1"])
	_columns, data, _message, chart = property_service_scores.execute(
		{"compound_name": compound, "from_date": add_months(today(), -3), "to_date": today()}
	)
	assert [row["evaluation"] for row in data] == [names[last_month], names[this_month]]
	overall = {}
	for row, (period, by_resident) in zip(data, cards.items(), strict=True):
		averages = {
			criterion: round(sum(card[i] for card in by_resident.values()) / len(by_resident), 2)
			for i, criterion in enumerate(CRITERIA)
		}
		overall[period] = round(sum(averages.values()) / len(averages), 2)
		assert {criterion: row[f"avg_{criterion}"] for criterion in CRITERIA} == averages
		assert row["scorecards"] == len(by_resident) and row["overall_score"] == overall[period]
		assert row["rectifications"] == sum(1 for value in averages.values() if value < 3)
	assert data[0]["change"] is None
	assert data[1]["change"] == round(overall[this_month] - overall[last_month], 2)
	assert chart["data"]["datasets"][0]["name"] == compound

	as_user(people.users["cw2"])  # another community's worker sees none of it
	assert not property_service_scores.execute({"compound_name": compound})[1]


def test_evaluations_are_seen_by_the_compounds_workers(people):
	name = open_evaluation(people)
	for user_key, sees in (("cw1", True), ("gw12", True), ("cw2", False), ("gw11", False)):
		as_user(people.users[user_key])
		assert (name in frappe.get_list(EVALUATION, pluck="name")) is sees, user_key
	# a resident follows only the evaluations of a compound whose owners' committee they sit on
	as_user(people.users["hua"])
	assert name not in frappe.get_list(EVALUATION, pluck="name")
	assert not frappe.has_permission(EVALUATION, "read", doc=name)
