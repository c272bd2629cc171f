"""Serve the test site over HTTP on the loopback interface and talk to it as a real user."""

import os
import socket
import subprocess
import sys
import time

import requests

_SERVE = """
import sys
import frappe.app
from werkzeug.serving import make_server

site, sites_path, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
frappe.app._site = site
frappe.app._sites_path = sites_path
make_server("127.0.0.1", port, frappe.app.application_with_statics(), threaded=True).serve_forever()
"""


def _free_port() -> int:
	with socket.socket() as probe:
		probe.bind(("127.0.0.1", 0))
		return probe.getsockname()[1]


class SiteServer:
	"""The site served by one process (werkzeug, a thread per request)."""

	log_name = "cg-test-server.log"

	def __init__(self, site: str, sites_path: str, bench: str):
		self.site, self.sites_path, self.bench = site, sites_path, bench
		self.port = _free_port()
		self.url = f"http://127.0.0.1:{self.port}"
		self.headers: dict[str, str] = {}
		self.process = None

	def command(self) -> list[str]:
		return [sys.executable, "-c", _SERVE, self.site, self.sites_path, str(self.port)]

	def __enter__(self):
		self.process = subprocess.Popen(
			self.command(),
			cwd=self.sites_path,
			stdout=subprocess.DEVNULL,
			stderr=open(os.path.join(self.bench, "logs", self.log_name), "ab"),
		)
		deadline = time.monotonic() + 60
		while time.monotonic() < deadline:
			try:
				if requests.get(f"{self.url}/api/method/ping", headers=self.headers, timeout=10).ok:
					return self
			except (requests.ConnectionError, requests.Timeout):
				time.sleep(0.3)
		self.__exit__()
		raise RuntimeError("the test site did not start serving within 60 s")

	def __exit__(self, *exc):
		if self.process:
			self.process.terminate()
			self.process.wait(timeout=30)

	def session(self, user: str, password: str) -> "UserSession":
		return UserSession(self.url, user, password, headers=self.headers)


class GunicornServer(SiteServer):
	"""The site served as in production: gunicorn with several worker processes, so requests that
	arrive together really run at the same time, each in its own process and database connection.
	Every request names the site in a header, as a reverse proxy would."""

	log_name = "cg-test-gunicorn.log"

	def __init__(self, site: str, sites_path: str, bench: str, workers: int = 4):
		super().__init__(site, sites_path, bench)
		self.workers = workers
		self.headers = {"X-Frappe-Site-Name": site}

	def command(self) -> list[str]:
		return [
			sys.executable,
			"-m",
			"gunicorn",
			"--workers",
			str(self.workers),
			"--bind",
			f"127.0.0.1:{self.port}",
			"--timeout",
			"120",
			"--graceful-timeout",
			"5",
			"frappe.app:application",
		]


class UserSession:
	"""A logged-in HTTP client, like a browser or a phone app."""

	def __init__(self, url: str, user: str, password: str, headers: dict | None = None):
		self.url = url
		self.http = requests.Session()
		self.http.headers.update(headers or {})
		response = self.http.post(f"{url}/api/method/login", data={"usr": user, "pwd": password}, timeout=30)
		response.raise_for_status()

	def get(self, path: str, **params) -> requests.Response:
		return self.http.get(f"{self.url}{path}", params=params, timeout=60)

	def post(self, path: str, **json) -> requests.Response:
		return self.http.post(f"{self.url}{path}", json=json, timeout=60)

	def put(self, path: str, **json) -> requests.Response:
		return self.http.put(f"{self.url}{path}", json=json, timeout=60)

	def delete(self, path: str) -> requests.Response:
		return self.http.delete(f"{self.url}{path}", timeout=60)

	def list_names(self, doctype: str, **filters) -> set[str]:
		import json

		response = self.get(
			f"/api/resource/{doctype}",
			limit_page_length=0,
			filters=json.dumps(filters) if filters else None,
		)
		response.raise_for_status()
		return {row["name"] for row in response.json()["data"]}
