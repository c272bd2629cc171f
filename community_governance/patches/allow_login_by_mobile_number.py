"""Sites that installed the app before residents joined by phone let them log in with their mobile
number, like a new install."""

from community_governance.install import allow_login_by_mobile_number


def execute():
	allow_login_by_mobile_number()
