"""The small street every integration test reads, built once per site and committed.

    Test Street (TST)
    ├── Community One (TC1)        community worker cw1
    │   ├── Grid 1-1 (TG11)        grid worker gw11; caring merchant "Caring Barber" (merchant1, merchant1b)
    │   │   ├── Building 1 (TG11-1)    captain1, resident1
    │   │   └── Building 2 (TG11-2)    captain1
    │   └── Grid 1-2 (TG12)        grid worker gw12 (as staff of the node)
    │       └── Building 3 (TG12-3)    volunteer lives here, no captain
    └── Community Two (TC2)        community worker cw2
        └── Grid 2-1 (TG21)        grid worker gw21; caring merchant "Caring Locksmith" (merchant2)
            └── Building 4 (TG21-4)    captain2, resident2

Tests that change things do so in their own rolled-back transaction.
"""

import zlib
from types import SimpleNamespace

import frappe
from community_governance import accounts, personal_data, scope

PASSWORD = "Cg-test-pass-2026!"
DOMAIN = "cg.test"

USERS = {
	"soa": ("Street Office Admin",),
	"cw1": ("Community Worker",),
	"cw2": ("Community Worker",),
	"gw11": ("Grid Worker",),
	"gw12": ("Grid Worker",),
	"gw21": ("Grid Worker",),
	"captain1": (),  # Building Captain comes from the captaincy itself
	"captain2": (),
	"resident1": (),  # Resident comes from the resident record
	"resident2": (),
	"mediator": ("Mediator",),
	"volunteer": ("Volunteer",),
	"merchant1": (),  # Caring Merchant comes from serving at a merchant's counter
	"merchant1b": (),  # a colleague at the same counter
	"merchant2": (),
}


def email(key: str) -> str:
	return f"{key}@{DOMAIN}"


def build() -> SimpleNamespace:
	frappe.set_user("Administrator")
	users = {key: ensure_user(key, roles) for key, roles in USERS.items()}

	ensure_grid("TST", "Test Street", "Street", None, email("soa"))
	ensure_grid("TC1", "Community One", "Community", "TST", email("cw1"))
	ensure_grid("TC2", "Community Two", "Community", "TST", email("cw2"))
	ensure_grid("TG11", "Grid 1-1", "Grid", "TC1", email("gw11"))
	ensure_grid("TG12", "Grid 1-2", "Grid", "TC1", None, staff=[email("gw12")])
	ensure_grid("TG21", "Grid 2-1", "Grid", "TC2", email("gw21"))

	buildings = {
		"b1": ensure_building("TG11", "1", units=[("1", 6, 12), ("2", 6, 12)]),
		"b2": ensure_building("TG11", "2", units=[("1", 18, 36)], building_type="High-rise"),
		"b3": ensure_building("TG12", "3", units=[("1", 3, 6)]),
		"b4": ensure_building("TG21", "4", units=[("1", 6, 12)]),
	}

	residents = {
		"captain1": ensure_resident(
			"Zhang Wei", buildings["b1"], "1", "101", email("captain1"), party_member=1
		),
		"resident1": ensure_resident(
			"Li Na", buildings["b1"], "2", "202", email("resident1"), elderly_living_alone=1
		),
		"neighbour1": ensure_resident("Wang Fang", buildings["b2"], "1", "1501", None, special_care=1),
		"volunteer": ensure_resident(
			"Zhao Lei", buildings["b3"], "1", "301", email("volunteer"), is_volunteer=1
		),
		"captain2": ensure_resident("Chen Jing", buildings["b4"], "1", "101", email("captain2")),
		"resident2": ensure_resident("Liu Yang", buildings["b4"], "1", "402", email("resident2")),
	}

	captaincies = {
		"captain1": ensure_captain(residents["captain1"], [buildings["b1"], buildings["b2"]], "13800000001"),
		"captain2": ensure_captain(residents["captain2"], [buildings["b4"]], "13800000002"),
	}
	categories = {
		"repairs": ensure_category(
			"Test Repairs", "Neighbourly Help", 2, [("Medium", 4, 48), ("Urgent", 1, 8)]
		),
		"errands": ensure_category("Test Errands", "Neighbourly Help", 1, []),
	}
	merchants = {
		"merchant1": ensure_merchant("Caring Barber", "TG11", [email("merchant1"), email("merchant1b")]),
		"merchant2": ensure_merchant("Caring Locksmith", "TG21", [email("merchant2")]),
	}
	scope.forget()
	return SimpleNamespace(
		merchants=merchants,
		categories=categories,
		users={key: email(key) for key in users},
		buildings=buildings,
		residents=residents,
		captaincies=captaincies,
		password=PASSWORD,
	)


def ensure_user(key: str, roles: tuple) -> str:
	user = email(key)
	if not frappe.db.exists("User", user):
		doc = frappe.get_doc(
			{
				"doctype": "User",
				"email": user,
				"first_name": key,
				"send_welcome_email": 0,
				"language": "en",  # assertions read English; zh is tested on its own
				"new_password": PASSWORD,
				"roles": [{"role": role} for role in roles],
			}
		)
		accounts.insert_verified_user(doc)  # the suite makes more users an hour than Frappe's sign-up limit
	return user


def ensure_grid(code, grid_name, level, parent, responsible, staff=()):
	if not frappe.db.exists("Grid", code):
		frappe.get_doc(
			{
				"doctype": "Grid",
				"code": code,
				"grid_name": grid_name,
				"level": level,
				"parent_grid": parent,
				"responsible_user": responsible,
				"staff": [{"user": user} for user in staff],
			}
		).insert()
	elif frappe.db.get_value("Grid", code, "responsible_user") != responsible:
		frappe.get_doc("Grid", code).update({"responsible_user": responsible}).save()
	return code


def ensure_building(grid, number, units, building_type="Multi-storey"):
	name = f"{grid}-{number}"
	if not frappe.db.exists("Building", name):
		frappe.get_doc(
			{
				"doctype": "Building",
				"building_name": number,
				"building_type": building_type,
				"grid": grid,
				"units": [
					{"unit_name": unit, "floors": floors, "households": households}
					for unit, floors, households in units
				],
			}
		).insert()
	return name


def ensure_resident(full_name, building, unit, room, user, **tags):
	"""A resident, with a login if ``user``; one with a login has accepted the privacy notice (the
	consent tests make their own resident who has not)."""
	existing = frappe.db.get_value("Resident", {"full_name": full_name, "building": building})
	if existing:
		if user and not personal_data.has_consented(existing):
			personal_data.record_consent(existing)
		return existing
	doc = frappe.get_doc(
		{
			"doctype": "Resident",
			"full_name": full_name,
			"building": building,
			"unit": unit,
			"room": room,
			"household": f"{building}-{unit}-{room}",
			"phone": "139" + str(zlib.crc32(full_name.encode()) % 10**8).zfill(8),
			"user": user,
			**tags,
		}
	).insert()
	if user:
		personal_data.record_consent(doc.name)
	return doc.name


def ensure_captain(resident, buildings, public_phone):
	existing = frappe.db.get_value("Building Captain", {"resident": resident, "status": "Active"})
	if existing:
		return existing
	doc = frappe.get_doc(
		{
			"doctype": "Building Captain",
			"resident": resident,
			"public_phone": public_phone,
			"term_start": "2026-01-01",
			"term_end": "2028-12-31",
			"buildings": [{"building": building} for building in buildings],
		}
	).insert()
	return doc.name


def ensure_category(name, section, points, targets):
	if not frappe.db.exists("Service Request Category", name):
		frappe.get_doc(
			{
				"doctype": "Service Request Category",
				"category_name": name,
				"points_section": section,
				"volunteer_points": points,
				"targets": [
					{"priority": priority, "response_hours": response, "resolution_hours": resolution}
					for priority, response, resolution in targets
				],
			}
		).insert()
	return name


def ensure_merchant(merchant_name, grid, counter_users):
	existing = frappe.db.get_value("Caring Merchant", {"merchant_name": merchant_name, "grid": grid})
	if existing:
		return existing
	return (
		frappe.get_doc(
			{
				"doctype": "Caring Merchant",
				"merchant_name": merchant_name,
				"grid": grid,
				"address": f"{merchant_name}, {grid} street front",
				"contact_person": merchant_name,
				"counter_users": [{"user": user} for user in counter_users],
			}
		)
		.insert()
		.name
	)


# --- mediation: more mediators, built on request (the street above is unchanged) -----------------

MEDIATION_USERS = {
	"mediator2": ("Mediator",),  # mediates other cases, and at community level after an escalation
	"volmediator": ("Mediator", "Volunteer"),  # a volunteer who sits on mediation teams
}


def build_mediators() -> SimpleNamespace:
	"""The extra mediators the mediation tests need, and the resident record of the volunteer one
	(who earns points when a case is settled), built once per site and committed."""
	frappe.set_user("Administrator")
	users = {key: ensure_user(key, roles) for key, roles in MEDIATION_USERS.items()}
	resident = ensure_resident("Sun Min", "TG12-3", "1", "302", email("volmediator"), is_volunteer=1)
	scope.forget()
	return SimpleNamespace(users={key: email(key) for key in users}, residents={"volmediator": resident})
