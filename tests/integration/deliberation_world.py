"""The people of the deliberation tests, built once per site and committed beside the shared street:

    Grid 1-2 (TG12)           grid worker gw12
    └── Building 3 (TG12-3)   unit 1: households 101 (Qian Hua and Qian Lei), 102 (Sun Li),
                              201 (Zhou Min), 202 (Wu Gang, no login), beside the world's own

The building already exists (other tests count the street's buildings), and other residents may live
in it, so tests count its electorate themselves. The property company's contact (propco) takes
rectification requests as a Volunteer.
"""

from types import SimpleNamespace

import frappe
from community_governance import scope
from tests.integration import world as world_module

BUILDING = "TG12-3"
USERS = {
	"hua": (),
	"lei": (),
	"sunli": (),
	"zhoumin": (),
	"propco": ("Volunteer",),
}
# key -> (full name, room, user key)
RESIDENTS = {
	"hua": ("Qian Hua", "101", "hua"),
	"lei": ("Qian Lei", "101", "lei"),
	"sunli": ("Sun Li", "102", "sunli"),
	"zhoumin": ("Zhou Min", "201", "zhoumin"),
	"wugang": ("Wu Gang", "202", None),
}
RECTIFICATION_CATEGORY = "Test Property Rectification"


def build(world) -> SimpleNamespace:
	frappe.set_user("Administrator")
	users = {key: world_module.ensure_user(key, roles) for key, roles in USERS.items()}
	residents = {
		key: world_module.ensure_resident(
			full_name, BUILDING, "1", room, world_module.email(user) if user else None
		)
		for key, (full_name, room, user) in RESIDENTS.items()
	}
	world_module.ensure_category(RECTIFICATION_CATEGORY, "Civilisation Creation", 0, [])
	scope.forget()
	return SimpleNamespace(
		users={**world.users, **{key: world_module.email(key) for key in users}},
		residents={**world.residents, **residents},
		households={
			key: frappe.db.get_value("Resident", name, "household") for key, name in residents.items()
		},
		password=world.password,
		building=BUILDING,
	)


def electorate(counting: str) -> int:
	"""An independent count of the building's voting units (other tests may add residents to it)."""
	resident = frappe.qb.DocType("Resident")
	rows = (
		frappe.qb.from_(resident)
		.select(resident.name, resident.household)
		.where((resident.building == BUILDING) & (resident.status == "Active"))
		.run(as_dict=True)
	)
	if counting == "Per Person":
		return len(rows)
	return len({row.household or row.name for row in rows})


def quorum_of(needed: int, counting: str) -> float:
	"""The quorum (%) that asks exactly ``needed`` votes of the building's electorate."""
	return 100 * (needed - 0.5) / electorate(counting)
