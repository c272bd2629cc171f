"""Compounds (小区): the buildings of one property-managed estate, its property company and its
owners' committee (业主委员会), and what the records that target a compound take from it.

- a building belongs to at most one compound (the database keeps Compound Building.building unique);
  compounds and grids may cut across each other, but a compound stays inside one community;
- an owners' committee member lives in the compound, sits once, and serves a term;
- an evaluation, a matter or a meeting naming a compound takes its buildings (and the evaluation its
  company and contact) from it;
- a joint meeting (联席会议) of community, property company and owners' committee takes up the
  compound's open rectifications and matters, and its decisions go to the company's contact.
"""

import frappe
from frappe import _
from frappe.utils import getdate

# the meeting kinds of the weekly, monthly and quarterly rhythm (周周碰、月月议、季季评)
DELIBERATION = "Deliberation"
JOINT_MEETING_KINDS = ("Weekly Joint Meeting", "Monthly Joint Meeting", "Quarterly Joint Meeting")
# a matter the meeting may take up, and a rectification still being worked on
OPEN_MATTER_STATES = ("Proposed", "Supported")
DONE_REQUEST_STATES = ("Resolved", "Closed", "Cancelled")
RECTIFICATION_CHANNEL = "Property Evaluation"


# --- the compound itself -----------------------------------------------------------------------


def validate_buildings(compound) -> None:
	"""Buildings of the compound's community, each listed once and in no other compound."""
	if not compound.buildings:
		frappe.throw(_("List the buildings of the compound."), title=_("Buildings Missing"))
	names = [row.building for row in compound.buildings]
	places = building_places(names)
	seen = set()
	for row in compound.buildings:
		place = places.get(row.building)
		if not place:
			frappe.throw(
				_("Building {0} does not exist.").format(frappe.bold(row.building)), frappe.DoesNotExistError
			)
		if place.community != compound.community:
			frappe.throw(
				_("Building {0} is not in community {1}.").format(
					frappe.bold(row.building), frappe.bold(compound.community)
				),
				title=_("Outside the Community"),
			)
		if row.building in seen:
			frappe.throw(
				_("Building {0} is listed twice.").format(frappe.bold(row.building)), title=_("Listed Twice")
			)
		seen.add(row.building)
		row.grid = place.grid
	taken = compounds_of(names, other_than=compound.name)
	if taken:
		building, other = next(iter(taken.items()))
		frappe.throw(
			_("Building {0} already belongs to compound {1}: a building belongs to one compound.").format(
				frappe.bold(building), frappe.bold(other)
			),
			title=_("Already in a Compound"),
		)


def validate_committee(compound) -> None:
	"""Members live in the compound, sit once, and their term ends after it starts."""
	buildings = {row.building for row in compound.buildings}
	residents = residents_by_name([row.resident for row in compound.committee])
	seen = set()
	for row in compound.committee:
		resident = residents.get(row.resident)
		if not resident:
			frappe.throw(
				_("Resident {0} is not registered.").format(frappe.bold(row.resident)),
				frappe.DoesNotExistError,
			)
		if resident.building not in buildings:
			frappe.throw(
				_("Committee row {0}: {1} does not live in this compound.").format(
					row.idx, frappe.bold(resident.full_name)
				),
				title=_("Outside the Compound"),
			)
		if row.resident in seen:
			frappe.throw(
				_("{0} sits on the committee twice.").format(frappe.bold(resident.full_name)),
				title=_("Listed Twice"),
			)
		seen.add(row.resident)
		if row.term_end and getdate(row.term_end) < getdate(row.term_start):
			frappe.throw(
				_("Committee row {0}: the term ends before it starts.").format(row.idx),
				title=_("Invalid Term"),
			)
		row.resident_name = resident.full_name


def set_company(compound) -> None:
	"""A company registered as a partner unit gives its name and contact; one that is not is
	named on the compound itself."""
	if compound.property_company:
		unit = frappe.db.get_value(
			"Partner Unit",
			compound.property_company,
			["unit_name", "community", "contact_user", "contact_phone"],
			as_dict=True,
		)
		if not unit:
			frappe.throw(
				_("Partner unit {0} does not exist.").format(frappe.bold(compound.property_company)),
				frappe.DoesNotExistError,
			)
		compound.company_name = unit.unit_name
		compound.company_contact = compound.company_contact or unit.contact_user
		compound.contact_phone = compound.contact_phone or unit.contact_phone
	compound.company_name = (compound.company_name or "").strip() or None
	if compound.company_contact and not frappe.db.get_value("User", compound.company_contact, "enabled"):
		frappe.throw(
			_("{0} is not an active user.").format(frappe.bold(compound.company_contact)),
			title=_("Invalid User"),
		)


def building_places(names: list[str]) -> dict[str, frappe._dict]:
	if not names:
		return {}
	building = frappe.qb.DocType("Building")
	rows = (
		frappe.qb.from_(building)
		.select(building.name, building.grid, building.community)
		.where(building.name.isin(names))
		.run(as_dict=True)
	)
	return {row.name: row for row in rows}


def compounds_of(buildings: list[str], other_than: str | None = None) -> dict[str, str]:
	"""building -> the compound it belongs to (leaving out ``other_than``)."""
	if not buildings:
		return {}
	row = frappe.qb.DocType("Compound Building")
	query = (
		frappe.qb.from_(row)
		.select(row.building, row.parent)
		.where((row.parenttype == "Compound") & row.building.isin(buildings))
	)
	if other_than:
		query = query.where(row.parent != other_than)
	return dict(query.run())


def residents_by_name(names: list[str]) -> dict[str, frappe._dict]:
	"""Residents' names, homes and logins in one query, however many rows name them (a committee,
	an evaluation's scorecards)."""
	if not names:
		return {}
	resident = frappe.qb.DocType("Resident")
	rows = (
		frappe.qb.from_(resident)
		.select(resident.name, resident.full_name, resident.household, resident.building, resident.user)
		.where(resident.name.isin(names))
		.run(as_dict=True)
	)
	return {row.name: row for row in rows}


# --- records that target a compound ---------------------------------------------------------------


def get_compound(name: str):
	if not frappe.db.exists("Compound", name):
		frappe.throw(_("Compound {0} does not exist.").format(frappe.bold(name)), frappe.DoesNotExistError)
	return frappe.get_cached_doc("Compound", name)


def buildings_of(name: str) -> list[str]:
	return [row.building for row in get_compound(name).buildings]


def take_place_from_compound(doc) -> None:
	"""An evaluation, matter or meeting of a compound covers exactly its buildings, in its
	community."""
	compound = get_compound(doc.compound)
	doc.community = compound.community
	doc.set("buildings", [{"building": row.building} for row in compound.buildings])


def take_company_from_compound(evaluation) -> None:
	"""An evaluation of a compound evaluates its company, and its rectifications go to the contact."""
	compound = get_compound(evaluation.compound)
	if not compound.company_name or not compound.company_contact:
		frappe.throw(
			_("Compound {0} names no property company with a contact yet.").format(
				frappe.bold(compound.compound_name)
			),
			title=_("Property Company Missing"),
		)
	evaluation.compound_name = compound.compound_name
	evaluation.property_company = compound.company_name
	evaluation.company_contact = compound.company_contact


# --- joint meetings -------------------------------------------------------------------------------


def is_joint_meeting(meeting) -> bool:
	return meeting.get("meeting_kind") in JOINT_MEETING_KINDS


def validate_joint_meeting(meeting) -> None:
	"""A joint meeting is of one compound and invites its company and owners' committee."""
	if not is_joint_meeting(meeting):
		return
	if not meeting.compound:
		frappe.throw(_("A joint meeting is held for one compound: choose it."), title=_("Compound Missing"))
	meeting.invite_property_company = 1
	meeting.invite_owners_committee = 1


def open_matters(compound: str) -> list[str]:
	"""The compound's matters still open for a meeting: its own, and those of its buildings only."""
	matter = frappe.qb.DocType("Deliberation Matter")
	row = frappe.qb.DocType("Deliberation Building")
	buildings = buildings_of(compound)
	outside = (
		frappe.qb.from_(row)
		.select(row.parent)
		.where((row.parenttype == "Deliberation Matter") & row.building.notin(buildings or [""]))
	)
	return (
		frappe.qb.from_(matter)
		.select(matter.name)
		.where(
			matter.workflow_state.isin(OPEN_MATTER_STATES)
			& (
				(matter.compound == compound)
				| ((matter.community == get_compound(compound).community) & matter.name.notin(outside))
			)
		)
		.orderby(matter.creation)
		.run(pluck=True)
	)


def open_rectifications(compound: str) -> list[str]:
	"""The rectification requests the compound's evaluations opened that are not done yet."""
	evaluation = frappe.qb.DocType("Property Service Evaluation")
	rectification = frappe.qb.DocType("Property Service Rectification")
	request = frappe.qb.DocType("Service Request")
	return (
		frappe.qb.from_(rectification)
		.join(evaluation)
		.on(rectification.parent == evaluation.name)
		.join(request)
		.on(request.name == rectification.service_request)
		.select(request.name)
		.distinct()
		.where(
			(rectification.parenttype == "Property Service Evaluation")
			& (evaluation.compound == compound)
			& (evaluation.docstatus == 1)
			& request.workflow_state.notin(DONE_REQUEST_STATES)
		)
		.orderby(request.name)
		.run(pluck=True)
	)


def fill_agenda(meeting) -> dict:
	"""Put the compound's open matters and rectifications on a joint meeting (those already on it
	stay once)."""
	listed = {row.matter for row in meeting.agenda}
	followed = {row.service_request for row in meeting.rectifications}
	added_matters = [name for name in open_matters(meeting.compound) if name not in listed]
	added_requests = [name for name in open_rectifications(meeting.compound) if name not in followed]
	for name in added_matters:
		meeting.append("agenda", {"matter": name})
	for name in added_requests:
		meeting.append("rectifications", {"service_request": name})
	return {"matters": added_matters, "rectifications": added_requests}


def property_contact_of_meeting(meeting: str | None) -> str | None:
	"""Whom a joint meeting's decision goes to: the contact of the compound's property company."""
	if not meeting:
		return None
	kind, compound = frappe.db.get_value("Deliberation Meeting", meeting, ["meeting_kind", "compound"]) or (
		None,
		None,
	)
	if kind not in JOINT_MEETING_KINDS or not compound:
		return None
	return frappe.db.get_value("Compound", compound, "company_contact")
