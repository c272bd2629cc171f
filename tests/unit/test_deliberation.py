from datetime import date

import pytest

from community_governance import deliberation as rules

HOUSEHOLDS = [
	{"name": "R1", "household": "H1"},
	{"name": "R2", "household": "H1"},
	{"name": "R3", "household": "H2"},
	{"name": "R4", "household": None},
]


def vote(resident, household, choice):
	return {"resident": resident, "household": household, "choice": choice}


def test_support_needs_at_least_one_supporter():
	assert rules.has_enough_support(3, 3)
	assert not rules.has_enough_support(2, 3)
	assert not rules.has_enough_support(0, 0)
	assert rules.has_enough_support(1, 0)


def test_a_household_is_one_unit_and_a_resident_without_one_is_their_own():
	assert rules.eligible_units(rules.PER_HOUSEHOLD, HOUSEHOLDS) == 3
	assert rules.eligible_units(rules.PER_PERSON, HOUSEHOLDS) == 4
	with pytest.raises(ValueError):
		rules.voting_unit("Per Flat", "R1", "H1")


def test_a_second_vote_of_the_same_household_is_found_only_when_households_count():
	votes = [vote("R1", "H1", rules.FOR)]
	assert rules.duplicate_unit(rules.PER_HOUSEHOLD, votes, "R2", "H1") == votes[0]
	assert rules.duplicate_unit(rules.PER_PERSON, votes, "R2", "H1") is None
	assert rules.duplicate_unit(rules.PER_PERSON, votes, "R1", "H1") == votes[0]


@pytest.mark.parametrize(
	"eligible, percent, needed", [(10, 50, 5), (9, 50, 5), (3, 66.7, 3), (4, 0, 1), (0, 50, 1)]
)
def test_the_quorum_is_the_share_of_eligible_units_rounded_up(eligible, percent, needed):
	assert rules.quorum_needed(eligible, percent) == needed


def test_household_counting_takes_one_vote_per_household():
	votes = [vote("R1", "H1", rules.FOR), vote("R2", "H1", rules.AGAINST), vote("R3", "H2", rules.AGAINST)]
	result = rules.tally(rules.PER_HOUSEHOLD, votes, eligible=3, quorum_percent=50, threshold=50)
	assert (result.votes_for, result.votes_against, result.cast) == (1, 1, 2)
	assert result.has_quorum and not result.passed and result.outcome == rules.REJECTED
	per_person = rules.tally(rules.PER_PERSON, votes, eligible=4, quorum_percent=50, threshold=50)
	assert (per_person.votes_for, per_person.votes_against) == (1, 2)


def test_more_than_the_threshold_passes_and_abstentions_count_as_cast():
	votes = [vote("R1", None, rules.FOR), vote("R2", None, rules.FOR), vote("R3", None, rules.ABSTAIN)]
	result = rules.tally(rules.PER_PERSON, votes, eligible=4, quorum_percent=50, threshold=50)
	assert result.passed and result.outcome == rules.PASSED and result.turnout == 75.0
	tie = rules.tally(rules.PER_PERSON, [*votes[:1], vote("R4", None, rules.AGAINST)], 4, 50, 50)
	assert tie.has_quorum and not tie.passed
	strict = rules.tally(rules.PER_PERSON, votes, eligible=4, quorum_percent=50, threshold=66.7)
	assert not strict.passed


def test_without_quorum_there_is_no_outcome():
	result = rules.tally(rules.PER_HOUSEHOLD, [vote("R1", "H1", rules.FOR)], 3, 50, 50)
	assert result.quorum_needed == 2 and not result.has_quorum
	assert result.outcome is None and not result.passed
	assert rules.tally(rules.PER_PERSON, [], 0, 0, 50).outcome is None


@pytest.mark.parametrize(
	"start, cadence, end",
	[
		(date(2026, 3, 2), "Weekly", date(2026, 3, 8)),
		(date(2026, 1, 1), "Monthly", date(2026, 1, 31)),
		(date(2026, 1, 31), "Monthly", date(2026, 2, 27)),
		(date(2026, 11, 1), "Quarterly", date(2027, 1, 31)),
		(date(2026, 12, 15), "Monthly", date(2027, 1, 14)),
	],
)
def test_a_period_ends_the_day_before_the_next_one_starts(start, cadence, end):
	assert rules.period_end(start, cadence) == end


def test_scores_are_whole_numbers_from_one_to_five():
	assert rules.score_in_range(1) and rules.score_in_range(5)
	assert not any(rules.score_in_range(value) for value in (0, 6, 3.5, None, "4"))


def test_averages_overall_and_low_criteria():
	cards = [
		{"cleaning": 2, "security": 4, "greenery": 5, "repairs": 3, "parking": None},
		{"cleaning": 3, "security": 5, "greenery": 4, "repairs": 2, "parking": None},
	]
	averages = rules.average_scores(cards)
	assert averages == {"cleaning": 2.5, "security": 4.5, "greenery": 4.5, "repairs": 2.5, "parking": None}
	assert rules.overall_score(averages) == 3.5
	assert rules.low_criteria(averages, 3) == ["cleaning", "repairs"]
	assert rules.overall_score(rules.average_scores([])) is None
