"""Sites that installed the app before it hid error tracebacks get them hidden once, like a new install."""

from community_governance.install import hide_error_tracebacks


def execute():
	hide_error_tracebacks()
