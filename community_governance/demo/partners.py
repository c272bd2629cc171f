"""The street's partner units (共建单位) and in-service party members reporting to the community
(双报到). The property companies of the compounds are partner units from the start (their contacts
take the rectifications of the owners' evaluations); through the year each community worker
registers a health centre, a school, a social-work organisation and a bank branch, and the members
who report from them. The health centre's contact and the reporting members with a login are
dispatched home visits for elders living alone, which they accept and resolve: the records the
partner contribution report counts."""

import datetime
import random
from collections import Counter
from dataclasses import dataclass

import frappe
from community_governance import compounds
from community_governance.api import service_request as requests_api
from community_governance.demo import catalogue, street
from community_governance.demo.life import Chapter, Life, Story

UNIT = "Partner Unit"
MEMBER = "Reporting Member"
PARTNER_SINCE = "2024-01-01"
# home visits by partners in a community: one a quarter, two in the small month
SERVICES = {"full": 4, "small": 2}


@dataclass(frozen=True)
class UnitKind:
	key: str
	suffix: str
	unit_type: str
	offers: tuple
	details: str
	contact_login: bool
	# the jobs of the members who report to the community from it, and whether they log in (the
	# health centre's family doctor takes home visits)
	members: tuple = ()
	member_login: bool = False


UNIT_KINDS = (
	UnitKind(
		"health",
		"社区卫生服务站",
		"Hospital",
		("offers_professional_help", "offers_services"),
		"为辖区高龄、独居老人提供上门健康体检和慢病随访",
		True,
		("家庭医生",),
		member_login=True,
	),
	UnitKind(
		"school",
		"实验小学",
		"School",
		("offers_venue",),
		"节假日开放操场和报告厅供社区活动使用",
		False,
		("教师",),
	),
	UnitKind(
		"social",
		"社会工作服务社",
		"Social Organisation",
		("offers_services", "offers_professional_help"),
		"承接为老服务和青少年关爱项目，派驻社工",
		False,
	),
	UnitKind(
		"bank",
		"农商银行支行",
		"Enterprise",
		("offers_funds",),
		"每年资助社区敬老活动，开展防诈骗宣传",
		False,
		("客户经理",),
	),
)


class PartnersChapter(Chapter):
	name = "partners"

	def prepare(self, life: Life):
		catalogue.ensure_catalogue()
		ensure_property_companies(life)
		ensure_logins(partner_logins(life))

	def stories(self, life: Life):
		for community in communities(life):
			yield from community_partners(life, community)

	def count(self, life: Life) -> dict[str, int]:
		inside = ("like", f"{street.STREET_CODE}-%")
		return {
			UNIT: frappe.db.count(UNIT, {"community": inside}),
			MEMBER: frappe.db.count(MEMBER, {"community": inside}),
		}


def communities(life: Life) -> list[street.PlannedGrid]:
	return [grid for grid in life.plan.grids if grid.level == "Community"]


def community_prefix(community: street.PlannedGrid) -> str:
	return community.grid_name.removesuffix("社区")


def community_no(community: street.PlannedGrid) -> int:
	return int(community.code.rsplit("-", 1)[1])


# --- logins --------------------------------------------------------------------------------------


def person_name(email: str) -> str:
	return street.staff_name(email)


def contact_email(community: street.PlannedGrid, kind: UnitKind) -> str:
	return f"partner-{community_no(community)}-{kind.key}@{street.DOMAIN}"


def member_email(community: street.PlannedGrid, kind: UnitKind) -> str:
	return f"member-{community_no(community)}-{kind.key}@{street.DOMAIN}"


def property_email(company_index: int) -> str:
	return f"property-{company_index + 1}@{street.DOMAIN}"


def partner_logins(life: Life) -> list[street.PlannedUser]:
	"""The partners' contacts and members who log in, as volunteers (who may take requests)."""
	users = []
	for community in communities(life):
		for kind in UNIT_KINDS:
			if kind.contact_login:
				email = contact_email(community, kind)
				users.append(street.PlannedUser(email, person_name(email), ("Volunteer",), "Partner Contact"))
			if kind.member_login:
				email = member_email(community, kind)
				users.append(
					street.PlannedUser(email, person_name(email), ("Volunteer",), "Reporting Member")
				)
	return users


def ensure_logins(users: list[street.PlannedUser]):
	missing = [user for user in users if not frappe.db.exists("User", user.email)]
	if not missing:
		return
	with street.user_creation_allowance(len(missing)):
		for user in missing:
			street.ensure_user(user, Counter())


# --- the property companies ----------------------------------------------------------------------


def ensure_property_companies(life: Life):
	"""Each property company of the planned compounds is a partner unit of the community of its
	first compound, with a contact who logs in; every compound it manages names it. Timeless:
	made once, as Administrator, before the life is lived."""
	companies = {}
	for compound in life.plan.compounds:
		companies.setdefault(compound.company_name, compound.community)
	users = [
		street.PlannedUser(
			property_email(street.PROPERTY_COMPANIES.index(company)),
			person_name(property_email(street.PROPERTY_COMPANIES.index(company))),
			("Volunteer",),
			"Property Company",
		)
		for company in companies
	]
	ensure_logins(users)
	for (company, community), user in zip(companies.items(), users, strict=True):
		if not frappe.db.exists(UNIT, company):
			frappe.get_doc(
				{
					"doctype": UNIT,
					"unit_name": company,
					"unit_type": "Enterprise",
					"community": community,
					"partner_since": PARTNER_SINCE,
					"status": "Active",
					"contact_person": user.full_name,
					"contact_phone": phone(user.email),
					"contact_user": user.email,
					"offers_services": 1,
					"offer_details": "负责小区保洁、安保、绿化、维修和停车管理",
				}
			).insert()
	for compound in life.plan.compounds:
		name = frappe.db.get_value(
			"Compound", {"community": compound.community, "compound_name": compound.compound_name}
		)
		if name and not frappe.db.get_value("Compound", name, "property_company"):
			name_company(name, compound.company_name)


def name_company(compound: str, unit: str):
	"""The compound names its company's partner unit, which gives it its contact (the compound's own
	rule), written alone: a whole Compound save checks every building and committee member again,
	sixty times at the full scale."""
	doc = frappe.get_doc("Compound", compound)
	doc.property_company = unit
	compounds.set_company(doc)
	frappe.db.set_value(
		"Compound",
		compound,
		{
			field: doc.get(field)
			for field in ("property_company", "company_name", "company_contact", "contact_phone")
		},
	)


def phone(seed: str) -> str:
	rng = random.Random(f"{street.SEED}/phone/{seed}")
	return f"13{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}"


# --- the year's registrations and services -----------------------------------------------------


def unit_name(community: street.PlannedGrid, kind: UnitKind) -> str:
	return f"{community_prefix(community)}{kind.suffix}"


def community_partners(life: Life, community: street.PlannedGrid):
	worker = community.responsible_user
	# registered in the first weeks of the life, a unit and then the members who report from it
	for index, kind in enumerate(UNIT_KINDS):
		day = life.first_day + datetime.timedelta(days=index * max(1, life.days // 40))
		yield unit_story(life, community, kind, worker, day)
	elders = [
		(building, resident)
		for building in life.plan.buildings
		if building.grid.startswith(f"{community.code}-")
		for resident in building.residents
		if resident.core and resident.status == "Active" and resident.tags.get("elderly_living_alone")
	]
	handlers = [contact_email(community, UNIT_KINDS[0]), member_email(community, UNIT_KINDS[0])]
	count = SERVICES[life.scale]
	for slot in range(count if elders else 0):
		rng = life.rng("partners", community.code, "service", slot)
		# after the units have registered: from the second week on
		offset = 7 + int((slot + rng.random() * 0.5) * (life.days - 8) / count)
		building, resident = rng.choice(elders)
		yield service_story(
			life,
			worker,
			building,
			resident,
			handlers[slot % 2],
			life.first_day + datetime.timedelta(days=offset),
		)


def unit_story(life: Life, community, kind: UnitKind, worker: str, day: datetime.date) -> Story:
	name = unit_name(community, kind)
	story = Story(f"partners/unit/{name}")
	contact = contact_email(community, kind) if kind.contact_login else None
	contact_person = person_name(contact) if contact else person_name(f"{name}/contact")

	def register_unit():
		doc = frappe.get_doc(
			{
				"doctype": UNIT,
				"unit_name": name,
				"unit_type": kind.unit_type,
				"community": community.code,
				"partner_since": str(frappe.utils.getdate()),
				"status": "Active",
				"contact_person": contact_person,
				"contact_phone": phone(f"{name}/contact"),
				"contact_user": contact,
				"offer_details": kind.details,
				**dict.fromkeys(kind.offers, 1),
			}
		).insert()
		story.state["record"] = (UNIT, doc.name)

	def register_member(job: str):
		email = member_email(community, kind)

		def act():
			frappe.get_doc(
				{
					"doctype": MEMBER,
					"member_name": person_name(email),
					"phone": phone(email),
					"user": email if kind.member_login else None,
					"community": community.code,
					"partner_unit": name,
					"employer": f"{name}（{job}）",
					"party_member": 1,
					"reported_on": str(frappe.utils.getdate()),
					"status": "Active",
				}
			).insert()

		return act

	story.then(life.at(day, 10), worker, register_unit)
	for job in kind.members:
		story.then(life.at(day + datetime.timedelta(days=1), 15), worker, register_member(job))
	return story


def service_story(life: Life, worker: str, building, resident, handler: str, day: datetime.date) -> Story:
	record = life.resident(building, resident)
	story = Story(f"partners/service/{record}/{day.isoformat()}")

	def file_and_dispatch():
		request = frappe.get_doc(
			{
				"doctype": "Service Request",
				"request_type": "Request",
				"channel": "Phone",
				"requester": record,
				"building": building.name,
				"unit": resident.unit,
				"category": catalogue.ELDER_CATEGORY,
				"priority": "Medium",
				"subject": f"{resident.full_name}老人上门健康体检",
				"description": "独居老人电话预约家庭医生上门测量血压血糖、复查慢病用药。",
			}
		).insert()
		story.state["record"] = ("Service Request", request.name)
		requests_api.dispatch(request.name, handler)

	story.then(life.at(day, 9.5), worker, file_and_dispatch)
	story.then(life.at(day, 11), handler, lambda: requests_api.accept(story.state["record"][1]))
	story.then(
		life.at(day + datetime.timedelta(days=2), 16),
		handler,
		lambda: requests_api.resolve(story.state["record"][1], "已上门体检，血压正常，叮嘱按时服药"),
	)
	return story


CHAPTER = PartnersChapter()
