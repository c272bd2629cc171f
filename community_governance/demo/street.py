"""The demo street's registry: communities, grids, buildings with their units, residents, captains,
compounds, the party organisation and one login per role.

The street is planned first, as plain data drawn from seeded random generators, then created record
by record through the documents' own controllers. A record that already exists is left untouched, so
a second run changes nothing. The small scale is a part of the full one (the first community, the
first two buildings of its first two grids, the first households of each unit), so the two scales
can share a site: running the full scale after the small one only adds what is missing."""

import random
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

import frappe
from community_governance import accounts, personal_data

PASSWORD = "Demo-pass-2026"
# the street's people live in Shanghai time and read Chinese, whatever the site's defaults are
TIME_ZONE = "Asia/Shanghai"
LANGUAGE = "zh"
DOMAIN = "demo.street"
SEED = "community-governance-demo"
REFERENCE_YEAR = 2026
CAPTAIN_TERM = ("2024-01-01", "2026-12-31")

STREET_CODE = "DEMO"
STREET_NAME = "幸福街道"
COMMUNITY_NAMES = ("幸福里社区", "和平社区", "光明社区")
STREET_SEGMENT_NAMES = ("幸福大街", "和平路", "光明路")
GRID_NAMES = ("第一网格", "第二网格", "第三网格", "第四网格", "第五网格", "第六网格", "第七网格")

# compounds (小区): two neighbouring buildings of a grid each, managed by a property company of their
# own; the owners' committee serves the captains' term
ESTATE_WORDS = (
	"阳光",
	"锦绣",
	"翠苑",
	"和谐",
	"金桂",
	"银杏",
	"丽景",
	"春晖",
	"兰亭",
	"枫林",
	"紫荆",
	"康乐",
	"福寿",
	"长青",
)
ESTATE_KINDS = ("花园", "家园", "新村")
PROPERTY_COMPANIES = (
	"安居物业服务有限公司",
	"宜家物业管理有限公司",
	"万和物业服务有限公司",
	"康城物业管理有限公司",
)
BUILDINGS_PER_COMPOUND = 2
PARTY_JOINED = "2020-07-01"

ADMIN = f"demo-admin@{DOMAIN}"
MEDIATOR = f"mediator@{DOMAIN}"
VOLUNTEER = f"volunteer@{DOMAIN}"

# Users linked to a resident get at creation the roles the Resident and Building Captain controllers
# would grant them: Frappe clears the whole site cache on every User save, so one save per user keeps
# the full scale quick.
RESIDENT_ROLES = ("Resident",)
CAPTAIN_ROLES = ("Resident", "Building Captain")
WEBSITE_ROLES = frozenset(RESIDENT_ROLES)

BUILDING_TYPES = {"M": "Multi-storey", "H": "High-rise", "V": "Villa", "S": "Street Segment"}
# The buildings of each grid, in order: the first grid of a community runs along its main street.
GRID_LAYOUTS = ("MSMMH", "HVMMV", "MMMHM", "MMVVM", "HHMM", "MMMMVV", "MHMMM")
OCCUPANCY = {"Multi-storey": 0.85, "High-rise": 0.7, "Villa": 0.9, "Street Segment": 0.8}

# kind of household -> weight; about two people per household, one in twenty residents an elder alone
HOUSEHOLD_KINDS = {
	"elder_alone": 10,
	"single": 22,
	"elder_couple": 17,
	"couple": 20,
	"family": 21,
	"three_generations": 10,
}

SURNAMES = (
	"王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
	"姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤"
)
SURNAME_WEIGHTS = tuple(1 / (rank + 8) for rank in range(len(SURNAMES)))
GIVEN_NAMES = {
	"elder": {
		"M": "建国 国华 志强 德明 文斌 振华 国庆 建华 永福 宝山 长青 学文 立新 卫东 建军 福生",
		"F": "秀英 桂兰 玉兰 淑珍 秀兰 凤英 桂英 淑英 玉珍 秀珍 丽华 美华 素芬 桂芳 玉梅 淑华",
	},
	"middle": {
		"M": "伟 勇 军 磊 涛 斌 强 鹏 杰 峰 超 明 刚 平 辉 海波 志刚 建伟 晓东 俊杰",
		"F": "丽 静 敏 燕 艳 娟 霞 芳 红 婷 丽娟 晓燕 海燕 春梅 慧 颖 琳 倩 雪 晓红",
	},
	"young": {
		"M": "浩然 宇轩 子豪 俊熙 梓睿 一鸣 天佑 思远 博文 子墨 皓轩 铭泽 宇航 奕辰 泽宇 明哲",
		"F": "欣怡 梓涵 诗涵 子萱 雨桐 可馨 思琪 梦瑶 语嫣 佳怡 紫萱 雨欣 一诺 若曦 芷若 心怡",
	},
}


@dataclass(frozen=True)
class Scale:
	communities: int
	grids: int  # per community
	buildings: int | None  # per grid; None: the grid's whole layout
	households: int | None  # occupied households per unit; None: all of them


# The first households of each unit are the "core" of the street: they exist at every scale, so the
# captains and the users linked to residents are chosen among them.
CORE_HOUSEHOLDS = 3
SCALES = {
	"full": Scale(communities=3, grids=7, buildings=None, households=None),
	"small": Scale(communities=1, grids=2, buildings=2, households=CORE_HOUSEHOLDS),
}


@dataclass
class PlannedUser:
	email: str
	full_name: str
	roles: tuple
	kind: str  # what the login is for, in the summary


@dataclass
class PlannedGrid:
	code: str
	grid_name: str
	level: str
	parent_grid: str | None
	responsible_user: str | None


@dataclass
class PlannedUnit:
	unit_name: str
	floors: int
	rooms: tuple


@dataclass
class PlannedResident:
	full_name: str
	age: int
	date_of_birth: str
	phone: str | None
	unit: str
	room: str
	household: str
	core: bool
	status: str = "Active"
	tags: dict = field(default_factory=dict)
	user: str | None = None

	@property
	def key(self) -> tuple[str, str]:
		return (self.household, self.full_name)

	def available(self, youngest: int, oldest: int) -> bool:
		return self.core and self.status == "Active" and not self.user and youngest <= self.age <= oldest


@dataclass
class PlannedBuilding:
	grid: str
	building_name: str
	building_type: str
	address: str
	core: bool  # one of the buildings every scale has
	units: list = field(default_factory=list)
	residents: list = field(default_factory=list)
	captain: PlannedResident | None = None

	@property
	def name(self) -> str:
		return f"{self.grid}-{self.building_name}"


@dataclass
class PlannedCompound:
	community: str
	compound_name: str
	company_name: str
	buildings: list
	committee: list  # (building, resident key, role)


@dataclass
class PlannedPartyNode:
	organisation_name: str
	level: str
	community: str
	grid: str | None
	parent: str | None  # the parent's organisation name
	buildings: list = field(default_factory=list)
	members: list = field(default_factory=list)  # (building, resident key, party-member household)
	looked_after: list = field(default_factory=list)  # (building, member key, neighbour key)


@dataclass
class Plan:
	scale: str
	users: dict = field(default_factory=dict)
	grids: list = field(default_factory=list)
	buildings: list = field(default_factory=list)
	compounds: list = field(default_factory=list)
	party: list = field(default_factory=list)

	def add_user(self, email: str, full_name: str, roles: tuple, kind: str | None = None) -> str:
		self.users[email] = PlannedUser(email, full_name, roles, kind or roles[0])
		return email

	def residents(self):
		for building in self.buildings:
			yield from building.residents


# --- the plan: pure data, the same on every run ---------------------------------------------------


def plan_demo(scale: str = "full") -> Plan:
	if scale not in SCALES:
		frappe.throw(f"Unknown demo scale {scale!r}: use one of {', '.join(SCALES)}.")
	size = SCALES[scale]
	plan = Plan(scale)
	plan.add_user(ADMIN, staff_name(ADMIN), ("Street Office Admin",))
	plan.grids.append(PlannedGrid(STREET_CODE, STREET_NAME, "Street", None, ADMIN))
	for community_index in range(size.communities):
		plan_community(plan, size, community_index)
	plan_portal_residents(plan, size)
	plan_volunteer(plan)
	plan.add_user(MEDIATOR, staff_name(MEDIATOR), ("Mediator",))
	plan_compounds(plan)
	plan_party(plan)
	return plan


def plan_community(plan: Plan, size: Scale, community_index: int):
	community_no = community_index + 1
	code = f"{STREET_CODE}-{community_no:02d}"
	worker = f"community-{community_no}@{DOMAIN}"
	plan.add_user(worker, staff_name(worker), ("Community Worker",))
	community_name = COMMUNITY_NAMES[community_index]
	plan.grids.append(PlannedGrid(code, community_name, "Community", STREET_CODE, worker))

	numbers = Counter()
	for grid_index in range(len(GRID_NAMES)):
		layout = GRID_LAYOUTS[(grid_index + community_index) % len(GRID_LAYOUTS)]
		buildings = [name_building(kind, numbers, community_index) for kind in layout]
		if grid_index >= size.grids:
			continue
		grid_no = grid_index + 1
		grid_code = f"{code}-{grid_no:02d}"
		grid_worker = f"grid-{community_no}-{grid_no}@{DOMAIN}"
		plan.add_user(grid_worker, staff_name(grid_worker), ("Grid Worker",))
		plan.grids.append(PlannedGrid(grid_code, GRID_NAMES[grid_index], "Grid", code, grid_worker))
		for building_index, (kind, (name, wants_captain)) in enumerate(zip(layout, buildings, strict=True)):
			if size.buildings is not None and building_index >= size.buildings:
				break
			building = plan_building(
				grid_code,
				name,
				BUILDING_TYPES[kind],
				address=f"{STREET_NAME}{community_name}{name}",
				serial=(community_index * 10 + grid_index) * 10 + building_index,
				core=building_index < SCALES["small"].buildings,
				households=size.households,
				wants_captain=wants_captain,
			)
			plan.buildings.append(building)
			if building.captain:
				captain_user = f"captain-{community_no}-{grid_no}-{building_index + 1}@{DOMAIN}"
				building.captain.user = plan.add_user(
					captain_user, building.captain.full_name, CAPTAIN_ROLES, kind="Building Captain"
				)


def name_building(kind: str, numbers: Counter, community_index: int) -> tuple[str, bool]:
	"""The building's name and whether it has a captain. Buildings are numbered through the community,
	villas on their own; a street segment is named. Villas and street segments have no captain, and
	every seventh building's captaincy is vacant."""
	if kind == "S":
		return STREET_SEGMENT_NAMES[community_index], False
	if kind == "V":
		numbers["villa"] += 1
		return f"{numbers['villa']}号别墅", False
	numbers["building"] += 1
	return f"{numbers['building']}号楼", numbers["building"] % 7 != 0


def plan_building(
	grid: str,
	name: str,
	building_type: str,
	address: str,
	serial: int,
	core: bool,
	households: int | None,
	wants_captain: bool,
) -> PlannedBuilding:
	building = PlannedBuilding(grid, name, building_type, address, core)
	rng = random.Random(f"{SEED}/{building.name}")
	building.units = plan_units(rng, building_type)
	for unit_index, unit in enumerate(building.units):
		occupied = 0
		for room_index, room in enumerate(unit.rooms):
			if households is not None and occupied >= households:
				break
			household = f"{building.name}-{unit.unit_name}-{room}"
			members = plan_household(
				random.Random(f"{SEED}/{household}"),
				OCCUPANCY[building_type],
				unit.unit_name,
				room,
				household,
				core=occupied < CORE_HOUSEHOLDS,
				serial=(serial * 4 + unit_index) * 128 + room_index,
			)
			if members:
				occupied += 1
				building.residents.extend(members)
	if wants_captain:
		building.captain = choose_captain(building.residents)
	return building


def plan_units(rng: random.Random, building_type: str) -> list[PlannedUnit]:
	if building_type == "Street Segment":
		# houses along the street, odd numbers on the east side and even ones on the west
		sides = rng.choice((("东段",), ("东段", "西段")))
		return [
			PlannedUnit(side, 2, tuple(f"{number}号" for number in range(first, 2 * rng.randint(8, 14), 2)))
			for first, side in enumerate(sides, start=1)
		]
	if building_type == "Villa":
		return [PlannedUnit("1单元", 3, ("A", "B"))]
	if building_type == "High-rise":
		count, floors, per_floor = rng.choice((1, 1, 1, 2)), rng.randint(11, 18), 2
	else:
		count, floors, per_floor = rng.choice((1, 2, 2, 3)), rng.choice((5, 6)), 2
	rooms = tuple(f"{floor}{door:02d}" for floor in range(1, floors + 1) for door in range(1, per_floor + 1))
	return [PlannedUnit(f"{number}单元", floors, rooms) for number in range(1, count + 1)]


def plan_household(rng, occupancy, unit, room, household, core, serial) -> list[PlannedResident]:
	if rng.random() >= occupancy:
		return []
	kind = rng.choices(list(HOUSEHOLD_KINDS), weights=list(HOUSEHOLD_KINDS.values()))[0]
	surname = random_surname(rng)
	names = set()
	residents = []
	for member_index, (age, gender, own_surname) in enumerate(household_members(rng, kind)):
		full_name = unique_name(rng, own_surname and surname, age, gender, names)
		residents.append(
			PlannedResident(
				full_name=full_name,
				age=age,
				date_of_birth=date_of_birth(rng, age),
				phone=phone_number(rng, serial * 8 + member_index) if age >= 14 else None,
				unit=unit,
				room=room,
				household=household,
				core=core,
				status="Moved Out" if 18 <= age <= 40 and rng.random() < 0.04 else "Active",
				tags=care_tags(rng, age, kind),
			)
		)
	return residents


def household_members(rng: random.Random, kind: str) -> list[tuple[int, str, bool]]:
	"""(age, gender, carries the family surname) of each member; wives keep their own surname."""
	if kind == "elder_alone":
		return [(rng.randint(70, 92), rng.choice("FFM"), True)]
	if kind == "single":
		return [(rng.randint(22, 60), rng.choice("MF"), True)]
	if kind == "elder_couple":
		husband = rng.randint(65, 88)
		return [(husband, "M", True), (husband - rng.randint(0, 5), "F", False)]
	husband = rng.randint(25, 60) if kind == "couple" else rng.randint(30, 50)
	members = [(husband, "M", True), (max(22, husband - rng.randint(-2, 5)), "F", False)]
	if kind in ("family", "three_generations"):
		members.append((rng.randint(0, min(17, husband - 23)), rng.choice("MF"), True))
	if kind == "three_generations":
		grandparent = husband + rng.randint(24, 32)
		gender = rng.choice("MF")
		members.append((grandparent, gender, gender == "M"))
	return members


def care_tags(rng: random.Random, age: int, kind: str) -> dict:
	alone = kind == "elder_alone"
	tags = {
		"elderly_living_alone": alone,
		"special_care": rng.random() < (0.15 if alone else 0.012),
		"has_disability": rng.random() < (0.05 if age >= 60 else 0.008),
		"child_in_difficulty": age < 18 and rng.random() < 0.03,
		"party_member": age >= 18 and rng.random() < (0.13 if age >= 50 else 0.08),
		"is_volunteer": 18 <= age <= 78 and rng.random() < 0.065,
	}
	return {tag: 1 for tag, value in tags.items() if value}


def choose_captain(residents: list[PlannedResident]) -> PlannedResident | None:
	"""A settled core resident, preferably a party member or volunteer around retirement age."""
	candidates = [resident for resident in residents if resident.available(30, 78)]
	if not candidates:
		return None
	return min(
		candidates,
		key=lambda r: (-r.tags.get("party_member", 0), -r.tags.get("is_volunteer", 0), abs(r.age - 62)),
	)


def plan_portal_residents(plan: Plan, size: Scale):
	"""A resident with a portal login in each of the first two grids of every community."""
	for community_no in range(1, size.communities + 1):
		for grid_no in (1, 2):
			grid = f"{STREET_CODE}-{community_no:02d}-{grid_no:02d}"
			resident = first_available(plan, grid, 25, 65)
			if resident:
				resident.user = plan.add_user(
					f"resident-{community_no}-{grid_no}@{DOMAIN}", resident.full_name, RESIDENT_ROLES
				)


def plan_volunteer(plan: Plan):
	"""The volunteer login belongs to a volunteer resident of the first grid."""
	grid = f"{STREET_CODE}-01-01"
	resident = first_available(plan, grid, 18, 70, tag="is_volunteer") or first_available(plan, grid, 18, 70)
	resident.tags["is_volunteer"] = 1
	resident.user = plan.add_user(VOLUNTEER, resident.full_name, ("Volunteer", *RESIDENT_ROLES))


def first_available(plan: Plan, grid: str, youngest: int, oldest: int, tag: str | None = None):
	for building in plan.buildings:
		if building.grid != grid or not building.core:
			continue
		for resident in building.residents:
			if resident.available(youngest, oldest) and (not tag or resident.tags.get(tag)):
				return resident
	return None


def grid_buildings(plan: Plan) -> dict[str, list]:
	"""Each grid's planned buildings, in the order of the grid's layout."""
	by_grid = {}
	for building in plan.buildings:
		by_grid.setdefault(building.grid, []).append(building)
	return by_grid


def settled_residents(building: PlannedBuilding, youngest=30, oldest=75) -> list[PlannedResident]:
	"""Core residents (the same at every scale) at home and of an age to serve."""
	return [
		resident
		for resident in building.residents
		if resident.core and resident.status == "Active" and youngest <= resident.age <= oldest
	]


def plan_compounds(plan: Plan):
	"""Neighbouring buildings of a grid form a compound (street segments belong to none); its
	owners' committee is a settled resident of each of its buildings."""
	for grid, buildings in grid_buildings(plan).items():
		community, grid_no = grid.rsplit("-", 1)
		for first in range(0, len(buildings), BUILDINGS_PER_COMPOUND):
			members = [
				b
				for b in buildings[first : first + BUILDINGS_PER_COMPOUND]
				if b.building_type != "Street Segment"
			]
			if not members:
				continue
			serial = (int(grid_no) - 1) * 4 + first // BUILDINGS_PER_COMPOUND
			name = (
				ESTATE_WORDS[serial % len(ESTATE_WORDS)]
				+ ESTATE_KINDS[serial // len(ESTATE_WORDS) % len(ESTATE_KINDS)]
			)
			committee = []
			for building in members:
				settled = settled_residents(building)
				if settled:
					role = "Chair" if not committee else "Member"
					committee.append((building.name, settled[0].key, role))
			plan.compounds.append(
				PlannedCompound(
					community=community,
					compound_name=name,
					company_name=PROPERTY_COMPANIES[serial % len(PROPERTY_COMPANIES)],
					buildings=[building.name for building in members],
					committee=committee,
				)
			)


def plan_party(plan: Plan):
	"""The party organisation mirrors the grid: the community's committee, a branch a grid, a group
	for the first building of a grid with party members. The core residents ticked as party members
	join the group of their building or else their grid's branch."""
	names = {grid.code: grid.grid_name for grid in plan.grids}
	by_grid = grid_buildings(plan)
	for grid in plan.grids:
		if grid.level == "Community":
			plan.party.append(
				PlannedPartyNode(f"{grid.grid_name}大党委", "Community Committee", grid.code, grid.code, None)
			)
	for grid, buildings in by_grid.items():
		community = grid.rsplit("-", 1)[0]
		committee = f"{names[community]}大党委"
		branch = PlannedPartyNode(
			f"{names[community]}{names[grid]}党支部", "Grid Branch", community, grid, committee
		)
		plan.party.append(branch)
		group = None
		for building in buildings:
			if not building.core:
				continue
			party_members = [
				r
				for r in building.residents
				if r.core and r.status == "Active" and r.tags.get("party_member")
			]
			if party_members and group is None and building.building_type != "Street Segment":
				group = PlannedPartyNode(
					f"{names[community]}{building.building_name}党小组",
					"Building Group",
					community,
					None,
					branch.organisation_name,
					buildings=[building.name],
				)
				plan.party.append(group)
				group.members = [(building.name, r.key, index == 0) for index, r in enumerate(party_members)]
				neighbours = [r for r in building.residents if r.core and r.tags.get("elderly_living_alone")]
				neighbour = next((r for r in neighbours if r.key != party_members[0].key), None)
				if neighbour:
					group.looked_after.append((building.name, party_members[0].key, neighbour.key))
				continue
			branch.members.extend((building.name, r.key, False) for r in party_members)


def random_surname(rng: random.Random) -> str:
	return rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]


def given_name(rng: random.Random, age: int, gender: str) -> str:
	generation = "young" if age <= 30 else "middle" if age < 60 else "elder"
	return rng.choice(GIVEN_NAMES[generation][gender].split())


def unique_name(rng, surname: str | None, age: int, gender: str, taken: set) -> str:
	surname = surname or random_surname(rng)
	full_name = surname + given_name(rng, age, gender)
	while full_name in taken:
		full_name = surname + given_name(rng, age, gender)
	taken.add(full_name)
	return full_name


def staff_name(email: str) -> str:
	rng = random.Random(f"{SEED}/{email}")
	return random_surname(rng) + given_name(rng, rng.randint(28, 55), rng.choice("MF"))


def date_of_birth(rng: random.Random, age: int) -> str:
	return f"{REFERENCE_YEAR - age}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def phone_number(rng: random.Random, serial: int) -> str:
	"""A mobile number unique to ``serial``: the serial, scrambled, is its last eight digits."""
	return f"1{rng.choice('358')}{rng.randint(0, 9)}{(serial * 48271 + 1234567) % 10**8:08d}"


# --- creating the records ----------------------------------------------------------------------


def create_demo(plan: Plan) -> Counter:
	created = Counter()
	for user in plan.users.values():
		ensure_user(user, created)
	frappe.db.commit()
	for grid in plan.grids:
		ensure_grid(grid, created)
	frappe.db.commit()
	for building in plan.buildings:
		ensure_building(building, created)
		residents = ensure_residents(building, created)
		ensure_captain(building, residents, created)
		frappe.db.commit()
	residents = resident_names(plan)
	for compound in plan.compounds:
		ensure_compound(compound, residents, created)
	for node in plan.party:
		ensure_party_node(node, residents, created)
	frappe.db.commit()
	return created


def resident_names(plan: Plan) -> dict:
	"""(building, household, full name) -> record name of every planned building's residents."""
	rows = frappe.get_all(
		"Resident",
		filters={"building": ("in", [building.name for building in plan.buildings] or [""])},
		fields=["name", "building", "household", "full_name"],
	)
	return {(row.building, row.household, row.full_name): row.name for row in rows}


def ensure_compound(compound: PlannedCompound, residents: dict, created: Counter):
	if frappe.db.exists(
		"Compound", {"community": compound.community, "compound_name": compound.compound_name}
	):
		return
	frappe.get_doc(
		{
			"doctype": "Compound",
			"compound_name": compound.compound_name,
			"community": compound.community,
			"company_name": compound.company_name,
			"buildings": [{"building": building} for building in compound.buildings],
			"committee": [
				{
					"resident": residents[(building, *key)],
					"committee_role": role,
					"term_start": CAPTAIN_TERM[0],
					"term_end": CAPTAIN_TERM[1],
				}
				for building, key, role in compound.committee
			],
		}
	).insert()
	created["Compound"] += 1


def party_node_name(organisation_name: str, community: str) -> str | None:
	return frappe.db.get_value(
		"Party Organisation", {"organisation_name": organisation_name, "community": community}
	)


def ensure_party_node(node: PlannedPartyNode, residents: dict, created: Counter):
	if party_node_name(node.organisation_name, node.community):
		return
	members = [(residents[(building, *key)], central) for building, key, central in node.members]
	frappe.get_doc(
		{
			"doctype": "Party Organisation",
			"organisation_name": node.organisation_name,
			"level": node.level,
			"grid": node.grid,
			"parent_party_organisation": node.parent and party_node_name(node.parent, node.community),
			"secretary": members[0][0] if members else None,
			"buildings": [{"building": building} for building in node.buildings],
			"members": [
				{
					"member_type": "Resident",
					"resident": resident,
					"joined_on": PARTY_JOINED,
					"central_household": central,
				}
				for resident, central in members
			],
			"central_households": [
				{
					"party_member": residents[(building, *member)],
					"served_resident": residents[(building, *neighbour)],
				}
				for building, member, neighbour in node.looked_after
			],
		}
	).insert()
	created["Party Organisation"] += 1


def ensure_user(user: PlannedUser, created: Counter):
	if frappe.db.exists("User", user.email):
		return
	doc = frappe.get_doc(
		{
			"doctype": "User",
			"email": user.email,
			"first_name": user.full_name,
			"language": LANGUAGE,
			"time_zone": TIME_ZONE,
			"user_type": "Website User" if WEBSITE_ROLES.issuperset(user.roles) else "System User",
			"send_welcome_email": 0,
			"new_password": PASSWORD,
			"roles": [{"role": role} for role in user.roles],
		}
	)
	accounts.insert_verified_user(doc)
	created["User"] += 1


def ensure_grid(grid: PlannedGrid, created: Counter):
	if frappe.db.exists("Grid", grid.code):
		return
	frappe.get_doc(
		{
			"doctype": "Grid",
			"code": grid.code,
			"grid_name": grid.grid_name,
			"level": grid.level,
			"parent_grid": grid.parent_grid,
			"responsible_user": grid.responsible_user,
		}
	).insert()
	created["Grid"] += 1


def ensure_building(building: PlannedBuilding, created: Counter):
	if frappe.db.exists("Building", building.name):
		return
	frappe.get_doc(
		{
			"doctype": "Building",
			"building_name": building.building_name,
			"building_type": building.building_type,
			"grid": building.grid,
			"address": building.address,
			"units": [
				{"unit_name": unit.unit_name, "floors": unit.floors, "households": len(unit.rooms)}
				for unit in building.units
			],
		}
	).insert()
	created["Building"] += 1


def ensure_residents(building: PlannedBuilding, created: Counter) -> dict:
	"""Create the building's missing residents; return every planned resident's record name by key."""
	existing = {
		(row.household, row.full_name): row.name
		for row in frappe.get_all(
			"Resident", filters={"building": building.name}, fields=["name", "household", "full_name"]
		)
	}
	for resident in building.residents:
		if resident.key in existing:
			continue
		existing[resident.key] = insert_resident(building, resident)
		created["Resident"] += 1
	return existing


def insert_resident(building: PlannedBuilding, resident: PlannedResident) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Resident",
			"full_name": resident.full_name,
			"phone": resident.phone,
			"date_of_birth": resident.date_of_birth,
			"status": resident.status,
			"user": resident.user,
			"building": building.name,
			"unit": resident.unit,
			"room": resident.room,
			"household": resident.household,
			**resident.tags,
		}
	).insert()
	if resident.user:
		# the street's people with a login have used the app for a year: they accepted its notice
		personal_data.record_consent(doc.name)
	return doc.name


def ensure_captain(building: PlannedBuilding, residents: dict, created: Counter):
	if not building.captain:
		return
	resident = residents[building.captain.key]
	if frappe.db.exists("Building Captain", {"resident": resident}):
		return
	frappe.get_doc(
		{
			"doctype": "Building Captain",
			"resident": resident,
			"user": building.captain.user,
			"public_phone": building.captain.phone,
			"status": "Active",
			"term_start": CAPTAIN_TERM[0],
			"term_end": CAPTAIN_TERM[1],
			"buildings": [{"building": building.name}],
		}
	).insert()
	created["Building Captain"] += 1


@contextmanager
def users_made_in_bulk(users: int):
	"""Let the demo make its many users quickly: past Frappe's hourly limit on new users, and without
	the whole site's cache flushed on each. Every User save recomputes which users' e-mail accounts
	await a password and stores it as a site default, which clears every cache (each later record
	then reloads its DocType); the demo's users have no e-mail accounts, so that is done once, at
	the end."""
	from frappe.core.doctype.user import user as user_controller

	ask_pass_update = user_controller.ask_pass_update
	user_controller.ask_pass_update = lambda: None
	try:
		with user_creation_allowance(users):
			yield
	finally:
		user_controller.ask_pass_update = ask_pass_update
		ask_pass_update()


@contextmanager
def user_creation_allowance(users: int):
	"""Frappe refuses more than ``throttle_user_limit`` new users an hour; let the demo's through."""
	conf = frappe.local.conf
	previous = conf.get("throttle_user_limit")
	conf["throttle_user_limit"] = (previous or 60) + users
	try:
		yield
	finally:
		if previous is None:
			conf.pop("throttle_user_limit", None)
		else:
			conf["throttle_user_limit"] = previous


# --- what is there -----------------------------------------------------------------------------


def demo_counts() -> dict[str, int]:
	"""How many demo records the site holds, by kind."""
	inside = ("like", f"{STREET_CODE}-%")
	demo_user = ("like", f"%@{DOMAIN}")
	return {
		"Street": frappe.db.count("Grid", {"name": STREET_CODE, "level": "Street"}),
		"Community": frappe.db.count("Grid", {"name": inside, "level": "Community"}),
		"Grid": frappe.db.count("Grid", {"name": inside, "level": "Grid"}),
		"Building": frappe.db.count("Building", {"name": inside}),
		"Resident": frappe.db.count("Resident", {"building": inside}),
		"Building Captain": frappe.db.count("Building Captain", {"user": demo_user}),
		"User": frappe.db.count("User", {"name": demo_user}),
		"Compound": frappe.db.count("Compound", {"community": inside}),
		"Party Organisation": frappe.db.count("Party Organisation", {"community": inside}),
	}
