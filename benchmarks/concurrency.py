"""Many residents at once: the acts of a deliberation meeting fired together at real worker processes.

    PYTHONPATH=<app checkout> /root/frappe-bench/env/bin/python benchmarks/concurrency.py --site SITE \\
        [--workers 4] [--keep]

It serves the site with gunicorn (``--workers`` processes) on 127.0.0.1, builds a dedicated
benchmark street (community CONC-C, one building, 202 residents with their own logins and 6
volunteers), logs every user in with their own session, then fires each burst truly at once
(one thread per user, released together by a barrier):

  (a) 30 residents of 30 households vote on one matter        -> 30 votes stored and tallied
  (b) 5 rounds: two members of one household vote together    -> one vote a round, "already voted"
  (c) 20 residents support one matter                         -> 20 supporters
  (d) 15 residents join one volunteer team                    -> 15 members
  (e) 6 volunteers claim one micro-wish                       -> 1 winner, 5 "already claimed"
  (f) 200 residents sign themselves in to one meeting         -> 200 sign-ins

Each burst is then repeated one request after another on a fresh record of its own, and the
time of the burst is compared with the serial time. It prints each count, the HTTP statuses and
the refusals seen. Everything it creates is removed at the end unless --keep; a run first removes
what an earlier kept or interrupted run left.
"""

import argparse
import json
import os
import re
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import frappe
from frappe.utils import now_datetime

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.integration.http import GunicornServer

STREET, COMMUNITY, GRID = "CONC", "CONC-C", "CONC-G1"
BUILDING = f"{GRID}-1"
DOMAIN = "conc.bench.test"
PASSWORD = "Conc-bench-pass-2026!"
RESIDENTS = 200
VOLUNTEERS = 6
API = "/api/method/community_governance.api"
ADMIN = "Administrator"
CATEGORY = "Concurrency Errands"


def main():
	args = parse_args()
	connect(args.site)
	results = {}
	try:
		remove_benchmark_data()
		progress("building the people")
		started = time.perf_counter()
		people = create_people()
		results["build"] = time.perf_counter() - started
		bench = os.environ.get("FRAPPE_BENCH", "/root/frappe-bench")
		with GunicornServer(args.site, os.path.join(bench, "sites"), bench, workers=args.workers) as server:
			progress("logging in")
			started = time.perf_counter()
			sessions = log_in(server, people)
			results["login"] = (len(sessions), time.perf_counter() - started)
			progress("household_votes")
			results["votes"] = household_votes(people, sessions)
			progress("household_rounds")
			results["rounds"] = household_rounds(people, sessions)
			progress("supports")
			results["supports"] = supports(people, sessions)
			progress("joins")
			results["joins"] = joins(people, sessions)
			progress("claims")
			results["claims"] = claims(people, sessions)
			progress("sign_ins")
			results["sign_ins"] = sign_ins(people, sessions)
	finally:
		frappe.db.rollback()
		if not args.keep:
			remove_benchmark_data()
	print_summary(results, args)
	frappe.destroy()


def parse_args():
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
	parser.add_argument("--keep", action="store_true", help="leave the benchmark data in place")
	return parser.parse_args()


def connect(site: str):
	bench = os.environ.get("FRAPPE_BENCH", "/root/frappe-bench")
	sites_path = os.path.join(bench, "sites")
	os.chdir(sites_path)  # Frappe resolves logs and assets relative to the sites folder
	frappe.init(site=site, sites_path=sites_path)
	frappe.connect()
	frappe.set_user(ADMIN)


# --- the people ------------------------------------------------------------------------------------


def create_people() -> dict:
	"""A street with one community, grid and building; residents 1..200 each their own household,
	the pair one household of two; the volunteers. All with logins, committed."""
	for code, name, level, parent in [
		(STREET, "Concurrency Street", "Street", None),
		(COMMUNITY, "Concurrency Community", "Community", STREET),
		(GRID, "Concurrency Grid", "Grid", COMMUNITY),
	]:
		frappe.get_doc(
			{"doctype": "Grid", "code": code, "grid_name": name, "level": level, "parent_grid": parent}
		).insert()
	frappe.get_doc(
		{
			"doctype": "Building",
			"building_name": "1",
			"building_type": "High-rise",
			"grid": GRID,
			"units": [{"unit_name": "1", "floors": 30, "households": 300}],
		}
	).insert()
	people = {"residents": {}, "users": {}}
	for number in range(1, RESIDENTS + 3):
		key = f"r{number:03d}" if number <= RESIDENTS else ("pair_a", "pair_b")[number - RESIDENTS - 1]
		room = f"{number:03d}" if number <= RESIDENTS else "999"
		user = create_user(key, ())
		people["users"][key] = user
		people["residents"][key] = (
			frappe.get_doc(
				{
					"doctype": "Resident",
					"full_name": f"Concurrency {key}",
					"building": BUILDING,
					"unit": "1",
					"room": room,
					"household": f"{BUILDING}-1-{room}",
					"phone": f"137{number:08d}",
					"user": user,
				}
			)
			.insert()
			.name
		)
	for number in range(1, VOLUNTEERS + 1):
		people["users"][f"v{number}"] = create_user(f"v{number}", ("Volunteer",))
	frappe.db.commit()
	people["household"] = f"{BUILDING}-1-999"
	return people


def create_user(key: str, roles: tuple) -> str:
	email = f"{key}@{DOMAIN}"
	frappe.flags.in_import = True  # a bulk load, as Data Import makes it: no sign-up throttle
	try:
		create_user_record(email, key, roles)
	finally:
		frappe.flags.in_import = False
	return email


def create_user_record(email: str, key: str, roles: tuple):
	frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": key,
			"enabled": 1,  # an import sets no defaults
			"user_type": "Website User",
			"send_welcome_email": 0,
			"language": "en",
			"new_password": PASSWORD,
			"roles": [{"role": role} for role in roles],
		}
	).insert(ignore_permissions=True)


def progress(text: str):
	print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def log_in(server, people) -> dict:
	with ThreadPoolExecutor(8) as pool:
		logged_in = pool.map(
			lambda item: (item[0], server.session(item[1], PASSWORD)), people["users"].items()
		)
		return dict(logged_in)


# --- what the bursts act on -----------------------------------------------------------------------


def matter(support_needed: int = 50) -> str:
	frappe.set_user(ADMIN)
	name = (
		frappe.get_doc(
			{
				"doctype": "Deliberation Matter",
				"title": f"Concurrency matter {frappe.generate_hash(length=6)}",
				"category": "Parking",
				"description": "A roofed bicycle shed.",
				"support_needed": support_needed,
				"buildings": [{"building": BUILDING}],
			}
		)
		.insert()
		.name
	)
	frappe.db.commit()
	return name


def meeting(matters: list[str]) -> str:
	frappe.set_user(ADMIN)
	name = (
		frappe.get_doc(
			{
				"doctype": "Deliberation Meeting",
				"title": f"Concurrency meeting {frappe.generate_hash(length=6)}",
				"meeting_date": now_datetime(),
				"community": COMMUNITY,
				"quorum_percent": 10,
				"passing_threshold": 50,
				"agenda": [{"matter": name} for name in matters],
			}
		)
		.insert()
		.name
	)
	frappe.db.commit()
	return name


def team(people) -> str:
	frappe.set_user(ADMIN)
	name = (
		frappe.get_doc(
			{
				"doctype": "Volunteer Team",
				"team_name": f"Concurrency team {frappe.generate_hash(length=6)}",
				"community": COMMUNITY,
				"members": [{"resident": people["residents"]["r200"], "team_role": "Leader"}],
			}
		)
		.insert()
		.name
	)
	frappe.db.commit()
	return name


def micro_wish(people) -> str:
	if not frappe.db.exists("Service Request Category", CATEGORY):
		frappe.get_doc(
			{
				"doctype": "Service Request Category",
				"category_name": CATEGORY,
				"points_section": "Neighbourly Help",
			}
		).insert()
	frappe.set_user(people["users"]["r199"])
	name = (
		frappe.get_doc(
			{
				"doctype": "Service Request",
				"request_type": "Micro-wish",
				"category": CATEGORY,
				"description": "Carry my shopping up to the sixth floor",
			}
		)
		.insert()
		.name
	)
	frappe.set_user(ADMIN)
	frappe.db.commit()
	return name


# --- firing ---------------------------------------------------------------------------------------


def at_once(calls: list[tuple]) -> tuple[list, float]:
	"""POST every (session, path, arguments) at the same moment, one thread each; the wall time
	from the release to the last answer."""
	barrier = threading.Barrier(len(calls) + 1)
	responses = [None] * len(calls)

	def send(index, session, path, arguments):
		barrier.wait()
		responses[index] = session.post(path, **arguments)

	threads = [threading.Thread(target=send, args=(index, *call)) for index, call in enumerate(calls)]
	for thread in threads:
		thread.start()
	barrier.wait()
	started = time.perf_counter()
	for thread in threads:
		thread.join(timeout=300)
	return responses, time.perf_counter() - started


def one_by_one(calls: list[tuple]) -> tuple[list, float]:
	started = time.perf_counter()
	responses = [session.post(path, **arguments) for session, path, arguments in calls]
	return responses, time.perf_counter() - started


def message_of(response) -> str:
	try:
		body = response.json()
		items = json.loads(body.get("_server_messages", "[]"))
		text = " ".join(json.loads(item).get("message", "") for item in items)
	except ValueError:
		text = response.text[:200]
	return re.sub(r"<[^>]+>", "", text)


def outcome(responses, seconds, serial_seconds, stored, expected, **extra) -> dict:
	refusals = Counter(message_of(response) for response in responses if response.status_code != 200)
	return {
		"statuses": dict(sorted(Counter(response.status_code for response in responses).items())),
		"refusals": dict(refusals),
		"seconds": seconds,
		"serial": serial_seconds,
		"stored": stored,
		"expected": expected,
		**extra,
	}


def fresh():
	frappe.db.rollback()  # read what the server processes committed


def household_votes(people, sessions) -> dict:
	voters = [f"r{number:03d}" for number in range(1, 31)]
	choices = ["In Favour", "Opposed", "Abstain"]

	def calls(meeting_name, matter_name):
		return [
			(
				sessions[key],
				f"{API}.deliberation.cast_vote",
				{"meeting": meeting_name, "matter": matter_name, "choice": choices[index % 3]},
			)
			for index, key in enumerate(voters)
		]

	burst_matter, serial_matter = matter(), matter()
	burst_meeting, serial_meeting = meeting([burst_matter]), meeting([serial_matter])
	responses, seconds = at_once(calls(burst_meeting, burst_matter))
	_serial, serial_seconds = one_by_one(calls(serial_meeting, serial_matter))
	fresh()
	votes = frappe.get_all(
		"Deliberation Vote", filters={"parent": burst_meeting, "matter": burst_matter}, pluck="choice"
	)
	tally = frappe.db.get_value(
		"Deliberation Agenda Item",
		{"parent": burst_meeting, "matter": burst_matter},
		["votes_for", "votes_against", "abstentions"],
		as_dict=True,
	)
	counted = Counter(votes)
	tallied = (tally.votes_for, tally.votes_against, tally.abstentions) == (
		counted["In Favour"],
		counted["Opposed"],
		counted["Abstain"],
	)
	return outcome(responses, seconds, serial_seconds, len(votes), 30, tally=dict(tally), tallied=tallied)


def household_rounds(people, sessions) -> dict:
	matters = [matter() for _round in range(5)]
	meeting_name = meeting(matters)
	per_round, responses, seconds = [], [], 0.0
	for matter_name in matters:
		answered, took = at_once(
			[
				(
					sessions[key],
					f"{API}.deliberation.cast_vote",
					{"meeting": meeting_name, "matter": matter_name, "choice": "In Favour"},
				)
				for key in ("pair_a", "pair_b")
			]
		)
		responses += answered
		seconds += took
		fresh()
		per_round.append(
			(
				frappe.db.count("Deliberation Vote", {"parent": meeting_name, "matter": matter_name}),
				sorted(response.status_code for response in answered),
			)
		)
	one_each = all(count == 1 and statuses[0] == 200 for count, statuses in per_round)
	return outcome(
		responses, seconds, None, sum(count for count, _ in per_round), 5, rounds=per_round, one_each=one_each
	)


def supports(people, sessions) -> dict:
	supporters = [f"r{number:03d}" for number in range(31, 51)]
	burst_matter, serial_matter = matter(support_needed=20), matter(support_needed=20)

	def calls(matter_name):
		return [(sessions[key], f"{API}.deliberation.support", {"matter": matter_name}) for key in supporters]

	responses, seconds = at_once(calls(burst_matter))
	_serial, serial_seconds = one_by_one(calls(serial_matter))
	fresh()
	rows = frappe.db.count("Deliberation Supporter", {"parent": burst_matter})
	stored = frappe.db.get_value("Deliberation Matter", burst_matter, ["support_count", "workflow_state"])
	return outcome(
		responses, seconds, serial_seconds, rows, 20, support_count=stored[0], workflow_state=stored[1]
	)


def joins(people, sessions) -> dict:
	joiners = [f"r{number:03d}" for number in range(51, 66)]
	burst_team, serial_team = team(people), team(people)

	def calls(team_name):
		return [(sessions[key], f"{API}.volunteer_team.join", {"team": team_name}) for key in joiners]

	responses, seconds = at_once(calls(burst_team))
	_serial, serial_seconds = one_by_one(calls(serial_team))
	fresh()
	rows = frappe.db.count("Volunteer Team Member", {"parent": burst_team}) - 1  # without the leader
	member_count = frappe.db.get_value("Volunteer Team", burst_team, "member_count")
	return outcome(responses, seconds, serial_seconds, rows, 15, member_count_with_leader=member_count)


def claims(people, sessions) -> dict:
	claimers = [f"v{number}" for number in range(1, VOLUNTEERS + 1)]
	burst_wish, serial_wish = micro_wish(people), micro_wish(people)

	def calls(wish):
		return [(sessions[key], f"{API}.service_request.claim", {"name": wish}) for key in claimers]

	responses, seconds = at_once(calls(burst_wish))
	serial, serial_seconds = one_by_one(calls(serial_wish))
	fresh()
	winners = [key for key, response in zip(claimers, responses, strict=True) if response.status_code == 200]
	handler = frappe.db.get_value("Service Request", burst_wish, "handler")
	return outcome(
		responses,
		seconds,
		serial_seconds,
		len(winners),
		1,
		handler_is_winner=bool(winners) and handler == people["users"][winners[0]],
		serial_statuses=dict(sorted(Counter(response.status_code for response in serial).items())),
	)


def sign_ins(people, sessions) -> dict:
	attendees = [f"r{number:03d}" for number in range(1, RESIDENTS + 1)]
	burst_meeting, serial_meeting = meeting([matter()]), meeting([matter()])

	def calls(meeting_name):
		return [
			(sessions[key], f"{API}.deliberation.sign_in", {"meeting": meeting_name}) for key in attendees
		]

	responses, seconds = at_once(calls(burst_meeting))
	_serial, serial_seconds = one_by_one(calls(serial_meeting))
	fresh()
	rows = frappe.get_all("Deliberation Attendance", filters={"parent": burst_meeting}, pluck="resident")
	return outcome(responses, seconds, serial_seconds, len(rows), 200, distinct=len(set(rows)))


# --- cleaning up ----------------------------------------------------------------------------------


def remove_benchmark_data():
	"""Delete everything of the benchmark street (and its users), records first, places last."""
	frappe.set_user(ADMIN)
	residents = frappe.get_all("Resident", {"community": COMMUNITY}, pluck="name")
	for doctype, filters in (
		("Deliberation Meeting", {"community": COMMUNITY}),
		("Deliberation Matter", {"community": COMMUNITY}),
		("Volunteer Team", {"community": COMMUNITY}),
		("Service Request", {"community": COMMUNITY}),
	):
		for name in frappe.get_all(doctype, filters, pluck="name"):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, delete_permanently=True)
	for name in residents:
		frappe.delete_doc("Resident", name, force=True, ignore_permissions=True, delete_permanently=True)
	# the users' own rows, straight from their tables: Frappe refuses to delete a user through
	# the document while the site has no System Manager besides Administrator
	users = f"%@{DOMAIN}"
	for doctype, field in (
		("Has Role", "parent"),
		("DefaultValue", "parent"),
		("Sessions", "user"),
		("Notification Settings", "name"),
		("Contact Email", "email_id"),
		("Contact", "email_id"),
		("User", "name"),
	):
		frappe.db.delete(doctype, {field: ("like", users)})
	frappe.db.sql("delete from `__Auth` where doctype = 'User' and name like %s", users)
	for building in frappe.get_all("Building", {"community": COMMUNITY}, pluck="name"):
		frappe.delete_doc("Building", building, force=True, ignore_permissions=True)
	if frappe.db.exists("Service Request Category", CATEGORY):
		frappe.delete_doc("Service Request Category", CATEGORY, force=True, ignore_permissions=True)
	for grid in (GRID, COMMUNITY, STREET):
		if frappe.db.exists("Grid", grid):
			frappe.delete_doc("Grid", grid, force=True, ignore_permissions=True)
	frappe.db.commit()


# --- the report -------------------------------------------------------------------------------------


def print_summary(results: dict, args):
	line = "=" * 78
	print(line)
	print(f"Many residents at once on {args.site}: gunicorn, {args.workers} worker processes, 127.0.0.1")
	print(line)
	if "build" in results:
		print(
			f"built {RESIDENTS + 2} residents and {RESIDENTS + 2 + VOLUNTEERS} users in {results['build']:.1f} s"
		)
	if "login" in results:
		count, seconds = results["login"]
		print(f"logged in {count} users, each with their own session, in {seconds:.1f} s")
	titles = {
		"votes": "(a) 30 household votes on one matter",
		"rounds": "(b) 5 rounds, two members of one household",
		"supports": "(c) 20 supports of one matter",
		"joins": "(d) 15 joins of one team",
		"claims": "(e) 6 claims of one micro-wish",
		"sign_ins": "(f) 200 sign-ins at one meeting",
	}
	for key, title in titles.items():
		if key not in results:
			continue
		result = results[key]
		print(f"{title}: stored {result['stored']} (expect {result['expected']})")
		print(f"    HTTP statuses: {result['statuses']}")
		for message, count in result["refusals"].items():
			print(f"    refused x{count}: {message}")
		extra = {
			name: value
			for name, value in result.items()
			if name not in ("statuses", "refusals", "seconds", "serial", "stored", "expected")
		}
		for name, value in extra.items():
			print(f"    {name}: {value}")
		if result["serial"]:
			print(
				f"    at once {result['seconds']:.2f} s; the same acts one by one {result['serial']:.2f} s;"
				f" ratio at once / serial = {result['seconds'] / result['serial']:.2f}"
			)
		else:
			print(f"    at once {result['seconds']:.2f} s (all rounds)")
	print("    benchmark data kept (community CONC-C)" if args.keep else "    benchmark data removed")
	print(line)


if __name__ == "__main__":
	main()
