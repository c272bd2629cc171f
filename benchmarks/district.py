"""District scale: ten streets on one site, then each figure that matters against its baseline.

    PYTHONPATH=. /root/frappe-bench/env/bin/python benchmarks/district.py --site district.localhost
    ... --scale 0.01 --only kpi,leaderboard

1. generates the district on a dedicated site, in bulk inside MariaDB (``INSERT ... SELECT`` from
   the SEQUENCE engine's ``seq_1_to_N`` tables; every value follows from the sequence number and
   CRC32 of it, so two runs generate the same district): ten streets of five communities of eight
   grids with their buildings, 200,000 residents, 1,000,000 service requests over a year of which
   100,000 are open, 10,000,000 submitted ledger rows (Points Transaction) with the points accounts,
   monthly totals and half-year totals computed from them by ``INSERT ... SELECT ... GROUP BY``.
   ``--scale`` shrinks all counts (0.01 for a quick run). A part already there is not generated
   again; a part left half-made by an interrupted run is removed and made again;
2. measures, each against its baseline in the same run (both figures and the ratio printed):
   kpi          the Service Request KPI report for one month of one street (as the street's
                responsible worker) and of the whole district (as a Street Office Admin) against
                the best raw SQL computing the same figures, with both plans (EXPLAIN);
   leaderboard  the Points Leaderboard, half-year top 20, against a raw GROUP BY over the ledger
                rows (and over the monthly totals), with the plan of its ranking query;
   escalation   1,000 overdue requests escalated through Frappe's background queue: the scheduled
                run queues its batches on a Redis of this site's own (``redis_queue`` in its
                site_config.json, so no other site's queue is touched) and an RQ worker process
                works them in burst mode; against the 20 s target;
   filing       one request filed as a resident through the app's path (the controller, workflow
                and hooks, in process), its queries counted by who made them, against a bare ToDo.

The bench is $FRAPPE_BENCH or ~/frappe-bench.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import traceback
from contextlib import contextmanager
from datetime import datetime, timedelta

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
sys.path.insert(0, os.path.join(REPO, "benchmarks"))
BENCH = os.path.expanduser(os.environ.get("FRAPPE_BENCH", "~/frappe-bench"))
SITES_PATH = os.path.join(BENCH, "sites")

from service_requests import figures_agree  # the KPI benchmark's check, beside this script

import frappe
from community_governance import accounts, kpi, ledger, scope
from frappe.utils import add_months, get_first_day, get_last_day, getdate, now_datetime

STREETS, COMMUNITIES, GRIDS = 10, 5, 8  # communities per street, grids per community
FULL = {"residents": 200_000, "requests": 1_000_000, "open": 100_000, "ledger": 10_000_000}
PASSWORD = "District-Bench-2026"
EMAIL_DOMAIN = "district.example"
# category -> (response hours, resolution hours, points section)
CATEGORIES = {
	"District Repairs": (4, 48, "Neighbourly Help"),
	"District Sanitation": (4, 24, "Civilisation Creation"),
	"District Safety Hazards": (2, 12, "Production Safety"),
	"District Neighbour Disputes": (8, 120, "Dispute Mediation"),
	"District Elderly Care": (2, 24, "Neighbourly Help"),
	"District Errands": (24, 72, "Neighbourly Help"),
}
SECTIONS = tuple(ledger.SECTION_FIELDS)
CHUNK = {"requests": 100_000, "ledger": 500_000, "residents": 100_000}
ESCALATE = 1_000


def main():
	args = parse_args()
	connect(args.site)
	counts = {key: max(1, round(value * args.scale)) for key, value in FULL.items()}
	counts["open"] = min(counts["open"], counts["requests"] - 1)
	print(
		f"District on {args.site}, scale {args.scale}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items())
	)
	generated = generate(counts)
	results = {"generate": generated}
	wanted = args.only.split(",") if args.only else ["kpi", "leaderboard", "escalation", "filing"]
	for part in wanted:
		started = time.perf_counter()
		results[part] = {
			"kpi": time_kpi,
			"leaderboard": time_leaderboard,
			"escalation": time_escalation,
			"filing": time_filing,
		}[part](args)
		print(f"[{part} measured in {time.perf_counter() - started:.0f} s]", flush=True)
		frappe.set_user("Administrator")
	print_summary(args, counts, results)


def parse_args():
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--scale", type=float, default=1.0, help="of the full district (1.0)")
	parser.add_argument("--only", default="", help="comma-separated: kpi,leaderboard,escalation,filing")
	parser.add_argument("--repeat", type=int, default=5, help="timed runs of each measured query")
	parser.add_argument("--raw-repeat", type=int, default=3, help="timed runs of a raw scan of the ledger")
	parser.add_argument("--filings", type=int, default=20, help="timed filings of each kind")
	parser.add_argument("--workers", type=int, default=1, help="RQ worker processes for the escalation")
	args = parser.parse_args()
	unknown = set(filter(None, args.only.split(","))) - {"kpi", "leaderboard", "escalation", "filing"}
	if unknown:
		parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
	return args


def connect(site: str):
	os.chdir(SITES_PATH)
	frappe.init(site=site, sites_path=SITES_PATH)
	frappe.connect()
	frappe.set_user("Administrator")
	frappe.local.lang = "en"


# --- 1. the district ------------------------------------------------------------------------------


def seq(first: int, last: int) -> str:
	return f"seq_{int(first)}_to_{int(last)}"


def h(salt: str, modulo: int, column: str = "seq") -> str:
	"""A deterministic pseudo-random number in [0, modulo) from the sequence number."""
	return f"cast(crc32(concat('{salt}', {column})) % {int(modulo)} as signed)"


def place_sql(grid_index: str) -> tuple[str, str, str]:
	"""Street, community and grid codes of the grid with the given 0-based index."""
	street = f"concat('D', lpad(({grid_index}) div {COMMUNITIES * GRIDS} + 1, 2, '0'))"
	community = f"concat({street}, 'C', (({grid_index}) div {GRIDS}) % {COMMUNITIES} + 1)"
	grid = f"concat({community}, 'G', ({grid_index}) % {GRIDS} + 1)"
	return street, community, grid


class District:
	"""Sizes, and the SQL that names each generated thing from its number."""

	def __init__(self, counts: dict):
		self.counts = counts
		self.grids = STREETS * COMMUNITIES * GRIDS
		self.per_grid = max(1, min(10, counts["residents"] // self.grids))  # buildings per grid
		self.buildings = self.grids * self.per_grid
		self.per_building = max(1, counts["residents"] // self.buildings)
		self.residents = self.buildings * self.per_building
		self.per_resident = max(1, counts["ledger"] // self.residents)
		self.ledger = self.residents * self.per_resident

	def building(self, index: str) -> dict:
		"""SQL of the building with the 0-based ``index`` and of its places."""
		street, community, grid = place_sql(f"({index}) div {self.per_grid}")
		return {
			"name": f"concat({grid}, '-B', lpad(({index}) % {self.per_grid} + 1, 2, '0'))",
			"grid": grid,
			"community": community,
			"street": street,
		}

	def resident(self, number: str) -> dict:
		"""SQL of resident ``number`` (1-based): they live in building (number - 1) mod buildings."""
		building = self.building(f"(({number}) - 1) % {self.buildings}")
		return {
			"name": f"concat('DR-', lpad({number}, 7, '0'))",
			"full_name": f"concat('District Resident ', {number})",
			**{key: building[key] for key in ("grid", "community", "street")},
			"building": building["name"],
		}


def generate(counts: dict) -> dict:
	district = District(counts)
	timings = {}
	timings["places"] = step("streets, communities, grids, users", ensure_places, district)
	timings["categories"] = step("categories", ensure_categories)
	timings["buildings"] = step(
		"buildings",
		ensure_table,
		"Building",
		"name like 'D__C_G_-B%%'",
		district.buildings,
		lambda: insert_buildings(district),
	)
	timings["residents"] = step(
		"residents",
		ensure_table,
		"Resident",
		"name like 'DR-%%'",
		district.residents,
		lambda: insert_residents(district),
	)
	timings["requests"] = step(
		"service requests",
		ensure_table,
		"Service Request",
		"name like 'SR-D-%%'",
		counts["requests"],
		lambda: insert_requests(district),
	)
	timings["ledger"] = step(
		"ledger rows",
		ensure_table,
		"Points Transaction",
		"name like 'PT-D-%%'",
		district.ledger,
		lambda: insert_ledger(district),
	)
	timings["accounts"] = step(
		"points accounts",
		ensure_table,
		"Points Account",
		"name like 'DR-%%'",
		district.residents,
		lambda: insert_accounts(),
	)
	timings["totals"] = step("monthly and half-year totals", ensure_totals)
	frappe.db.commit()
	return {"district": district, "timings": timings, "rows": table_rows()}


def step(label: str, function, *args):
	started = time.perf_counter()
	made = function(*args)
	seconds = time.perf_counter() - started
	print(f"  {label:<36} {'made' if made else 'already there'} ({seconds:.1f} s)", flush=True)
	return {"made": bool(made), "seconds": seconds}


def ensure_table(doctype: str, where: str, expected: int, make) -> bool:
	count = frappe.db.sql(f"select count(*) from `tab{doctype}` where {where}")[0][0]
	if count == expected:
		return False
	if count:
		print(f"    {count:,} of {expected:,} {doctype} rows there: removing them to start again", flush=True)
		if doctype == "Service Request":  # and what escalations and filings left of them
			frappe.db.sql("delete from `tabService Request Escalation` where parent like 'SR-D-%%'")
			for table, column in (("ToDo", "reference_name"), ("Notification Log", "document_name")):
				frappe.db.sql(f"delete from `tab{table}` where {column} like 'SR-D-%%'")
		frappe.db.sql(f"delete from `tab{doctype}` where {where}")
		frappe.db.commit()
	make()
	frappe.db.commit()
	return True


def ensure_places(district: District) -> bool:
	"""The Grid tree (street > community > grid), one responsible user per street and community, a
	Street Office Admin and a resident user, made through the documents (a few hundred)."""
	if frappe.db.exists("Grid", "D10C5G8") and frappe.db.exists("User", user_email("resident")):
		return False
	ensure_user("admin", "District Admin", ["Street Office Admin"])
	for s in range(1, STREETS + 1):
		street = f"D{s:02d}"
		ensure_user(street.lower(), f"Street {street} Worker", ["Community Worker"])
		ensure_grid(street, f"Street {street}", "Street", None, user_email(street.lower()))
		for c in range(1, COMMUNITIES + 1):
			community = f"{street}C{c}"
			ensure_user(community.lower(), f"Community {community} Worker", ["Community Worker"])
			ensure_grid(
				community, f"Community {community}", "Community", street, user_email(community.lower())
			)
			for g in range(1, GRIDS + 1):
				ensure_grid(f"{community}G{g}", f"Grid {community}G{g}", "Grid", community, None)
		frappe.db.commit()
	ensure_user("resident", "District Resident 1", ["Resident"])
	frappe.db.commit()
	return True


def user_email(key: str) -> str:
	return f"{key}@{EMAIL_DOMAIN}"


def ensure_user(key: str, full_name: str, roles: list[str]):
	email = user_email(key)
	if frappe.db.exists("User", email):
		return
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": full_name,
			"enabled": 1,
			"send_welcome_email": 0,
			"language": "en",
			"new_password": PASSWORD,
			"roles": [{"role": role} for role in roles],
		}
	)
	user.flags.ignore_password_policy = True
	accounts.insert_verified_user(user)  # more users an hour than Frappe's sign-up limit


def ensure_grid(code: str, title: str, level: str, parent: str | None, responsible: str | None):
	if frappe.db.exists("Grid", code):
		return
	frappe.get_doc(
		{
			"doctype": "Grid",
			"grid_name": title,
			"code": code,
			"level": level,
			"parent_grid": parent,
			"is_group": int(level != "Grid"),
			"responsible_user": responsible,
		}
	).insert(ignore_permissions=True)


def ensure_categories() -> bool:
	made = False
	for name, (response, resolution, section) in CATEGORIES.items():
		if frappe.db.exists("Service Request Category", name):
			continue
		frappe.get_doc(
			{
				"doctype": "Service Request Category",
				"category_name": name,
				"points_section": section,
				"volunteer_points": 0,
				"targets": [
					{"priority": priority, "response_hours": response, "resolution_hours": resolution}
					for priority in ("Low", "Medium", "High", "Urgent")
				],
			}
		).insert(ignore_permissions=True)
		made = True
	frappe.db.commit()
	return made


COMMON = "now(6), now(6), 'Administrator', 'Administrator'"


def insert_buildings(district: District):
	building = district.building("seq - 1")
	frappe.db.sql(
		f"""insert into `tabBuilding` (name, creation, modified, owner, modified_by, building_name,
			building_type, grid, community)
		select {building["name"]}, {COMMON}, concat('B', lpad((seq - 1) % {district.per_grid} + 1, 2, '0')),
			'Multi-storey', {building["grid"]}, {building["community"]}
		from {seq(1, district.buildings)}"""
	)


def insert_residents(district: District):
	resident = district.resident("seq")
	for first in range(1, district.residents + 1, CHUNK["residents"]):
		last = min(district.residents, first + CHUNK["residents"] - 1)
		frappe.db.sql(
			f"""insert into `tabResident` (name, creation, modified, owner, modified_by, full_name,
				status, resident_kind, building, grid, community, unit)
			select {resident["name"]}, {COMMON}, {resident["full_name"]}, 'Active', 'Resident',
				{resident["building"]}, {resident["grid"]}, {resident["community"]},
				concat('U', {h("u", 30)} + 1)
			from {seq(first, last)}"""
		)
		frappe.db.commit()
	# the resident user files requests in the filing measurement
	frappe.db.set_value("Resident", "DR-0000001", "user", user_email("resident"), update_modified=False)


def insert_requests(district: District):
	"""A year of requests, filed in sequence order (so each index grows at its end, as in life):
	the closed ones over the year up to three days ago, the open ones over the last 30 days."""
	total, open_count = district.counts["requests"], district.counts["open"]
	closed = total - open_count
	now = now_datetime().replace(microsecond=0)
	year_ago, month_ago = now - timedelta(days=365), now - timedelta(days=30)
	closed_span, open_span = (362 * 86400) / max(closed, 1), (30 * 86400) / max(open_count, 1)
	names = list(CATEGORIES)
	category = f"elt({h('c', len(names))} + 1, {', '.join(frappe.db.escape(name) for name in names)})"
	response = f"elt({h('c', len(names))} + 1, {', '.join(str(spec[0]) for spec in CATEGORIES.values())})"
	resolution = f"elt({h('c', len(names))} + 1, {', '.join(str(spec[1]) for spec in CATEGORIES.values())})"
	building_index = h("b", district.buildings)
	building = district.building(building_index)
	requester = district.resident(
		f"{building_index} + 1 + {district.buildings} * {h('r', district.per_building)}"
	)
	is_open = f"(seq > {closed})"
	state = f"""if({is_open},
		elt(case when {h("s", 100)} < 30 then 1 when {h("s", 100)} < 55 then 2
			when {h("s", 100)} < 95 then 3 else 4 end, 'Open', 'Dispatched', 'Accepted', 'Reopened'),
		elt(case when {h("s", 100)} < 84 then 1 when {h("s", 100)} < 94 then 2 else 3 end,
			'Closed', 'Resolved', 'Rejected'))"""
	filed = (
		f"if({is_open}, timestamp('{month_ago}') + interval floor((seq - {closed} - 1) * {open_span}) second,"
		f" timestamp('{year_ago}') + interval floor((seq - 1) * {closed_span}) second)"
	)
	level = f"""if({is_open}, 'Grid', case when {h("l", 100)} < 80 then 'Grid'
		when {h("l", 100)} < 95 then 'Community' else 'Street' end)"""
	# the raw columns; the derived ones are set from them by one update per chunk below
	for first in range(1, total + 1, CHUNK["requests"]):
		last = min(total, first + CHUNK["requests"] - 1)
		frappe.db.sql(
			f"""insert into `tabService Request` (name, creation, modified, owner, modified_by, docstatus,
				idx, subject, request_type, category, priority, channel, requester, requester_name,
				building, unit, grid, community, description, escalation_level, response_hours,
				resolution_hours, workflow_state, rating, reopen_count, points_awarded,
				response_due_from_filing, resolution_due_from_filing, response_due, resolution_due,
				hours_to_accept, hours_to_resolve)
			select concat('SR-D-', lpad(seq, 7, '0')), filed, filed, 'Administrator', 'Administrator', 0,
				0, concat('District request ', seq), 'Request', category, elt({h("p", 4)} + 1, 'Low',
				'Medium', 'High', 'Urgent'), elt({h("ch", 3)} + 1, 'Resident App', 'Phone', 'Patrol'),
				{requester["name"]}, {requester["full_name"]}, {building["name"]}, 'U1',
				{building["grid"]}, {building["community"]}, 'Generated for the district benchmark',
				level, response, resolution, state, 0, 0, 0,
				filed + interval response hour, filed + interval resolution hour,
				filed + interval response hour, filed + interval resolution hour,
				round({h("a", 1000)} / 1000 * 1.5 * response, 2),
				round({h("a", 1000)} / 1000 * 1.5 * response + {h("z", 1000)} / 1000 * 1.3 * resolution, 2)
			from (select seq, {filed} as filed, {category} as category, {response} as response,
				{resolution} as resolution, {state} as state, {level} as level
				from {seq(first, last)}) numbered"""
		)
		frappe.db.sql(
			f"""update `tabService Request` set
				dispatched_on = if(workflow_state not in ('Open', 'Rejected'),
					creation + interval round(hours_to_accept * 1800) second, null),
				accepted_on = if(workflow_state not in ('Open', 'Rejected', 'Dispatched'),
					creation + interval round(hours_to_accept * 3600) second, null),
				responded_on = if(workflow_state not in ('Open', 'Dispatched'),
					creation + interval round(hours_to_accept * 3600) second, null),
				rejected_on = if(workflow_state = 'Rejected', creation + interval round(hours_to_accept * 3600) second, null),
				rejection_reason = if(workflow_state = 'Rejected', 'Not a matter for the community', null),
				hours_to_accept = if(workflow_state in ('Open', 'Rejected', 'Dispatched'), 0, hours_to_accept),
				resolved_on = if(workflow_state in ('Resolved', 'Closed'),
					creation + interval round(hours_to_resolve * 3600) second, null),
				hours_to_resolve = if(workflow_state in ('Resolved', 'Closed'), hours_to_resolve, 0),
				closed_on = if(workflow_state = 'Closed', creation + interval round(hours_to_resolve * 3600 + 21600) second, null),
				rated_on = if(workflow_state in ('Closed', 'Reopened'), creation + interval round(hours_to_resolve * 3600 + 21600) second, null),
				rating = case when workflow_state = 'Closed' then 3 + crc32(concat('g', name)) % 3
					when workflow_state = 'Reopened' then 1 + crc32(concat('g', name)) % 2 else 0 end,
				solved = case when workflow_state = 'Closed' then 'Yes' when workflow_state = 'Reopened' then 'No' end,
				reopened_on = if(workflow_state = 'Reopened', creation + interval round(hours_to_resolve * 3600 + 21600) second, null),
				reopen_count = workflow_state = 'Reopened',
				handler = if(workflow_state in ('Open', 'Rejected'), null, concat(lower(community), '@{EMAIL_DOMAIN}')),
				current_owner = case escalation_level when 'Community' then concat(lower(community), '@{EMAIL_DOMAIN}')
					when 'Street' then concat(lower(left(community, 3)), '@{EMAIL_DOMAIN}') end
			where name between concat('SR-D-', lpad({first}, 7, '0')) and concat('SR-D-', lpad({last}, 7, '0'))"""
		)
		frappe.db.sql(
			f"""update `tabService Request` set
				responded_on_time = coalesce(responded_on <= response_due_from_filing, 0),
				resolved_on_time = coalesce(resolved_on <= resolution_due_from_filing, 0),
				satisfied = rating >= 3,
				sla_status = case when workflow_state in ('Closed', 'Resolved')
						then if(resolved_on <= resolution_due_from_filing, 'Met', 'Missed')
					when workflow_state = 'Rejected' then if(responded_on <= response_due_from_filing, 'Met', 'Missed')
					when resolution_due < now() then 'Overdue' else 'On Track' end,
				modified = coalesce(closed_on, reopened_on, resolved_on, rejected_on, accepted_on, dispatched_on, creation)
			where name between concat('SR-D-', lpad({first}, 7, '0')) and concat('SR-D-', lpad({last}, 7, '0'))"""
		)
		frappe.db.commit()
		print(f"    requests {last:,} of {total:,}", flush=True)


def insert_ledger(district: District):
	"""Ledger rows in resident order (each resident's rows together, as the resident index wants
	them), posted over the last year: earnings in the five sections (half of them for attending an
	activity), some spending at the reward counter and a few adjustments."""
	resident = district.resident(f"(seq - 1) div {district.per_resident} + 1")
	kind = f"case when {h('k', 100)} < 88 then 'Earn' when {h('k', 100)} < 98 then 'Redeem' else 'Adjustment' end"
	sections = ", ".join(frappe.db.escape(section) for section in SECTIONS)
	for first in range(1, district.ledger + 1, CHUNK["ledger"]):
		last = min(district.ledger, first + CHUNK["ledger"] - 1)
		frappe.db.sql(
			f"""insert into `tabPoints Transaction` (name, creation, modified, owner, modified_by, docstatus,
				idx, resident, resident_name, points, section, kind, posting_date, source_doctype,
				source_name, grid, community, remark)
			select concat('PT-D-', lpad(seq, 8, '0')), {COMMON}, 1, 0, {resident["name"]}, {resident["full_name"]},
				case kind when 'Earn' then 1 + {h("v", 10)} when 'Redeem' then -1 - {h("v", 3)}
					else {h("v", 7)} - 3 end,
				if(kind = 'Redeem', null, elt({h("x", len(SECTIONS))} + 1, {sections})), kind, posting_date,
				case when kind = 'Redeem' then 'Reward Redemption'
					when kind = 'Earn' and {h("q", 2)} = 0 then 'Volunteer Activity' end,
				case when kind = 'Redeem' then concat('RR-D-', lpad(seq, 8, '0'))
					when kind = 'Earn' and {h("q", 2)} = 0 then concat('VA-D-', lpad(seq, 8, '0')) end,
				{resident["grid"]}, {resident["community"]}, 'District benchmark'
			from (select seq, {kind} as kind, curdate() - interval {h("d", 365)} day as posting_date
				from {seq(first, last)}) numbered"""
		)
		frappe.db.commit()
		print(f"    ledger rows {last:,} of {district.ledger:,}", flush=True)


def insert_accounts():
	by_section = ", ".join(
		f"sum(if(section = {frappe.db.escape(section)} and kind != 'Redeem', points, 0))"
		for section in SECTIONS
	)
	frappe.db.sql(
		f"""insert into `tabPoints Account` (name, creation, modified, owner, modified_by, resident,
			resident_name, grid, community, balance, {", ".join(ledger.SECTION_FIELDS.values())})
		select resident, {COMMON}, resident, max(resident_name), max(grid), max(community), sum(points),
			{by_section}
		from `tabPoints Transaction`
		where docstatus = 1 and resident like 'DR-%%'
		group by resident"""
	)


def ensure_totals() -> bool:
	"""The totals are taken as made when they add up to the rows' sum (a cheap check; the drift
	check is the thorough one and compares every total)."""
	rows = frappe.db.sql("select count(*), sum(points) from `tabPoints Transaction` where docstatus = 1")[0]
	monthly = frappe.db.sql(f"select sum(merit_rows), sum(net_points) from `tab{ledger.TOTALS}`")[0]
	periods = frappe.db.sql(
		f"select sum(net_points) from `tab{ledger.PERIOD_TOTALS}` where all_sections = 1"
	)[0]
	if rows[1] is not None and monthly[1] == rows[1] and periods[0] == rows[1] and monthly[0]:
		return False
	ledger.rebuild_monthly_totals()  # and the half-year totals with them
	frappe.db.commit()
	return True


def table_rows() -> dict:
	counts = {}
	for doctype in (
		"Grid",
		"Building",
		"Resident",
		"Service Request",
		"Points Transaction",
		"Points Account",
		ledger.TOTALS,
		ledger.PERIOD_TOTALS,
	):
		counts[doctype] = frappe.db.count(doctype)
	counts["open requests"] = frappe.db.count(
		"Service Request", {"workflow_state": ("in", ("Open", "Dispatched", "Accepted", "Reopened"))}
	)
	for doctype in ("Service Request", "Points Transaction"):
		frappe.db.sql(f"analyze table `tab{doctype}`")
	return counts


# --- what the measurements share --------------------------------------------------------------------


def as_user(user: str):
	frappe.set_user(user)
	scope.forget()


def timed(function) -> float:
	started = time.perf_counter()
	function()
	return time.perf_counter() - started


def medians(functions: dict, repeat: int) -> dict:
	"""Median seconds of each function, after one warm-up run each, the runs alternated so all meet
	the same load on the machine."""
	for function in functions.values():
		function()
	times = {key: [] for key in functions}
	for _ in range(repeat):
		for key, function in functions.items():
			times[key].append(timed(function))
	return {key: statistics.median(values) for key, values in times.items()}


@contextmanager
def recorded_queries():
	"""Each SQL statement run inside the block, with who made it (see ``origin``) and its time."""
	queries, original = [], frappe.db.sql

	def recording(query, *args, **kwargs):
		started = time.perf_counter()
		result = original(query, *args, **kwargs)
		queries.append(
			frappe._dict(
				sql=frappe.db.last_query or query,
				seconds=time.perf_counter() - started,
				origin=origin(traceback.extract_stack()[:-1]),
			)
		)
		return result

	frappe.db.sql = recording
	try:
		yield queries
	finally:
		frappe.db.sql = original


APP_DIR = os.sep + os.path.join("community_governance", "")
WORKFLOW_ACTION = os.path.join("workflow", "doctype", "workflow_action")


def origin(stack) -> str:
	"""Who made a query: Frappe's workflow-action processing, the app's own code, or Frappe."""
	files = [frame.filename for frame in stack]
	if any(WORKFLOW_ACTION in name for name in files):
		return "workflow action"
	if any(APP_DIR in name and os.sep + "benchmarks" + os.sep not in name for name in files):
		return "app"
	return "frappe"


def explain(sql: str, values=None) -> list[dict]:
	rows = (
		frappe.db.sql(f"explain {sql}", values, as_dict=True)
		if values
		else frappe.db.sql(f"explain {sql}", as_dict=True)
	)
	return [dict(row) for row in rows]


# --- 2a. the KPI report ------------------------------------------------------------------------------


KPI_RAW = """
	select community as `group`,
		count(*) as volume,
		sum(responded_on is not null or response_due_from_filing < %(now)s) as due_response,
		round(100 * sum(responded_on <= response_due_from_filing)
			/ nullif(sum(responded_on is not null or response_due_from_filing < %(now)s), 0), 1)
			as response_rate,
		sum(coalesce(solved, '') in ('Yes', 'No')) as answered,
		round(100 * sum(solved = 'Yes') / nullif(sum(coalesce(solved, '') in ('Yes', 'No')), 0), 1)
			as resolution_rate,
		sum(workflow_state != 'Rejected' and (workflow_state in ('Resolved', 'Closed')
			or resolution_due_from_filing < %(now)s)) as due_resolution,
		round(100 * sum(workflow_state in ('Resolved', 'Closed') and resolved_on <= resolution_due_from_filing)
			/ nullif(sum(workflow_state != 'Rejected' and (workflow_state in ('Resolved', 'Closed')
			or resolution_due_from_filing < %(now)s)), 0), 1) as on_time_resolution_rate,
		round(100 * sum(rating >= %(threshold)s) / nullif(sum(rating >= 1), 0), 1) as satisfaction_rate,
		sum(rating >= 1) as rated,
		round(sum(hours_to_accept) / nullif(count(accepted_on), 0), 2) as avg_hours_to_accept,
		round(sum(hours_to_resolve) / nullif(count(resolved_on), 0), 2) as avg_hours_to_resolve,
		sum(workflow_state = 'Closed') as closed,
		round(100 * sum(workflow_state = 'Closed' and escalation_level = 'Grid')
			/ nullif(sum(workflow_state = 'Closed'), 0), 1) as closed_at_grid,
		round(100 * sum(workflow_state = 'Closed' and escalation_level = 'Community')
			/ nullif(sum(workflow_state = 'Closed'), 0), 1) as closed_at_community,
		round(100 * sum(workflow_state = 'Closed' and escalation_level = 'Street')
			/ nullif(sum(workflow_state = 'Closed'), 0), 1) as closed_at_street
	from `tabService Request` {index}
	where creation between %(from_time)s and %(to_time)s {place}
	group by community
"""


def kpi_raw_variants(communities: list[str] | None, scope_condition: str = "") -> dict:
	"""The raw statement with each plan it may take: the optimiser's choice, and each index told
	to it; the fastest is the baseline. For a street, also the raw statement under the viewer's
	own access condition (the same rows as the report's, whatever the data)."""
	if not communities:
		# (community, creation) without a community is a scan of the whole index: not a contender
		return {
			"optimiser's choice": KPI_RAW.format(index="", place=""),
			"creation": KPI_RAW.format(index="force index (`creation_index`)", place=""),
		}
	place = "and community in %(communities)s"
	variants = {
		"optimiser's choice": KPI_RAW.format(index="", place=place),
		"community, creation": KPI_RAW.format(index="force index (`community_creation_index`)", place=place),
	}
	if scope_condition:
		condition = scope_condition.replace("%", "%%")
		variants["viewer's access condition"] = KPI_RAW.format(index="", place=f"and {condition}")
	return variants


def time_kpi(args) -> dict:
	from community_governance.community_governance.report.service_request_kpi import service_request_kpi

	# a month of the year before the open backlog of the last 30 days: a typical month's requests
	month_start = get_first_day(add_months(getdate(), -2))
	month_end = get_last_day(month_start)
	street = "D01"
	communities = frappe.get_all("Grid", {"parent_grid": street, "level": "Community"}, pluck="name")
	cases = {
		"district": {"user": user_email("admin"), "communities": None},
		"street": {"user": user_email(street.lower()), "communities": communities},
	}
	threshold = kpi.satisfied_rating()
	results = {"from": month_start, "to": month_end, "street": street, "cases": {}}
	for case, spec in cases.items():
		as_user(spec["user"])
		filters = {"from_date": month_start, "to_date": month_end, "group_by": "community"}
		now = now_datetime()
		values = {
			"from_time": datetime.combine(month_start, datetime.min.time()),
			"to_time": datetime.combine(month_end, datetime.max.time()),
			"now": now,
			"threshold": threshold,
			"communities": tuple(spec["communities"] or ()),
		}

		def report(filters=filters):
			return service_request_kpi.execute(filters)

		condition = scope.query_condition(spec["user"], "Service Request") if spec["communities"] else ""
		variants = kpi_raw_variants(spec["communities"], condition)
		functions = {"report": report}
		for name, sql in variants.items():
			functions[name] = lambda sql=sql, values=values: frappe.db.sql(sql, values, as_dict=True)
		times = medians(functions, args.repeat)
		fastest = min((name for name in variants), key=lambda name: times[name])
		with recorded_queries() as queries:
			_columns, data, *_rest = report()
		raw_rows = frappe.db.sql(variants[fastest], values, as_dict=True)
		report_sql = next(query.sql for query in queries if "from `tabservice request`" in query.sql.lower())
		results["cases"][case] = {
			"user": spec["user"],
			"report": times["report"],
			"raw": {name: times[name] for name in variants},
			"fastest": fastest,
			"ratio": times["report"] / times[fastest],
			"queries": len(queries),
			"volume": sum(row["volume"] for row in raw_rows),
			"agree": figures_agree(data, raw_rows),
			"explain_report": explain(report_sql),
			"explain_raw": explain(variants[fastest], values),
			"report_sql": report_sql,
		}
	frappe.set_user("Administrator")
	return results


# --- 2b. the leaderboard ------------------------------------------------------------------------------


def leaderboard_raw_sql(from_date, to_date, top_n: int) -> str:
	"""The leaderboard's figures as one GROUP BY over the ledger rows of the period."""
	by_section = ",\n".join(
		f"sum(if(section = {frappe.db.escape(section)}, points, 0)) as {field}"
		for section, field in ledger.SECTION_FIELDS.items()
	)
	return f"""
		select resident, sum(points) as points, {by_section},
			sum(source_doctype = 'Volunteer Activity' and kind = 'Earn')
			- sum(source_doctype = 'Volunteer Activity' and kind = 'Reversal') as activities
		from `tabPoints Transaction`
		where docstatus = 1 and kind in ('Earn', 'Adjustment', 'Reversal')
			and coalesce(source_doctype, '') != 'Reward Redemption'
			and posting_date between '{from_date}' and '{to_date}'
		group by resident
		order by points desc, resident asc
		limit {int(top_n)}"""


def leaderboard_monthly_sql(from_date, to_date, top_n: int) -> str:
	"""The ranking as one GROUP BY over the monthly totals (what the report read before)."""
	return f"""
		select resident, sum(merit_points) as points
		from `tab{ledger.TOTALS}`
		where month between '{from_date}' and '{to_date.replace(day=1)}' and merit_rows > 0
		group by resident
		order by points desc, resident asc
		limit {int(top_n)}"""


def time_leaderboard(args) -> dict:
	from community_governance.community_governance.report.points_leaderboard import points_leaderboard
	from frappe.desk.query_report import run as run_report

	# the half-year the year of rows covers whole
	today = getdate()
	year, half = (today.year, "First Half") if today.month >= 7 else (today.year - 1, "Second Half")
	filters = {"period": half, "year": year, "top_n": 20}
	from_date, to_date = points_leaderboard.period_dates(frappe._dict(filters))
	as_user(user_email("admin"))

	def report():
		return run_report("Points Leaderboard", filters=filters)["result"]

	def execute():
		return points_leaderboard.execute(filters)[1]

	def raw():
		return frappe.db.sql(leaderboard_raw_sql(from_date, to_date, 20), as_dict=True)

	def monthly():
		return frappe.db.sql(leaderboard_monthly_sql(from_date, to_date, 20), as_dict=True)

	report_rows, raw_rows = report(), raw()
	fast = medians({"report": report, "execute": execute, "monthly": monthly}, args.repeat)
	slow = medians({"raw": raw}, args.raw_repeat)
	with recorded_queries() as queries:
		execute()
	figures = ("resident", "points", *ledger.SECTION_FIELDS.values(), "activities")
	shown = [{key: row[key] for key in figures} for row in report_rows]
	expected = [
		{
			key: row[key]
			if key == "resident"
			else max(int(row[key]), 0)
			if key == "activities"
			else int(row[key])
			for key in figures
		}
		for row in raw_rows
	]
	ranking = queries[0].sql if queries else ""
	result = {
		"period": f"{half} {year}",
		"report": fast["report"],
		"execute": fast["execute"],
		"raw": slow["raw"],
		"monthly": fast["monthly"],
		"ratio": fast["report"] / slow["raw"],
		"agree": shown == expected,
		"top": shown[:3],
		"queries": [
			(query.sql.split("from")[1].split()[0] if "from" in query.sql else "?", query.seconds)
			for query in queries
		],
		"rows_in_period": frappe.db.sql(
			"select count(*) from `tabPoints Transaction` where docstatus = 1 and posting_date between %s and %s",
			(from_date, to_date),
		)[0][0],
		"monthly_rows": frappe.db.sql(
			f"select count(*) from `tab{ledger.TOTALS}` where month between %s and %s", (from_date, to_date)
		)[0][0],
		"period_rows": frappe.db.count(ledger.PERIOD_TOTALS, {"period": ledger.period_of(from_date)}),
		"explain_report": explain(ranking) if ranking else [],
		"explain_raw": explain(leaderboard_raw_sql(from_date, to_date, 20)),
		"explain_monthly": explain(leaderboard_monthly_sql(from_date, to_date, 20)),
		"ranking_sql": ranking,
	}
	frappe.set_user("Administrator")
	return result


# --- 2c. escalation through the queue ----------------------------------------------------------------


WORKER = """
import os, sys
sys.path.insert(0, {repo!r})
import frappe
from frappe.utils.background_jobs import get_queue_list, get_redis_conn
from rq import Worker
os.chdir({sites!r})
frappe.init(site={site!r}, sites_path={sites!r})
connection = get_redis_conn()
queues = get_queue_list(["long"], build_queue_name=True)
frappe.destroy()
Worker(queues, connection=connection).work(burst=True, logging_level="WARNING")
"""


def time_escalation(args) -> dict:
	from community_governance import escalation, sla
	from frappe.utils.background_jobs import get_queue, get_redis_conn

	conf = frappe.get_site_config()
	common = frappe.get_file_json(os.path.join(SITES_PATH, "common_site_config.json"))
	if not conf.get("redis_queue") or conf.get("redis_queue") == common.get("redis_queue"):
		return {"skipped": "the site has no Redis queue of its own (redis_queue in its site_config.json)"}
	get_redis_conn().ping()
	# the moment at which exactly the 1,000 earliest deadlines have passed
	dues = frappe.db.sql(
		f"""select if(workflow_state in {tuple(sla.AWAITING_RESPONSE)}, least(response_due, resolution_due),
			resolution_due) as due
		from `tabService Request`
		where workflow_state in {tuple(sla.UNRESOLVED)} and escalation_level != 'Street'
		order by due limit {ESCALATE}"""
	)
	if not dues:
		return {"skipped": "no open requests"}
	now = dues[-1][0] + timedelta(microseconds=1)
	frappe.cache.delete(frappe.cache.make_key(escalation.RUN_LOCK))
	queue = get_queue("long")
	queue.empty()
	frappe.db.commit()
	escalations_before = frappe.db.count("Service Request Escalation")
	started = time.perf_counter()
	queued = escalation.run(now)
	frappe.db.commit()  # the batches go out when the run commits, as the scheduler's job does
	queued_seconds = time.perf_counter() - started
	jobs = queue.get_job_ids()
	env = {**os.environ, "PYTHONPATH": REPO}
	script = WORKER.format(repo=REPO, sites=SITES_PATH, site=frappe.local.site)
	workers = [
		subprocess.Popen([sys.executable, "-c", script], env=env, cwd=SITES_PATH)
		for _ in range(max(1, args.workers))
	]
	for worker in workers:
		worker.wait()
	wall = time.perf_counter() - started
	finished = [queue.fetch_job(job_id) for job_id in jobs]
	finished = [job for job in finished if job]
	starts = [job.started_at for job in finished if job.started_at]
	ends = [job.ended_at for job in finished if job.ended_at]
	failed = [job.id for job in finished if job.is_failed]
	worked = (max(ends) - min(starts)).total_seconds() if starts and ends else None
	frappe.db.rollback()
	escalated = frappe.db.count("Service Request Escalation") - escalations_before
	per_job = [
		(job.ended_at - job.started_at).total_seconds() for job in finished if job.started_at and job.ended_at
	]
	# the baseline: the same thousand requests given one bare ToDo insert each, in this process
	as_user("Administrator")
	started = time.perf_counter()
	todos = [
		frappe.get_doc({"doctype": "ToDo", "description": f"baseline {index}"}).insert().name
		for index in range(queued or 0)
	]
	frappe.db.commit()
	baseline = time.perf_counter() - started
	frappe.db.delete("ToDo", {"name": ("in", todos)})
	frappe.db.commit()
	return {
		"now": now,
		"queued": queued,
		"queued_seconds": queued_seconds,
		"jobs": len(jobs),
		"failed": failed,
		"workers": len(workers),
		"wall": wall,
		"worked": worked,
		"per_job": per_job,
		"escalated": escalated,
		"baseline": baseline,
	}


# --- 2d. filing one request ---------------------------------------------------------------------------


def time_filing(args) -> dict:
	user = user_email("resident")
	category = next(iter(CATEGORIES))
	as_user(user)
	made = {"Service Request": [], "ToDo": []}

	def file_request():
		doc = frappe.get_doc(
			{"doctype": "Service Request", "category": category, "description": "The stairwell light is out"}
		).insert()
		frappe.db.commit()
		made["Service Request"].append(doc.name)

	def file_todo():
		doc = frappe.get_doc(
			{"doctype": "ToDo", "description": "A bare to-do", "allocated_to": user}
		).insert()
		frappe.db.commit()
		made["ToDo"].append(doc.name)

	file_request()
	file_todo()  # warm the caches
	with recorded_queries() as request_queries:
		file_request()
	with recorded_queries() as todo_queries:
		file_todo()
	times = {"Service Request": [], "ToDo": []}
	for _ in range(args.filings):
		times["Service Request"].append(timed(file_request))
		times["ToDo"].append(timed(file_todo))
	as_user("Administrator")
	remove_filed(made)

	def by_origin(queries):
		counts = {"app": 0, "workflow action": 0, "frappe": 0}
		seconds = dict.fromkeys(counts, 0.0)
		for query in queries:
			counts[query.origin] += 1
			seconds[query.origin] += query.seconds
		return counts, seconds

	request_counts, request_seconds = by_origin(request_queries)
	todo_counts, _todo_seconds = by_origin(todo_queries)
	app_queries = [query.sql for query in request_queries if query.origin == "app"]
	median_request, median_todo = (statistics.median(times[key]) for key in ("Service Request", "ToDo"))
	return {
		"user": user,
		"n": args.filings,
		"request": median_request,
		"todo": median_todo,
		"ratio": median_request / median_todo,
		"request_queries": request_counts,
		"request_query_seconds": request_seconds,
		"todo_queries": sum(todo_counts.values()),
		"app_queries": app_queries,
	}


# --- summary ------------------------------------------------------------------------------------------


def ms(seconds) -> str:
	return "n/a" if seconds is None else f"{seconds * 1000:.1f} ms"


def plan_lines(title: str, plan: list[dict]) -> list[str]:
	return [
		f"    EXPLAIN {title}: table={step.get('table')} type={step.get('type')} key={step.get('key')} "
		f"key_len={step.get('key_len')} rows={step.get('rows')} extra={step.get('Extra')}"
		for step in plan
	]


def print_summary(args, counts: dict, results: dict):
	line = "=" * 100
	print(f"\n{line}\nDistrict scale on {args.site} (scale {args.scale}), {os.cpu_count()} cores\n{line}")
	generated = results["generate"]
	print("Data      " + ", ".join(f"{doctype} {count:,}" for doctype, count in generated["rows"].items()))
	print(
		"          generation: "
		+ ", ".join(
			f"{part} {'made in ' + format(timing['seconds'], '.0f') + ' s' if timing['made'] else 'already there'}"
			for part, timing in generated["timings"].items()
		)
	)
	kpi_results = results.get("kpi")
	if kpi_results:
		print(
			f"\n(a) KPI   Service Request KPI execute() vs the best raw SQL of the same figures, "
			f"{kpi_results['from']} .. {kpi_results['to']}, median of {args.repeat}"
		)
		for case, figures in kpi_results["cases"].items():
			raw = ", ".join(f"{name} {ms(seconds)}" for name, seconds in figures["raw"].items())
			target = ""
			if case == "district":
				met = figures["report"] <= 1 and figures["ratio"] <= 1.2
				target = f"; target <= 1 s and <= 1.2x: {'met' if met else 'NOT met'}"
			print(
				f"  {case:<9} as {figures['user']}: {figures['volume']:,} requests; report {ms(figures['report'])} "
				f"({figures['queries']} queries); raw: {raw}\n"
				f"            ratio report / fastest raw ({figures['fastest']}) = {figures['ratio']:.2f}; "
				f"same figures: {'yes' if figures['agree'] else 'NO'}{target}"
			)
			for text in plan_lines("report", figures["explain_report"]) + plan_lines(
				"raw   ", figures["explain_raw"]
			):
				print(text)
	board = results.get("leaderboard")
	if board:
		print(
			f"\n(b) Board Points Leaderboard {board['period']}, top 20, as a Street Office Admin: "
			f"{board['rows_in_period']:,} ledger rows, {board['monthly_rows']:,} monthly totals, "
			f"{board['period_rows']:,} half-year totals in the period"
		)
		print(
			f"  report (frappe.desk.query_report.run) {ms(board['report'])}, execute() {ms(board['execute'])}; "
			f"raw GROUP BY over the ledger rows {ms(board['raw'])} (median of {args.raw_repeat}); "
			f"raw GROUP BY over the monthly totals {ms(board['monthly'])}\n"
			f"  ratio report / raw rows = {board['ratio']:.4f}; same figures: {'yes' if board['agree'] else 'NO'}; "
			f"target < 100 ms: {'met' if board['report'] < 0.1 else 'NOT met'}\n"
			f"  queries of execute(): "
			+ ", ".join(f"{table} {ms(seconds)}" for table, seconds in board["queries"])
			+ f"\n  top 3: {board['top']}"
		)
		for title, plan in (
			("report ranking", board["explain_report"]),
			("raw rows      ", board["explain_raw"]),
			("raw monthly   ", board["explain_monthly"]),
		):
			for text in plan_lines(title, plan):
				print(text)
	escalated = results.get("escalation")
	if escalated:
		if escalated.get("skipped"):
			print(f"\n(c) Escalation skipped: {escalated['skipped']}")
		else:
			per_job = escalated["per_job"]
			print(
				f"\n(c) Escalation: escalation.run(now={escalated['now']}) queued {escalated['queued']:,} overdue "
				f"requests in {escalated['jobs']} RQ jobs in {ms(escalated['queued_seconds'])}; "
				f"{escalated['workers']} RQ worker process(es) in burst mode worked them\n"
				f"  wall time from the run to the last job done {escalated['wall']:.1f} s (worker start-up "
				f"included); first job start to last job end {escalated['worked']:.1f} s; per job "
				f"{', '.join(f'{seconds:.1f}' for seconds in per_job)} s; failed jobs {escalated['failed'] or 'none'}\n"
				f"  escalation rows written {escalated['escalated']:,}; baseline: one bare ToDo insert per request "
				f"in process {escalated['baseline']:.1f} s, ratio {escalated['worked'] / max(escalated['baseline'], 1e-9):.2f}; "
				f"target 1,000 in < 20 s: {'met' if escalated['wall'] < 20 else 'NOT met'}"
			)
	filing = results.get("filing")
	if filing:
		counts = filing["request_queries"]
		print(
			f"\n(d) Filing one request as {filing['user']} through the app's path (insert + commit, in process), "
			f"median of {filing['n']}: {ms(filing['request'])} vs a bare ToDo {ms(filing['todo'])}, "
			f"ratio {filing['ratio']:.2f}\n"
			f"  queries: app {counts['app']}, Frappe workflow action {counts['workflow action']}, "
			f"Frappe {counts['frappe']} (total {sum(counts.values())}) vs the ToDo's {filing['todo_queries']}; "
			f"time in them: "
			+ ", ".join(f"{key} {ms(seconds)}" for key, seconds in filing["request_query_seconds"].items())
		)
		for sql in filing["app_queries"]:
			print(f"    app: {' '.join(sql.split())[:160]}")
	print(line, flush=True)


def remove_filed(made: dict):
	"""The filings of the measurement and what they left behind."""
	names = made["Service Request"]
	for doctype, column in (
		("ToDo", "reference_name"),
		("Notification Log", "document_name"),
		("Version", "docname"),
		("Comment", "reference_name"),
		("Workflow Action", "reference_name"),
	):
		if names:
			frappe.db.delete(doctype, {column: ("in", names)})
	frappe.db.delete("Service Request", {"name": ("in", names)})
	frappe.db.delete("ToDo", {"name": ("in", made["ToDo"])})
	frappe.db.commit()


if __name__ == "__main__":
	main()
