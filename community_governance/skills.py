"""Skills (一技之长, the street's 银发人才库): what volunteers and contributors can do, and which skill
a request's category needs, so the people who can do it are offered first."""

from collections import defaultdict

import frappe


def skills_of_users(users: list[str]) -> dict[str, set[str]]:
	"""The skills listed on the Resident records of these logins, in one query."""
	if not users:
		return {}
	resident = frappe.qb.DocType("Resident")
	skill = frappe.qb.DocType("Resident Skill")
	rows = (
		frappe.qb.from_(skill)
		.join(resident)
		.on(skill.parent == resident.name)
		.select(resident.user, skill.skill)
		.where((skill.parenttype == "Resident") & resident.user.isin(users))
		.run()
	)
	found = defaultdict(set)
	for user, skill_name in rows:
		found[user].add(skill_name)
	return found


def required_skills(categories: list[str]) -> dict[str, str]:
	"""category -> the skill it needs, for the categories that name one."""
	if not categories:
		return {}
	category = frappe.qb.DocType("Service Request Category")
	return dict(
		frappe.qb.from_(category)
		.select(category.name, category.required_skill)
		.where(category.name.isin(categories) & category.required_skill.isnotnull())
		.where(category.required_skill != "")
		.run()
	)


def matching_first(items: list[dict], offered: set[str], skill_key: str = "required_skill") -> list[dict]:
	"""The items needing one of the ``offered`` skills first, the others after, each in their order;
	every item is marked with ``skill_match``."""
	for item in items:
		item["skill_match"] = bool(item.get(skill_key) and item[skill_key] in offered)
	return sorted(items, key=lambda item: not item["skill_match"])
