"""Volunteering on the demo street: its volunteer teams, the activities of every points section and
the monthly civilisation day, the caring merchants, and the rewards residents redeem with the points
they earned.

A community worker records each activity once it has taken place, with its attendees: submitting it
posts their points through the ledger. How often a resident turns up follows a long-tailed "zeal"
drawn once per resident, so a few stalwarts top the leaderboard while most neighbours attend now and
then. Residents with a login redeem rewards when the points this chapter gives them allow it: the
grid worker approves the request, and the resident collects the reward at the caring merchant's
counter (its counter login honours the code) or, for the street's own rewards, from the grid worker.
"""

import datetime
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import frappe
from community_governance.api import merchants as counter_api
from community_governance.api import points as points_api
from community_governance.api import volunteer_team as team_api
from community_governance.demo import catalogue, street
from community_governance.demo.life import LIFE_DAYS, Chapter, Life, Story

CHAPTER_NAME = "volunteering"
COUNTER_ROLE = "Caring Merchant"

SECTIONS = (
	"Democratic Building",
	"Civilisation Creation",
	"Neighbourly Help",
	"Production Safety",
	"Dispute Mediation",
)
SECTION_SLUGS = dict(
	zip(SECTIONS, ("democracy", "civilisation", "neighbours", "safety", "mediation"), strict=True)
)
# section -> points per attendee and the activities a community holds in it
ACTIVITIES = {
	"Democratic Building": (5, ("居民议事会", "楼栋民主恳谈会", "社区公约修订征求意见会", "居务公开日")),
	"Civilisation Creation": (4, ("垃圾分类宣传", "楼道清洁日", "文明养犬宣传", "共享单车整理")),
	"Neighbourly Help": (5, ("为高龄老人送餐", "义诊进社区", "爱心义剪", "独居老人探访")),
	"Production Safety": (6, ("消防安全巡查", "电动车充电隐患排查", "燃气安全宣传", "防汛设施检查")),
	"Dispute Mediation": (6, ("调解志愿者培训", "法律咨询进社区", "矛盾纠纷排查", "调解案例分享会")),
}
PLACES = ("社区党群服务中心", "社区广场", "社区活动室", "小区中心花园", "新时代文明实践站")
CIVILISATION_DAY = 6  # the day of each month the street's civilisation practice day falls on
CIVILISATION_POINTS = 5
ANNOUNCED_DAYS = 7  # an activity is put on the calendar this many days before it takes place
HELD_FOR = 2.5  # hours from an activity's start until the worker records it, once it is over
PLANNED_AHEAD_DAYS = 10  # activities up to this many days after today are already on the calendar
MONTHLY_BEFORE_DAYS = 61  # sections meet twice a month over these last days, monthly before

# team -> (the sections it serves, what it does)
TEAMS = {
	"红马甲志愿服务队": (("Democratic Building", "Civilisation Creation"), "文明劝导、垃圾分类、社区议事"),
	"邻里守望队": (("Neighbourly Help",), "为老助残、送餐探访、邻里互助"),
	"平安巡防队": (("Production Safety",), "消防巡查、隐患排查、安全宣传"),
	"和事佬调解队": (("Dispute Mediation",), "矛盾排查、纠纷调解、法律宣传"),
}
TEAM_SIZE = (6, 11)
TEAM_AGES = (18, 75)

# per community: two shops, in its first and second grid, with their offers (name, points, type)
SHOPS = (
	(
		("惠民便利店", (("大米一袋（5斤）", 40, "Goods"), ("鸡蛋一盒", 15, "Goods"))),
		("巧手理发店", (("理发一次", 30, "Service"), ("老人上门理发", 20, "Service"))),
	),
	(
		("康健大药房", (("家庭常备药包", 45, "Goods"), ("血压血糖检测", 10, "Service"))),
		("邻家早餐店", (("早餐套餐券", 15, "Goods"), ("豆浆油条一份", 10, "Goods"))),
	),
	(
		("阳光洗衣店", (("衣物干洗一件", 15, "Service"), ("床单清洗一套", 40, "Service"))),
		("老街修鞋铺", (("修鞋一次", 20, "Service"), ("配钥匙两把", 15, "Service"))),
	),
)
STREET_PROVIDER = f"{street.STREET_NAME}办事处"
# the street's own rewards, handed over by the grid workers
STREET_REWARDS = (("环保购物袋", 10, "Goods"), ("志愿者纪念T恤", 35, "Goods"), ("家用急救包", 50, "Goods"))
REWARD_STOCK = 300
REJECTION = "该奖品本月已兑换过一次，请下月再来"
REJECTED_SHARE = 0.08
LAST_WEEK = 9  # days at the end whose redemptions are planned one at each step


@dataclass
class Person:
	resident: str  # the Resident record
	building: street.PlannedBuilding
	planned: street.PlannedResident
	zeal: float  # how readily they turn up: long-tailed

	@property
	def user(self) -> str | None:
		return self.planned.user


@dataclass
class Community:
	code: str
	name: str
	number: int
	worker: str
	grids: list
	people: list = field(default_factory=list)


@dataclass
class Activity:
	key: str
	community: Community
	day: datetime.date
	section: str
	title: str
	place: str
	points: int
	attendees: list  # Person
	hour: float


@dataclass(frozen=True)
class Offer:
	reward_name: str
	points: int
	reward_type: str
	shop: str | None  # None: the street's own reward
	grid: str | None
	counter: str | None


class Volunteering(Chapter):
	name = CHAPTER_NAME

	# --- the timeless records ------------------------------------------------------------------

	def prepare(self, life: Life) -> None:
		catalogue.ensure_catalogue()
		plan = self.planned(life)
		for community in plan.communities:
			for team_name in TEAMS:
				ensure_team(life, community, team_name, plan.team_members[(community.code, team_name)])
		with street.user_creation_allowance(len(plan.offers)):
			for offer in plan.offers:
				ensure_offer(offer)

	# --- the stories ---------------------------------------------------------------------------

	def stories(self, life: Life):
		plan = self.planned(life)
		for activity in plan.activities:
			yield activity_story(life, activity)
		yield from join_stories(life, plan)
		yield from redemption_stories(life, plan)

	def count(self, life: Life) -> dict[str, int]:
		inside = ("like", f"{street.STREET_CODE}-%")
		return {
			"Volunteer Team": frappe.db.count("Volunteer Team", {"community": inside}),
			"Volunteer Activity": frappe.db.count(
				"Volunteer Activity", {"community": inside, "docstatus": 1}
			),
			"Caring Merchant": frappe.db.count("Caring Merchant", {"community": inside}),
			"Reward": frappe.db.count(
				"Reward", {"reward_name": ("in", [offer.reward_name for offer in self.planned(life).offers])}
			),
			"Reward Redemption": frappe.db.count("Reward Redemption", {"community": inside}),
		}

	def planned(self, life: Life) -> "Plan":
		# planned once per life: prepare and stories read the same plan
		cached = getattr(self, "_plan", None)
		if cached is None or cached[0] is not life:
			self._plan = (life, Plan(life))
		return self._plan[1]


# --- the plan ------------------------------------------------------------------------------------


class Plan:
	"""The chapter's part of the street's life as plain data, the same on every run."""

	def __init__(self, life: Life):
		self.life = life

	@cached_property
	def communities(self) -> list[Community]:
		life = self.life
		grids = life.plan.grids
		communities = []
		for grid in grids:
			if grid.level != "Community":
				continue
			community = Community(
				code=grid.code,
				name=grid.grid_name,
				number=int(grid.code.rsplit("-", 1)[1]),
				worker=grid.responsible_user,
				grids=[child.code for child in grids if child.parent_grid == grid.code],
			)
			for building in life.plan.buildings:
				if not building.grid.startswith(f"{grid.code}-"):
					continue
				for resident in building.residents:
					if resident.status != "Active":
						continue
					community.people.append(
						Person(
							life.resident(building, resident),
							building,
							resident,
							zeal_of(life, building, resident),
						)
					)
			communities.append(community)
		return communities

	@cached_property
	def team_members(self) -> dict:
		"""(community, team) -> the residents it was founded with, its leader first."""
		members = {}
		for community in self.communities:
			taken = set()
			for team_name in TEAMS:
				members[(community.code, team_name)] = founders(self.life, community, team_name, taken)
		return members

	@cached_property
	def joins(self) -> list[tuple[Community, str, Person, datetime.datetime]]:
		"""(community, team, resident, when) of the residents with a login who join a team."""
		life = self.life
		joins = []
		for community in self.communities:
			for person in community.people:
				if not person.user:
					continue
				rng = life.rng("volunteering", "join", person.user)
				if rng.random() > 0.6:
					continue
				teams = [team for team in TEAMS if person not in self.team_members[(community.code, team)]]
				team = rng.choice(teams)
				at = life.at(
					life.first_day + datetime.timedelta(days=rng.randrange(life.days)), rng.uniform(8, 21)
				)
				joins.append((community, team, person, at))
		return joins

	@cached_property
	def activities(self) -> list[Activity]:
		activities = []
		for community in self.communities:
			activities.extend(section_activities(self, community))
			activities.extend(civilisation_days(self, community))
		return activities

	@cached_property
	def offers(self) -> list[Offer]:
		offers = []
		for community in self.communities:
			shops = SHOPS[(community.number - 1) % len(SHOPS)]
			for number, ((shop, rewards), grid) in enumerate(
				zip(shops, community.grids, strict=False), start=1
			):
				counter = f"merchant-{community.number}-{number}@{street.DOMAIN}"
				offers.extend(
					Offer(name, points, kind, shop, grid, counter) for name, points, kind in rewards
				)
		offers.extend(Offer(name, points, kind, None, None, None) for name, points, kind in STREET_REWARDS)
		return offers

	def weight(self, person: Person, section: str, day: datetime.date) -> float:
		"""How likely the resident is to attend an activity of the section on the day."""
		weight = person.zeal
		for team, (sections, _description) in TEAMS.items():
			if section in sections and self.member_on(person, team, day):
				weight *= 5
		return weight

	def member_on(self, person: Person, team: str, day: datetime.date) -> bool:
		return day >= self.joined.get((person.resident, team), datetime.date.max)

	@cached_property
	def joined(self) -> dict:
		"""(resident, team) -> the day they became a member."""
		joined = {}
		for (_community, team), members in self.team_members.items():
			for person in members:
				joined[(person.resident, team)] = datetime.date.min
		for _community, team, person, at in self.joins:
			joined[(person.resident, team)] = at.date()
		return joined


def zeal_of(life: Life, building: street.PlannedBuilding, resident: street.PlannedResident) -> float:
	"""A Pareto draw: most residents come now and then, a few come to nearly everything."""
	rng = life.rng("volunteering", "zeal", building.name, *resident.key)
	zeal = min(rng.paretovariate(1.2), 40.0)
	if resident.tags.get("is_volunteer"):
		zeal *= 4
	if resident.tags.get("party_member"):
		zeal *= 2
	if resident.user:
		# captains and residents who took the trouble to get a login are the street's joiners
		zeal *= 3
	if resident.user == street.VOLUNTEER:
		zeal *= 5
	if resident.age < 10 or resident.age > 85:
		zeal *= 0.1
	return zeal


def founders(life: Life, community: Community, team_name: str, taken: set) -> list[Person]:
	"""The team's founding members: keen residents of working age without a login of their own
	(those join through the app), and the demo volunteer in the first team of the first community."""
	rng = life.rng("volunteering", "team", community.code, team_name)
	youngest, oldest = TEAM_AGES
	candidates = [
		person
		for person in community.people
		if youngest <= person.planned.age <= oldest and not person.user and person.resident not in taken
	]
	members = weighted_sample(
		rng, candidates, [person.zeal for person in candidates], rng.randint(*TEAM_SIZE)
	)
	members.sort(key=lambda person: -person.zeal)
	if community.number == 1 and team_name == next(iter(TEAMS)):
		volunteer = next((person for person in community.people if person.user == street.VOLUNTEER), None)
		if volunteer:
			members.append(volunteer)
	taken.update(person.resident for person in members[:2])  # a leader leads one team
	return members


def weighted_sample(rng, items: list, weights: list, count: int) -> list:
	"""``count`` distinct items, each drawn with odds proportional to its weight (Efraimidis-Spirakis)."""
	keyed = [(rng.random() ** (1 / weight), index) for index, weight in enumerate(weights) if weight > 0]
	keyed.sort(reverse=True)
	return [items[index] for _key, index in keyed[:count]]


def half_months(life: Life):
	"""(first, last) day of every half-month the life touches, and those planned ahead of today."""
	last = life.end.date() + datetime.timedelta(days=PLANNED_AHEAD_DAYS)
	day = life.first_day.replace(day=1)
	while day <= last:
		middle = day.replace(day=15)
		next_month = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
		yield day, middle
		yield middle + datetime.timedelta(days=1), next_month - datetime.timedelta(days=1)
		day = next_month


def in_life(life: Life, day: datetime.date) -> bool:
	return life.first_day <= day <= life.end.date() + datetime.timedelta(days=PLANNED_AHEAD_DAYS)


def section_activities(plan: Plan, community: Community) -> list[Activity]:
	"""Each section's activity in every half-month of the last two months and every month before,
	on a day of its own."""
	life = plan.life
	activities = []
	for first, last in half_months(life):
		if first.day != 1 and first < life.end.date() - datetime.timedelta(days=MONTHLY_BEFORE_DAYS):
			continue  # before the last two months, one a month
		for section in SECTIONS:
			rng = life.rng("volunteering", "activity", community.code, section, first)
			day = first + datetime.timedelta(days=rng.randrange((last - first).days + 1))
			if not in_life(life, day):
				continue
			points, titles = ACTIVITIES[section]
			key = f"{CHAPTER_NAME}/activity/{community.code}/{day}/{SECTION_SLUGS[section]}"
			activities.append(
				Activity(
					key=key,
					community=community,
					day=day,
					section=section,
					title=rng.choice(titles),
					place=rng.choice(PLACES),
					points=points,
					attendees=attendees(
						plan,
						community,
						section,
						day,
						key,
						min(rng.randint(6, 15), len(community.people) // 4),
					),
					hour=rng.choice((9.5, 14.5, 15.5, 19)),
				)
			)
	return activities


def civilisation_days(plan: Plan, community: Community) -> list[Activity]:
	life = plan.life
	activities = []
	for first, _last in half_months(life):
		day = first.replace(day=CIVILISATION_DAY)
		if first.day != 1 or not in_life(life, day):
			continue
		key = f"{CHAPTER_NAME}/civilisation-day/{community.code}/{day:%Y-%m}"
		rng = life.rng(key)
		activities.append(
			Activity(
				key=key,
				community=community,
				day=day,
				section="Civilisation Creation",
				title=f"{day.month}月新时代文明实践日",
				place="新时代文明实践站",
				points=CIVILISATION_POINTS,
				attendees=attendees(
					plan,
					community,
					"Civilisation Creation",
					day,
					key,
					min(rng.randint(15, 30), len(community.people) // 3),
				),
				hour=9,
			)
		)
	return activities


def attendees(plan: Plan, community: Community, section: str, day, key: str, count: int) -> list[Person]:
	rng = plan.life.rng(key, "attendees")
	people = community.people
	return weighted_sample(rng, people, [plan.weight(person, section, day) for person in people], count)


# --- the records prepared ------------------------------------------------------------------------


def ensure_team(life: Life, community: Community, team_name: str, members: list[Person]):
	name = f"{community.name}{team_name}"
	if frappe.db.exists("Volunteer Team", name):
		return
	# founded before the full scale's life began, so the small scale's teams are the full one's too
	founded = life.end.date() - datetime.timedelta(days=LIFE_DAYS["full"] + 30)
	frappe.get_doc(
		{
			"doctype": "Volunteer Team",
			"team_name": name,
			"community": community.code,
			"status": "Active",
			"open_to_join": 1,
			"description": TEAMS[team_name][1],
			"members": [
				{
					"resident": person.resident,
					"team_role": "Leader" if index == 0 else "Member",
					"joined_on": founded
					- datetime.timedelta(days=life.rng(name, person.resident).randrange(700)),
				}
				for index, person in enumerate(members)
			],
		}
	).insert()


def merchant_name_of(shop: str, grid: str) -> str | None:
	return frappe.db.get_value("Caring Merchant", {"merchant_name": shop, "grid": grid})


def ensure_offer(offer: Offer):
	merchant = ensure_merchant(offer) if offer.shop else None
	if frappe.db.exists(
		"Reward", {"reward_name": offer.reward_name, "merchant": merchant or ("is", "not set")}
	):
		return
	frappe.get_doc(
		{
			"doctype": "Reward",
			"reward_name": offer.reward_name,
			"reward_type": offer.reward_type,
			"merchant": merchant,
			"provider": None if merchant else STREET_PROVIDER,
			"points_cost": offer.points,
			"stock": REWARD_STOCK,
			"is_active": 1,
		}
	).insert()


def ensure_merchant(offer: Offer) -> str:
	existing = merchant_name_of(offer.shop, offer.grid)
	if existing:
		return existing
	owner = street.staff_name(offer.counter)
	# the counter login gets its role from serving at the counter, as the merchant's register grants it
	street.ensure_user(street.PlannedUser(offer.counter, owner, (), COUNTER_ROLE), Counter())
	rng = random.Random(f"{street.SEED}/{offer.counter}")
	return (
		frappe.get_doc(
			{
				"doctype": "Caring Merchant",
				"merchant_name": offer.shop,
				"grid": offer.grid,
				"address": f"{street.STREET_NAME}{frappe.db.get_value('Grid', offer.grid, 'grid_name')}沿街{rng.randint(1, 99)}号",
				"contact_person": owner,
				"contact_phone": f"139{rng.randrange(10**8):08d}",
				"joined_on": "2024-03-01",
				"offers": "、".join(name for name, _points, _kind in shop_offers(offer.shop)),
				"counter_users": [{"user": offer.counter}],
			}
		)
		.insert()
		.name
	)


def shop_offers(shop: str):
	for shops in SHOPS:
		for name, rewards in shops:
			if name == shop:
				return rewards
	return ()


# --- activities ----------------------------------------------------------------------------------


def activity_story(life: Life, activity: Activity) -> Story:
	"""A past activity is recorded by the community worker once it is over, which posts its points;
	one still ahead is on the calendar as a draft, announced a few days before."""
	story = Story(activity.key)
	held = life.at(activity.day, activity.hour + HELD_FOR)
	worker = activity.community.worker
	if held <= life.end:
		return story.then(held, worker, lambda: record_activity(story, activity, submit=True))
	announced = life.at(activity.day - datetime.timedelta(days=ANNOUNCED_DAYS), 10)
	return story.then(announced, worker, lambda: record_activity(story, activity, submit=False))


def record_activity(story: Story, activity: Activity, submit: bool):
	hours = 3 if activity.key.startswith(f"{CHAPTER_NAME}/civilisation-day/") else 2
	doc = frappe.get_doc(
		{
			"doctype": "Volunteer Activity",
			"title": activity.title,
			"activity_date": activity.day,
			"place": activity.place,
			"section": activity.section,
			"points_per_attendee": activity.points,
			"community": activity.community.code,
			"attendees": [{"resident": person.resident, "hours": hours} for person in activity.attendees],
			# a past activity is recorded as held: inserted submitted, its points posted at once
			"docstatus": 1 if submit else 0,
		}
	).insert()
	story.state["record"] = (doc.doctype, doc.name)


# --- joining teams -------------------------------------------------------------------------------


def join_stories(life: Life, plan: Plan):
	for community, team, person, at in plan.joins:
		team_name = f"{community.name}{team}"
		story = Story(f"{CHAPTER_NAME}/join/{team_name}/{person.user}")
		story.state["record"] = ("Volunteer Team", team_name)
		yield story.then(at, person.user, lambda team_name=team_name: team_api.join(team_name))


# --- redemptions ---------------------------------------------------------------------------------


@dataclass
class Redemption:
	key: str
	person: Person
	offer: Offer
	requested: datetime.datetime
	approved: datetime.datetime
	handed: datetime.datetime
	rejected: bool


def redemption_stories(life: Life, plan: Plan):
	for redemption in planned_redemptions(life, plan):
		yield redemption_story(life, redemption)


def earnings(plan: Plan) -> dict[str, list[tuple[datetime.datetime, int]]]:
	"""resident -> (when, points) of what this chapter's lived activities pay them."""
	earned = defaultdict(list)
	for activity in plan.activities:
		held = plan.life.at(activity.day, activity.hour + HELD_FOR)
		if held > plan.life.end:
			continue
		for person in activity.attendees:
			earned[person.resident].append((held, activity.points))
	return earned


def planned_redemptions(life: Life, plan: Plan) -> list[Redemption]:
	"""Every resident with a login looks at the catalogue every few weeks and asks for something the
	points this chapter gave them cover; the last week has one redemption at each step."""
	earned = earnings(plan)
	redemptions = []
	for community in plan.communities:
		offers = [offer for offer in plan.offers if offer.grid in community.grids or offer.shop is None]
		spent = {}
		for person in community.people:
			if person.user:
				asked, spent[person.resident] = person_redemptions(
					life, person, offers, earned[person.resident]
				)
				redemptions.extend(asked)
		redemptions.extend(last_week(life, community, offers, earned, spent))
	return redemptions


def balance_at(earned: list, spent: int, moment: datetime.datetime) -> int:
	return sum(points for when, points in earned if when < moment) - spent


def affordable(offers: list, balance: int) -> list:
	return [offer for offer in offers if offer.points <= balance]


def person_redemptions(life: Life, person: Person, offers: list, earned: list) -> tuple[list, int]:
	"""The resident's redemptions and the points they take."""
	rng = life.rng("volunteering", "redeem", person.user)
	redemptions = []
	spent = 0
	day = life.first_day + datetime.timedelta(days=rng.randint(5, 14))
	# the last week is left to last_week
	while day < life.end.date() - datetime.timedelta(days=LAST_WEEK):
		requested = life.at(day, rng.uniform(18, 21.5))
		balance = balance_at(earned, spent, requested)
		choice = affordable(offers, balance)
		if choice and not any(offer.shop for offer in choice) and rng.random() < 0.6:
			choice = []  # most would rather save up for a shop's reward than take a tote bag
		if choice:
			# a shop's offer is what most come for; the street's tote bags and T-shirts fill in
			weights = [3 if offer.shop else 1 for offer in choice]
			redemption = new_redemption(life, person, rng.choices(choice, weights)[0], requested, rng)
			redemptions.append(redemption)
			if not redemption.rejected:
				spent += redemption.offer.points
		day += datetime.timedelta(days=rng.randint(45, 100))
	return redemptions, spent


def new_redemption(life, person, offer, requested, rng, approved=None, handed=None, rejected=None):
	approved = approved or requested + datetime.timedelta(days=rng.randint(1, 3), hours=rng.uniform(-10, -8))
	handed = handed or approved + datetime.timedelta(days=rng.randint(1, 6), hours=rng.uniform(0, 8))
	return Redemption(
		key=f"{CHAPTER_NAME}/redeem/{person.user}/{requested.date()}",
		person=person,
		offer=offer,
		requested=requested,
		approved=approved,
		handed=handed,
		rejected=rng.random() < REJECTED_SHARE if rejected is None else rejected,
	)


def last_week(life: Life, community: Community, offers, earned, spent) -> list[Redemption]:
	"""The keenest residents with a login redeem once more in the last week, one at each step: one
	has collected a shop's reward at its counter, one is approved and has not collected yet, and one
	is still waiting for approval today."""
	logins = sorted((person for person in community.people if person.user), key=lambda p: -p.zeal)
	shops = [offer for offer in offers if offer.shop]
	end = life.end
	day = datetime.timedelta(days=1)
	steps = [
		# (requested, approved, handed, what may be asked for)
		(end - 7 * day, end - 6 * day, end - 4 * day, shops),
		(end - 2 * day, end - day, end + 2 * day, offers),
		(end - datetime.timedelta(hours=3), end + day, end + 3 * day, offers),
	]
	redemptions = []
	for requested, approved, handed, wanted in steps:
		for person in logins:
			balance = balance_at(earned[person.resident], spent.get(person.resident, 0), requested)
			# a shop's reward if the points allow
			choice = affordable([offer for offer in wanted if offer.shop], balance) or affordable(
				wanted, balance
			)
			if choice:
				rng = life.rng("volunteering", "redeem-last-week", person.user, requested.date())
				offer = rng.choice(choice)
				redemptions.append(
					new_redemption(life, person, offer, requested, rng, approved, handed, rejected=False)
				)
				spent[person.resident] = spent.get(person.resident, 0) + offer.points
				break
	return redemptions


def redemption_story(life: Life, redemption: Redemption) -> Story:
	story = Story(redemption.key)
	person, offer = redemption.person, redemption.offer
	grid_worker = life.grid_workers[person.building.grid]
	story.then(redemption.requested, person.user, lambda: request(story, person, offer))
	if redemption.rejected:
		return story.then(redemption.approved, grid_worker, lambda: act(story, "Reject", REJECTION))
	story.then(redemption.approved, grid_worker, lambda: act(story, "Approve"))
	if offer.counter:
		return story.then(redemption.handed, offer.counter, lambda: honour(story))
	return story.then(redemption.handed, grid_worker, lambda: act(story, "Fulfil"))


def reward_of(offer: Offer) -> str:
	merchant = merchant_name_of(offer.shop, offer.grid) if offer.shop else ("is", "not set")
	return frappe.db.get_value("Reward", {"reward_name": offer.reward_name, "merchant": merchant})


def request(story: Story, person: Person, offer: Offer):
	# naming the resident: a captain asks for himself as any resident does, though the app lets
	# staff (captains among them) ask on a resident's behalf
	made = points_api.request_redemption(reward=reward_of(offer), resident=person.resident)
	story.state["record"] = ("Reward Redemption", made["name"])


def act(story: Story, action: str, reason: str | None = None):
	points_api.act_on_redemption(story.state["record"][1], action, reason)


def honour(story: Story):
	"""At the counter the resident shows the code the approval gave them."""
	code = frappe.db.get_value("Reward Redemption", story.state["record"][1], "redemption_code")
	counter_api.honour_code(code)


CHAPTER = Volunteering()
