"""The street's mediation cases (人民调解): about a dozen disputes a year (four in the small month),
registered by the grid worker of the building, mediated by a team of the grid worker and the
street's people's mediator or the community worker, and followed up after the agreement (回访).

Each case follows one arc: kept (agreement, visits, closed), broken (a visit finds an obligation
broken, the case reopens and a new agreement is reached), failed, referred to court, or escalated
to the community. Cases registered late in the life end where they are. A case file stays with its
team and its registrar: the street's mediator sits on some teams and not on others."""

import datetime
from dataclasses import dataclass

import frappe
from community_governance import mediation as case_rules
from community_governance import scope
from community_governance.api import mediation as api
from community_governance.demo import catalogue, street
from community_governance.demo.life import Chapter, Life, Story

DOCTYPE = "Mediation Case"
CASES_PER_COMMUNITY = {"full": 4, "small": 4}
PLACE = "社区人民调解室"
# the arcs of the cases of a community, in the order they are registered; the small month lives the
# first four of the first community
ARCS = ("failed", "kept", "escalated", "kept", "broken", "referred", "kept", "escalated")


@dataclass(frozen=True)
class Dispute:
	dispute_type: str
	subject: str
	description: str
	# (what the respondent will do, due in days after the agreement)
	terms: tuple


DISPUTES = (
	Dispute(
		"Neighbour",
		"楼上漏水殃及楼下",
		"楼下住户反映楼上卫生间漏水，天花板和墙面发霉，双方多次协商未果，申请调解。",
		(("请专业人员修复卫生间防水层", 10), ("赔偿楼下墙面修补费用八百元", 20)),
	),
	Dispute(
		"Neighbour",
		"深夜噪音扰民",
		"住户反映邻居夜间十点后仍有敲击和音响声，影响老人和孩子休息，双方发生口角。",
		(("晚上十点后不再进行产生噪音的活动", 7), ("在客厅铺设隔音地垫", 14)),
	),
	Dispute(
		"Neighbour",
		"楼道堆物占用公共通道",
		"住户在楼道长期堆放纸箱和旧家具，邻居认为存在消防隐患，多次提醒无果。",
		(("清理楼道内堆放的杂物", 3), ("今后不在公共区域堆放物品", 30)),
	),
	Dispute(
		"Neighbour",
		"宠物犬扰邻",
		"邻居饲养的犬只经常吠叫，且在楼道内便溺，双方矛盾激化。",
		(("外出遛狗时拴绳并及时清理粪便", 7), ("为犬只办理登记并接种疫苗", 21)),
	),
	Dispute(
		"Neighbour",
		"空调外机噪音和滴水",
		"邻居新装的空调外机正对卧室窗户，噪音大且滴水到楼下阳台。",
		(("将空调外机移位并加装排水管", 14),),
	),
)


class MediationChapter(Chapter):
	name = "mediation"

	def prepare(self, life: Life):
		catalogue.ensure_catalogue()
		# the community and grid workers sit on mediation teams, which only mediators may join
		for user in staff_users(life):
			give_role(user, case_rules.MEDIATOR_ROLE)
		scope.forget()

	def stories(self, life: Life):
		for community in communities(life):
			yield from community_cases(life, community)

	def count(self, life: Life) -> dict[str, int]:
		inside = ("like", f"{street.STREET_CODE}-%")
		return {
			DOCTYPE: frappe.db.count(DOCTYPE, {"community": inside}),
			"Mediation Case closed": frappe.db.count(
				DOCTYPE, {"community": inside, "workflow_state": "Closed"}
			),
		}


def give_role(user: str, role: str):
	"""The role row alone, and that user's cache: a User save (accounts.grant_role) costs a second or
	two and clears far more, two dozen times at the full scale."""
	if role in frappe.get_roles(user):
		return
	frappe.get_doc(
		{"doctype": "Has Role", "parenttype": "User", "parentfield": "roles", "parent": user, "role": role}
	).db_insert()
	frappe.clear_cache(user=user)


def staff_users(life: Life) -> list[str]:
	return [grid.responsible_user for grid in life.plan.grids if grid.level in ("Community", "Grid")]


def communities(life: Life) -> list[street.PlannedGrid]:
	return [grid for grid in life.plan.grids if grid.level == "Community"]


def community_cases(life: Life, community: street.PlannedGrid):
	buildings = [
		building
		for building in life.plan.buildings
		if building.grid.startswith(f"{community.code}-") and len(core_households(building)) >= 2
	]
	if not buildings:
		return
	count = CASES_PER_COMMUNITY[life.scale]
	community_no = int(community.code.rsplit("-", 1)[1])
	for slot in range(count):
		rng = life.rng("mediation", community.code, slot)
		day = life.first_day + datetime.timedelta(
			days=int((slot + 0.4 + rng.random() * 0.5) * life.days / count)
		)
		building = rng.choice(buildings)
		arc = ARCS[(slot + (community_no - 1) * count) % len(ARCS)]
		yield plan_case(life, community, building, day, arc, rng)


def core_households(building: street.PlannedBuilding) -> dict[str, list]:
	households = {}
	for resident in building.residents:
		if resident.core and resident.status == "Active" and resident.age >= 18:
			households.setdefault(resident.household, []).append(resident)
	return households


def plan_case(life: Life, community, building, day: datetime.date, arc: str, rng) -> Story:
	story = Story(f"mediation/{building.name}/{day.isoformat()}")
	households = core_households(building)
	applicant_home, respondent_home = rng.sample(sorted(households), 2)
	applicant = life.resident(building, rng.choice(households[applicant_home]))
	respondent_resident = rng.choice(households[respondent_home])
	respondent = life.resident(building, respondent_resident)
	dispute = rng.choice(DISPUTES)
	registrar = life.grid_workers[building.grid]
	community_worker = community.responsible_user
	# the street's mediator sits on most teams; a case the grid settles with the community worker
	# stays out of the mediator's sight
	partner = street.MEDIATOR if rng.random() < 0.7 or arc == "escalated" else community_worker
	lead = partner
	team = [
		{"user": registrar, "team_role": "Grid Worker"},
		{
			"user": partner,
			"team_role": "People's Mediator" if partner == street.MEDIATOR else "Social Worker",
		},
	]

	def at(offset: float, hour: float) -> datetime.datetime:
		return life.at(day + datetime.timedelta(days=offset), hour)

	def register():
		doc = frappe.get_doc(
			{
				"doctype": DOCTYPE,
				"subject": dispute.subject,
				"dispute_type": dispute.dispute_type,
				"building": building.name,
				"description": dispute.description,
				"parties": [
					{"side": "Applicant", "resident": applicant},
					{"side": "Respondent", "resident": respondent},
				],
				"team": team,
			}
		).insert()
		story.state["record"] = (DOCTYPE, doc.name)
		story.state["case"] = doc.name

	def case() -> str:
		return story.state["case"]

	def session(notes: str):
		return lambda: api.record_session(
			case(), place=PLACE, present="双方当事人、调解员、网格员", notes=notes
		)

	def agree(terms, note: str):
		def act():
			today = frappe.utils.getdate()
			api.reach_agreement(
				case(),
				[
					{
						"obligation": text,
						"owed_by": respondent_resident.full_name,
						"due_date": today + datetime.timedelta(days=days),
					}
					for text, days in terms
				],
				terms=note,
			)

		return act

	def visit(result_of):
		def act():
			doc = frappe.get_doc(DOCTYPE, case())
			owed = [
				row for row in doc.obligations if row.agreed_on and row.status in case_rules.OWED_STATUSES
			]
			api.record_follow_up(
				case(),
				[
					{"obligation_no": row.idx, "result": result_of(index), "note": "电话回访并上门查看"}
					for index, row in enumerate(owed)
				],
			)

		return act

	story.then(at(0, 9.5), registrar, register)
	story.then(at(1, 10), lead, lambda: api.accept(case()))
	story.then(at(3, 14.5), lead, session("听取双方陈述，现场查看，释法明理"))
	if arc == "failed":
		story.then(at(9, 15), lead, session("第二次调解，双方分歧仍大"))
		story.then(at(12, 16), lead, lambda: api.record_failure(case(), "双方对赔偿金额分歧过大，调解不成"))
		story.then(at(14, 10), lead, lambda: api.close(case()))
	elif arc == "referred":
		story.then(at(8, 15), lead, lambda: api.refer(case(), "Court", "告知当事人可向人民法院起诉"))
		story.then(at(10, 10), lead, lambda: api.close(case()))
	elif arc == "escalated":
		escalate_and_settle(story, at, registrar, community_worker, case, session, agree, visit, dispute)
	else:
		story.then(at(6, 15), lead, agree(dispute.terms, "双方自愿达成调解协议，互谅互让"))
		first_due = dispute.terms[0][1]
		if arc == "broken":
			story.then(
				at(6 + first_due + 2, 10), lead, visit(lambda index: "Broken" if index == 0 else "Pending")
			)
			story.then(at(6 + first_due + 5, 14.5), lead, session("协议未履行，重新组织调解"))
			story.then(
				at(6 + first_due + 7, 15), lead, agree(dispute.terms, "双方重新达成协议，明确履行期限")
			)
			follow_up = 6 + first_due + 7 + max(days for _text, days in dispute.terms) + 2
		else:
			follow_up = 6 + first_due + 2
			if len(dispute.terms) > 1:
				story.then(at(follow_up, 10), lead, visit(lambda index: "Kept" if index == 0 else "Pending"))
				follow_up = 6 + max(days for _text, days in dispute.terms) + 3
		story.then(at(follow_up, 10.5), lead, visit(lambda index: "Kept"))
	return story


def escalate_and_settle(story, at, registrar, community_worker, case, session, agree, visit, dispute):
	"""The grid cannot settle it: the community takes it over and its worker mediates."""
	story.then(
		at(7, 11),
		registrar,
		lambda: api.escalate(
			case(),
			"涉及多户住户，网格层面调解不成，提请社区调解",
			[{"user": community_worker, "team_role": "People's Mediator"}],
		),
	)
	story.then(at(8, 9.5), community_worker, lambda: api.accept(case()))
	story.then(at(10, 14.5), community_worker, session("社区组织联合调解，邀请楼栋长参加"))
	story.then(at(13, 15), community_worker, agree(dispute.terms, "在社区主持下双方达成调解协议"))
	story.then(
		at(13 + max(days for _text, days in dispute.terms) + 3, 10),
		community_worker,
		visit(lambda index: "Kept"),
	)


CHAPTER = MediationChapter()
