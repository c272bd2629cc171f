"""Reads on a read replica: two MariaDB servers on loopback with real replication, and a site whose
reports, dashboards and exports run on the replica while every write goes to the primary.

    /root/frappe-bench/env/bin/python benchmarks/replica.py [--keep]

1. initialises two MariaDB data directories in a temporary folder and starts a primary (binary log,
   server id 1) and a replica (server id 2, read-only) on free ports of 127.0.0.1, both with the
   general query log on; the replica replicates from the primary by GTID from the start;
2. creates a Frappe site on the primary with this app installed and the integration tests' street,
   and sets ``read_from_replica`` with the replica's port;
3. serves the site over HTTP and, as the Street Office Admin, runs every script report of the
   module, the workspace's number cards and charts and a report export; a resident files a request;
4. reads both servers' query logs for that window: each report's queries ran on the replica and
   none on the primary; the writes (the request, the export's access log) ran on the primary, and
   reached the replica by replication.

Everything it makes (servers, data directories, the site) is removed at the end unless --keep. The
bench is $FRAPPE_BENCH or ~/frappe-bench; ``mariadb-install-db`` and ``mariadbd`` come from Debian.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)  # the test street and the HTTP helper in tests/integration
BENCH = os.path.expanduser(os.environ.get("FRAPPE_BENCH", "~/frappe-bench"))
SITES_PATH = os.path.join(BENCH, "sites")
PYTHON = os.path.join(BENCH, "env", "bin", "python")
SITE = "cg-replica.test"
DB_USER, DB_PASSWORD = "cg_root", "cg_root"
MODULE = "Community Governance"
# a query of the KPI report that nothing else sends: it tells where the report ran
KPI_MARK = "unresponded_past_target"


def free_port() -> int:
	with socket.socket() as probe:
		probe.bind(("127.0.0.1", 0))
		return probe.getsockname()[1]


class Server:
	"""One MariaDB server of our own: its data directory, port, socket and general query log."""

	def __init__(self, root: str, name: str, server_id: int, replica: bool):
		self.name, self.server_id, self.replica = name, server_id, replica
		self.datadir = os.path.join(root, name)
		self.socket = os.path.join(root, f"{name}.sock")
		self.log = os.path.join(root, f"{name}-queries.log")
		self.port = free_port()
		self.process = None

	def start(self):
		subprocess.run(
			[
				"mariadb-install-db",
				"--no-defaults",  # not the system server's my.cnf: its user, paths and logs
				f"--datadir={self.datadir}",
				"--user=root",
				"--auth-root-authentication-method=normal",
				"--skip-test-db",
			],
			check=True,
			capture_output=True,
		)
		options = [
			"--no-defaults",
			f"--datadir={self.datadir}",
			f"--socket={self.socket}",
			f"--port={self.port}",
			"--bind-address=127.0.0.1",
			"--user=root",
			f"--server-id={self.server_id}",
			"--character-set-server=utf8mb4",
			"--collation-server=utf8mb4_unicode_ci",
			"--innodb-buffer-pool-size=256M",
			"--general-log=1",
			f"--general-log-file={self.log}",
			f"--pid-file={self.datadir}.pid",
			"--skip-name-resolve",
		]
		if self.replica:
			options += ["--read-only=1", "--relay-log=relay"]
		else:
			options += ["--log-bin=binlog", "--binlog-format=ROW"]
		self.process = subprocess.Popen(
			["mariadbd", *options], stdout=subprocess.DEVNULL, stderr=open(f"{self.datadir}.err", "ab")
		)
		deadline = time.monotonic() + 60
		while time.monotonic() < deadline:
			if self.sql("select 1", check=False).returncode == 0:
				return self
			time.sleep(0.5)
		raise RuntimeError(f"the {self.name} server did not start; see {self.datadir}.err")

	def sql(self, statement: str, check: bool = True) -> subprocess.CompletedProcess:
		return subprocess.run(
			["mariadb", "--no-defaults", f"--socket={self.socket}", "-uroot", "-N", "-e", statement],
			check=check,
			capture_output=True,
			text=True,
		)

	def log_size(self) -> int:
		return os.path.getsize(self.log)

	def log_since(self, offset: int) -> str:
		with open(self.log, encoding="utf-8", errors="replace") as log:
			log.seek(offset)
			return log.read()

	def stop(self):
		if self.process and self.process.poll() is None:
			self.process.terminate()
			self.process.wait(timeout=60)


def frappe_cli(*args: str) -> str:
	done = subprocess.run(
		[PYTHON, "-m", "frappe.utils.bench_helper", "frappe", *args],
		cwd=SITES_PATH,
		capture_output=True,
		text=True,
	)
	if done.returncode:
		raise RuntimeError(f"bench {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
	return done.stdout


def start_replication(primary: Server, replica: Server):
	primary.sql(
		f"create user '{DB_USER}'@'%' identified by '{DB_PASSWORD}';"
		f" grant all privileges on *.* to '{DB_USER}'@'%' with grant option;"
		" create user 'replication'@'%' identified by 'replication';"
		" grant replication slave on *.* to 'replication'@'%';"
	)
	replica.sql(
		f"change master to master_host='127.0.0.1', master_port={primary.port},"
		" master_user='replication', master_password='replication', master_use_gtid=slave_pos;"
		" start slave;"
	)
	wait_for_replica(primary, replica)


def wait_for_replica(primary: Server, replica: Server, timeout: float = 120):
	"""Until the replica has applied everything the primary has written so far."""
	position = primary.sql("select @@gtid_binlog_pos").stdout.strip()
	if not position:
		return
	done = replica.sql(f"select master_gtid_wait('{position}', {int(timeout)})").stdout.strip()
	if done != "0":
		status = replica.sql("show slave status\\G").stdout
		raise RuntimeError(f"the replica did not catch up with {position}:\n{status}")


def create_site(primary: Server, replica: Server):
	frappe_cli(
		"new-site",
		SITE,
		"--admin-password",
		"admin",
		"--db-host",
		"127.0.0.1",
		"--db-port",
		str(primary.port),
		"--db-root-username",
		DB_USER,
		"--db-root-password",
		DB_PASSWORD,
		"--force",
	)
	frappe_cli("--site", SITE, "clear-cache")
	frappe_cli("--site", SITE, "install-app", "community_governance")
	build_street()
	frappe_cli(
		"--site",
		SITE,
		"set-config",
		"--parse",
		"read_from_replica",
		"1",
	)
	frappe_cli("--site", SITE, "set-config", "replica_host", "127.0.0.1")
	frappe_cli("--site", SITE, "set-config", "--parse", "replica_db_port", str(replica.port))
	wait_for_replica(primary, replica)


def build_street():
	"""The integration tests' street, built in a process of its own on the new site."""
	subprocess.run(
		[
			PYTHON,
			"-c",
			"import os, frappe; from tests.integration import world;"
			f"os.chdir({SITES_PATH!r}); frappe.init(site={SITE!r}, sites_path={SITES_PATH!r});"
			"frappe.connect(); world.build(); frappe.db.commit(); frappe.destroy()",
		],
		cwd=REPO,
		env={**os.environ, "PYTHONPATH": REPO, "CG_TEST_SITE": SITE},
		check=True,
	)


def what_an_admin_reads() -> dict:
	"""The module's script reports, number cards and charts, looked up before the logs are read."""
	import frappe

	return {
		"reports": frappe.get_all(
			"Report", {"module": MODULE, "report_type": "Script Report", "disabled": 0}, pluck="name"
		),
		"cards": [
			frappe.get_doc("Number Card", name)
			for name in frappe.get_all("Number Card", {"module": MODULE}, pluck="name")
		],
		"charts": [
			frappe.get_doc("Dashboard Chart", name)
			for name in frappe.get_all("Dashboard Chart", {"module": MODULE}, pluck="name")
		],
	}


def answer(response) -> str:
	"""The HTTP status, with the error's message when it is not a success."""
	if response.ok:
		return str(response.status_code)
	try:
		body = response.json()
		message = [
			body.get("exc_type"),
			body.get("exception") or json.loads(body.get("_server_messages", "[]") or "[]"),
		]
	except ValueError:
		message = response.text[:200]
	return f"{response.status_code} {str(message)[:160]}"


def read_as_admin(admin, reads: dict) -> dict:
	"""What a street admin reads, over HTTP: every report, card and chart, and one export."""
	outcome = {"reports": {}, "cards": {}, "charts": {}}
	for report in reads["reports"]:
		response = admin.post("/api/method/frappe.desk.query_report.run", report_name=report, filters={})
		outcome["reports"][report] = answer(response)
	for card in reads["cards"]:
		if card.type == "Custom":
			response = admin.post(f"/api/method/{card.method}", filters=card.filters_json or "[]")
		else:
			response = admin.post(
				"/api/method/frappe.desk.doctype.number_card.number_card.get_result",
				doc=json.dumps(card.as_dict(), default=str),
				filters=card.filters_json or "[]",
			)
		outcome["cards"][card.name] = answer(response)
	for chart in reads["charts"]:
		if chart.chart_type == "Report":  # the desk draws these from the report's own result
			response = admin.post(
				"/api/method/frappe.desk.query_report.run",
				report_name=chart.report_name,
				filters=json.loads(chart.filters_json or "{}"),
			)
		else:
			response = admin.post(
				"/api/method/frappe.desk.doctype.dashboard_chart.dashboard_chart.get",
				chart_name=chart.name,
				refresh=1,
			)
		outcome["charts"][chart.name] = answer(response)
	pdf = admin.get(
		"/api/method/community_governance.community_governance.report.monthly_service_report."
		"monthly_service_report.download_pdf"
	)
	outcome["pdf"] = answer(pdf)
	export = admin.post(
		"/api/method/frappe.desk.query_report.export_query",
		report_name="Service Request KPI",
		file_format_type="CSV",
		filters={},
		visible_idx=[],
	)
	outcome["export"] = answer(export)
	return outcome


def main():
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--keep", action="store_true", help="leave the servers and the site")
	args = parser.parse_args()
	root = tempfile.mkdtemp(prefix="cg-replica-")
	primary = Server(root, "primary", 1, replica=False)
	replica = Server(root, "replica", 2, replica=True)
	started = time.perf_counter()
	try:
		primary.start()
		replica.start()
		start_replication(primary, replica)
		create_site(primary, replica)
		setup_seconds = time.perf_counter() - started
		summary = run_checks(primary, replica)
		summary["setup_seconds"] = setup_seconds
		print_summary(summary, primary, replica)
	finally:
		if not args.keep:
			shutil.rmtree(os.path.join(SITES_PATH, SITE), ignore_errors=True)
			replica.stop()
			primary.stop()
			shutil.rmtree(root, ignore_errors=True)
		else:
			print(f"kept: servers on ports {primary.port} / {replica.port}, data in {root}, site {SITE}")


GOVERNED_TABLES = (
	"`tabService Request`",
	"`tabPoints Transaction`",
	"`tabPoints Monthly Total`",
	"`tabResident`",
)


def reads_of_governed_tables(log: str) -> int:
	return sum(
		1
		for line in log.splitlines()
		if "select" in line.lower() and any(table in line for table in GOVERNED_TABLES)
	)


def run_checks(primary: Server, replica: Server) -> dict:
	import frappe
	from tests.integration import world
	from tests.integration.http import SiteServer

	os.chdir(SITES_PATH)
	frappe.init(site=SITE, sites_path=SITES_PATH)
	frappe.connect()
	users = {key: world.email(key) for key in world.USERS}
	reads = what_an_admin_reads()
	category = frappe.get_all("Service Request Category", pluck="name", limit=1)[0]
	with SiteServer(SITE, SITES_PATH, BENCH) as server:
		admin = server.session(users["soa"], world.PASSWORD)
		resident = server.session(users["resident1"], world.PASSWORD)

		primary_from, replica_from = primary.log_size(), replica.log_size()
		outcome = read_as_admin(admin, reads)
		read_on_primary, read_on_replica = primary.log_since(primary_from), replica.log_since(replica_from)

		primary_from, replica_from = primary.log_size(), replica.log_size()
		filed = resident.post(
			"/api/resource/Service Request", category=category, description="Replica check: the light is out"
		)
		wait_for_replica(primary, replica)
		wrote_on_primary, wrote_on_replica = primary.log_since(primary_from), replica.log_since(replica_from)
	outcome["filed"] = filed.status_code
	request_name = filed.json()["data"]["name"] if filed.ok else ""
	replicated = replica.sql(
		f"select count(*) from `{frappe.conf.db_name}`.`tabService Request` where name = '{request_name}'"
	).stdout.strip()
	frappe.destroy()

	def inserts(log: str, table: str) -> int:
		return log.lower().count(f"insert into `{table.lower()}`")

	return {
		**outcome,
		"kpi_queries": (read_on_primary.count(KPI_MARK), read_on_replica.count(KPI_MARK)),
		"governed_reads": (
			reads_of_governed_tables(read_on_primary),
			reads_of_governed_tables(read_on_replica),
		),
		"writes_on_replica": sum(
			1
			for line in read_on_replica.lower().splitlines()
			if any(verb in line for verb in ("insert into", "update `", "delete from"))
		),
		"request_inserts": (
			inserts(wrote_on_primary, "tabService Request"),
			inserts(wrote_on_replica, "tabService Request"),
		),
		"replicated": replicated == "1",
	}


def print_summary(summary: dict, primary: Server, replica: Server):
	line = "=" * 78
	print(
		f"\n{line}\nReads on a replica — primary 127.0.0.1:{primary.port}, replica 127.0.0.1:{replica.port}"
	)
	print(f"{line}\nset up (two servers, replication, site, app, street) in {summary['setup_seconds']:.0f} s")
	for kind in ("reports", "cards", "charts"):
		answers = summary[kind]
		print(
			f"{kind:<8} {len(answers)} run as the Street Office Admin; HTTP statuses {sorted(set(answers.values()))}"
		)
		for name, status in sorted(answers.items()):
			print(f"         {status}  {name}")
	print(f"export   Service Request KPI as CSV: HTTP {summary['export']}")
	print(f"export   Monthly Service Report as PDF: HTTP {summary['pdf']}")
	print(f"write    a resident files a request: HTTP {summary['filed']}")
	print(f"\n{'queries in the general logs':<44} {'primary':>8} {'replica':>8}")
	for label, key in (
		("the KPI report's aggregate (report, card, export)", "kpi_queries"),
		("SELECTs of governed tables while reading", "governed_reads"),
		("INSERT INTO `tabService Request` (the filing)", "request_inserts"),
	):
		on_primary, on_replica = summary[key]
		print(f"{label:<44} {on_primary:>8} {on_replica:>8}")
	print(f"the filed request reached the replica by replication: {summary['replicated']}")
	reads_ok = summary["governed_reads"][0] == 0 and summary["kpi_queries"][1] > 0
	print(f"writes sent to the replica while reading (it is read-only): {summary['writes_on_replica']}")
	writes_ok = summary["request_inserts"] == (1, 0) and summary["writes_on_replica"] == 0
	print(
		f"\nreads on the replica only: {'yes' if reads_ok else 'NO'}; writes on the primary only: "
		f"{'yes' if writes_ok else 'NO'}\n{line}"
	)


if __name__ == "__main__":
	main()
