"""The street's deliberation (议事): a handful of matters a year raised by the residents of a building
(or phoned in to the grid worker), supported by their neighbours, put to a meeting run by the
community worker, voted on household by household, decided and carried out (a to-do or a service
request for the grid worker), implemented and reviewed. Beside them, the owners of a few compounds
score their property company every quarter (物业服务评议); a low score opens a rectification that the
company's contact takes on."""

import datetime
import math
from dataclasses import dataclass

import frappe
from community_governance.api import deliberation as api
from community_governance.api import service_request as requests_api
from community_governance.demo import catalogue, street
from community_governance.demo import partners as demo_partners
from community_governance.demo.life import Chapter, Life, Story

MATTER = "Deliberation Matter"
MEETING = "Deliberation Meeting"
EVALUATION = "Property Service Evaluation"
# a handful a year (two a community), three in the small month
MATTERS_PER_COMMUNITY = {"full": 2, "small": 3}
# the compounds whose owners score their company: two in the first community, one in the others;
# each evaluates one month a quarter over the last three quarters, the small month the latest
EVALUATED_COMPOUNDS = {1: 2}
EVALUATED_QUARTERS = {"full": 3, "small": 1}
# what rectification requests are filed under when the site has not chosen yet
RECTIFICATION_CATEGORY = "环境卫生"
MEETING_PLACE = "社区党群服务中心议事厅"


@dataclass(frozen=True)
class Topic:
	key: str
	category: str
	title: str
	description: str
	action: str
	# a service request in this category carries the decision out; None: the grid worker's to-do
	request_category: str | None = None
	# the share of households in favour: a lift divides the floors
	support: float = 0.8


TOPICS = (
	Topic(
		"bikes",
		"Parking",
		"规划楼下非机动车停放区",
		"电动车和自行车在楼道口乱停乱放，堵塞消防通道，建议在楼下划定非机动车停放区并加装充电桩。",
		"划线设置非机动车停放区并安装充电桩",
		"停车管理",
	),
	Topic(
		"garden",
		"Greenery",
		"改造楼前闲置绿地为休闲角",
		"楼前绿地长期荒废，建议改造为老人和孩子可以休息的休闲角，增设座椅。",
		"联系绿化养护单位出具改造方案并组织施工",
	),
	Topic(
		"rules",
		"Compound Rules",
		"制定楼道公共区域管理公约",
		"楼道堆物、宠物便溺等问题反复出现，建议全体住户共同制定并签署楼道管理公约。",
		"张贴楼道管理公约并组织住户签名",
	),
	Topic(
		"lights",
		"Other",
		"楼道照明改造",
		"楼道灯老化，夜间照明不足，老人上下楼不便，建议更换为声控节能灯。",
		"更换全部楼层的声控节能灯",
		"公共设施",
	),
	Topic(
		"lift",
		"Lifts",
		"加装电梯意向征集",
		"楼内老人较多，上下楼困难，提议加装电梯，费用按楼层分摊。",
		"委托设计单位出具加装电梯方案",
		support=0.35,
	),
)
CHOICES = ("In Favour", "Opposed", "Abstain")


class DeliberationChapter(Chapter):
	name = "deliberation"

	def prepare(self, life: Life):
		catalogue.ensure_catalogue()
		# the compounds' property companies and their contacts, whom rectifications go to
		demo_partners.ensure_property_companies(life)
		settings = "Community Governance Settings"
		if not frappe.db.get_single_value(settings, "rectification_category"):
			frappe.db.set_single_value(settings, "rectification_category", RECTIFICATION_CATEGORY)

	def stories(self, life: Life):
		for community in communities(life):
			yield from community_matters(life, community)
		for compound, months in evaluated_compounds(life):
			for month in months:
				story = evaluation_story(life, compound, month)
				if story:
					yield story

	def count(self, life: Life) -> dict[str, int]:
		inside = ("like", f"{street.STREET_CODE}-%")
		return {
			MATTER: frappe.db.count(MATTER, {"community": inside}),
			MEETING: frappe.db.count(MEETING, {"community": inside}),
			EVALUATION: frappe.db.count(EVALUATION, {"community": inside}),
		}


def communities(life: Life) -> list[street.PlannedGrid]:
	return [grid for grid in life.plan.grids if grid.level == "Community"]


# --- matters -------------------------------------------------------------------------------------


def logins(building: street.PlannedBuilding) -> list[street.PlannedResident]:
	"""The building's residents who log in, its captain first."""
	found = [r for r in building.residents if r.user and r.status == "Active"]
	return sorted(found, key=lambda r: r is not building.captain)


def voters(building: street.PlannedBuilding) -> list[street.PlannedResident]:
	"""One adult per household, the one who logs in if any."""
	by_household = {}
	for resident in building.residents:
		if resident.status != "Active" or resident.age < 18:
			continue
		current = by_household.get(resident.household)
		if current is None or (resident.user and not current.user):
			by_household[resident.household] = resident
	return list(by_household.values())


def community_matters(life: Life, community: street.PlannedGrid):
	buildings = [
		b
		for b in life.plan.buildings
		if b.grid.startswith(f"{community.code}-") and b.core and logins(b) and len(voters(b)) >= 2
	]
	if not buildings:
		return
	count = MATTERS_PER_COMMUNITY[life.scale]
	rng = life.rng("deliberation", community.code)
	buildings = rng.sample(buildings, len(buildings))
	topics = rng.sample(TOPICS, len(TOPICS))
	# a different building and topic for each matter, as far as the community has them
	for slot in range(count):
		building, topic = buildings[slot % len(buildings)], topics[slot % len(topics)]
		rng = life.rng("deliberation", building.name, topic.key)
		day = life.first_day + datetime.timedelta(
			days=int((slot + 0.4 + rng.random() * 0.5) * life.days / count)
		)
		yield matter_story(life, community, building, topic, day, rng)


def matter_story(life: Life, community, building, topic: Topic, day: datetime.date, rng) -> Story:
	story = Story(f"deliberation/{building.name}/{topic.key}")
	grid_worker = life.grid_workers[building.grid]
	worker = community.responsible_user
	people = logins(building)
	proposer = people[0].user if people else grid_worker
	supporters = [r.user for r in people[1:]]
	electorate = voters(building)
	needed = math.ceil(len(electorate) * 0.5)
	turnout = max(needed, math.ceil(len(electorate) * rng.uniform(0.5, 0.65)))
	ballots = [
		(voter, vote_choice(rng, topic)) for voter in rng.sample(electorate, min(turnout, len(electorate)))
	]

	def at(offset: float, hour: float) -> datetime.datetime:
		return life.at(day + datetime.timedelta(days=offset), hour)

	def matter() -> str:
		return story.state["matter"]

	def meeting() -> str:
		return story.state["meeting"]

	def raise_matter():
		doc = frappe.get_doc(
			{
				"doctype": MATTER,
				"title": topic.title,
				"category": topic.category,
				"description": topic.description,
				"scope_level": "Buildings",
				"buildings": [{"building": building.name}],
				"counting": "Per Household",
				"support_needed": 2,
			}
		).insert()
		story.state["record"] = (MATTER, doc.name)
		story.state["matter"] = doc.name

	def call_meeting():
		doc = frappe.get_doc(
			{
				"doctype": MEETING,
				"title": f"{building.building_name}居民议事会：{topic.title}",
				"meeting_date": at(4, 19),
				"place": MEETING_PLACE,
				"meeting_kind": "Deliberation",
				"community": community.code,
				"invite_households": 1,
				"invite_captains": 1,
				"agenda": [{"matter": matter()}],
			}
		).insert()
		story.state["meeting"] = doc.name

	def sign_in_sheet():
		doc = frappe.get_doc(MEETING, meeting())
		for voter, _choice in ballots:
			doc.append(
				"attendance", {"attendee_type": "Resident", "resident": life.resident(building, voter)}
			)
		doc.save()

	def vote(voter, choice):
		if voter.user:
			return lambda: api.cast_vote(meeting(), matter(), choice)
		return lambda: api.cast_vote(meeting(), matter(), choice, resident=life.resident(building, voter))

	def decide():
		review = frappe.utils.getdate() + datetime.timedelta(days=30)
		result = api.decide(meeting(), matter(), f"同意{topic.action}，由网格员牵头落实。", str(review))
		story.state["passed"] = result["outcome"] == "Passed"

	def plan_action():
		if not story.state.get("passed"):
			return
		due = frappe.utils.getdate() + datetime.timedelta(days=10)
		values = {"assigned_to": grid_worker, "due_date": str(due)}
		if topic.request_category:
			values.update(
				action_type="Service Request", building=building.name, category=topic.request_category
			)
		done = api.add_action(matter(), topic.action, **values)
		story.state["action"] = (done["reference_doctype"], done["reference_name"])

	def carry_out(step: str):
		def act():
			doctype, name = story.state.get("action") or (None, None)
			if doctype == "ToDo" and step == "resolve":
				todo = frappe.get_doc("ToDo", name)
				todo.status = "Closed"
				todo.save()
			elif doctype == "Service Request":
				if step == "accept":
					requests_api.accept(name)
				else:
					requests_api.resolve(name, f"已{topic.action}，现场验收完成")

		return act

	def implemented():
		if story.state.get("passed"):
			api.mark_implemented(matter())

	def reviewed():
		if story.state.get("passed"):
			api.review(matter(), "回访住户，决议已落实，居民总体满意", rng.choice(("Yes", "Yes", "Partly")))

	story.then(at(0, 20), proposer, raise_matter)
	for index, supporter in enumerate(supporters):
		story.then(at(1 + index * 0.5, 12.5), supporter, lambda: api.support(matter()))
	story.then(at(2, 10), worker, call_meeting)
	story.then(at(4, 19), worker, sign_in_sheet)
	for index, (voter, choice) in enumerate(ballots):
		story.then(at(4, 19.5 + index / 60), voter.user or worker, vote(voter, choice))
	story.then(at(4, 21), worker, decide)
	story.then(at(5, 10), worker, plan_action)
	story.then(at(6, 9.5), grid_worker, carry_out("accept"))
	story.then(at(9, 16), grid_worker, carry_out("resolve"))
	story.then(at(12, 10), worker, implemented)
	story.then(at(35, 10), worker, reviewed)
	return story


def vote_choice(rng, topic: Topic) -> str:
	draw = rng.random()
	if draw < topic.support:
		return CHOICES[0]
	return CHOICES[1] if draw < topic.support + (1 - topic.support) * 0.75 else CHOICES[2]


# --- property-service evaluations ------------------------------------------------------------------


def evaluated_compounds(life: Life):
	"""(compound, months) for each evaluated compound: one month a quarter, the latest first."""
	latest = month_start(life.end.date() - datetime.timedelta(days=10))
	for community in communities(life):
		community_no = int(community.code.rsplit("-", 1)[1])
		scored = [
			c for c in life.plan.compounds if c.community == community.code and compound_logins(life, c)
		]
		for index, compound in enumerate(scored[: EVALUATED_COMPOUNDS.get(community_no, 1)]):
			months = [
				add_months(latest, -(index + 3 * quarter))
				for quarter in range(EVALUATED_QUARTERS[life.scale])
			]
			yield compound, months


def compound_logins(life: Life, compound: street.PlannedCompound) -> list[str]:
	buildings = {b.name: b for b in life.plan.buildings}
	return [r.user for name in compound.buildings for r in logins(buildings[name])]


def month_start(day: datetime.date) -> datetime.date:
	return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
	month = day.month - 1 + months
	return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def evaluation_story(life: Life, compound: street.PlannedCompound, period: datetime.date) -> Story | None:
	name = frappe.db.get_value(
		"Compound", {"community": compound.community, "compound_name": compound.compound_name}
	)
	if not name:
		return None
	story = Story(f"evaluation/{name}/{period.isoformat()}")
	rng = life.rng("evaluation", name, period)
	worker = next(g.responsible_user for g in life.plan.grids if g.code == compound.community)
	contact = frappe.db.get_value("Compound", name, "company_contact")
	period_end = add_months(period, 1) - datetime.timedelta(days=1)
	# the worker opens the period in its last days, or as soon as the life allows
	opened = min(
		max(period + datetime.timedelta(days=20), life.first_day),
		life.end.date() - datetime.timedelta(days=6),
	)
	closes = max(opened + datetime.timedelta(days=6), period_end + datetime.timedelta(days=2))
	quality = rng.uniform(2.4, 4.6)
	weak = rng.choice(("cleaning", "security", "greenery", "repairs", "parking"))

	def open_period():
		doc = frappe.get_doc(
			{"doctype": EVALUATION, "compound": name, "cadence": "Monthly", "period_start": str(period)}
		).insert()
		story.state["record"] = (EVALUATION, doc.name)
		story.state["evaluation"] = doc.name

	def score(user: str):
		scorer = life.rng("evaluation", name, period, user)

		def mark(criterion: str) -> int:
			value = quality + scorer.uniform(-1, 1) - (1.5 if criterion == weak else 0)
			return min(5, max(1, round(value)))

		return lambda: api.score_property_service(
			story.state["evaluation"],
			*(mark(criterion) for criterion in ("cleaning", "security", "greenery", "repairs", "parking")),
			comment="希望物业加强管理" if quality < 3 else "总体满意",
		)

	def close():
		api.close_evaluation(story.state["evaluation"])

	def rectify(step: str):
		def act():
			requests = frappe.get_all(
				"Property Service Rectification",
				filters={"parent": story.state["evaluation"], "parenttype": EVALUATION},
				pluck="service_request",
			)
			for request in requests:
				if frappe.db.get_value("Service Request", request, "handler") != contact:
					continue
				if step == "accept":
					requests_api.accept(request)
				else:
					requests_api.resolve(request, "已按评议意见完成整改")

		return act

	story.then(life.at(opened, 9.5), worker, open_period)
	for index, user in enumerate(compound_logins(life, compound)[:2]):
		story.then(life.at(opened + datetime.timedelta(days=1 + index), 20), user, score(user))
	story.then(life.at(closes, 10), worker, close)
	if contact:
		story.then(life.at(closes + datetime.timedelta(days=1), 9), contact, rectify("accept"))
		story.then(life.at(closes + datetime.timedelta(days=5), 16), contact, rectify("resolve"))
	return story


CHAPTER = DeliberationChapter()
