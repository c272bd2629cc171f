"""The street's care visits (关爱走访): a visit plan for each care-tagged resident of the core
households (elders living alone, residents in special care or with a disability, children in
difficulty), drawn up by the grid worker, who visits, or hands the plan to the street's volunteer
in the volunteer's own grid. Visits are quarterly for most of the year and monthly over its last
two months (the plans are switched then); a need found becomes a service request for elder care
that the grid worker dispatches to the volunteer or takes on, and a few visitors fall behind."""

import datetime

import frappe
from community_governance import care as care_rules
from community_governance.api import care as api
from community_governance.api import personal_data as personal_data_api
from community_governance.api import service_request as requests_api
from community_governance.care import visits as care_visits
from community_governance.demo import catalogue, street
from community_governance.demo.life import Chapter, Life, Story

# a grid worker phones ahead of their visits over the last days of the life
CALL_AHEAD_DAYS = 31

PLAN = "Care Visit Plan"
VISIT = "Care Visit"
# the visits of the last two months are monthly, those before quarterly
MONTHLY_DAYS = 61
QUARTER = 88
# a visitor who has fallen behind has not been for this many days
LATE_DAYS = 21
CONDITIONS = (("Good", 0.55), ("Fair", 0.3), ("Poor", 0.12), ("Critical", 0.03))
NEED_CHANCE = 0.03
NEEDS = (
	"需要陪同去医院复诊",
	"家中水龙头漏水，需要上门维修",
	"希望有人代购日常药品和生活用品",
	"冬季取暖器老化，需要更换",
)
NOTES = {
	"Good": "老人精神状态良好，生活能够自理",
	"Fair": "身体状况一般，叮嘱按时服药",
	"Poor": "行动不便，需加强关注",
	"Critical": "身体状况较差，已联系家属",
}


class CareChapter(Chapter):
	name = "care"

	def prepare(self, life: Life):
		catalogue.ensure_catalogue()

	def stories(self, life: Life):
		switch = life.end.date() - datetime.timedelta(days=MONTHLY_DAYS)
		late = late_residents(life)
		for building, resident in care_residents(life):
			key = (building.name, *resident.key)
			yield from resident_stories(life, building, resident, switch, key in late)
		yield reminder_story(life)

	def count(self, life: Life) -> dict[str, int]:
		inside = ("like", f"{street.STREET_CODE}-%")
		return {
			PLAN: frappe.db.count(PLAN, {"community": inside}),
			VISIT: frappe.db.count(VISIT, {"community": inside}),
		}


def reminder_story(life: Life) -> Story:
	"""Today's run of the daily reminder (a scheduled job, so Administrator's): the plans whose
	visit is late are flagged and their visitors told."""
	story = Story(f"care/reminder/{life.end.date().isoformat()}")
	return story.then(life.end, "Administrator", care_visits.remind_overdue_visits)


def care_residents(life: Life):
	for building in life.plan.buildings:
		for resident in building.residents:
			if resident.core and resident.status == "Active" and care_rules.is_care_tagged(resident.tags):
				yield building, resident


def visitor_of(life: Life, building: street.PlannedBuilding, rng) -> str:
	volunteer_grid = next(
		(b.grid for b in life.plan.buildings for r in b.residents if r.user == street.VOLUNTEER), None
	)
	if building.grid == volunteer_grid and rng.random() < 0.5:
		return street.VOLUNTEER
	return life.grid_workers[building.grid]


def late_residents(life: Life) -> set[tuple]:
	"""In each grid the visitor of its first special-care resident has fallen behind: no visit in
	the last three weeks, so the plan is overdue today."""
	late = {}
	for building, resident in care_residents(life):
		if resident.tags.get("special_care"):
			late.setdefault(building.grid, (building.name, *resident.key))
	return set(late.values())


def resident_stories(life: Life, building, resident, switch: datetime.date, late: bool):
	record = life.resident(building, resident)
	rng = life.rng("care", record)
	grid_worker = life.grid_workers[building.grid]
	visitor = visitor_of(life, building, rng)
	# the plans are drawn up over the first months of the life
	start = life.first_day + datetime.timedelta(days=rng.randint(0, min(180, life.days // 2)))
	quarterly = start < switch
	# residents in special care are visited every fortnight once visits step up, the others monthly
	final = "Fortnightly" if resident.tags.get("special_care") else "Monthly"

	plan = Story(f"care/plan/{record}")

	def draw_up():
		doc = frappe.get_doc(
			{
				"doctype": PLAN,
				"resident": record,
				"visitor": visitor,
				"frequency": "Quarterly" if quarterly else final,
				"start_date": str(frappe.utils.getdate()),
				"notes": "定期上门探访，了解生活和健康状况",
			}
		).insert()
		plan.state["record"] = (PLAN, doc.name)

	plan.then(life.at(start, 9), grid_worker, draw_up)
	if quarterly:
		# for the last three months the grid worker steps the plan up to monthly (or fortnightly) visits
		plan.then(life.at(switch, 9), grid_worker, lambda: step_up(record, final))
	yield plan

	days = visit_days(start, switch, life.end.date(), quarterly, care_rules.interval_days(final), rng)
	if late:
		days = [day for day in days if day < life.end.date() - datetime.timedelta(days=LATE_DAYS)]
	for day in days:
		yield visit_story(life, building, resident, record, visitor, grid_worker, day)


def step_up(resident: str, frequency: str):
	doc = frappe.get_doc(PLAN, {"resident": resident, "status": "Active"})
	doc.frequency = frequency
	doc.save()


def visit_days(start, switch, end, quarterly: bool, interval: int, rng) -> list[datetime.date]:
	"""Quarterly visits until the switch, then one every ``interval`` days, each a little early."""
	days = []
	if quarterly:
		day = start + datetime.timedelta(days=QUARTER - rng.randint(0, 4))
		while day < switch:
			days.append(day)
			day += datetime.timedelta(days=QUARTER - rng.randint(0, 4))
		day = switch + datetime.timedelta(days=rng.randint(10, 20))
	else:
		# a first visit when the plan is drawn up
		day = start + datetime.timedelta(days=rng.randint(1, 5))
	while day <= end:
		days.append(day)
		day += datetime.timedelta(days=interval - rng.randint(0, 3))
	return days


def calls_ahead(life, resident, visitor: str, day: datetime.date) -> bool:
	"""A grid worker phones ahead of their visits of the last month, to be sure someone is at home
	(the volunteer is told by the grid worker)."""
	recent = day > life.end.date() - datetime.timedelta(days=CALL_AHEAD_DAYS)
	return recent and visitor != street.VOLUNTEER and bool(resident.phone)


def visit_story(life, building, resident, record: str, visitor: str, grid_worker: str, day) -> Story:
	story = Story(f"care/visit/{record}/{day.isoformat()}")
	rng = life.rng("care", record, day)
	condition = rng.choices([c for c, _w in CONDITIONS], weights=[w for _c, w in CONDITIONS])[0]
	need = rng.choice(NEEDS) if rng.random() < NEED_CHANCE else None
	handler = street.VOLUNTEER if visitor == street.VOLUNTEER else grid_worker

	def log():
		plan = frappe.db.get_value(PLAN, {"resident": record, "status": "Active"})
		result = api.log_visit(
			plan,
			condition,
			notes=NOTES[condition],
			need=need,
			category=catalogue.ELDER_CATEGORY if need else None,
		)
		story.state["record"] = (VISIT, result["name"])
		story.state["request"] = result["service_request"]

	visit_at = life.at(day, rng.uniform(9, 16))
	if calls_ahead(life, resident, visitor, day):
		# the worker phones first, revealing the number: the reveal is logged for the audit report
		def call():
			story.state["record"] = ("Resident", record)
			personal_data_api.reveal_phone(record)

		story.then(visit_at - datetime.timedelta(hours=1), visitor, call)
	story.then(visit_at, visitor, log)
	if need:
		request = lambda: story.state["request"]  # noqa: E731
		story.then(life.at(day, 17), grid_worker, lambda: requests_api.dispatch(request(), handler))
		story.then(
			life.at(day + datetime.timedelta(days=1), 9), handler, lambda: requests_api.accept(request())
		)
		story.then(
			life.at(day + datetime.timedelta(days=2), 15),
			handler,
			lambda: requests_api.resolve(request(), "已上门处理，老人表示满意"),
		)
	return story


CHAPTER = CareChapter()
