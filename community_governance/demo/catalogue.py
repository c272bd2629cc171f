"""The demo street's service request categories and skills: what the chapters of its life file
requests, patrol findings and micro-wishes under. Prepared once, idempotently, by whichever chapter
needs them first."""

from dataclasses import dataclass

import frappe


@dataclass(frozen=True)
class Category:
	name: str
	section: str  # the points section its handling pays into
	volunteer_points: int
	reporting_points: int
	# priority -> (response hours, resolution hours)
	targets: dict
	skill: str | None = None


ROUTINE = {"Low": (24, 120), "Medium": (24, 72), "High": (8, 48), "Urgent": (2, 24)}
QUICK = {"Low": (24, 72), "Medium": (12, 48), "High": (4, 24), "Urgent": (1, 8)}

CATEGORIES = (
	Category("房屋维修", "Neighbourly Help", 5, 0, ROUTINE, "水电维修"),
	Category("环境卫生", "Civilisation Creation", 3, 2, QUICK),
	Category("绿化养护", "Civilisation Creation", 3, 2, ROUTINE),
	Category("停车管理", "Civilisation Creation", 2, 2, QUICK),
	Category("噪音扰民", "Dispute Mediation", 3, 1, QUICK),
	Category("公共设施", "Neighbourly Help", 4, 2, ROUTINE, "水电维修"),
	Category("安全隐患", "Production Safety", 6, 5, QUICK),
	Category("为老服务", "Neighbourly Help", 5, 0, ROUTINE, "陪护照料"),
	Category("微心愿", "Neighbourly Help", 5, 0, ROUTINE),
	Category("邻里纠纷", "Dispute Mediation", 4, 0, QUICK, "调解"),
)
# what captains' patrol findings and hazards are filed under
HAZARD_CATEGORY = "安全隐患"
MICRO_WISH_CATEGORY = "微心愿"
ELDER_CATEGORY = "为老服务"

SKILLS = {
	"水电维修": "换灯泡、修水龙头、通下水道",
	"陪护照料": "陪同就医、代购、聊天陪伴",
	"调解": "邻里矛盾调解",
	"理发": "上门理发",
	"电脑手机": "教老人用智能手机",
}


def ensure_catalogue():
	"""Create the skills and categories the demo's chapters use, leaving existing ones untouched."""
	for skill, description in SKILLS.items():
		if not frappe.db.exists("Skill", skill):
			frappe.get_doc(
				{"doctype": "Skill", "skill_name": skill, "is_active": 1, "description": description}
			).insert(ignore_permissions=True)
	for category in CATEGORIES:
		if frappe.db.exists("Service Request Category", category.name):
			continue
		frappe.get_doc(
			{
				"doctype": "Service Request Category",
				"category_name": category.name,
				"is_active": 1,
				"points_section": category.section,
				"volunteer_points": category.volunteer_points,
				"reporting_points": category.reporting_points,
				"required_skill": category.skill,
				"targets": [
					{"priority": priority, "response_hours": response, "resolution_hours": resolution}
					for priority, (response, resolution) in category.targets.items()
				],
			}
		).insert(ignore_permissions=True)
