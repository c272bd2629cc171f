"""Volunteer points: the one place the rest of the app awards or reverses points.

Until the points ledger lands this is the single hook point: every source (a closed request, an
activity, a mediation) calls in here and nowhere else.
"""


def award_for_closed_request(request) -> None:
	"""A volunteer who resolved ``request`` to the resident's satisfaction earns the category's points."""
	return None
