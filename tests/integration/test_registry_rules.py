"""Bad input on the registry gets a clear error and leaves what is saved untouched."""

import pytest

import frappe
from community_governance.install import SETTINGS_DEFAULTS


def grid(code, level, parent=None, **extra):
	return frappe.get_doc(
		{"doctype": "Grid", "code": code, "grid_name": code, "level": level, "parent_grid": parent, **extra}
	)


def building(grid_code, number="9", units=(("1", 6, 12),)):
	return frappe.get_doc(
		{
			"doctype": "Building",
			"building_name": number,
			"grid": grid_code,
			"units": [{"unit_name": u, "floors": f, "households": h} for u, f, h in units],
		}
	)


def captaincy(world, resident_key, buildings, status="Active", **extra):
	return frappe.get_doc(
		{
			"doctype": "Building Captain",
			"resident": world.residents[resident_key],
			"term_start": "2026-01-01",
			"status": status,
			"buildings": [{"building": b} for b in buildings],
			**extra,
		}
	)


def test_building_on_a_community_node_is_refused(world):
	with pytest.raises(frappe.ValidationError, match="Grid-level"):
		building("TC1").insert()
	with pytest.raises(frappe.ValidationError, match="Grid-level"):
		building("TST").insert()
	assert not frappe.db.exists("Building", "TC1-9")


def test_levels_only_hang_on_the_level_above(world):
	with pytest.raises(frappe.ValidationError, match="can only belong to"):
		grid("TX1", "Grid", "TST").insert()
	with pytest.raises(frappe.ValidationError, match="must belong to"):
		grid("TX2", "Community").insert()
	with pytest.raises(frappe.ValidationError, match="cannot have a parent"):
		grid("TX3", "Street", "TST").insert()


def test_a_grid_cycle_is_refused_and_the_tree_is_unchanged(world):
	before = frappe.db.get_value("Grid", "TC1", ["parent_grid", "lft", "rgt"])
	community = frappe.get_doc("Grid", "TC1")
	community.parent_grid = "TG11"  # its own descendant
	with pytest.raises(frappe.ValidationError):
		community.save()
	frappe.db.rollback()
	assert frappe.db.get_value("Grid", "TC1", ["parent_grid", "lft", "rgt"]) == before

	street = frappe.get_doc("Grid", "TST")
	street.parent_grid = "TST"
	with pytest.raises(frappe.ValidationError):
		street.save()


def test_changing_the_level_of_a_grid_with_buildings_is_refused(world):
	node = frappe.get_doc("Grid", "TG11")
	node.level = "Community"
	node.parent_grid = "TST"
	with pytest.raises(frappe.ValidationError, match="has buildings"):
		node.save()


def test_deleting_a_grid_with_buildings_is_refused(world):
	with pytest.raises(frappe.ValidationError, match="buildings still belong"):
		frappe.delete_doc("Grid", "TG11")
	assert frappe.db.exists("Grid", "TG11")
	assert frappe.db.exists("Building", "TG11-1")


def test_deleting_a_community_with_grids_is_refused(world):
	with pytest.raises(frappe.ValidationError):
		frappe.delete_doc("Grid", "TC2")
	assert frappe.db.exists("Grid", "TC2")


def test_an_empty_grid_can_be_deleted(world):
	grid("TG19", "Grid", "TC1").insert()
	frappe.delete_doc("Grid", "TG19")
	assert not frappe.db.exists("Grid", "TG19")


def test_a_second_active_captain_for_a_building_is_refused(world):
	with pytest.raises(frappe.ValidationError, match="already has an active captain"):
		captaincy(world, "resident1", ["TG11-1"]).insert()
	# an inactive one may be recorded, and may not be activated while the other is active
	waiting = captaincy(world, "resident1", ["TG11-1"], status="Inactive").insert()
	waiting.status = "Active"
	with pytest.raises(frappe.ValidationError, match="already has an active captain"):
		waiting.save()
	assert frappe.db.get_value("Building Captain", waiting.name, "status") == "Inactive"


def test_a_building_listed_twice_in_one_captaincy_is_refused(world):
	with pytest.raises(frappe.ValidationError, match="listed twice"):
		captaincy(world, "volunteer", ["TG12-3", "TG12-3"]).insert()


def test_a_captain_term_ending_before_it_starts_is_refused(world):
	with pytest.raises(frappe.ValidationError, match="cannot end"):
		captaincy(world, "volunteer", ["TG12-3"], term_end="2025-12-31").insert()


def test_a_negative_allowance_is_refused(world):
	with pytest.raises(frappe.ValidationError):
		captaincy(world, "volunteer", ["TG12-3"], monthly_allowance=-1).insert()


def test_allowance_defaults_from_settings(world):
	doc = captaincy(world, "volunteer", ["TG12-3"]).insert()
	assert doc.monthly_allowance == SETTINGS_DEFAULTS["default_monthly_allowance"]


def test_an_active_captaincy_grants_and_ending_it_revokes_the_role(world):
	volunteer_user = world.users["volunteer"]
	assert "Building Captain" not in frappe.get_roles(volunteer_user)
	doc = captaincy(world, "volunteer", ["TG12-3"]).insert()
	assert "Building Captain" in frappe.get_roles(volunteer_user)
	doc.status = "Ended"
	doc.save()
	assert "Building Captain" not in frappe.get_roles(volunteer_user)


@pytest.mark.parametrize("phone", ["12345", "1381234567", "phone", "010-123", "+1 2025550123"])
def test_a_malformed_phone_is_refused(world, phone):
	doc = frappe.get_doc("Resident", world.residents["resident1"])
	saved_phone = doc.phone
	doc.phone = phone
	with pytest.raises(frappe.ValidationError, match="not a valid phone number"):
		doc.save()
	assert frappe.db.get_value("Resident", doc.name, "phone") == saved_phone


def test_a_phone_is_stored_in_canonical_form(world):
	doc = frappe.get_doc("Resident", world.residents["resident1"])
	doc.phone = "+86 138-0013-8000"
	doc.save()
	assert doc.phone == "13800138000"


def test_a_unit_that_is_not_in_the_building_is_refused(world):
	doc = frappe.get_doc({"doctype": "Resident", "full_name": "Misplaced", "building": "TG11-2", "unit": "2"})
	with pytest.raises(frappe.ValidationError, match="is not a unit of building"):
		doc.insert()


def test_a_unit_listed_twice_in_a_building_is_refused(world):
	with pytest.raises(frappe.ValidationError, match="listed twice"):
		building("TG11", "8", units=(("1", 6, 12), ("1", 6, 12))).insert()


def test_one_user_belongs_to_one_resident(world):
	doc = frappe.get_doc(
		{
			"doctype": "Resident",
			"full_name": "Double",
			"building": "TG11-1",
			"unit": "1",
			"user": world.users["resident1"],
		}
	)
	with pytest.raises(frappe.ValidationError, match="already belongs to resident"):
		doc.insert()


def test_errors_are_translated(world):
	frappe.local.lang = "zh"
	try:
		with pytest.raises(frappe.ValidationError) as error:
			building("TC1").insert()
		assert "网格" in str(error.value)
	finally:
		frappe.local.lang = "en"
