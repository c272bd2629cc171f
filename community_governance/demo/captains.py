"""The building captains' part of the street's life: their patrols (a nil report on most days, now and
then a hazard that becomes a service request and is fixed through the request loop), their
half-yearly evaluations, the notices the community workers post, and the residents who join by
phone for a captain or grid worker to verify.

Every act goes through the app's own calls, as the person who makes it: the captain's patrol calls
of /me/captain, the request loop's API, the notices' and registrations' API, and the evaluation's
controller. Times are spread by generators seeded by what each story is about (a building and a
day, a community and a month...); cadences are counted back from the day the life ends, so the
small scale's month is the last month of the full year.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import frappe
from community_governance import registration as joining
from community_governance.api import notices as notice_api
from community_governance.api import patrol as patrol_api
from community_governance.api import registration as registration_api
from community_governance.api import service_request as request_api
from community_governance.demo import catalogue, street
from community_governance.demo.life import Chapter, Life, Story
from community_governance.utils.periods import period_bounds

# --- patrols --------------------------------------------------------------------------------------

# captains patrol every day of the last week (each as diligent as they are: the week the Patrol
# Coverage report shows), and before that about every eight weeks: one day of each window, on most windows
DAILY_DAYS = 7
WINDOW_DAYS = 56
DILIGENCE = (0.6, 0.95)


@dataclass(frozen=True)
class Findings:
	chance: float  # that a patrol finds a hazard
	# the small scale's month is the tests': the first and last patrol there of each captain who
	# walks most days find one, so that the month shows hazards fixed and hazards still open, and
	# still more nil reports than findings
	first_and_last: bool


# the patrols a captain walks in the small scale's month for their first and last to find a hazard
MARKED_FROM = 5


FINDINGS = {"full": Findings(0.03, False), "small": Findings(0.1, True)}

# what a captain finds: description, severity, request priority
HAZARDS = (
	("楼道堆放纸箱杂物，堵塞消防通道", "Medium", "High"),
	("电动车在楼道内充电，电线从窗口拉出", "High", "Urgent"),
	("灭火器压力不足，已过检验期", "Medium", "High"),
	("消火栓箱门损坏，水带缺失", "Medium", "Medium"),
	("楼梯扶手松动，老人上下楼有危险", "Medium", "High"),
	("地下室积水，配电箱附近潮湿", "High", "Urgent"),
	("外墙瓷砖有脱落迹象，楼下是人行道", "High", "Urgent"),
	("楼道内电线私拉乱接", "High", "High"),
	("单元门口窨井盖破损", "High", "Urgent"),
	("安全出口指示灯不亮", "Low", "Medium"),
	("天台门锁损坏，常有儿童上去玩耍", "Medium", "High"),
	("楼道内有燃气异味，已提醒住户开窗", "High", "Urgent"),
)
RESOLUTION_NOTES = (
	"已到现场处理完毕，拍照留档。",
	"已联系物业维修，现场复查合格。",
	"已清理并向住户宣传消防安全。",
	"已更换配件，隐患消除。",
)
# most hazards are fixed within the category's target (share of its resolution hours), some late;
# a few wait for a contractor or parts, and a few fail the captain's check and are reopened
ON_TIME_SHARE, LATE_SHARE = (0.25, 0.85), (1.1, 2.5)
LATE_CHANCE = 0.2
SLOW_FIX = (0.1, (96, 240))
REOPEN_CHANCE = 0.12
HANDLER_WEIGHTS = {"grid": 6, "community": 2, "volunteer": 2}

# --- evaluations ----------------------------------------------------------------------------------

HALVES = ("H1", "H2")
EVALUATION_COMMENTS = {
	5: "巡查认真，隐患发现及时，居民评价好。",
	4: "能坚持巡查，工作踏实。",
	3: "巡查次数偏少，希望多下楼走走。",
}

# --- notices --------------------------------------------------------------------------------------

MONTH_DAYS = 30
NOTICES_PER_MONTH = (1, 1, 2)  # a community worker's, in each month of the life
COMMUNITY_WIDE = 0.2  # the rest go to one grid
# the newest notice of a month is at least this old, so that its readers have read it by today
NOTICE_MARGIN_DAYS = 3
NOTICE_READERS = (1, 2)  # of the residents with a login it reaches, how many open it soon
NOTICES = (
	("停水通知", "因供水管网检修，{day}8:00至17:00停水，请各位居民提前储水。", 1),
	("消防安全检查通知", "{day}起，社区将联合物业入户检查消防安全，请家中留人配合。", 1),
	("燃气安全入户检查", "燃气公司将于{day}入户检查燃气管道和报警器，请居民配合。", 1),
	("电梯维保通知", "{day}上午电梯停运维保，请居民合理安排出行。", 1),
	("垃圾分类宣传周", "{day}起开展垃圾分类宣传周，欢迎居民到社区广场参加活动。", 0),
	("老年人免费体检", "社区卫生服务中心将于{day}为65岁以上老人免费体检，请携带身份证。", 0),
	("文明养犬倡议", "请养犬居民出门牵绳、及时清理犬只粪便，共建文明社区。", 0),
	("社区议事会通知", "{day}晚7点在社区活动室召开议事会，欢迎居民参加。", 0),
)
NOTICE_DAYS_ON = 21

# --- registrations --------------------------------------------------------------------------------

REGISTRATIONS_PER_MONTH = {
	"full": (0, 1, 1),
	"small": (3,),
}  # a community's; approving one costs a second (a new User)
REJECTED_SHARE = 0.25
# a verifier decides a registration on their next round, after checking it against the register
DECISION_DAYS = (2, 5)
REJECTION_REASONS = (
	"该房号登记的住户与申请人不符，请到社区居委会核实身份后重新注册。",
	"本楼栋没有该住户的登记信息，请联系网格员上门登记。",
)
# people who do not live where they say they do
STRANGER_NAMES = ("陈志明", "刘海燕", "王建新", "张丽萍", "赵永强", "孙晓梅", "周立军", "吴秀芳")


@dataclass(frozen=True)
class Captain:
	building: street.PlannedBuilding
	user: str
	diligence: float

	@property
	def community(self) -> str:
		return self.building.grid.rsplit("-", 1)[0]


class CaptainsChapter(Chapter):
	name = "captains"

	def prepare(self, life: Life) -> None:
		catalogue.ensure_catalogue()

	def stories(self, life: Life) -> Iterator[Story]:
		captains = planned_captains(life)
		for captain in captains:
			yield from patrol_stories(life, captain)
		for captain in captains:
			yield from evaluation_stories(life, captain)
		yield from notice_stories(life)
		yield from registration_stories(life)

	def count(self, life: Life) -> dict[str, int]:
		inside = ("like", f"{street.STREET_CODE}-%")
		logs = frappe.get_all("Patrol Log", filters={"building": inside}, pluck="name")
		finding = frappe.qb.DocType("Patrol Finding")
		findings = (
			frappe.qb.from_(finding)
			.select(finding.name)
			.where((finding.parenttype == "Patrol Log") & finding.parent.isin(logs or [""]))
			.run(pluck=True)
		)
		return {
			"Patrol Log": len(logs),
			"Patrol Finding": len(findings),
			"Captain Evaluation": frappe.db.count(
				"Captain Evaluation", {"community": inside, "docstatus": 1}
			),
			"Community Notice": frappe.db.count(
				"Community Notice", {"owner": ("like", f"%@{street.DOMAIN}")}
			),
			"Resident Registration": frappe.db.count("Resident Registration", {"building": inside}),
		}


def planned_captains(life: Life) -> list[Captain]:
	return [
		Captain(
			building, building.captain.user, life.rng("diligence", building.captain.user).uniform(*DILIGENCE)
		)
		for building in life.plan.buildings
		if building.captain and building.captain.user
	]


def day_ago(life: Life, days: int) -> datetime.date:
	return life.end.date() - datetime.timedelta(days=days)


def working_moment(life: Life, moment: datetime.datetime, rng) -> datetime.datetime:
	"""The moment, or the next working morning when it falls in the evening or at night."""
	if moment.hour < 8:
		return life.at(moment.date(), 8 + rng.uniform(0, 1.5))
	if moment.hour >= 19:
		return life.at(moment.date() + datetime.timedelta(days=1), 8 + rng.uniform(0, 1.5))
	return moment


def awake(life: Life, moment: datetime.datetime, rng) -> datetime.datetime:
	"""The moment, or the next morning when it falls in the night."""
	if moment.hour < 7:
		return life.at(moment.date(), 7 + rng.uniform(0, 2))
	if moment.hour >= 22:
		return life.at(moment.date() + datetime.timedelta(days=1), 7 + rng.uniform(0, 2))
	return moment


# --- patrols --------------------------------------------------------------------------------------


def patrol_days(life: Life, captain: Captain) -> list[datetime.date]:
	"""The days the captain patrols, oldest first: each of the last two weeks they are diligent on,
	and before that one day of each fortnight or so, when not skipped."""
	days = []
	for ago in range(DAILY_DAYS):
		day = day_ago(life, ago)
		if (
			day >= life.first_day
			and life.rng("patrols", captain.building.name, day).random() < captain.diligence
		):
			days.append(day)
	window = 0
	while True:
		newest = DAILY_DAYS + window * WINDOW_DAYS
		if day_ago(life, newest) < life.first_day:
			break
		rng = life.rng("patrols", captain.building.name, day_ago(life, newest))
		day = day_ago(life, newest + rng.randrange(WINDOW_DAYS))
		if day >= life.first_day and rng.random() < captain.diligence:
			days.append(day)
		window += 1
	return sorted(days)


def patrol_stories(life: Life, captain: Captain) -> Iterator[Story]:
	findings = FINDINGS[life.scale]
	moments = [patrol_moment(life, captain, day) for day in patrol_days(life, captain)]
	lived = [moment for moment in moments if moment <= life.end]
	marked = {lived[0], lived[-1]} if findings.first_and_last and len(lived) >= MARKED_FROM else set()
	for moment in moments:
		rng = life.rng("patrol", captain.building.name, moment.date())
		story = Story(f"patrol/{captain.building.name}/{moment.date()}")
		if moment in marked or rng.random() < findings.chance:
			plan_finding(life, story, captain, moment, rng)
		else:
			story.then(moment, captain.user, nil_report(story, captain.building.name))
		yield story


def patrol_moment(life: Life, captain: Captain, day: datetime.date) -> datetime.datetime:
	"""Most captains walk their building in the morning, some after supper."""
	rng = life.rng("patrol-time", captain.building.name, day)
	hour = rng.uniform(7, 10.5) if rng.random() < 0.75 else rng.uniform(18, 20)
	return life.at(day, hour)


def nil_report(story: Story, building: str):
	def act():
		sent = patrol_api.send_nil_report(building)
		story.state["record"] = ("Patrol Log", sent["patrol_log"])

	return act


def plan_finding(life: Life, story: Story, captain: Captain, moment: datetime.datetime, rng):
	"""A hazard logged on the patrol as a request, dispatched by the grid worker, fixed by whoever it
	went to and checked by the captain, who may find it not fixed and reopen it."""
	description, severity, priority = rng.choice(HAZARDS)
	response_hours, resolution_hours = hazard_targets(priority)
	building = captain.building
	grid_worker = life.grid_workers[building.grid]
	handler = choose_handler(life, building, rng)
	story.then(moment, captain.user, log_finding(story, building.name, description, severity, priority))
	at = moment
	rounds = 2 if rng.random() < REOPEN_CHANCE else 1
	for round_no in range(rounds):
		# an urgent hazard is seen to at once, whatever the hour; the rest on the next working morning
		dispatched = at + datetime.timedelta(hours=rng.uniform(0.1, 0.6) * response_hours)
		at = dispatched if priority == "Urgent" else working_moment(life, dispatched, rng)
		story.then(at, grid_worker, on_request(story, request_api.dispatch, assignee=handler))
		at += datetime.timedelta(hours=rng.uniform(0.1, 0.3) * response_hours)
		story.then(at, handler, on_request(story, request_api.accept))
		if round_no == 0 and rng.random() < SLOW_FIX[0]:
			fixed = at + datetime.timedelta(hours=rng.uniform(*SLOW_FIX[1]))
		else:
			share = LATE_SHARE if rng.random() < LATE_CHANCE else ON_TIME_SHARE
			fixed = max(at, moment + datetime.timedelta(hours=rng.uniform(*share) * resolution_hours))
			fixed += datetime.timedelta(hours=0.5)
		at = fixed if priority == "Urgent" else working_moment(life, fixed, rng)
		story.then(at, handler, on_request(story, request_api.resolve, note=rng.choice(RESOLUTION_NOTES)))
		at = working_moment(life, at + datetime.timedelta(hours=rng.uniform(2, 30)), rng)
		if round_no < rounds - 1:
			rating = dict(rating=2, solved=0, comment="复查发现问题还在，请再处理一次。")
		else:
			rating = dict(rating=rng.choice((4, 5, 5)), solved=1, comment="已复查，隐患已消除。")
		story.then(at, captain.user, on_request(story, request_api.rate, **rating))


def hazard_targets(priority: str) -> tuple[float, float]:
	"""The hazard category's response and resolution hours for the priority."""
	category = next(c for c in catalogue.CATEGORIES if c.name == catalogue.HAZARD_CATEGORY)
	return category.targets[priority]


def choose_handler(life: Life, building: street.PlannedBuilding, rng) -> str:
	"""Small matters stay in the grid: mostly its worker, else the community's or a volunteer of the
	grid (who earns the hazard's points)."""
	choices = {
		"grid": life.grid_workers[building.grid],
		"community": life.grid_workers[building.grid.rsplit("-", 1)[0]],
	}
	volunteers = grid_volunteers(life).get(building.grid)
	if volunteers:
		choices["volunteer"] = rng.choice(volunteers)
	kinds = list(choices)
	return choices[rng.choices(kinds, weights=[HANDLER_WEIGHTS[kind] for kind in kinds])[0]]


def grid_volunteers(life: Life) -> dict[str, list[str]]:
	found = {}
	for building in life.plan.buildings:
		for resident in building.residents:
			user = life.plan.users.get(resident.user) if resident.user else None
			if user and "Volunteer" in user.roles:
				found.setdefault(building.grid, []).append(user.email)
	return found


def log_finding(story: Story, building: str, description: str, severity: str, priority: str):
	def act():
		found = patrol_api.log_finding(
			building,
			"Hazard",
			description,
			severity=severity,
			needs_handling=1,
			category=catalogue.HAZARD_CATEGORY,
			priority=priority,
		)
		story.state["record"] = ("Patrol Log", found["patrol_log"])
		story.state["request"] = found["service_request"]

	return act


def on_request(story: Story, call, **values):
	def act():
		call(story.state["request"], **values)

	return act


# --- evaluations ----------------------------------------------------------------------------------


def halves_to_evaluate(life: Life) -> list[tuple[int, str]]:
	"""The half-years lived whole that have ended; at least the latest one ended (the small scale's
	month evaluates the half-year before it, late)."""
	ended = []
	for year in range(life.first_day.year - 1, life.end.year + 1):
		for half in HALVES:
			start, end = period_bounds(year, half)
			if end < life.end.date():
				ended.append((year, half, start))
	whole = [(year, half) for year, half, start in ended if start >= life.first_day]
	return whole or [ended[-1][:2]]


def evaluation_stories(life: Life, captain: Captain) -> Iterator[Story]:
	worker = life.grid_workers[captain.community]
	for year, half in halves_to_evaluate(life):
		rng = life.rng("evaluation", captain.user, year, half)
		period_end = period_bounds(year, half)[1]
		day = max(period_end, life.first_day) + datetime.timedelta(days=rng.randint(3, 15))
		rating = max(3, min(5, round(1 + 4 * captain.diligence + rng.uniform(-0.6, 0.6))))
		story = Story(f"captain-evaluation/{captain.building.name}/{year}-{half}")
		story.then(
			life.at(day, rng.uniform(9, 16)), worker, evaluate(story, captain.user, year, half, rating)
		)
		yield story


def evaluate(story: Story, captain_user: str, year: int, half: str, rating: int):
	def act():
		captaincy = frappe.db.get_value("Building Captain", {"user": captain_user, "status": "Active"})
		doc = frappe.get_doc(
			{
				"doctype": "Captain Evaluation",
				"captain": captaincy,
				"year": year,
				"period": half,
				"worker_rating": rating,
				"worker_comment": EVALUATION_COMMENTS[rating],
			}
		).insert()
		doc.submit()
		story.state["record"] = ("Captain Evaluation", doc.name)

	return act


# --- notices --------------------------------------------------------------------------------------


def months(life: Life) -> Iterator[int]:
	"""The months of the life, counted back from its end: month 0 is its last thirty days."""
	month = 0
	while day_ago(life, month * MONTH_DAYS) >= life.first_day:
		yield month
		month += 1


def notice_stories(life: Life) -> Iterator[Story]:
	communities = [grid for grid in life.plan.grids if grid.level == "Community"]
	for community in communities:
		grids = [grid.code for grid in life.plan.grids if grid.parent_grid == community.code]
		for month in months(life):
			rng = life.rng("notices", community.code, day_ago(life, month * MONTH_DAYS))
			count = rng.choice(NOTICES_PER_MONTH)
			for index in range(count):
				# spread over the month, the newest a few days old
				span = MONTH_DAYS - 2 * NOTICE_MARGIN_DAYS
				ago = month * MONTH_DAYS + NOTICE_MARGIN_DAYS + (index + rng.random()) * span / count
				moment = life.at(day_ago(life, int(ago)), rng.uniform(9, 11.5))
				if moment.date() < life.first_day:
					continue
				audience = community.code if rng.random() < COMMUNITY_WIDE else rng.choice(grids)
				yield notice_story(life, community.responsible_user, audience, moment, rng)


def notice_story(life: Life, worker: str, audience: str, moment: datetime.datetime, rng) -> Story:
	title, body, confirm = rng.choice(NOTICES)
	story = Story(f"notice/{audience}/{moment.date()}")
	event_day = moment.date() + datetime.timedelta(days=rng.randint(2, 6))
	text = body.format(day=f"{event_day.month}月{event_day.day}日")
	story.then(moment, worker, post_notice(story, audience, title, text, confirm, moment))
	readers = readers_of(life, audience)
	for reader in rng.sample(readers, min(len(readers), rng.randint(*NOTICE_READERS))):
		read_at = awake(life, moment + datetime.timedelta(hours=rng.uniform(0.5, 36)), rng)
		story.then(read_at, reader, read_notice(story, confirm))
	return story


def readers_of(life: Life, audience: str) -> list[str]:
	"""The residents with a login the notice reaches (its buildings' active residents)."""
	return [
		resident.user
		for building in life.plan.buildings
		if building.grid == audience or building.grid.startswith(f"{audience}-")
		for resident in building.residents
		if resident.user and resident.status == "Active"
	]


def post_notice(story: Story, audience: str, title: str, body: str, confirm: int, moment):
	level = "Community" if audience.count("-") == 1 else "Grid"

	def act():
		doc = frappe.get_doc(
			{
				"doctype": "Community Notice",
				"title": title,
				"body": f"<p>{body}</p>",
				"audience": level,
				"community": audience if level == "Community" else audience.rsplit("-", 1)[0],
				"grid": audience if level == "Grid" else None,
				"requires_confirmation": confirm,
				"publish_on": moment,
				"expires_on": moment + datetime.timedelta(days=NOTICE_DAYS_ON),
			}
		).insert()
		doc.submit()  # submitting publishes it
		story.state["record"] = ("Community Notice", doc.name)

	return act


def read_notice(story: Story, confirm: int):
	def act():
		notice = story.state["record"][1]
		if confirm:
			notice_api.confirm_read(notice)
		else:
			notice_api.mark_read(notice)

	return act


# --- registrations --------------------------------------------------------------------------------


def registration_stories(life: Life) -> Iterator[Story]:
	"""A few residents a month join by phone: most are on the register and are approved, some are not
	and are turned down; the newest of each month waits for its verifier's next round."""
	taken = set()
	communities = [grid.code for grid in life.plan.grids if grid.level == "Community"]
	for community in communities:
		buildings = [b for b in life.plan.buildings if b.grid.startswith(f"{community}-")]
		for month in months(life):
			rng = life.rng("registrations", community, day_ago(life, month * MONTH_DAYS))
			count = rng.choice(REGISTRATIONS_PER_MONTH[life.scale])
			kinds = ["reject" if rng.random() < REJECTED_SHARE else "approve" for _ in range(count)]
			if life.scale == "small":
				# the tests' month holds each outcome: one approved, one turned down, one waiting
				kinds = ["approve", "reject", "approve"][:count]
			for index, kind in enumerate(kinds):
				# the first of a month in its last two days, still waiting; the others early enough
				# to be decided by the end, as the verifier's round may fall on the next morning.
				# People register from their phones at any hour
				low, high = (0.2, 1.8) if index == 0 else (DECISION_DAYS[1] + 2, MONTH_DAYS - 1)
				moment = life.end - datetime.timedelta(days=month * MONTH_DAYS + rng.uniform(low, high))
				if moment.date() < life.first_day:
					continue
				story = registration_story(life, buildings, kind, moment, rng, taken)
				if story:
					yield story


def joinable(building: street.PlannedBuilding, taken: set) -> list[street.PlannedResident]:
	"""The building's residents on the register who may join: adults at home with a phone and no login."""
	return [
		resident
		for resident in building.residents
		if resident.status == "Active"
		and not resident.user
		and resident.phone
		and 18 <= resident.age <= 75
		and resident.phone not in taken
	]


def registration_story(life: Life, buildings: list, kind: str, moment, rng, taken: set) -> Story | None:
	if kind == "approve":
		buildings = [building for building in buildings if joinable(building, taken)]
		if not buildings:
			return None
		building = rng.choice(buildings)
		person = rng.choice(joinable(building, taken))
		name, mobile, unit, room = person.full_name, person.phone, person.unit, person.room
	else:
		building = rng.choice(buildings)
		name = rng.choice(STRANGER_NAMES)
		mobile = f"199{rng.randrange(10**8):08d}"
		unit = building.units[0].unit_name
		room = rng.choice(building.units[0].rooms)
	if mobile in taken:
		return None
	taken.add(mobile)
	verifier = building.captain.user if building.captain else life.grid_workers[building.grid]
	story = Story(f"registration/{building.name}/{mobile}")
	story.then(moment, "Guest", register(story, name, mobile, building.name, unit, room))
	decided = working_moment(life, moment + datetime.timedelta(days=rng.uniform(*DECISION_DAYS)), rng)
	if kind == "approve":
		story.then(decided, verifier, approve(story))
	else:
		story.then(decided, verifier, reject(story, rng.choice(REJECTION_REASONS)))
	return story


def register(story: Story, name: str, mobile: str, building: str, unit: str, room: str):
	def act():
		# the person's phone is set to Chinese, as the street's people read it
		previous, frappe.local.lang = frappe.local.lang, street.LANGUAGE
		try:
			made = registration_api.register(
				name, mobile, building, room, street.PASSWORD, consent=1, unit=unit
			)
		finally:
			frappe.local.lang = previous
		story.state["record"] = (joining.REGISTRATION, made["registration"])

	return act


def approve(story: Story):
	"""The verifier matches the registration to the resident the register suggests by name."""

	def act():
		registration = story.state["record"][1]
		suggested = registration_api.suggest_residents(registration)
		match = next((row["name"] for row in suggested if frappe._("Name") in row["matches"]), None)
		registration_api.approve(registration, match)

	return act


def reject(story: Story, reason: str):
	def act():
		registration_api.reject(story.state["record"][1], reason)

	return act


CHAPTER = CaptainsChapter()
