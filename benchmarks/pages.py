"""How long each page of the three browser journeys takes to load, in Chinese, in headless Chromium.

    /root/frappe-bench/env/bin/python benchmarks/pages.py --site browser.localhost [--runs 3]

Runs the journeys of tests/integration/journeys.py (a resident on a phone, a building captain on a
phone in the desk, a street-office admin at a desk) against the site served on 127.0.0.1 by the
same single-process server the integration tests use, and prints, per page, the median, fastest
and slowest load over the runs: from the click (or address) to the page's content being on screen
with the network quiet. Each run opens fresh browser tabs, so every run loads the assets again as a
first visit does. It needs the integration test world (built here when missing) and leaves the site
as it found it. ``--readme-screenshots docs/screenshots`` also writes the README's screenshots.
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

JOURNEYS = ("resident", "captain", "admin")


def main():
	args = parse_args()
	os.chdir(SITES_PATH)  # Frappe resolves logs and assets relative to the sites folder
	frappe.init(site=args.site, sites_path=SITES_PATH)
	frappe.connect()
	try:
		loads, problems = run(args)
	finally:
		frappe.destroy()
	print_summary(loads, problems, args.runs)


def parse_args():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument(
		"--site", default=os.environ.get("CG_TEST_SITE"), required="CG_TEST_SITE" not in os.environ
	)
	parser.add_argument("--runs", type=int, default=3, help="times each journey runs (default 3)")
	parser.add_argument("--journey", choices=JOURNEYS, action="append", help="only these journeys")
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
		sys.exit(f"cannot run the journeys: {missing}")
	if args.readme_screenshots:
		browser.README_SCREENSHOTS = os.path.abspath(os.path.join(REPO, args.readme_screenshots))

	frappe.set_user("Administrator")
	frappe.local.lang = "en"
	world = world_module.build()
	frappe.db.commit()
	chosen = args.journey or JOURNEYS
	loads, problems = [], []
	with tempfile.TemporaryDirectory() as scratch:
		photo = os.path.join(scratch, "stairwell.jpg")
		make_photo(photo)
		with SiteServer(args.site, SITES_PATH, BENCH) as server, browser.chromium() as chromium:
			with journeys.desk_ready(), journeys.speaking_chinese(world), journeys.request_category():
				for number in range(1, args.runs + 1):
					for journey in chosen:
						screen = run_journey(journeys, journey, chromium, server, world, photo)
						loads.extend(screen.loads)
						if screen.problems:
							problems.append(f"run {number}, {journey}:\n{screen.problems.describe()}")
						print(f"run {number}: {journey} journey, {len(screen.loads)} page loads", flush=True)
	return loads, problems


def run_journey(journeys, journey, chromium, server, world, photo):
	if journey == "resident":
		with journeys.resident_setup(world) as data:
			screen = journeys.resident_journey(chromium, server, world, data, photo)
	elif journey == "captain":
		with journeys.captain_setup(world) as data:
			screen = journeys.captain_journey(chromium, server, world, data)
	else:
		with journeys.admin_setup(world) as data:
			screen = journeys.admin_journey(chromium, server, world, data)
	screen.close()
	return screen


def make_photo(path: str):
	from PIL import Image

	Image.new("RGB", (640, 480), (70, 90, 110)).save(path, "JPEG")


def print_summary(loads, problems, runs: int):
	by_page = defaultdict(list)
	for load in loads:
		by_page[(load.journey, load.page)].append(load.seconds)
	print(f"\nPage loads over {runs} run(s), seconds (median / fastest / slowest):")
	journey_totals = defaultdict(list)
	for (journey, page), seconds in by_page.items():
		print(
			f"  {journey:<9} {page:<22} {statistics.median(seconds):6.2f} "
			f"{min(seconds):6.2f} {max(seconds):6.2f}"
		)
	for load in loads:
		journey_totals[load.journey].append(load.seconds)
	print("\nAll page loads of a journey, per run (seconds):")
	for journey, seconds in journey_totals.items():
		print(f"  {journey:<9} {sum(seconds) / runs:6.2f}")
	if problems:
		print("\nWhat the page checks found:")
		print("\n".join(problems))


if __name__ == "__main__":
	main()
