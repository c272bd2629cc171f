"""Connects the integration tier to a real Frappe site (real MariaDB, real users and roles)."""

import os

import pytest

import frappe
from community_governance import scope
from tests.integration import sms_gateway as sms_gateway_module
from tests.integration import world as world_module
from tests.integration.http import GunicornServer, SiteServer

SITE = os.environ["CG_TEST_SITE"]
BENCH = os.path.expanduser(os.environ.get("FRAPPE_BENCH", "~/frappe-bench"))
SITES_PATH = os.path.join(BENCH, "sites")


@pytest.fixture(scope="session", autouse=True)
def site():
	cwd = os.getcwd()
	os.chdir(SITES_PATH)  # Frappe resolves logs and assets relative to the sites folder
	frappe.init(site=SITE, sites_path=SITES_PATH)
	frappe.connect()
	frappe.flags.in_test = True
	frappe.set_user("Administrator")
	frappe.local.lang = "en"  # assertions read English messages; the zh translation has its own tests
	yield SITE
	frappe.db.rollback()
	frappe.destroy()
	os.chdir(cwd)


@pytest.fixture(scope="session")
def world(site):
	"""The shared, committed street every test reads: see tests/integration/world.py."""
	built = world_module.build()
	frappe.db.commit()
	return built


@pytest.fixture(autouse=True)
def clean_transaction(site):
	"""Each test runs as Administrator in its own transaction, rolled back afterwards."""
	frappe.db.rollback()
	frappe.set_user("Administrator")
	scope.forget()
	yield
	frappe.db.rollback()
	frappe.set_user("Administrator")
	frappe.local.lang = "en"
	frappe.local.message_log = []
	scope.forget()


@pytest.fixture(scope="session")
def server(site, world):
	"""The site served over HTTP on 127.0.0.1, for REST calls as real users."""
	with SiteServer(SITE, SITES_PATH, BENCH) as running:
		yield running


@pytest.fixture(scope="session")
def gunicorn_server(site, world):
	"""The site served by gunicorn with four worker processes, for requests that arrive together."""
	with GunicornServer(SITE, SITES_PATH, BENCH, workers=4) as running:
		yield running


@pytest.fixture
def sms_gateway(site):
	"""The site's SMS Settings pointed at a stand-in gateway on 127.0.0.1 for one test."""
	with sms_gateway_module.SmsGateway() as gateway:
		sms_gateway_module.configure(gateway.url)
		try:
			yield gateway
		finally:
			sms_gateway_module.configure(None)


def as_user(user: str):
	frappe.set_user(user)
	scope.forget()
