"""How the points ledger holds up at a street's scale: a million ledger rows for 20,000 residents.

    /root/frappe-bench/env/bin/python benchmarks/points.py --site SITE [--rows 1000000] [--keep]

It builds a dedicated benchmark street (community BENCH-C) with its residents, ledger rows spread
over a year and the matching Points Account balances, then times:

  (b) a balance read (``ledger.balance_of``: one primary-key read) against summing the resident's
      ledger rows, with and without the index on ``resident``;
  (c) the Points Leaderboard for a half-year against one raw-SQL GROUP BY computing the same figures;
  (d) submitting a Volunteer Activity with 500 attendees, through the real ``doc.submit()``.

Everything it creates belongs to the benchmark street and is removed at the end unless --keep; a
run first removes what an earlier kept or interrupted run left. The activity of (d) is rolled back.
"""

import argparse
import os
import random
import statistics
import time
from contextlib import contextmanager
from datetime import date, timedelta

import frappe
from community_governance import ledger

STREET, COMMUNITY = "BENCH", "BENCH-C"
GRIDS = [f"BENCH-G{number:02d}" for number in range(1, 21)]
TAG = "benchmark"  # the remark of every benchmark ledger row
RESIDENT_PREFIX, ROW_PREFIX, ACTIVITY_PREFIX, REDEMPTION_PREFIX = (
	"RES-BENCH-",
	"PT-BENCH-",
	"VA-BENCH-",
	"RR-BENCH-",
)
SECTIONS = list(ledger.SECTION_FIELDS)
# the share of each kind of ledger row; the rest are activity awards ("Earn")
ADJUSTMENT_SHARE, REDEMPTION_SHARE, CANCELLED_ACTIVITY_SHARE = 0.06, 0.06, 0.03
INSERT_CHUNK = 50_000
LEDGER_COLUMNS = [
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"docstatus",
	"resident",
	"resident_name",
	"points",
	"section",
	"kind",
	"posting_date",
	"source_doctype",
	"source_name",
	"reverses",
	"grid",
	"community",
	"remark",
]
MERIT_KINDS = ("Earn", "Adjustment", "Reversal")
RESIDENT_COLUMNS = [
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"full_name",
	"status",
	"building",
	"unit",
	"room",
	"household",
	"grid",
	"community",
]
ADMIN = "Administrator"


def main():
	args = parse_args()
	connect(args.site)
	rng = random.Random(args.seed)
	results = {}
	try:
		residents = kept_residents() if args.reuse else []
		if not residents:
			remove_benchmark_data()
			started = time.perf_counter()
			residents = create_territory_and_residents(args.residents)
			rows = create_ledger(rng, residents, args.rows, args.year)
			create_accounts()
			results["build"] = (rows, len(residents), time.perf_counter() - started)
			started = time.perf_counter()
			results["totals"] = (ledger.rebuild_monthly_totals(), time.perf_counter() - started)
			frappe.db.commit()
		else:
			results["reused"] = (
				frappe.db.count("Points Transaction", {"community": COMMUNITY}),
				len(residents),
			)
		results["drift"] = len(ledger.drift())
		analyse_tables()
		results["balance"] = time_balances(rng, residents, args.samples, args.full_scans)
		results["leaderboard"] = time_leaderboard(args.year, args.repeats)
		results["activity"] = time_activity_submit(rng, residents, 500)
	finally:
		frappe.db.rollback()
		if not args.keep:
			started = time.perf_counter()
			remove_benchmark_data()
			results["cleanup"] = time.perf_counter() - started
	print_summary(results, args)
	frappe.destroy()


def parse_args():
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--rows", type=int, default=1_000_000, help="ledger rows to create")
	parser.add_argument("--residents", type=int, default=20_000)
	parser.add_argument("--year", type=int, default=date.today().year, help="the year the rows fall in")
	parser.add_argument("--samples", type=int, default=500, help="residents timed in (b)")
	parser.add_argument("--full-scans", type=int, default=5, help="unindexed sums timed in (b)")
	parser.add_argument("--repeats", type=int, default=7, help="runs of each query in (c)")
	parser.add_argument("--seed", type=int, default=2026)
	parser.add_argument("--keep", action="store_true", help="leave the benchmark data in place")
	parser.add_argument("--reuse", action="store_true", help="time the data an earlier --keep run left")
	return parser.parse_args()


def connect(site: str):
	bench = os.environ.get("FRAPPE_BENCH", "/root/frappe-bench")
	sites_path = os.path.join(bench, "sites")
	os.chdir(sites_path)  # Frappe resolves logs and assets relative to the sites folder
	frappe.init(site=site, sites_path=sites_path)
	frappe.connect()
	frappe.set_user("Administrator")


# --- (a) the data --------------------------------------------------------------------------------


def create_territory_and_residents(count: int) -> list[tuple]:
	"""A street with one community of twenty grids, a building per grid and ``count`` residents
	(inserted in bulk: their validation is not what is measured). Returns (name, full_name, grid)."""
	for code, name, level, parent in [
		(STREET, "Benchmark Street", "Street", None),
		(COMMUNITY, "Benchmark Community", "Community", STREET),
		*((grid, f"Benchmark Grid {grid[-2:]}", "Grid", COMMUNITY) for grid in GRIDS),
	]:
		frappe.get_doc(
			{"doctype": "Grid", "code": code, "grid_name": name, "level": level, "parent_grid": parent}
		).insert()
	for grid in GRIDS:
		frappe.get_doc(
			{
				"doctype": "Building",
				"building_name": "1",
				"building_type": "High-rise",
				"grid": grid,
				"units": [{"unit_name": "1", "floors": 30, "households": 600}],
			}
		).insert()
	now = frappe.utils.now()
	residents, values = [], []
	for number in range(1, count + 1):
		name, full_name = f"{RESIDENT_PREFIX}{number:06d}", f"Benchmark Resident {number}"
		grid = GRIDS[number % len(GRIDS)]
		building, room = f"{grid}-1", str(number // len(GRIDS) % 600 + 1)
		residents.append((name, full_name, grid))
		household = f"{building}-1-{room}"
		values.append(
			(
				name,
				now,
				now,
				ADMIN,
				ADMIN,
				full_name,
				"Active",
				building,
				"1",
				room,
				household,
				grid,
				COMMUNITY,
			)
		)
	insert_rows("Resident", RESIDENT_COLUMNS, values)
	frappe.db.commit()
	return residents


def create_ledger(rng: random.Random, residents: list[tuple], total: int, year: int) -> int:
	"""Submitted ledger rows like a street's year: activity awards (some activities cancelled and
	reversed), manual adjustments and redemptions, on days spread over the year."""
	now = frappe.utils.now()
	first_day, days = date(year, 1, 1), (date(year, 12, 31) - date(year, 1, 1)).days + 1
	serial = 0

	balances = dict.fromkeys((resident for resident, _full_name, _grid in residents), 0)

	def row(resident, points, kind, day, section=None, source=(None, None), reverses=None):
		nonlocal serial
		serial += 1
		name, full_name, grid = resident
		balances[name] += points
		return (
			f"{ROW_PREFIX}{serial:08d}",
			now,
			now,
			ADMIN,
			ADMIN,
			1,
			name,
			full_name,
			points,
			section,
			kind,
			day,
			*source,
			reverses,
			grid,
			COMMUNITY,
			TAG,
		)

	def rows():
		other_rows = int(total * (ADJUSTMENT_SHARE + REDEMPTION_SHARE))
		activity_rows, activity = total - other_rows, 0
		while serial < activity_rows:
			activity += 1
			day = first_day + timedelta(days=rng.randrange(days))
			section, points = rng.choice(SECTIONS), rng.randint(1, 5)
			source = ("Volunteer Activity", f"{ACTIVITY_PREFIX}{activity:06d}")
			attendees = rng.sample(residents, min(rng.randint(20, 80), activity_rows - serial))
			awards = [row(resident, points, "Earn", day, section, source) for resident in attendees]
			yield from awards
			if rng.random() < CANCELLED_ACTIVITY_SHARE and serial + len(awards) <= activity_rows:
				cancelled_on = min(day + timedelta(days=rng.randint(1, 10)), first_day + timedelta(days - 1))
				for award, resident in zip(awards, attendees, strict=True):
					yield row(resident, -points, "Reversal", cancelled_on, section, source, award[0])
		redemption = 0
		while serial < total:
			day = first_day + timedelta(days=rng.randrange(days))
			resident = rng.choice(residents)
			# like the ledger, never spend or take away more than a resident has
			available = balances[resident[0]]
			if rng.random() < ADJUSTMENT_SHARE / (ADJUSTMENT_SHARE + REDEMPTION_SHARE):
				points = rng.choice([1, 2, 3, 5, 10, -1 if available >= 1 else 1])
				yield row(resident, points, "Adjustment", day, rng.choice([*SECTIONS, None]))
			elif available >= 1:
				redemption += 1
				source = ("Reward Redemption", f"{REDEMPTION_PREFIX}{redemption:07d}")
				yield row(resident, -rng.randint(1, min(available, 5)), "Redeem", day, source=source)

	chunk = []
	for values in rows():
		chunk.append(values)
		if len(chunk) == INSERT_CHUNK:
			insert_rows("Points Transaction", LEDGER_COLUMNS, chunk)
			frappe.db.commit()
			chunk = []
	if chunk:
		insert_rows("Points Transaction", LEDGER_COLUMNS, chunk)
		frappe.db.commit()
	return serial


def insert_rows(doctype: str, columns: list[str], rows: list[tuple]):
	"""Write rows in multi-row INSERT statements, as ``frappe.db.bulk_insert`` does, but through the
	database driver's ``executemany``: bulk_insert builds each statement with the query builder,
	which costs about 0.7 ms a row here (12 minutes for a million rows) against under 0.1 ms."""
	frappe.db.sql("select 1")  # the connection is opened on first use
	column_list = ", ".join(f"`{column}`" for column in columns)
	placeholders = ", ".join(["%s"] * len(columns))
	frappe.db._cursor.executemany(f"insert into `tab{doctype}` ({column_list}) values ({placeholders})", rows)


def create_accounts():
	"""The cached balances, as the ledger would have kept them: one INSERT ... SELECT ... GROUP BY.
	Earnings by section leave out spending, as ``ledger._add_to_account`` does."""
	by_section = ",\n".join(
		f"sum(if(section = {frappe.db.escape(section)} and kind != 'Redeem', points, 0))"
		for section in ledger.SECTION_FIELDS
	)
	frappe.db.sql(
		f"""
		insert into `tabPoints Account` (name, creation, modified, owner, modified_by, docstatus, idx,
			resident, resident_name, grid, community, balance, {", ".join(ledger.SECTION_FIELDS.values())})
		select resident, now(6), now(6), 'Administrator', 'Administrator', 0, 0,
			resident, max(resident_name), max(grid), max(community), sum(points), {by_section}
		from `tabPoints Transaction`
		where name like %s and docstatus = 1
		group by resident""",
		f"{ROW_PREFIX}%",  # a range of the primary key: read in order, not row by row through an index
	)
	frappe.db.commit()


def analyse_tables():
	# fresh statistics, as a site that grew to this size over time would have
	for table in ("tabPoints Transaction", "tabPoints Account", "tabPoints Monthly Total", "tabResident"):
		frappe.db.sql(f"analyze table `{table}`")


def kept_residents() -> list[tuple]:
	resident = frappe.qb.DocType("Resident")
	return [
		tuple(row)
		for row in frappe.qb.from_(resident)
		.select(resident.name, resident.full_name, resident.grid)
		.where(resident.community == COMMUNITY)
		.orderby(resident.name)
		.run()
	]


def remove_benchmark_data():
	"""Delete everything of the benchmark street, in chunks so no single transaction grows huge."""
	for doctype, condition, value in (
		("Points Transaction", "name like %s", f"{ROW_PREFIX}%"),  # in primary-key order, the fastest
		("Points Transaction", "community = %s", COMMUNITY),
		("Points Account", "community = %s", COMMUNITY),
		("Points Monthly Total", "community = %s", COMMUNITY),
		("Resident", "community = %s", COMMUNITY),
	):
		while True:
			frappe.db.sql(f"delete from `tab{doctype}` where {condition} limit {INSERT_CHUNK}", value)
			deleted = frappe.db._cursor.rowcount
			frappe.db.commit()
			if not deleted:
				break
	for building in frappe.get_all("Building", {"community": COMMUNITY}, pluck="name"):
		frappe.delete_doc("Building", building, force=True, ignore_permissions=True)
	for grid in [*GRIDS, COMMUNITY, STREET]:
		if frappe.db.exists("Grid", grid):
			frappe.delete_doc("Grid", grid, force=True, ignore_permissions=True)
	frappe.db.commit()


# --- (b) balance reads -------------------------------------------------------------------------


def time_balances(rng, residents, samples: int, full_scans: int) -> dict:
	chosen = rng.sample([name for name, _full_name, _grid in residents], samples + 50)
	warm_up, chosen = chosen[:50], chosen[50:]
	for resident in warm_up:
		ledger.balance_of(resident)
		sum_with_index(resident)
	cached, primary_key, indexed, unindexed = [], [], [], []
	for resident in chosen:
		cached.append(timed(ledger.balance_of, resident))
		primary_key.append(timed(read_account, resident))
		indexed.append(timed(sum_with_index, resident))
	for resident in chosen[:full_scans]:
		unindexed.append(timed(sum_without_index, resident))
	mismatches = sum(
		ledger.balance_of(resident)["balance"] != sum_with_index(resident) for resident in chosen[:50]
	)
	return {
		"cached": statistics.median(cached),
		"primary_key": statistics.median(primary_key),
		"indexed": statistics.median(indexed),
		"unindexed": statistics.median(unindexed) if unindexed else None,
		"samples": len(chosen),
		"full_scans": len(unindexed),
		"mismatches": mismatches,
	}


def read_account(resident: str) -> int:
	"""What balance_of reads, as plain SQL: the database's share of its time."""
	return int(frappe.db.sql("select balance from `tabPoints Account` where name = %s", resident)[0][0])


def sum_with_index(resident: str) -> int:
	return int(
		frappe.db.sql(
			"select sum(points) from `tabPoints Transaction` where resident = %s and docstatus = 1",
			resident,
		)[0][0]
		or 0
	)


def sum_without_index(resident: str) -> int:
	return int(
		frappe.db.sql(
			"""select sum(points) from `tabPoints Transaction` ignore index (resident)
			where resident = %s and docstatus = 1""",
			resident,
		)[0][0]
		or 0
	)


# --- (c) the leaderboard ---------------------------------------------------------------------------


def time_leaderboard(year: int, repeats: int) -> dict:
	from frappe.desk.query_report import run as run_report

	filters = {"period": "First Half", "year": year, "top_n": 20}
	from_date, to_date = date(year, 1, 1), date(year, 6, 30)

	def report():
		return run_report("Points Leaderboard", filters=filters)["result"]

	def raw():
		return raw_leaderboard(from_date, to_date, 20)

	def raw_totals():
		return frappe.db.sql(raw_totals_sql(from_date, to_date, 20), as_dict=True)

	report_rows, raw_rows = report(), raw()  # warm up, and compare what both return
	raw_totals()
	with recorded_queries() as report_queries:
		report()
	report_times, raw_times, totals_times = [], [], []
	for _ in range(repeats):  # alternated, so all meet the same load on the machine
		report_times.append(timed(report))
		raw_times.append(timed(raw))
		totals_times.append(timed(raw_totals))
	figures = ("resident", "points", *ledger.SECTION_FIELDS.values(), "activities")
	agree = [{key: row[key] for key in figures} for row in report_rows] == [
		{key: int(row[key]) if key != "resident" else row[key] for key in figures} for row in raw_rows
	]
	totals_rows_in_period = frappe.db.sql(
		"""select count(*) from `tabPoints Monthly Total` where month between %s and %s""",
		(from_date, to_date),
	)[0][0]
	rows_in_period = frappe.db.sql(
		"""select count(*) from `tabPoints Transaction` where docstatus = 1 and posting_date between %s and %s""",
		(from_date, to_date),
	)[0][0]
	result = {
		"report": statistics.median(report_times),
		"raw": statistics.median(raw_times),
		"raw_totals": statistics.median(totals_times),
		"totals_rows_in_period": totals_rows_in_period,
		"explain_totals": explain(raw_totals_sql(from_date, to_date, 20)),
		"agree": agree,
		"rows_in_period": rows_in_period,
		"queries": len(report_queries),
		"slowest": sorted(report_queries, key=lambda query: -query.seconds)[:2],
	}
	result["ratio"] = result["report"] / result["raw"]
	if result["ratio"] > 2:
		ledger_queries = [
			query
			for query in report_queries
			if query.lstrip().lower().startswith("select") and "tabPoints Transaction" in query
		]
		result["explain"] = [explain(query) for query in [*ledger_queries, raw_sql(from_date, to_date, 20)]]
	return result


def raw_sql(from_date, to_date, top_n: int) -> str:
	"""The leaderboard's figures as one GROUP BY, in its cheapest form: no names or places (they would
	make the grouping table too big for memory), and activities counted as rows, not distinct
	sources, which the unique key on (source, resident, kind) makes the same."""
	by_section = ",\n".join(
		f"sum(if(section = {frappe.db.escape(section)}, points, 0)) as {field}"
		for section, field in ledger.SECTION_FIELDS.items()
	)
	return f"""
		select resident, sum(points) as points, {by_section},
			sum(source_doctype = 'Volunteer Activity' and kind = 'Earn')
			- sum(source_doctype = 'Volunteer Activity' and kind = 'Reversal') as activities
		from `tabPoints Transaction`
		where docstatus = 1 and kind in {tuple(MERIT_KINDS)}
			and ifnull(source_doctype, '') != 'Reward Redemption'
			and posting_date between '{from_date}' and '{to_date}'
		group by resident
		order by points desc, resident asc
		limit {int(top_n)}"""


def raw_totals_sql(from_date, to_date, top_n: int) -> str:
	"""The ranking (the report's first query) as one raw GROUP BY over the monthly totals."""
	return f"""
		select resident, sum(merit_points) as points
		from `tabPoints Monthly Total`
		where month between '{from_date.replace(day=1)}' and '{to_date.replace(day=1)}' and merit_rows > 0
		group by resident
		order by points desc, resident asc
		limit {int(top_n)}"""


def raw_leaderboard(from_date, to_date, top_n: int) -> list[dict]:
	rows = frappe.db.sql(raw_sql(from_date, to_date, top_n), as_dict=True)
	for row in rows:
		row.activities = max(int(row.activities), 0)
	return rows


def explain(query: str) -> list[dict]:
	return [dict(row) for row in frappe.db.sql(f"explain {query}", as_dict=True)]


# --- (d) the bulk award ------------------------------------------------------------------------


def time_activity_submit(rng, residents, attendees: int) -> dict:
	"""Submit a real activity with ``attendees`` attendees, then roll it all back."""
	chosen = rng.sample([name for name, _full_name, _grid in residents], attendees)
	doc = frappe.get_doc(
		{
			"doctype": "Volunteer Activity",
			"title": "Benchmark street clean-up",
			"activity_date": frappe.utils.nowdate(),
			"section": "Civilisation Creation",
			"points_per_attendee": 2,
			"community": COMMUNITY,
			"attendees": [{"resident": resident} for resident in chosen],
		}
	)
	started = time.perf_counter()
	doc.insert()
	inserted = time.perf_counter()
	with recorded_queries() as queries:
		doc.submit()
	submitted = time.perf_counter()
	paid = frappe.db.count("Points Transaction", {"source_name": doc.name, "docstatus": 1})
	frappe.db.rollback()
	left = frappe.db.count("Points Transaction", {"source_name": doc.name}) + frappe.db.count(
		"Volunteer Activity", {"name": doc.name}
	)
	return {
		"insert": inserted - started,
		"submit": submitted - inserted,
		"queries": len(queries),
		"paid": paid,
		"left_after_rollback": left,
	}


# --- helpers ---------------------------------------------------------------------------------------


def timed(function, *args) -> float:
	started = time.perf_counter()
	function(*args)
	return time.perf_counter() - started


class RecordedQuery(str):
	"""A statement's SQL text that also knows how long it ran."""

	def __new__(cls, sql: str, seconds: float):
		query = super().__new__(cls, sql)
		query.seconds = seconds
		return query


@contextmanager
def recorded_queries():
	"""The SQL statements run inside the block (the last one run is the one Frappe logged)."""
	queries, original = [], frappe.db.sql

	def recording(query, *args, **kwargs):
		started = time.perf_counter()
		result = original(query, *args, **kwargs)
		queries.append(RecordedQuery(frappe.db.last_query, time.perf_counter() - started))
		return result

	frappe.db.sql = recording
	try:
		yield queries
	finally:
		frappe.db.sql = original


def milliseconds(seconds: float | None) -> str:
	return "n/a" if seconds is None else f"{seconds * 1000:.3f} ms"


def print_summary(results: dict, args):
	line = "=" * 78
	print(line)
	print(f"Points ledger benchmark on {args.site}")
	print(line)
	if "build" in results:
		rows, residents, seconds = results["build"]
		print(
			f"(a) built {rows:,} ledger rows for {residents:,} residents and their accounts in {seconds:.1f} s"
		)
	if "reused" in results:
		print(
			"(a) reused the ledger rows ({:,}) and residents ({:,}) of a kept run".format(*results["reused"])
		)
	if "drift" in results:
		print(f"    drift between accounts and ledger: {results.get('drift')} residents (expect 0)")
	if "balance" in results:
		balance = results["balance"]
		print(f"(b) balance of one resident, median over {balance['samples']} residents:")
		print(f"    ledger.balance_of (through frappe.db.get_value) {milliseconds(balance['cached'])}")
		print(f"    the same primary-key read as plain SQL          {milliseconds(balance['primary_key'])}")
		print(f"    SUM over the resident's rows (resident index)   {milliseconds(balance['indexed'])}")
		print(f"    SUM without the resident index (full scan)      {milliseconds(balance['unindexed'])}")
		print(f"    (full scan: median of {balance['full_scans']} residents)")
		for label, key in (("indexed SUM", "indexed"), ("full-scan SUM", "unindexed")):
			if balance[key]:
				print(
					f"    {label} / primary-key read = {balance[key] / balance['primary_key']:,.1f}x;"
					f" / balance_of = {balance[key] / balance['cached']:,.1f}x"
				)
		print(f"    balances differing from their ledger sum: {balance['mismatches']} of 50 (expect 0)")
	if "totals" in results:
		count, seconds = results["totals"]
		print(f"    monthly totals rebuilt from the rows: {count:,} totals in {seconds:.1f} s")
	if "leaderboard" in results:
		board = results["leaderboard"]
		print(
			f"(c) Points Leaderboard, First Half {args.year}, top 20, {board['rows_in_period']:,} rows in period:"
		)
		print(f"    report (Administrator, {board['queries']} queries) {milliseconds(board['report'])}")
		print(f"    one raw-SQL GROUP BY of the rows       {milliseconds(board['raw'])}")
		print(
			f"    raw GROUP BY of the monthly totals     {milliseconds(board['raw_totals'])}"
			f" ({board['totals_rows_in_period']:,} totals in period)"
		)
		print(
			f"    report / raw rows = {board['ratio']:.2f}; report / raw totals = "
			f"{board['report'] / board['raw_totals']:.2f}; same figures as the rows: {board['agree']}"
		)
		print(f"    target: under 100 ms: {'met' if board['report'] < 0.1 else 'NOT met'}")
		for step in board["explain_totals"]:
			print(
				f"    EXPLAIN raw totals: type={step.get('type')} key={step.get('key')} "
				f"rows={step.get('rows')} extra={step.get('Extra')}"
			)
		for query in board["slowest"]:
			print(f"    slowest report query {milliseconds(query.seconds)}: {' '.join(query.split())[:150]}")
		for plan in board.get("explain", []):
			print(f"    EXPLAIN: {plan}")
	if "activity" in results:
		activity = results["activity"]
		print(
			f"(d) Volunteer Activity with 500 attendees: submit {activity['submit']:.2f} s (target < 5 s),"
			f" {activity['queries']} queries; insert {activity['insert']:.2f} s"
		)
		print(
			f"    paid {activity['paid']} attendees; left after rollback: {activity['left_after_rollback']}"
			" (expect 0)"
		)
	if "cleanup" in results:
		print(f"    benchmark data removed in {results['cleanup']:.1f} s")
	else:
		print(f"    benchmark data kept (community {COMMUNITY})")
	print(line)


if __name__ == "__main__":
	main()
