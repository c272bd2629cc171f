"""Quick reports (随手拍): a resident or contributor photographs a hazard in the street, and it becomes a
Service Request with channel "Quick Report" for the grid where it was seen.

Where: the building nearest to the phone's position (within ``NEAREST_BUILDING_RADIUS_METRES``), or
a building the reporter chose; either way a building of the reporter's own street. The request then
follows the usual dispatch and deadlines of that building's grid.

Reward: when a worker confirms the report was real (the request is resolved, or a grid worker marks
it valid), the reporter earns the category's reporting points through the ledger. The award's
source is the report's photo (its File), not the request: the request is already the source of the
handler's points, so the two awards never share a ledger key and reversing one never touches the
other. A report confirmed as real can no longer be rejected (it was real), so its points stand.
"""

import json
import math

import frappe
from community_governance import ledger, scope
from community_governance.utils.text import plain_text
from frappe import _
from frappe.query_builder.functions import Coalesce

CHANNEL = "Quick Report"
SERVICE_REQUEST = "Service Request"
PHOTO_FIELD = "photo"
# farther than this from every building of the street, a position is not in the street
NEAREST_BUILDING_RADIUS_METRES = 300
EARTH_RADIUS_METRES = 6_371_000
NOTE_LENGTH = 500


class OutsideTheStreet(frappe.ValidationError):
	pass


# --- filing ----------------------------------------------------------------------------------------


def file(
	photo: str | None,
	note: str | None,
	category: str | None,
	building: str | None = None,
	latitude: float | None = None,
	longitude: float | None = None,
) -> str:
	"""File the session user's quick report; returns the new request's name. The app files it on
	the reporter's behalf (a contributor has no home building to file for), after these checks."""
	reporter = reporter_of(frappe.session.user)
	if not photo:
		frappe.throw(_("Take a photo of what you are reporting."), title=_("Photo Missing"))
	note = plain_text(note or "").strip()
	if not note:
		frappe.throw(_("Say in a few words what you saw."), title=_("Note Missing"))
	_check_category(category)
	place = place_of_report(reporter, building, latitude, longitude)
	request = frappe.get_doc(
		{
			"doctype": SERVICE_REQUEST,
			"request_type": "Request",
			"category": category,
			"priority": "Medium",
			"channel": CHANNEL,
			"requester": reporter.name,
			"building": place,
			"description": note[:NOTE_LENGTH],
			"photo": photo,
			"location": point(latitude, longitude)
			if latitude is not None and longitude is not None
			else None,
		}
	)
	request.flags.quick_report = True
	request.flags.ignore_permissions = True  # checked above: the reporter's own street and photo
	request.insert()
	_attach_photo(request, photo)
	return request.name


def reporter_of(user: str) -> frappe._dict:
	residents = scope.get_scope(user).residents
	if not residents:
		frappe.throw(
			_(
				"Only registered residents and contributors can send quick reports; please ask your grid worker to register you."
			),
			frappe.PermissionError,
		)
	reporter = frappe.db.get_value("Resident", min(residents), ["name", "grid", "status"], as_dict=True)
	if reporter.status != "Active":
		frappe.throw(
			_("Only active residents and contributors can send quick reports."), frappe.PermissionError
		)
	return reporter


def _check_category(category: str | None) -> None:
	if not category or not frappe.db.get_value("Service Request Category", category, "is_active"):
		frappe.throw(_("Choose what kind of problem you are reporting."), title=_("Category Missing"))


def place_of_report(reporter, building: str | None, latitude: float | None, longitude: float | None) -> str:
	"""The building the report is about: the chosen one, or the nearest to the position."""
	street = street_of(reporter.grid)
	if building:
		if building not in buildings_in(street):
			frappe.throw(
				_("{0} is not a building of your street.").format(frappe.bold(building)),
				OutsideTheStreet,
				title=_("Outside the Street"),
			)
		return building
	if latitude is None or longitude is None:
		frappe.throw(
			_("Share your location, or choose the building nearest to what you saw."),
			title=_("Location Missing"),
		)
	if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
		frappe.throw(_("The location is not a place on Earth."), title=_("Invalid Location"))
	nearest = nearest_building(latitude, longitude, buildings_in(street))
	if not nearest:
		frappe.throw(
			_(
				"This place is more than {0} metres from every building of your street: choose the building nearest to what you saw."
			).format(NEAREST_BUILDING_RADIUS_METRES),
			OutsideTheStreet,
			title=_("Outside the Street"),
		)
	return nearest


def street_of(grid: str | None) -> str | None:
	"""The street (the top of the grid tree) that the grid belongs to."""
	if not grid:
		return None
	node = frappe.qb.DocType("Grid")
	lft, rgt = frappe.db.get_value("Grid", grid, ["lft", "rgt"])
	return (
		frappe.qb.from_(node)
		.select(node.name)
		.where((node.lft <= lft) & (node.rgt >= rgt) & Coalesce(node.parent_grid, "").eq(""))
		.run(pluck=True)
		or [None]
	)[0]


def buildings_in(root: str | None) -> dict[str, str | None]:
	"""The buildings under a grid node (a street, a grid), each with its stored location."""
	if not root:
		return {}
	building = frappe.qb.DocType("Building")
	node = frappe.qb.DocType("Grid")
	lft, rgt = frappe.db.get_value("Grid", root, ["lft", "rgt"])
	rows = (
		frappe.qb.from_(building)
		.join(node)
		.on(node.name == building.grid)
		.select(building.name, building.location)
		.where((node.lft >= lft) & (node.rgt <= rgt))
		.orderby(building.name)
		.run()
	)
	return dict(rows)


def nearest_building(latitude: float, longitude: float, buildings: dict[str, str | None]) -> str | None:
	best, best_distance = None, NEAREST_BUILDING_RADIUS_METRES
	for name, location in buildings.items():
		position = position_of(location)
		if not position:
			continue
		distance = distance_metres(latitude, longitude, *position)
		if distance <= best_distance:
			best, best_distance = name, distance
	return best


def position_of(location: str | None) -> tuple[float, float] | None:
	"""(latitude, longitude) of the first point of a Geolocation field's GeoJSON, if it has one."""
	if not location:
		return None
	try:
		features = json.loads(location).get("features") or []
	except (ValueError, AttributeError):
		return None
	for feature in features:
		geometry = (feature or {}).get("geometry") or {}
		coordinates = geometry.get("coordinates")
		if geometry.get("type") == "Point" and coordinates and len(coordinates) >= 2:
			return float(coordinates[1]), float(coordinates[0])
	return None


def distance_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
	"""Great-circle distance (haversine)."""
	phi1, phi2 = math.radians(lat1), math.radians(lat2)
	half_chord = (
		math.sin((phi2 - phi1) / 2) ** 2
		+ math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
	)
	return 2 * EARTH_RADIUS_METRES * math.asin(math.sqrt(half_chord))


def point(latitude: float, longitude: float) -> str:
	"""A Geolocation field's value for one point (GeoJSON, longitude first)."""
	return json.dumps(
		{
			"type": "FeatureCollection",
			"features": [
				{
					"type": "Feature",
					"properties": {},
					"geometry": {"type": "Point", "coordinates": [longitude, latitude]},
				}
			],
		}
	)


def _attach_photo(request, photo: str) -> None:
	"""The photo becomes a file of the request, so the request's workers may see it and the award has
	a source of its own (see the module's docstring). Frappe attaches an unattached File of the same
	address on save; when there is none (the same photo sent twice), the request gets its own."""
	if award_source(request):
		return
	values = {
		"attached_to_doctype": SERVICE_REQUEST,
		"attached_to_name": request.name,
		"attached_to_field": PHOTO_FIELD,
	}
	copy = frappe.get_doc(
		{"doctype": "File", "file_url": photo, "is_private": photo.startswith("/private/"), **values}
	)
	copy.flags.ignore_permissions = True
	copy.insert()


# --- confirming ------------------------------------------------------------------------------------


def is_quick_report(request) -> bool:
	return request.channel == CHANNEL


def award_source(request):
	"""The File of the report's photo: the source of its reporting points."""
	name = frappe.db.get_value(
		"File",
		{
			"attached_to_doctype": SERVICE_REQUEST,
			"attached_to_name": request.name,
			"attached_to_field": PHOTO_FIELD,
		},
		"name",
		order_by="creation asc",
	)
	return frappe.get_doc("File", name) if name else None


def is_confirmed(request) -> bool:
	source = award_source(request)
	return bool(
		source
		and frappe.db.exists(
			"Points Transaction",
			{"source_doctype": "File", "source_name": source.name, "kind": "Earn", "docstatus": 1},
		)
	)


def confirm(request) -> int:
	"""The report was real: its reporter earns the category's reporting points, once. Returns the
	points awarded now (0 when already awarded, or when the category awards none)."""
	if not is_quick_report(request) or not request.requester:
		return 0
	section, points = frappe.db.get_value(
		"Service Request Category", request.category, ["points_section", "reporting_points"]
	)
	source = award_source(request)
	if not points or not source or is_confirmed(request):
		return 0
	ledger.post(
		request.requester,
		points,
		"Earn",
		section=section,
		source=source,
		remark=request.subject,  # stored once, read by the reporter: their own words, not the confirmer's language
	)
	return points


def mark_valid(request_name: str) -> dict:
	"""A grid's worker confirms a quick report was real before it is resolved."""
	request = frappe.get_doc(SERVICE_REQUEST, request_name)
	request.check_permission("write")
	if not scope.STAFF_ROLES & set(frappe.get_roles()) and not scope.get_scope().sees_all:
		frappe.throw(_("Only the grid's workers confirm quick reports."), frappe.PermissionError)
	if not is_quick_report(request):
		frappe.throw(
			_("{0} is not a quick report.").format(frappe.bold(request.name)), title=_("Not a Quick Report")
		)
	if request.workflow_state == "Rejected":
		frappe.throw(
			_("{0} was rejected and cannot be confirmed.").format(frappe.bold(request.name)),
			title=_("Rejected Report"),
		)
	already = is_confirmed(request)
	awarded = 0 if already else confirm(request)
	return {"name": request.name, "points": awarded, "already_confirmed": already}


def check_rejection(request) -> None:
	"""A report a worker confirmed as real is not rejected afterwards: its reporter keeps the points."""
	if is_quick_report(request) and is_confirmed(request):
		frappe.throw(
			_("This quick report was confirmed as real and its reporter rewarded; it cannot be rejected."),
			title=_("Confirmed Report"),
		)
