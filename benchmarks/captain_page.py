"""The building captain's day on a phone: taps and page times of the /me/captain journey, against
baselines measured in the same run.

    /root/frappe-bench/env/bin/python benchmarks/captain_page.py --site cg-captain.test [--runs 5]
        [--cpu-slowdown 4] [--readme-screenshots docs/screenshots]

Each run opens a fresh browser tab at 390×844, in Chinese, with the root font at 130% (Android's
text scaling), on the site served on 127.0.0.1 by the integration tests' single-process server,
and runs tests/integration/journeys.py's captain-day journey: log in, a nil report for two
buildings, a finding with a photo that becomes a request, a resident's request dispatched to the
volunteer the list offers, the overdue list. It prints, per page, the median of the runs of

- ``ready``: from the tap (or the address) until the page's content is on screen, and
- ``paint``: the browser's first contentful paint of that document (the 1.5 s target),

and the same figures, cold, for two baselines in the same run: the resident's hub /me/services (a
light portal page like this one) and the desk's new Patrol Log form, where a captain logged a patrol
before (the desk boot). Ratios are captain page / baseline. ``--cpu-slowdown`` asks Chromium to run
the page's scripts that many times slower, as on a cheap phone.
"""

import argparse
import os
import statistics
import sys
import tempfile
from collections import defaultdict

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)  # for the journeys and the test world in tests/integration
BENCH = os.path.expanduser(os.environ.get("FRAPPE_BENCH", "~/frappe-bench"))
SITES_PATH = os.path.join(BENCH, "sites")

import frappe

TARGET_FIRST_PAINT = 1.5


def main():
	args = parse_args()
	os.chdir(SITES_PATH)  # Frappe resolves logs and assets relative to the sites folder
	frappe.init(site=args.site, sites_path=SITES_PATH)
	frappe.connect()
	try:
		figures, taps, problems = run(args)
	finally:
		frappe.destroy()
	print_summary(figures, taps, problems, args)


def parse_args():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument(
		"--site", default=os.environ.get("CG_TEST_SITE"), required="CG_TEST_SITE" not in os.environ
	)
	parser.add_argument("--runs", type=int, default=5, help="runs of the journey and baselines (default 5)")
	parser.add_argument(
		"--cpu-slowdown", type=float, default=1, help="Chromium CPU throttling rate (default 1)"
	)
	parser.add_argument(
		"--readme-screenshots", metavar="DIR", help="also write the README's screenshots here"
	)
	return parser.parse_args()


def run(args):
	from tests.integration import browser, journeys
	from tests.integration import world as world_module
	from tests.integration.http import SiteServer

	missing = browser.chromium_missing()
	if missing:
		sys.exit(f"cannot run the journey: {missing}")
	if args.readme_screenshots:
		browser.README_SCREENSHOTS = os.path.abspath(os.path.join(REPO, args.readme_screenshots))
	frappe.set_user("Administrator")
	frappe.local.lang = "en"
	world = world_module.build()
	frappe.db.commit()
	figures = defaultdict(lambda: {"ready": [], "paint": []})
	taps, problems = [], []
	with tempfile.TemporaryDirectory() as scratch:
		photo = os.path.join(scratch, "fire-exit.jpg")
		make_photo(photo)
		with SiteServer(args.site, SITES_PATH, BENCH) as server, browser.chromium() as chromium:
			with journeys.desk_ready(), journeys.speaking_chinese(world), journeys.request_category():
				for number in range(1, args.runs + 1):
					original_open = slow_down(journeys, args.cpu_slowdown)
					try:
						with journeys.captain_day_setup(world) as data:
							screen = journeys.captain_day_journey(chromium, server, world, data, photo)
					finally:
						journeys.scaled_phone = original_open
					screen.close()
					for load in screen.loads:
						figures[("captain", load.page)]["ready"].append(load.seconds)
						paint = data.paints.get(load.page)
						if paint is not None:
							figures[("captain", load.page)]["paint"].append(paint)
					taps.append(dict(data.taps))
					if screen.problems:
						problems.append(f"run {number}:\n{screen.problems.describe()}")
					for baseline, (user_key, path, ready) in baselines(journeys).items():
						ready_s, paint = cold_load(
							journeys, chromium, server, world, user_key, path, ready, args
						)
						figures[("baseline", baseline)]["ready"].append(ready_s)
						figures[("baseline", baseline)]["paint"].append(paint)
					print(f"run {number} done", flush=True)
	return figures, taps, problems


def baselines(journeys) -> dict:
	return {
		"/me/services": ("resident1", "/me/services", ".resident-tile"),
		"/me/captain": ("captain1", journeys.CAPTAIN_PAGE, "[data-building]"),
		"desk patrol form": (
			"captain1",
			"/app/patrol-log/new",
			".frappe-control[data-fieldname=building] input",
		),
	}


def slow_down(journeys, rate: float):
	"""Throttle the CPU of every tab the journey opens."""
	original = journeys.scaled_phone
	if rate <= 1:
		return original

	def throttled(browser, base_url, journey):
		screen = original(browser, base_url, journey)
		session = screen.context.new_cdp_session(screen.page)
		session.send("Emulation.setCPUThrottlingRate", {"rate": rate})
		return screen

	journeys.scaled_phone = throttled
	return original


def cold_load(journeys, chromium, server, world, user_key, path, ready, args):
	"""A first visit to ``path`` in a fresh tab, logged in (the login's own page is not timed)."""
	screen = journeys.scaled_phone(chromium, server.url, "baseline")
	try:
		if args.cpu_slowdown > 1:
			screen.context.new_cdp_session(screen.page).send(
				"Emulation.setCPUThrottlingRate", {"rate": args.cpu_slowdown}
			)
		login = screen.context.request.post(
			f"{server.url}/api/method/login", form={"usr": world.users[user_key], "pwd": world.password}
		)
		assert login.ok, login.text()
		screen.open("baseline", path, ready)
		paint = screen.page.evaluate(journeys.FIRST_PAINT_JS)
		return screen.loads[-1].seconds, paint
	finally:
		screen.close()


def make_photo(path: str):
	from PIL import Image

	Image.new("RGB", (1280, 960), (70, 90, 110)).save(path, "JPEG")


def median(values):
	return statistics.median(values) if values else float("nan")


def print_summary(figures, taps, problems, args):
	print(
		f"\n{args.runs} run(s) at 390x844, zh, root font 130%, CPU slowdown {args.cpu_slowdown:g}x; "
		"median seconds (ready = tap to content on screen, paint = first contentful paint)"
	)
	for (kind, page), values in figures.items():
		print(
			f"  {kind:<8} {page:<20} ready {median(values['ready']):5.2f}  paint {median(values['paint']):5.2f}"
		)
	captain = figures[("baseline", "/me/captain")]
	print("\nThe captain's page, cold, against the baselines of the same run (ratio of medians):")
	for baseline in ("/me/services", "desk patrol form"):
		other = figures[("baseline", baseline)]
		print(
			f"  vs {baseline:<18} ready {median(captain['ready']) / median(other['ready']):5.2f}x"
			f"  paint {median(captain['paint']) / median(other['paint']):5.2f}x"
		)
	paints = [
		median(values["paint"])
		for (kind, page), values in figures.items()
		if values["paint"] and (kind == "captain" or page == "/me/captain")
	]
	worst = max(paints) if paints else float("nan")
	print(f"\nSlowest median first paint of a captain page: {worst:.2f} s, target {TARGET_FIRST_PAINT} s")
	steps = taps[0] if taps else {}
	print(
		f"Taps: {sum(steps.values())} in all — "
		+ ", ".join(f"{step} {count}" for step, count in steps.items())
	)
	if problems:
		print("\nWhat the page checks found:")
		print("\n".join(problems))


if __name__ == "__main__":
	main()
