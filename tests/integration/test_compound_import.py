"""Compounds with their buildings and owners' committee, and party membership, registered in bulk
through Frappe's own Data Import as a community worker would do it (Community Two, so the shared
compounds of Community One stay as they are)."""

import pytest

import frappe
from tests.integration.test_data_import import import_as

COMPOUND_HEADER = (
	"Compound Name,Community,Property Company,Company Contact,"
	"Building (Buildings),Resident (Committee Members),Role (Committee Members),"
	"Term Starts (Committee Members)\n"
)
PARTY_HEADER = (
	"Organisation Name,Level,Grid Node Covered,Member Type (Members),Resident (Members),"
	"Joined the Organisation Here (Members),Party-Member Household (Members)\n"
)


def remove_imported():
	frappe.set_user("Administrator")
	for name in frappe.get_all("Compound", {"compound_name": ("like", "Imported%")}, pluck="name"):
		frappe.delete_doc("Compound", name, force=True)
	for name in frappe.get_all(
		"Party Organisation", {"organisation_name": ("like", "Imported%")}, pluck="name"
	):
		frappe.delete_doc("Party Organisation", name, force=True)
	for name in frappe.get_all(
		"Data Import", {"reference_doctype": ("in", ("Compound", "Party Organisation"))}, pluck="name"
	):
		frappe.delete_doc("Data Import", name, force=True)
	frappe.db.commit()


@pytest.fixture
def cleanup(world):
	remove_imported()
	yield
	remove_imported()


@pytest.fixture
def party_member(world):
	"""Liu Yang registered as a party member for the import (restored afterwards)."""
	resident = world.residents["resident2"]
	frappe.db.set_value("Resident", resident, "party_member", 1)
	frappe.db.commit()
	yield resident
	frappe.db.set_value("Resident", resident, "party_member", 0)
	frappe.db.commit()


def test_compounds_import_with_their_buildings_and_committee(world, cleanup):
	resident2, captain2 = world.residents["resident2"], world.residents["captain2"]
	content = COMPOUND_HEADER + (
		f"Imported Garden,TC2,,{world.users['gw21']},TG21-4,{resident2},Chair,2025-01-01\n"
		f",,,,,{captain2},Member,2025-01-01\n"
		# a second compound for the same building is refused, the first one stays
		"Imported Second,TC2,,,TG21-4,,,\n"
	)
	data_import = import_as(world.users["cw2"], content, doctype="Compound")

	frappe.set_user("Administrator")
	[name] = frappe.get_all("Compound", {"compound_name": ("like", "Imported%")}, pluck="name")
	compound = frappe.get_doc("Compound", name)
	assert [row.building for row in compound.buildings] == ["TG21-4"]
	assert [(row.resident, row.committee_role) for row in compound.committee] == [
		(resident2, "Chair"),
		(captain2, "Member"),
	]
	assert compound.company_contact == world.users["gw21"]
	assert data_import.status == "Partial Success"
	logs = frappe.get_all("Data Import Log", {"data_import": data_import.name, "success": 0}, ["messages"])
	assert len(logs) == 1 and "already belongs to compound" in logs[0].messages


def test_a_community_worker_cannot_import_compounds_of_another_community(world, cleanup):
	content = COMPOUND_HEADER + "Imported Foreign,TC2,,,TG21-4,,,\n"
	data_import = import_as(world.users["cw1"], content, doctype="Compound")
	frappe.set_user("Administrator")
	assert not frappe.db.exists("Compound", {"compound_name": "Imported Foreign"})
	assert data_import.status in ("Error", "Partial Success")


def test_party_membership_imports_with_the_organisation(world, cleanup, party_member):
	content = PARTY_HEADER + (
		f"Imported Committee,Community Committee,TC2,Resident,{party_member},2024-07-01,1\n"
		# Chen Jing is not registered as a party member: the row is refused with its reason
		f"Imported Second,Community Committee,TC2,Resident,{world.residents['captain2']},2024-07-01,0\n"
	)
	data_import = import_as(world.users["cw2"], content, doctype="Party Organisation")

	frappe.set_user("Administrator")
	[name] = frappe.get_all("Party Organisation", {"organisation_name": "Imported Committee"}, pluck="name")
	organisation = frappe.get_doc("Party Organisation", name)
	assert organisation.community == "TC2"
	[member] = organisation.members
	assert (member.resident, str(member.joined_on), member.central_household) == (
		party_member,
		"2024-07-01",
		1,
	)
	assert member.member_name == "Liu Yang"
	logs = frappe.get_all("Data Import Log", {"data_import": data_import.name, "success": 0}, ["messages"])
	assert len(logs) == 1 and "not registered as a party member" in logs[0].messages
