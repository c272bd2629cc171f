"""install-app on a fresh site, migrate twice, uninstall: no errors and nothing left behind,
on a plain Frappe site and on one with ERPNext. Each case builds and drops its own site."""

import json
import os
import subprocess
import sys
import uuid

import pymysql
import pytest

from community_governance.install import APP_ROLES
from tests.integration.conftest import BENCH, SITES_PATH

APP = "community_governance"
ROOT_USER = os.environ.get("CG_DB_ROOT_USER", "root")
ROOT_PASSWORD = os.environ.get("CG_DB_ROOT_PASSWORD", "")
OUR_TABLES = (
	"tabGrid",
	"tabGrid Staff",
	"tabBuilding",
	"tabBuilding Unit",
	"tabResident",
	"tabBuilding Captain",
	"tabBuilding Captain Building",
)

pytestmark = [pytest.mark.lifecycle, pytest.mark.slow]


def frappe_cli(*args, site=None):
	command = [sys.executable, "-m", "frappe.utils.bench_helper", "frappe"]
	if site:
		command += ["--site", site]
	result = subprocess.run(
		command + list(args), cwd=SITES_PATH, capture_output=True, text=True, timeout=1500
	)
	assert result.returncode == 0, (
		f"{' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
	)
	return result.stdout


def site_query(site, sql, *params, commit=False):
	with open(os.path.join(SITES_PATH, site, "site_config.json")) as fh:
		db_name = json.load(fh)["db_name"]
	connection = pymysql.connect(host="127.0.0.1", user=ROOT_USER, password=ROOT_PASSWORD, database=db_name)
	try:
		with connection.cursor() as cursor:
			cursor.execute(sql, params)
			if commit:
				connection.commit()
			return cursor.fetchall()
	finally:
		connection.close()


def count(site, sql, *params):
	return site_query(site, sql, *params)[0][0]


@pytest.fixture
def fresh_site(request):
	site = f"cg-lifecycle-{uuid.uuid4().hex[:8]}.test"
	yield site
	if os.path.exists(os.path.join(SITES_PATH, site)):
		frappe_cli(
			"drop-site",
			site,
			"--db-root-username",
			ROOT_USER,
			"--db-root-password",
			ROOT_PASSWORD,
			"--force",
			"--no-backup",
		)


def new_site(site, *apps):
	args = [
		"new-site",
		site,
		"--admin-password",
		"admin",
		"--db-root-username",
		ROOT_USER,
		"--db-root-password",
		ROOT_PASSWORD,
	]
	for app in apps:
		args += ["--install-app", app]
	frappe_cli(*args)


TRACEBACK_SETTING = (
	"select value from tabSingles where doctype='System Settings' and field='allow_error_traceback'"
)


def install_migrate_uninstall(site):
	frappe_cli("clear-cache", site=site)
	assert site_query(site, TRACEBACK_SETTING)[0][0] == "1"  # Frappe's default
	frappe_cli("install-app", APP, site=site)
	assert site_query(site, TRACEBACK_SETTING)[0][0] == "0"  # error responses carry no traceback
	assert count(site, "select count(*) from tabDocType where module='Community Governance'") >= 7
	assert count(site, "select count(*) from tabRole where name in %s", APP_ROLES) == len(APP_ROLES)
	assert count(site, "select desk_access from tabRole where name='Resident'") == 0
	assert count(site, "select count(*) from tabWorkspace where name='Community Governance'") == 1

	# an administrator who turns tracebacks back on keeps them through migrations
	site_query(
		site,
		"update tabSingles set value='1' where doctype='System Settings' and field='allow_error_traceback'",
		commit=True,
	)
	frappe_cli("migrate", site=site)
	frappe_cli("migrate", site=site)
	assert count(site, "select count(*) from tabRole where name in %s", APP_ROLES) == len(APP_ROLES)
	assert site_query(site, TRACEBACK_SETTING)[0][0] == "1"

	frappe_cli("uninstall-app", APP, "--yes", "--no-backup", "--force", site=site)
	assert_no_leftovers(site)


def assert_no_leftovers(site):
	installed = json.loads(
		site_query(site, "select defvalue from tabDefaultValue where defkey='installed_apps'")[0][0]
	)
	assert APP not in installed
	for table, condition in {
		"tabDocType": "module='Community Governance'",
		"`tabModule Def`": "module_name='Community Governance'",
		"tabReport": "module='Community Governance'",
		"tabWorkspace": "module='Community Governance'",
		"`tabWeb Form`": "module='Community Governance'",
		"`tabPrint Format`": "module='Community Governance'",
		"tabNotification": "module='Community Governance'",
		"tabWorkflow": "document_type in ('Service Request', 'Reward Redemption', 'Mediation Case')",
		"tabSingles": "doctype='Community Governance Settings'",
		"tabDocField": "parent in ('Grid', 'Building', 'Resident', 'Building Captain')",
	}.items():
		assert count(site, f"select count(*) from {table} where {condition}") == 0, table
	assert count(site, "select count(*) from tabRole where name in %s", APP_ROLES) == 0
	assert count(site, "select count(*) from `tabHas Role` where role in %s", APP_ROLES) == 0
	assert count(site, "select count(*) from `tabCustom DocPerm` where parent='Data Import'") == 0
	remaining_tables = {row[0] for row in site_query(site, "show tables")}
	assert not remaining_tables & set(OUR_TABLES)


def test_plain_frappe_site(fresh_site):
	new_site(fresh_site)
	install_migrate_uninstall(fresh_site)


@pytest.mark.erpnext
def test_site_with_erpnext(fresh_site):
	if not os.path.isdir(os.path.join(BENCH, "apps", "erpnext")):
		pytest.skip("ERPNext is not in this bench")
	new_site(fresh_site, "erpnext")
	install_migrate_uninstall(fresh_site)
	assert count(fresh_site, "select count(*) from tabDocType where module='Stock'") > 0
