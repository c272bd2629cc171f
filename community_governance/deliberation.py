"""Deliberation (议事): the rules every matter and meeting shares, free of the framework.

- support: a matter reaches "Supported" once enough residents of its buildings back it;
- counting: one vote per person, or one per household (property matters are decided by households);
- quorum: a decision needs votes from at least a share of the eligible voting units;
- threshold: a matter passes when more than a share of the votes cast are in favour;
- evaluation: the property company's scores per criterion, and which of them are low.

Callers pass plain values (dicts, numbers, dates); nothing here reads the database.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

PER_PERSON = "Per Person"
PER_HOUSEHOLD = "Per Household"
COUNTINGS = (PER_PERSON, PER_HOUSEHOLD)
FOR, AGAINST, ABSTAIN = "In Favour", "Opposed", "Abstain"
CHOICES = (FOR, AGAINST, ABSTAIN)
PASSED, REJECTED = "Passed", "Rejected"

CRITERIA = ("cleaning", "security", "greenery", "repairs", "parking")
MIN_SCORE, MAX_SCORE = 1, 5
CADENCES = ("Weekly", "Monthly", "Quarterly")


# --- support -------------------------------------------------------------------------------------


def has_enough_support(supporters: int, needed: int) -> bool:
	"""A matter needs at least one supporter, however low the setting is."""
	return supporters >= max(int(needed or 0), 1)


# --- counting ------------------------------------------------------------------------------------


def voting_unit(counting: str, resident: str, household: str | None) -> str:
	"""What one vote stands for: the person, or their household. A resident registered without a
	household is a household of their own."""
	if counting not in COUNTINGS:
		raise ValueError(f"unknown counting: {counting}")
	if counting == PER_HOUSEHOLD:
		return f"household:{household}" if household else f"resident:{resident}"
	return f"resident:{resident}"


def duplicate_unit(counting: str, votes: Iterable[dict], resident: str, household: str | None) -> dict | None:
	"""The earlier vote that already speaks for the voter's unit, if any."""
	unit = voting_unit(counting, resident, household)
	return next(
		(vote for vote in votes if voting_unit(counting, vote["resident"], vote.get("household")) == unit),
		None,
	)


def eligible_units(counting: str, residents: Iterable[dict]) -> int:
	"""How many voting units the matter's electorate has: residents, or their distinct households."""
	return len({voting_unit(counting, row["name"], row.get("household")) for row in residents})


@dataclass(frozen=True)
class Tally:
	votes_for: int
	votes_against: int
	abstentions: int
	eligible: int
	quorum_needed: int
	threshold: float

	@property
	def cast(self) -> int:
		return self.votes_for + self.votes_against + self.abstentions

	@property
	def turnout(self) -> float:
		return round(100 * self.cast / self.eligible, 1) if self.eligible else 0.0

	@property
	def has_quorum(self) -> bool:
		return self.cast >= self.quorum_needed and self.cast > 0

	@property
	def passed(self) -> bool:
		# abstentions count as cast: "more than half of those who voted" means of all who took part
		return self.has_quorum and 100 * self.votes_for > self.threshold * self.cast

	@property
	def outcome(self) -> str | None:
		if not self.has_quorum:
			return None
		return PASSED if self.passed else REJECTED


def quorum_needed(eligible: int, quorum_percent: float) -> int:
	"""The fewest votes that make a quorum: the share of the eligible units, rounded up."""
	needed = eligible * float(quorum_percent or 0) / 100
	whole = int(needed)
	return max(whole + (1 if needed > whole else 0), 1)


def tally(
	counting: str, votes: Iterable[dict], eligible: int, quorum_percent: float, threshold: float
) -> Tally:
	"""Count the votes on one matter: one per unit (the first recorded wins; later duplicates are
	refused before they are stored, this only guards the count)."""
	seen, counts = set(), dict.fromkeys(CHOICES, 0)
	for vote in votes:
		unit = voting_unit(counting, vote["resident"], vote.get("household"))
		if unit in seen:
			continue
		seen.add(unit)
		counts[vote["choice"]] += 1
	return Tally(
		votes_for=counts[FOR],
		votes_against=counts[AGAINST],
		abstentions=counts[ABSTAIN],
		eligible=eligible,
		quorum_needed=quorum_needed(eligible, quorum_percent),
		threshold=float(threshold or 0),
	)


# --- property-service evaluation ----------------------------------------------------------------


def period_end(start: date, cadence: str) -> date:
	"""The last day of an evaluation period that starts on ``start``."""
	if cadence == "Weekly":
		return start + timedelta(days=6)
	months = {"Monthly": 1, "Quarterly": 3}.get(cadence)
	if not months:
		raise ValueError(f"unknown cadence: {cadence}")
	month = start.month - 1 + months
	year, month = start.year + month // 12, month % 12 + 1
	next_start = date(year, month, min(start.day, _days_in(year, month)))
	return next_start - timedelta(days=1)


def _days_in(year: int, month: int) -> int:
	following = date(year + month // 12, month % 12 + 1, 1)
	return (following - timedelta(days=1)).day


def score_in_range(score) -> bool:
	return isinstance(score, int) and MIN_SCORE <= score <= MAX_SCORE


def average_scores(rows: Iterable[dict]) -> dict[str, float | None]:
	"""Each criterion's average over the scorecards that scored it."""
	rows = list(rows)
	averages = {}
	for criterion in CRITERIA:
		scores = [row[criterion] for row in rows if row.get(criterion)]
		averages[criterion] = round(sum(scores) / len(scores), 2) if scores else None
	return averages


def overall_score(averages: dict[str, float | None]) -> float | None:
	scored = [value for value in averages.values() if value is not None]
	return round(sum(scored) / len(scored), 2) if scored else None


def low_criteria(averages: dict[str, float | None], low_below: float) -> list[str]:
	"""The criteria whose average falls below the low-score threshold, in the order of CRITERIA."""
	return [
		criterion
		for criterion in CRITERIA
		if averages.get(criterion) is not None and averages[criterion] < low_below
	]
