"""A demo street to try the app on: ``bench --site <site> execute community_governance.demo.make_demo``.

It builds the street's registry (``street``) and then lives a year of its life (``life``, a month at
the small scale), ending on the day it was first built. Everything is planned from seeded random
generators and created through the documents' own controllers and APIs; what is already on the
site is left untouched, so a second run changes nothing.

    bench --site dev.localhost execute community_governance.demo.make_demo
    bench --site dev.localhost execute community_governance.demo.make_demo --kwargs "{'scale': 'small'}"
"""

import time

import frappe
from community_governance.demo import life as street_life
from community_governance.demo.street import (
	ADMIN,
	BUILDING_TYPES,
	DOMAIN,
	LANGUAGE,
	MEDIATOR,
	PASSWORD,
	SCALES,
	STREET_CODE,
	STREET_NAME,
	TIME_ZONE,
	VOLUNTEER,
	create_demo,
	demo_counts,
	plan_demo,
	users_made_in_bulk,
)

__all__ = (
	"ADMIN",
	"BUILDING_TYPES",
	"DOMAIN",
	"LANGUAGE",
	"LOGINS",
	"MEDIATOR",
	"PASSWORD",
	"SCALES",
	"STREET_CODE",
	"STREET_NAME",
	"TIME_ZONE",
	"VOLUNTEER",
	"build_demo",
	"demo_counts",
	"make_demo",
	"plan_demo",
)

# what to try as each kind of login, in the printed table and the README
LOGINS = {
	"Street Office Admin": "/app/community-governance: the street's queues, KPI and points reports, escalations",
	"Community Worker": "/app/service-request: the community's requests to dispatch; mediation, care visits",
	"Grid Worker": "/app/grid-work: the grid's open requests, patrols and findings, care visits due",
	"Building Captain": "/me/captain on a phone: nil reports, a finding with a photo, dispatch",
	"Resident": "/me on a phone: file a request, follow and rate it, points and rewards",
	"Volunteer": "/me/services: claim a micro-wish, resolve it, see the points it earned",
	"Mediator": "/app/mediation-case: the cases of the teams you sit on, and only those",
}


# the logins the chapters of the street's life make (the counters of its caring merchants, the
# contacts of its partner units and property companies): user name prefix -> kind, what to try
CHAPTER_LOGINS = {
	"merchant-": (
		"Caring Merchant",
		"/me/merchant on a phone: look up a resident's redemption code, hand the reward over",
	),
	"partner-": ("Partner Unit", "/app/service-request: the home visits dispatched to your unit"),
	"property-": ("Property Company", "/app/service-request: the rectifications asked of your company"),
}


def make_demo(scale: str = "full"):
	"""Build the demo street at the given scale ("full" or "small"), creating only what is missing."""
	build_demo(scale)


def build_demo(scale: str = "full") -> street_life.Life:
	"""``make_demo``, returning the life lived (what failed in it, if anything)."""
	started = time.monotonic()
	plan = plan_demo(scale)
	previous_user = frappe.session.user
	frappe.set_user("Administrator")
	try:
		with users_made_in_bulk(len(plan.users)):
			created = create_demo(plan)
			built = time.monotonic() - started
			lived = street_life.live(plan)
	finally:
		frappe.set_user(previous_user)
	print_summary(plan, created, lived, built, time.monotonic() - started)
	return lived


def print_summary(plan, created, lived, built: float, seconds: float):
	print(
		f"Demo street {STREET_NAME} ({STREET_CODE}), scale {plan.scale}: done in {seconds:.1f} s"
		f" (registry {built:.1f} s, {lived.days} days of life ending {lived.end})"
	)
	made = ", ".join(f"{doctype} {count}" for doctype, count in sorted(created.items())) or "nothing"
	print(f"  registry created now: {made}")
	counts = {**demo_counts(), **street_life.counts(lived)}
	print("  on the site: " + ", ".join(f"{kind} {count}" for kind, count in counts.items()))
	for chapter, story, error in lived.failures:
		print(f"  FAILED {chapter} {story}: {error.strip().splitlines()[-1]}")
	print(f"Logins (password {PASSWORD}; language {LANGUAGE}, time zone {TIME_ZONE}):")
	logins = {}
	for user in plan.users.values():
		logins.setdefault(user.kind, []).append(user.email)
	for user in frappe.get_all(
		"User", filters={"name": ("like", f"%@{DOMAIN}")}, pluck="name", order_by="name"
	):
		for prefix, (kind, _try) in CHAPTER_LOGINS.items():
			if user.startswith(prefix) and user not in plan.users:
				logins.setdefault(kind, []).append(user)
	for kind, emails in logins.items():
		shown = ", ".join(emails[:2]) + (f" ... ({len(emails)} in all)" if len(emails) > 2 else "")
		print(f"  {kind:<20} {shown}")
		print(f"  {'':<20} try: {what_to_try(kind)}")


def what_to_try(kind: str) -> str:
	chapters = {login_kind: what for login_kind, what in CHAPTER_LOGINS.values()}
	return LOGINS.get(kind) or chapters.get(kind, "")
