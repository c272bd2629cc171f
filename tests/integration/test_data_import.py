"""Bulk registration through Frappe's own Data Import, as a community worker would do it."""

import csv
import io

import pytest

import frappe
from frappe.core.doctype.data_import.data_import import start_import
from tests.integration.conftest import as_user

MARK = "IMP-"  # every imported row's household starts with this, for counting and clean-up
GOOD_ROWS = 1000


def csv_content(rows) -> str:
	out = io.StringIO()
	writer = csv.writer(out)
	writer.writerow(["Full Name", "Phone", "Building", "Unit", "Room", "Household", "Elderly Living Alone"])
	writer.writerows(rows)
	return out.getvalue()


def good_rows():
	places = [("TG11-1", "1"), ("TG11-1", "2"), ("TG11-2", "1"), ("TG12-3", "1")]
	for index in range(GOOD_ROWS):
		building, unit = places[index % len(places)]
		room = f"{index // 40 + 1}{index % 40:02d}"
		yield [
			f"Imported {index}",
			f"1390000{index:04d}",
			building,
			unit,
			room,
			f"{MARK}{index // 2}",
			index % 20 == 0,
		]


BROKEN_ROWS = [
	["Bad Phone", "12345", "TG11-1", "1", "1", f"{MARK}bad-1", 0],
	["Wrong Unit", "13900009001", "TG11-2", "9", "1", f"{MARK}bad-2", 0],
	["Other Community", "13900009003", "TG21-4", "1", "1", f"{MARK}bad-4", 0],
	["", "13900009004", "TG11-1", "1", "1", f"{MARK}bad-5", 0],
]


def remove_imported():
	frappe.set_user("Administrator")
	resident = frappe.qb.DocType("Resident")
	frappe.qb.from_(resident).delete().where(resident.household.like(f"{MARK}%")).run()
	for name in frappe.get_all(
		"Data Import", {"reference_doctype": ("in", ("Resident", "Grid"))}, pluck="name"
	):
		frappe.delete_doc("Data Import", name, force=True)
	frappe.db.commit()


@pytest.fixture
def cleanup(world):
	remove_imported()
	yield
	remove_imported()


def import_as(user, content, doctype="Resident"):
	as_user(user)
	file = frappe.get_doc(
		{"doctype": "File", "file_name": "residents.csv", "is_private": 1, "content": content}
	).insert()
	data_import = frappe.get_doc(
		{
			"doctype": "Data Import",
			"reference_doctype": doctype,
			"import_type": "Insert New Records",
			"import_file": file.file_url,
			"mute_emails": 1,
		}
	).insert()
	frappe.db.commit()
	start_import(data_import.name)
	return frappe.get_doc("Data Import", data_import.name)


@pytest.mark.slow
def test_bulk_import_keeps_good_rows_and_reports_broken_ones(world, cleanup):
	rows = list(good_rows())
	rows[500:500] = BROKEN_ROWS
	data_import = import_as(world.users["cw1"], csv_content(rows))

	frappe.set_user("Administrator")
	imported = frappe.get_all("Resident", {"household": ("like", f"{MARK}%")}, ["full_name", "phone", "grid"])
	assert len(imported) == GOOD_ROWS
	assert all(row.grid in ("TG11", "TG12") for row in imported)
	assert (
		frappe.db.count("Resident", {"household": ("like", f"{MARK}%"), "elderly_living_alone": 1})
		== GOOD_ROWS // 20
	)
	assert data_import.status == "Partial Success"

	logs = frappe.get_all(
		"Data Import Log", {"data_import": data_import.name, "success": 0}, ["messages", "exception"]
	)
	assert len(logs) == len(BROKEN_ROWS)
	reported = " ".join((log.messages or "") + (log.exception or "") for log in logs)
	assert "not a valid phone number" in reported
	assert "is not a unit of building" in reported
	assert "PermissionError" in reported or "Not permitted" in reported or "No permission" in reported


def test_a_file_naming_an_unknown_building_is_refused_whole_before_anything_is_saved(world, cleanup):
	rows = list(good_rows())[:20]
	rows.append(["No Such Building", "13900009002", "TG99-1", "1", "1", f"{MARK}bad-3", 0])
	data_import = import_as(world.users["cw1"], csv_content(rows))

	frappe.set_user("Administrator")
	assert frappe.db.count("Resident", {"household": ("like", f"{MARK}%")}) == 0
	assert "TG99-1" in (data_import.template_warnings or "")
	assert '"row": 22' in data_import.template_warnings  # the header is row 1


def test_a_grid_tree_imports_level_by_level(world, cleanup):
	"""Links are checked before a file is imported, so a tree is imported one level per file."""
	communities = "Code,Grid Name,Level,Parent\nTIMP-C,Imported Community,Community,TST\n"
	grids = (
		"Code,Grid Name,Level,Parent\n"
		"TIMP-G1,Imported Grid 1,Grid,TIMP-C\n"
		"TIMP-G2,Imported Grid 2,Community,TIMP-C\n"  # a Community under a Community
	)
	try:
		first = import_as(world.users["soa"], communities, doctype="Grid")
		second = import_as(world.users["soa"], grids, doctype="Grid")
		assert first.status == "Success"
		assert frappe.db.get_value("Grid", "TIMP-G1", ["parent_grid", "level"]) == ("TIMP-C", "Grid")
		assert not frappe.db.exists("Grid", "TIMP-G2")
		assert second.status == "Partial Success"
	finally:
		frappe.set_user("Administrator")
		for code in ("TIMP-G1", "TIMP-C"):
			if frappe.db.exists("Grid", code):
				frappe.delete_doc("Grid", code, force=True)
		frappe.db.commit()
