"""The half-year totals start from the ledger rows already posted."""

from community_governance import ledger


def execute():
	ledger.rebuild_period_totals()
