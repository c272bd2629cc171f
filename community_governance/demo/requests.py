"""The street's service requests through the year: practical matters (实事), micro-wishes (微心愿) and
everyday requests, filed through every channel a street has and lived to the end of their loop.

Residents with a login file from the resident app (its web form or the phone's API); grid workers
file what residents without one phone in or bring to the office; the community worker files the
tickets the 12345 hotline hands over, already dispatched; captains file the matters of their
building. The community or grid worker dispatches, the handler accepts and resolves, the resident
rates (or a worker other than the handler calls back); the micro-wishes grid workers and captains
hear of in a week are posted on the board together on Friday, and claimed from it by the volunteer
or a grid worker. Some requests are rejected, some reopened and resolved again, some
answered late and escalated by the scheduler's sweep; the last days leave requests waiting at every
state, and one left alone long enough to be escalated to the street.

Deadlines run on working hours (09:00-18:00, Monday to Friday, outside public holidays). Whether a
request is late, rejected or reopened is decided by a rotating pattern over the days, not by chance
alone, so that the rates of a month are as steady as those of a year.
"""

import datetime
import math
import zlib
from dataclasses import dataclass, field
from datetime import timedelta

import frappe
from community_governance import escalation, sla, tasks, work_calendar
from community_governance.api import service_request as api
from community_governance.demo import catalogue, life, street
from frappe.website.doctype.web_form.web_form import accept as web_form_accept

DOCTYPE = "Service Request"
SETTINGS = "Community Governance Settings"
WEB_FORM = "service-request"
WORKING_HOURS = {
	"sla_clock": "Working Hours",
	"working_days": "1,2,3,4,5",
	"work_day_start": "09:00:00",
	"work_day_end": "18:00:00",
}

# the statutory public holidays (the Spring Festival, Qingming, Labour Day, Dragon Boat, Mid-Autumn
# and National Day breaks) of the years the demo's life can span; 2027's are the expected dates
HOLIDAYS = {
	"春节": (("2025-01-28", 8), ("2026-02-15", 9), ("2027-02-05", 8)),
	"清明节": (("2025-04-04", 3), ("2026-04-04", 3), ("2027-04-03", 3)),
	"劳动节": (("2025-05-01", 5), ("2026-05-01", 5), ("2027-05-01", 5)),
	"端午节": (("2025-05-31", 3), ("2026-06-19", 3), ("2027-06-09", 3)),
	"中秋节": (("2025-10-06", 1), ("2026-09-25", 3), ("2027-09-15", 3)),
	"国庆节": (("2025-10-01", 8), ("2026-10-01", 7), ("2027-10-01", 7)),
}
SPRING_FESTIVAL = {2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06"}

# when the scheduler's sweep is seen to act: the first of these hours after a missed deadline
SWEEP_HOURS = (9.5, 13.5, 17.5)


@dataclass(frozen=True)
class Template:
	category: str
	subject: str
	description: str
	note: str  # what the handler reports when resolving
	rainy: bool = False  # more of these in the rainy season


MATTERS = (
	Template(
		"房屋维修",
		"楼顶渗漏",
		"下雨时顶楼天花板渗水，墙皮脱落。",
		"已联系维修队重做防水层，雨后复查无渗漏。",
		True,
	),
	Template("房屋维修", "下水管堵塞", "一楼下水道返水，厨房地漏冒水。", "已疏通主管道并清理化粪井。", True),
	Template("公共设施", "楼道灯不亮", "三到五楼楼道灯坏了，晚上上下楼看不清。", "已更换声控灯三只。"),
	Template("公共设施", "单元门禁损坏", "单元门禁刷卡没反应，门关不上。", "已更换门禁控制器并调试。"),
	Template("公共设施", "加装楼梯扶手", "楼里老人多，希望在楼梯加装扶手。", "已在一到六楼加装不锈钢扶手。"),
	Template("绿化养护", "树枝遮挡窗户", "楼前大树枝叶伸进窗户，家里采光差还有虫。", "已修剪树枝并清运。"),
	Template(
		"绿化养护",
		"雨后倒伏树木",
		"暴雨后小区里一棵树倒在路边，挡住通道。",
		"已锯断清运倒伏树木并扶正加固。",
		True,
	),
	Template(
		"环境卫生", "雨水井堵塞积水", "小区路口雨水井堵了，一下雨就积水。", "已清掏雨水井并疏通管道。", True
	),
	Template(
		"为老服务", "助浴助餐申请", "独居老人行动不便，希望安排助餐服务。", "已登记老年助餐，每天送餐上门。"
	),
)
WISHES = (
	Template("微心愿", "想要一台收音机", "老人眼睛不好，想听广播戏曲。", "已送上收音机并教会使用。"),
	Template(
		"微心愿", "陪同去医院复查", "子女不在身边，下周要去医院复查，希望有人陪同。", "已陪同就医并取药送回。"
	),
	Template(
		"微心愿", "学用智能手机视频", "想学会用手机和外地子女视频通话。", "已上门教学，老人已学会视频通话。"
	),
	Template("微心愿", "需要一副老花镜", "老花镜坏了，看报纸困难。", "已验光配镜送上门。"),
	Template("微心愿", "孩子想要课外书", "孩子喜欢看书，希望有一套课外读物。", "已送上一套儿童读物。"),
	Template("微心愿", "希望有人上门理发", "腿脚不便出不了门，想理个发。", "已安排志愿者上门理发。"),
	Template("微心愿", "想要一个助行器", "走路不稳，想要一个助行器。", "已送上助行器并调好高度。"),
	Template(
		"微心愿", "换一个新电饭煲", "家里电饭煲坏了，希望换一个简单好用的。", "已送上新电饭煲并讲解使用。"
	),
	Template("微心愿", "帮忙打扫房间", "年纪大了打扫不动，想请人帮忙大扫除。", "已组织志愿者上门打扫。"),
)
EVERYDAY = (
	Template(
		"环境卫生", "垃圾没有及时清运", "垃圾桶满了两天没人清运，有异味。", "已通知保洁公司清运并增加频次。"
	),
	Template("停车管理", "车辆占用消防通道", "有车长期停在消防通道上。", "已联系车主挪车并张贴提示。"),
	Template("噪音扰民", "夜间装修噪音", "楼上晚上十点后还在装修。", "已上门提醒，住户承诺晚上不再施工。"),
	Template(
		"邻里纠纷",
		"楼上漏水到楼下",
		"楼上卫生间漏水到我家，协商不成。",
		"已组织双方协商，楼上已修好防水。",
		True,
	),
	Template("公共设施", "健身器材损坏", "小区健身器材螺丝松动有危险。", "已紧固螺丝并更换损坏部件。"),
	Template("环境卫生", "楼道堆放杂物", "楼道里堆满纸箱，影响通行。", "已联系住户清理楼道杂物。"),
)
# why a request is turned down, said to the resident
REJECTIONS = (
	"属于物业服务合同范围，已告知居民联系物业服务中心处理。",
	"属于燃气公司职责，已提供燃气公司报修电话。",
	"已与前一工单合并处理。",
)
FOLLOW_UP = "电话回访，居民表示满意。"


@dataclass(frozen=True)
class Kind:
	key: str
	per_year: int  # per community
	templates: tuple
	request_type: str = "Request"


KINDS = (
	Kind("matter", 65, MATTERS),
	Kind("wish", 158, WISHES, "Micro-wish"),
	Kind("everyday", 20, EVERYDAY),
)
# how each kind reaches the community: channel -> weight ("Captain" is a captain filing)
CHANNELS = {
	"matter": {"Resident App": 30, "Phone": 25, "Walk-in": 20, "12345 Hotline": 15, "Captain": 10},
	"wish": {"Resident App": 15, "Phone": 25, "Walk-in": 35, "Captain": 25},
	"everyday": {"Resident App": 40, "Phone": 30, "Walk-in": 15, "12345 Hotline": 15},
}
PRIORITIES = {"Low": 15, "Medium": 70, "High": 15}
# of every so many requests: one answered late, one resolved late, one reopened, one rated low but
# solved, one rejected (everyday requests only); co-prime with the 7 days of the week
LATE_RESPONSE, LATE_RESOLUTION, REOPENED, LOW_BUT_SOLVED, REJECTED = 27, 29, 31, 37, 11
# and, of the requests filed before the last month, one reopened whose resident has not answered
# since the rework, so that its latest answer is still "not solved": the street's resolution rate is
# not all but a few per cent (the last month's reworks are still to be answered anyway)
NOT_ANSWERED_AGAIN = 23
NOT_ANSWERED_BEFORE_DAYS = 30


@dataclass
class Place:
	"""Who is who in one community."""

	community: str
	worker: str
	grid_workers: dict  # grid -> user
	app_users: list  # (building, resident record, user) of residents with a login
	captains: list  # (building, user)
	residents: dict  # building -> [(resident record, age)] of residents without a login
	buildings: list


@dataclass
class Ref:
	"""Where a story keeps the name of one of its requests, once filed."""

	story: life.Story
	key: str

	@property
	def name(self) -> str:
		return self.story.state[self.key]


@dataclass
class Filing:
	key: str
	kind: Kind
	template: Template
	channel: str
	filer: str
	building: str
	grid: str
	requester: str | None
	requester_user: str | None
	priority: str
	at: datetime.datetime
	targets: sla.Targets = field(default=None)


class RequestsChapter(life.Chapter):
	name = "requests"

	def prepare(self, lived: life.Life) -> None:
		catalogue.ensure_catalogue()
		ensure_holidays()
		ensure_working_hours()

	def stories(self, lived: life.Life):
		working = work_calendar.working_time()
		planner = Planner(lived, working)
		for place in places(lived):
			for kind in KINDS:
				for day in lived.each_day():
					yield from planner.day_of(place, kind, day)
			yield from planner.wish_boards(place)
			yield from planner.waiting_today(place)
		yield from planner.sweeps()

	def count(self, lived: life.Life) -> dict[str, int]:
		inside = ("like", f"{street.STREET_CODE}-%")
		return {
			"Service Request": frappe.db.count(DOCTYPE, {"community": inside, "request_type": "Request"}),
			"Micro-wish": frappe.db.count(DOCTYPE, {"community": inside, "request_type": "Micro-wish"}),
		}


# --- timeless records -------------------------------------------------------------------------


def ensure_holidays():
	for description, breaks in HOLIDAYS.items():
		for first, days in breaks:
			start = frappe.utils.getdate(first)
			for offset in range(days):
				day = start + timedelta(days=offset)
				if not frappe.db.exists("Public Holiday", day):
					frappe.get_doc(
						{"doctype": "Public Holiday", "holiday_date": day, "description": description}
					).insert(ignore_permissions=True)


def ensure_working_hours():
	"""Deadlines count working hours, 09:00 to 18:00 on weekdays. The times are set whatever they
	were: a fresh site may hold the install moment in both, a working day of no hours at all."""
	settings = frappe.get_single(SETTINGS)
	if all(same_setting(settings.get(field), value) for field, value in WORKING_HOURS.items()):
		return
	settings.update(WORKING_HOURS)
	settings.save(ignore_permissions=True)


def same_setting(current, wanted: str) -> bool:
	if wanted[:2].isdigit() and ":" in wanted:
		return bool(current) and frappe.utils.get_time(current) == frappe.utils.get_time(wanted)
	return current == wanted


# --- who is who ----------------------------------------------------------------------------------


def places(lived: life.Life) -> list[Place]:
	kinds = {user.email: user.kind for user in lived.plan.users.values()}
	found = {}
	for grid in lived.plan.grids:
		if grid.level == "Community":
			found[grid.code] = Place(grid.code, grid.responsible_user, {}, [], [], {}, [])
	for grid in lived.plan.grids:
		if grid.level == "Grid":
			found[grid.parent_grid].grid_workers[grid.code] = grid.responsible_user
	for building in lived.plan.buildings:
		place = found[building.grid.rsplit("-", 1)[0]]
		place.buildings.append(building)
		if building.captain:
			place.captains.append((building, building.captain.user))
		for resident in building.residents:
			if resident.status != "Active":
				continue
			record = lived.resident(building, resident)
			if resident.user and kinds.get(resident.user) in ("Resident", "Volunteer"):
				place.app_users.append((building, record, resident.user))
			elif not resident.user and resident.age >= 18:
				place.residents.setdefault(building.name, []).append((record, resident.age))
	return list(found.values())


# --- the plan ------------------------------------------------------------------------------------


def pattern(period: int, *parts) -> bool:
	"""One in ``period`` of the requests, spread evenly over the days whatever the scale."""
	day, n, *salt = parts
	return (day.toordinal() * 7 + n * 3 + zlib.crc32("/".join(map(str, salt)).encode())) % period == 0


def poisson(rng, mean: float) -> int:
	limit, count, product = math.exp(-mean), 0, rng.random()
	while product > limit:
		count += 1
		product *= rng.random()
	return count


def season(kind: Kind, day: datetime.date, rainy: bool = False) -> float:
	"""How busy a day is: quiet around the Spring Festival and at weekends, busy in the rainy
	season (June and July) with leaks and drains; micro-wishes are collected before the festival."""
	factor = 0.7 if day.weekday() >= 5 else 1.1
	festival = frappe.utils.getdate(SPRING_FESTIVAL.get(day.year, f"{day.year}-02-10"))
	from_festival = (day - festival).days
	if -3 <= from_festival <= 7:
		factor *= 0.25
	elif kind.key == "wish" and -30 <= from_festival < -3:
		factor *= 1.8
	if day.month in (6, 7) and kind.key != "wish":
		factor *= 1.7 if rainy else 1.3
	return factor


class Planner:
	def __init__(self, lived: life.Life, working):
		self.life, self.working = lived, working
		self.sweep_at = set()
		self.collected = {}  # (community, posted) -> the week's micro-wishes collected by staff
		self.volunteer = street.VOLUNTEER
		year = [lived.end.date() - timedelta(days=offset) for offset in range(365)]
		# each kind's daily rate over the year that ends with the life, the same at every scale
		self.scale_of = {kind.key: kind.per_year / sum(season(kind, day) for day in year) for kind in KINDS}

	# --- time ---

	def after(self, start, hours: float) -> datetime.datetime:
		return sla.add_hours(start, hours, self.working)

	def before_end(self, hours: float) -> datetime.datetime:
		"""``hours`` working hours before the life's end."""
		moment, left, step = self.life.end, hours, timedelta(minutes=15)
		while left > 0:
			moment -= step
			if self.is_working(moment):
				left -= 0.25
		return moment

	def is_working(self, moment) -> bool:
		if self.working is None:
			return True
		return self.working.is_working_day(moment.date()) and (
			self.working.day_start <= moment.time() < self.working.day_end
		)

	def sweep_after(self, due) -> datetime.datetime:
		"""The scheduler's first sweep seen after ``due``; noted so it is planned."""
		day = due.date()
		while True:
			for hour in SWEEP_HOURS:
				moment = self.life.at(day, hour)
				if moment > due + timedelta(minutes=1):
					self.sweep_at.add(moment)
					return moment
			day += timedelta(days=1)

	def sweeps(self):
		# and the scheduler's latest run before the demo was built, so what is overdue today shows so
		self.sweep_at.add(self.life.end)
		for moment in sorted(self.sweep_at):
			if moment <= self.life.end:
				yield life.Story(f"requests/sweep/{moment:%Y-%m-%d/%H%M}").then(
					moment, "Administrator", sweep
				)

	# --- filings ---

	def day_of(self, place: Place, kind: Kind, day: datetime.date):
		rng = self.life.rng("requests", place.community, kind.key, day)
		count = poisson(rng, self.scale_of[kind.key] * season(kind, day))
		for n in range(count):
			filing = self.filing(rng, place, kind, day, n)
			if not filing:
				continue
			if kind.key == "wish" and filing.channel != "Resident App":
				# told to a grid worker or captain during the week, posted on the board on Friday
				posted = self.after(self.life.at(day + timedelta(days=(4 - day.weekday()) % 7), 15), 0)
				filing.at, filing.filer = posted, place.worker
				self.collected.setdefault((place.community, posted), []).append((filing, day, n))
			elif filing.at <= self.life.end:
				story = life.Story(filing.key)
				story.then(filing.at, filing.filer, file_request(Ref(story, filing.key), filing))
				self.live_through(Ref(story, filing.key), place, filing, day, n)
				yield story

	def wish_boards(self, place: Place):
		"""Each week's collected micro-wishes, posted together, each then claimed and fulfilled."""
		for (community, posted), wishes in sorted(self.collected.items()):
			if community != place.community or posted > self.life.end:
				continue
			story = life.Story(f"requests/{community}/wishes/{posted:%Y-%m-%d}")
			story.then(posted, place.worker, post_wishes(story, [filing for filing, *_ in wishes]))
			for filing, day, n in wishes:
				self.live_through(Ref(story, filing.key), place, filing, day, n)
			yield story

	def filing(self, rng, place: Place, kind: Kind, day, n: int, channel: str | None = None) -> Filing | None:
		channels = CHANNELS[kind.key]
		channel = channel or rng.choices(list(channels), weights=list(channels.values()))[0]
		rainy = day.month in (6, 7)
		templates = [t for t in kind.templates if t.rainy] if rainy and rng.random() < 0.5 else []
		template = rng.choice(templates or kind.templates)
		requester = requester_user = None
		if channel == "Resident App":
			users = [row for row in place.app_users if row[2] != self.volunteer or kind.key != "wish"]
			building, requester, requester_user = rng.choice(users)
			filer, hour = requester_user, rng.uniform(7, 22)
		elif channel == "Captain":
			building, filer = rng.choice(place.captains) if place.captains else (None, None)
			hour = rng.uniform(8, 20)
		else:
			building = rng.choice([b for b in place.buildings if place.residents.get(b.name)])
			elders = [row for row in place.residents[building.name] if row[1] >= 65]
			requester = rng.choice(
				elders if kind.key == "wish" and elders else place.residents[building.name]
			)[0]
			filer = place.worker if channel == "12345 Hotline" else place.grid_workers[building.grid]
			hour = rng.uniform(9, 17.5)
		if not filer:
			return None
		priority = rng.choices(list(PRIORITIES), weights=list(PRIORITIES.values()))[0]
		if template.rainy and rainy:
			priority = "High"
		filing = Filing(
			key=f"requests/{place.community}/{day}/{kind.key}/{n}",
			kind=kind,
			template=template,
			channel=channel,
			filer=filer,
			building=building.name,
			grid=building.grid,
			requester=requester,
			requester_user=requester_user,
			priority="Medium" if kind.key == "wish" else priority,
			at=self.life.at(day, hour),
		)
		filing.targets = escalation.request_targets(template.category, filing.priority)
		return filing

	# --- one request's life ---

	def live_through(self, ref: "Ref", place: Place, filing: Filing, day, n: int):
		"""Plan the request's life after its filing: answered, handled, rated, perhaps reopened."""
		rng = self.life.rng("requests", filing.key, "life")
		salt = (day, n, place.community, filing.kind.key)
		if filing.kind.key == "everyday" and pattern(REJECTED, *salt, "reject"):
			self.reject(rng, ref, place, filing)
			return
		late_resolution = pattern(LATE_RESOLUTION, *salt, "resolution")
		handler, at = self.respond(
			rng, ref, place, filing, pattern(LATE_RESPONSE, *salt, "response"), late_resolution
		)
		at = self.resolve(rng, ref, filing, handler, at, late_resolution)
		before_last_month = day < self.life.end.date() - timedelta(days=NOT_ANSWERED_BEFORE_DAYS)
		left_unanswered = before_last_month and pattern(NOT_ANSWERED_AGAIN, *salt, "unanswered")
		reopened = pattern(REOPENED, *salt, "reopen") or left_unanswered
		low = pattern(LOW_BUT_SOLVED, *salt, "low")
		# not solved is rated low, save by the resident who will not answer again: they were content
		# with how they were treated, not with the result
		rating = 2 if low or (reopened and not left_unanswered) else 3 if left_unanswered else None
		at = self.rate(rng, ref, place, filing, handler, at, rating, not reopened)
		if reopened:
			self.second_round(rng, ref, place, filing, handler, at, answered=not left_unanswered)

	def reject(self, rng, ref, place, filing):
		at = self.after(filing.at, rng.uniform(0.05, 0.5) * filing.targets.response_hours)
		ref.story.then(at, place.grid_workers[filing.grid], reject_request(ref, rng.choice(REJECTIONS)))

	def respond(self, rng, ref, place, filing, late: bool, resolved_late: bool = False):
		"""Dispatch and acceptance, or a claim from the board: the request's first response, within
		its target or, when late, after the sweep has escalated it. Returns the handler and when the
		request was resolved with the acceptance, if it was."""
		story, response = ref.story, filing.targets.response_hours
		at = self.after(filing.at, rng.uniform(0.3, 0.7) * response)
		if late:
			due = self.after(filing.at, response)
			at = max(
				self.after(due, rng.uniform(0.5, 4)), self.after(self.sweep_after(due), rng.uniform(0.2, 1))
			)
		if filing.kind.key == "wish":
			handler = self.volunteer if rng.random() < 0.7 else place.grid_workers[filing.grid]
			resolved_too = rng.random() < 0.9
			story.then(at, handler, claim_wish(ref, filing.template.note if resolved_too else None))
			return handler, (at if resolved_too else None)
		handler, dispatcher = self.handler_of(rng, place, filing)
		if filing.channel != "Resident App" and not late:
			# staff file and dispatch in one sitting: the hotline's ticket arrives with its order to
			# handle, a captain or grid worker hands on what they write down; a walk-in at the grid's
			# desk that the grid worker can settle there and then is settled on the spot
			on_the_spot = (
				filing.kind.key == "everyday"
				and filing.channel == "Walk-in"
				and handler == filing.filer
				and not resolved_late  # a matter settled at the desk is settled in time
			)
			note = filing.template.note if on_the_spot else None
			story.events[0].act = file_request(ref, filing, dispatch_to=handler, resolve_with=note)
			if on_the_spot:
				return handler, filing.at
		else:
			dispatched = self.after(filing.at, rng.uniform(0.1, 0.25) * response) if not late else at
			story.then(dispatched, dispatcher, dispatch_request(ref, handler))
			at = max(at, dispatched + timedelta(minutes=20))
		resolved_too = rng.random() < 0.8
		story.then(at, handler, accept_request(ref, filing.template.note if resolved_too else None))
		return handler, (at if resolved_too else None)

	def handler_of(self, rng, place, filing) -> tuple[str, str]:
		"""Who takes the request on, and who hands it to them."""
		grid_worker = place.grid_workers[filing.grid]
		volunteer_grid = any(
			user == self.volunteer for building, _r, user in place.app_users if building.grid == filing.grid
		)
		skilled = frappe.get_cached_value(
			"Service Request Category", filing.template.category, "required_skill"
		)
		if volunteer_grid and skilled and filing.requester_user != self.volunteer and rng.random() < 0.5:
			return self.volunteer, place.worker
		if filing.kind.key == "matter" and rng.random() < 0.2:
			return place.worker, place.worker
		return grid_worker, (place.worker if filing.kind.key == "matter" else grid_worker)

	def resolve(self, rng, ref, filing, handler, accepted, late: bool):
		"""The resolution, when it was not reported with the acceptance: within the target from
		filing or, when late, after the sweep escalated it."""
		if accepted is not None and not late:
			return accepted
		story, resolution = ref.story, filing.targets.resolution_hours
		start = accepted or story.events[-1].at
		if late:
			due = self.after(filing.at, resolution)
			at = max(
				self.after(due, rng.uniform(1, 8)), self.after(self.sweep_after(due), rng.uniform(0.2, 1))
			)
		else:
			at = self.after(start, rng.uniform(0.5, 8))
			at = min(at, self.after(filing.at, resolution * 0.9))
			at = max(at, start + timedelta(minutes=30))
		if accepted is not None and late:
			# the request was to be resolved with its acceptance: the acceptance says nothing yet
			story.events[-1].act = (
				claim_wish(ref, None) if filing.kind.key == "wish" else accept_request(ref, None)
			)
		story.then(at, handler, resolve_request(ref, filing.template.note))
		return at

	def rate(self, rng, ref, place, filing, handler, resolved, rating, solved) -> datetime.datetime:
		rating = rating or rng.choices((5, 4, 3), weights=(62, 30, 8))[0]
		if filing.requester_user:
			at = resolved + timedelta(hours=rng.uniform(2, 30))
			ref.story.then(at, filing.requester_user, rate_request(ref, rating, solved))
			return at
		at = self.after(resolved, rng.uniform(1, 12))
		ref.story.then(at, self.caller(place, filing, handler), follow_up_request(ref, rating, solved))
		return at

	def caller(self, place, filing, handler) -> str:
		"""Who makes the follow-up call: the captain who filed it, else a worker other than the handler."""
		if filing.channel == "Captain":
			return filing.filer
		grid_worker = place.grid_workers[filing.grid]
		return grid_worker if handler != grid_worker else place.worker

	def second_round(self, rng, ref, place, filing, handler, reopened, *, answered: bool):
		"""Not solved: dispatched again within the next working hours, resolved, and this time solved,
		or not yet answered."""
		grid_worker = place.grid_workers[filing.grid]
		if filing.kind.key == "wish":
			handler = grid_worker
		dispatcher = grid_worker if handler != grid_worker else place.worker
		dispatched = self.after(reopened, rng.uniform(0.5, 3))
		ref.story.then(dispatched, dispatcher, dispatch_request(ref, handler))
		resolved = self.after(dispatched, rng.uniform(2, 12))
		ref.story.then(resolved, handler, accept_request(ref, filing.template.note + "（返工）"))
		if answered:
			self.rate(rng, ref, place, filing, handler, resolved, rng.choice((4, 5)), True)

	# --- requests waiting today ---

	def waiting_today(self, place: Place):
		"""A request at each state of the loop today, and one left unanswered long enough for the
		sweeps to take it to the street."""
		rng = self.life.rng("requests", place.community, "today")
		end = self.before_end
		plans = {
			"Open": (0.5, ()),
			"Dispatched": (3, (("dispatch", 1.5),)),
			"Accepted": (8, (("dispatch", 7), ("accept", 5))),
			"Resolved": (20, (("dispatch", 19), ("accept", 3, "resolve"))),
			"Reopened": (30, (("dispatch", 29), ("accept", 10, "resolve"), ("rate", 2))),
			"Rejected": (6, (("reject", 4),)),
			"Escalated": (80, ()),
		}
		for state, (filed, steps) in plans.items():
			day = end(filed).date()
			channel = "Resident App" if state in ("Reopened", "Open") else "Phone"
			filing = self.filing(rng, place, KINDS[0], day, 0, channel)
			filing.key = f"requests/{place.community}/today/{state}"
			filing.at = end(filed)
			if state == "Escalated":
				filing.priority = "Medium"
				filing.targets = escalation.request_targets(filing.template.category, filing.priority)
				self.climb(filing)
			story = life.Story(filing.key)
			ref = Ref(story, filing.key)
			story.then(filing.at, filing.filer, file_request(ref, filing))
			handler = place.grid_workers[filing.grid]
			for step, hours, *resolving in steps:
				at = end(hours)
				if step == "dispatch":
					story.then(at, place.worker, dispatch_request(ref, handler))
				elif step == "accept":
					story.then(at, handler, accept_request(ref, filing.template.note if resolving else None))
				elif step == "rate":
					story.then(
						self.life.end - timedelta(hours=1), filing.requester_user, rate_request(ref, 2, False)
					)
				elif step == "reject":
					story.then(at, handler, reject_request(ref, REJECTIONS[0]))
			yield story
		yield from self.rated_this_month(rng, place)

	def rated_this_month(self, rng, place: Place):
		"""One request filed this month and already fixed and rated, so this month has a satisfaction
		rate (the desk's card counts the requests filed since the first)."""
		month_start = datetime.datetime.combine(self.life.end.date().replace(day=1), datetime.time())
		filed_at = month_start + timedelta(hours=9.5)
		if self.life.end - filed_at < timedelta(hours=6):
			return
		filing = self.filing(rng, place, KINDS[0], filed_at.date(), 0, "Resident App")
		filing.key = f"requests/{place.community}/today/Closed"
		filing.at = filed_at
		story = life.Story(filing.key)
		ref = Ref(story, filing.key)
		handler = place.grid_workers[filing.grid]
		story.then(filing.at, filing.filer, file_request(ref, filing))
		story.then(filed_at + timedelta(hours=1), place.worker, dispatch_request(ref, handler))
		story.then(filed_at + timedelta(hours=3), handler, accept_request(ref, filing.template.note))
		story.then(self.life.end - timedelta(hours=1), filing.requester_user, rate_request(ref, 5, True))
		yield story

	def climb(self, filing: Filing):
		"""The sweeps that take an unanswered request from the grid to the street."""
		due = self.after(filing.at, filing.targets.response_hours)
		for _level in sla.LEVELS[1:]:
			swept = self.sweep_after(due)
			due = self.after(swept, filing.targets.response_hours)


# --- the events: each one call of the app's own API, as its user ------------------------------


def file_request(ref: "Ref", filing: Filing, dispatch_to: str | None = None, resolve_with: str | None = None):
	def act():
		name = file_one(filing)
		ref.story.state.setdefault("record", (DOCTYPE, name))
		ref.story.state[ref.key] = name
		if dispatch_to:
			api.dispatch(name, dispatch_to)
		if resolve_with:
			api.accept(name)
			api.resolve(name, resolve_with)

	return act


def post_wishes(story: life.Story, filings: list):
	"""The community worker posts the week's collected micro-wishes on the board."""

	def act():
		for filing in filings:
			name = file_one(filing)
			story.state.setdefault("record", (DOCTYPE, name))
			story.state[filing.key] = name

	return act


def file_one(filing: Filing) -> str:
	values = {
		"request_type": filing.kind.request_type,
		"category": filing.template.category,
		"priority": filing.priority,
		"subject": filing.template.subject,
		"description": filing.template.description,
		"building": filing.building,
	}
	if filing.channel == "Resident App":
		return file_from_app(values, web_form=zlib.crc32(filing.key.encode()) % 2 == 0)
	# a captain files what a neighbour brings to the door
	channel = "Walk-in" if filing.channel == "Captain" else filing.channel
	doc = frappe.get_doc({"doctype": DOCTYPE, **values, "channel": channel, "requester": filing.requester})
	return doc.insert().name


def file_from_app(values: dict, web_form: bool) -> str:
	"""A resident files from the phone: the web form, or the app's REST call."""
	if not web_form:
		return frappe.get_doc({"doctype": DOCTYPE, **values}).insert().name
	try:
		doc = web_form_accept(WEB_FORM, frappe.as_json(values))
	finally:
		# a web request's flags end with it; here the next event must not inherit them
		frappe.flags.in_web_form = False
		frappe.flags.web_form_doc = None
	return doc.name


def dispatch_request(ref: "Ref", handler: str):
	return lambda: api.dispatch(ref.name, handler)


def accept_request(ref, note: str | None):
	def act():
		api.accept(ref.name)
		if note:
			api.resolve(ref.name, note)

	return act


def claim_wish(ref, note: str | None):
	def act():
		api.claim(ref.name)
		if note:
			api.resolve(ref.name, note)

	return act


def resolve_request(ref, note: str):
	return lambda: api.resolve(ref.name, note)


def reject_request(ref, reason: str):
	return lambda: api.reject(ref.name, reason)


def rate_request(ref, rating: int, solved: bool):
	return lambda: api.rate(ref.name, rating, solved=int(solved), comment=comment(rating))


def follow_up_request(ref, rating: int, solved: bool):
	return lambda: api.follow_up(
		ref.name, rating, solved=int(solved), note=FOLLOW_UP if rating >= 3 else comment(rating)
	)


def comment(rating: int) -> str:
	return {5: "非常满意，谢谢！", 4: "处理及时，满意。", 3: "基本满意。"}.get(rating, "问题还没有彻底解决。")


def sweep():
	"""The scheduler's escalation sweep, run here and now rather than on the background queue."""
	tasks.escalate_overdue_requests(inline=True)


CHAPTER = RequestsChapter()
