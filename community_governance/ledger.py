"""Volunteer points: an immutable, submitted ledger with a cached balance per resident.

Every movement of points is a submitted Points Transaction. Submitting one calls ``apply`` here,
which, in the same database transaction and under a lock on the resident's Points Account row,
updates the cached balance — so the balance always equals the sum of the ledger and a spend can
never take it below zero, however many requests race. Sources (closed requests, activities,
mediations, redemptions) call ``post`` / ``post_many`` and ``reverse_source``; nothing else writes.

The database refuses a second row of one kind for the same source and resident (unique key), so
an award can never be paid twice even if the check in Python is raced.

In the same transaction each posting also adds to the Points Monthly Total of its resident, month,
section and place, and to the Points Period Totals of its resident and half-year (one for its
section, one over all sections), so the leaderboard and statements read a few totals instead of
millions of rows: a half-year's top residents are the first rows of an index. The ledger stays the
truth: ``drift`` compares both kinds of totals with the rows too, and ``rebuild_monthly_totals``
recomputes them from the rows.
"""

from datetime import date

import frappe
from frappe import _
from frappe.utils import cint, getdate, nowdate

SECTION_FIELDS = {
	"Democratic Building": "democratic_building",
	"Civilisation Creation": "civilisation_creation",
	"Neighbourly Help": "neighbourly_help",
	"Production Safety": "production_safety",
	"Dispute Mediation": "dispute_mediation",
}
SPENDING_KINDS = ("Redeem",)
# Merit is what a resident earned: Redeem rows are spending, not merit, so they do not lower a rank.
# Reversals do count: a cancelled activity or a corrected award takes its points back.
MERIT_KINDS = ("Earn", "Adjustment", "Reversal")
# A revoked redemption refunds its points with a Reversal row; that undoes spending, not merit.
SPENDING_SOURCE = "Reward Redemption"
ACTIVITY_SOURCE = "Volunteer Activity"
TOTALS = "Points Monthly Total"
PERIOD_TOTALS = "Points Period Total"
# the name of a period total over every section (a section's total carries the section's name)
ALL_SECTIONS = "*"


class InsufficientPoints(frappe.ValidationError):
	pass


class DuplicateAward(frappe.ValidationError):
	pass


def whole_points(value) -> int:
	"""The value as an int, or a clear error when it is not a whole number (every form that takes
	points or quantities)."""
	try:
		number = float(value or 0)
	except (TypeError, ValueError):
		number = None
	if number is None or number != int(number):
		frappe.throw(
			_("Points are whole numbers; {0} is not.").format(frappe.bold(value)), title=_("Invalid Points")
		)
	return int(number)


# --- writing ---------------------------------------------------------------------------------------


def post(
	resident: str,
	points: int,
	kind: str,
	section: str | None = None,
	source=None,
	remark: str | None = None,
	posting_date=None,
	reverses: str | None = None,
):
	"""Write one submitted ledger row; its submission updates the balance (see ``apply``)."""
	grid, community, resident_name = _places_of([resident])[resident]
	row = frappe.get_doc(
		{
			"doctype": "Points Transaction",
			"resident": resident,
			"resident_name": resident_name,
			"grid": grid,
			"community": community,
			"points": points,
			"kind": kind,
			"section": section,
			"source_doctype": source.doctype if source else None,
			"source_name": source.name if source else None,
			"remark": remark,
			"posting_date": posting_date or nowdate(),
			"reverses": reverses,
		}
	)
	row.flags.from_ledger = True
	row.flags.ignore_permissions = True
	row.flags.ignore_links = True  # a reversal points at its source after the source was cancelled
	try:
		row.submit()
	except frappe.UniqueValidationError:
		frappe.throw(
			_("{0} has already received points from {1}.").format(
				frappe.bold(resident), frappe.bold(source.name)
			),
			DuplicateAward,
		)
	return row


def post_many(awards: list[dict], kind: str, section: str, source, posting_date=None, remark=None) -> int:
	"""Award many residents at once ("one tally per event"): one bulk insert of submitted rows
	and one balance update per resident, all under the accounts' locks."""
	if not awards:
		return 0
	posting_date = posting_date or nowdate()
	residents = [award["resident"] for award in awards]
	places = _places_of(residents)
	accounts = lock_accounts(residents)
	now = frappe.utils.now()
	user = frappe.session.user
	names = _new_names(len(awards))
	rows = []
	for name, award in zip(names, awards, strict=True):
		points = cint(award["points"])
		grid, community, resident_name = places[award["resident"]]
		rows.append(
			(
				name,
				now,
				now,
				user,
				user,
				1,
				award["resident"],
				resident_name,
				points,
				section,
				kind,
				posting_date,
				source.doctype,
				source.name,
				grid,
				community,
				remark,
			)
		)
	try:
		frappe.db.bulk_insert(
			"Points Transaction",
			[
				"name",
				"creation",
				"modified",
				"owner",
				"modified_by",
				"docstatus",
				"resident",
				"resident_name",
				"points",
				"section",
				"kind",
				"posting_date",
				"source_doctype",
				"source_name",
				"grid",
				"community",
				"remark",
			],
			rows,
		)
	except (frappe.UniqueValidationError, frappe.db.IntegrityError):
		frappe.throw(
			_("Some of these residents have already received points from {0}.").format(source.name),
			DuplicateAward,
		)
	for award in awards:
		_add_to_account(accounts[award["resident"]], cint(award["points"]), section, kind)
	add_to_totals(
		[
			frappe._dict(
				resident=award["resident"],
				resident_name=places[award["resident"]][2],
				grid=places[award["resident"]][0],
				community=places[award["resident"]][1],
				posting_date=posting_date,
				section=section,
				kind=kind,
				source_doctype=source.doctype,
				points=cint(award["points"]),
			)
			for award in awards
		]
	)
	return len(rows)


def reverse_source(source, remark: str | None = None) -> int:
	"""Cancel what a source paid: a reversing row for each of its rows. The original rows stay.

	Reversals are refused when a resident has already spent the points: the balance would go
	below zero, and points spent on a reward cannot be taken back from the reward.
	"""
	ledger = frappe.qb.DocType("Points Transaction")
	reversed_rows = frappe.qb.from_(ledger).select(ledger.reverses).where(ledger.reverses.isnotnull())
	originals = (
		frappe.qb.from_(ledger)
		.select(ledger.name, ledger.resident, ledger.points, ledger.section)
		.where(
			(ledger.source_doctype == source.doctype)
			& (ledger.source_name == source.name)
			& (ledger.docstatus == 1)
			& (ledger.kind != "Reversal")
			& ledger.name.notin(reversed_rows)
		)
		.run(as_dict=True)
	)
	for original in originals:
		post(
			original.resident,
			-original.points,
			"Reversal",
			section=original.section,
			source=source,
			remark=remark or _("Reverses {0}").format(original.name),
			reverses=original.name,
		)
	return len(originals)


def apply(transaction) -> None:
	"""Called by every Points Transaction on submit: move the cached balance with the ledger."""
	account = lock_accounts([transaction.resident])[transaction.resident]
	_add_to_account(account, cint(transaction.points), transaction.section, transaction.kind)
	add_to_totals([transaction])


def is_merit(kind: str, source_doctype: str | None) -> bool:
	return kind in MERIT_KINDS and source_doctype != SPENDING_SOURCE


def month_of(day) -> date:
	return getdate(day).replace(day=1)


def total_key(resident: str, month: date, section: str | None, grid: str | None) -> str:
	"""The name of a Points Monthly Total: one row per resident, month, section and place."""
	return f"{resident}|{month:%Y-%m}|{section or ''}|{grid or ''}"


def add_to_totals(rows: list) -> None:
	"""Add ledger rows to every total the ledger keeps, in the posting's transaction."""
	add_to_monthly_totals(rows)
	add_to_period_totals(rows)


def add_to_monthly_totals(rows: list) -> None:
	"""Add ledger rows to their monthly totals: one upsert for all of them. Runs inside the
	posting's transaction, after its resident's account row is locked."""
	totals = {}
	for row in rows:
		month = month_of(row.posting_date or nowdate())
		key = total_key(row.resident, month, row.section, row.grid)
		total = totals.setdefault(
			key,
			[
				key,
				row.resident,
				row.resident_name,
				month,
				row.section or "",
				row.grid,
				row.community,
				0,
				0,
				0,
				0,
			],
		)
		points = cint(row.points)
		total[10] += points
		if is_merit(row.kind, row.source_doctype):
			total[7] += points
			total[8] += 1
			if row.source_doctype == ACTIVITY_SOURCE:
				total[9] += -1 if row.kind == "Reversal" else 1
	if not totals:
		return
	now, user = frappe.utils.now(), frappe.session.user
	values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(totals))
	frappe.db.sql(
		f"""insert into `tab{TOTALS}` (name, resident, resident_name, month, section, grid, community,
			merit_points, merit_rows, activities, net_points, creation, modified, owner, modified_by)
		values {values}
		on duplicate key update merit_points = merit_points + values(merit_points),
			merit_rows = merit_rows + values(merit_rows), activities = activities + values(activities),
			net_points = net_points + values(net_points), modified = values(modified)""",
		[value for total in totals.values() for value in (*total, now, now, user, user)],
	)


def period_of(day) -> str:
	"""The half-year a day falls in, as the period totals name it: 2026-H1, 2026-H2."""
	day = getdate(day)
	return f"{day.year}-H{1 if day.month <= 6 else 2}"


def period_key(resident: str, period: str, section: str | None, all_sections: bool = False) -> str:
	"""The name of a Points Period Total: one per resident, half-year and section, and one per
	resident and half-year over all sections."""
	return f"{resident}|{period}|{ALL_SECTIONS if all_sections else section or ''}"


def add_to_period_totals(rows: list) -> None:
	"""Add ledger rows to their period totals: one upsert for all of them. The place and name
	shown are the greatest of the resident's earning rows in the period, as the leaderboard over
	the rows shows them; spending never sets them."""
	totals = {}
	for row in rows:
		period = period_of(row.posting_date or nowdate())
		points = cint(row.points)
		merit = is_merit(row.kind, row.source_doctype)
		for all_sections in (False, True):
			key = period_key(row.resident, period, row.section, all_sections)
			total = totals.setdefault(
				key,
				{
					"name": key,
					"resident": row.resident,
					"resident_name": None,
					"period": period,
					"section": "" if all_sections else row.section or "",
					"all_sections": int(all_sections),
					"grid": None,
					"community": None,
					"merit_points": 0,
					"merit_rows": 0,
					"activities": 0,
					"net_points": 0,
				},
			)
			total["net_points"] += points
			if not merit:
				continue
			total["merit_points"] += points
			total["merit_rows"] += 1
			if row.source_doctype == ACTIVITY_SOURCE:
				total["activities"] += -1 if row.kind == "Reversal" else 1
			for field in PERIOD_PLACE_FIELDS:
				total[field] = max(total[field] or "", row.get(field) or "") or None
	if not totals:
		return
	now, user = frappe.utils.now(), frappe.session.user
	columns = [*next(iter(totals.values())), "creation", "modified", "owner", "modified_by"]
	values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(totals))
	places = ", ".join(
		f"{field} = if(values(merit_rows) > 0 and coalesce(values({field}), '') > coalesce({field}, ''), "
		f"values({field}), {field})"
		for field in PERIOD_PLACE_FIELDS
	)
	frappe.db.sql(
		f"""insert into `tab{PERIOD_TOTALS}` ({", ".join(columns)})
		values {values}
		on duplicate key update {places},
			merit_points = merit_points + values(merit_points),
			merit_rows = merit_rows + values(merit_rows), activities = activities + values(activities),
			net_points = net_points + values(net_points), modified = values(modified)""",
		[value for total in totals.values() for value in (*total.values(), now, now, user, user)],
	)


PERIOD_PLACE_FIELDS = ("resident_name", "grid", "community")


def rebuild_monthly_totals(residents: list[str] | None = None) -> int:
	"""Recompute the monthly totals, and the period totals with them, from the ledger rows, of some
	residents or of everyone (a patch, or a repair after drift). Returns how many monthly totals
	there are now."""
	rebuild_period_totals(residents)
	if not _delete_totals(TOTALS, residents):
		return 0
	now, user = frappe.utils.now(), frappe.session.user
	merit = _merit_sql()
	only = "and resident in %(residents)s" if residents is not None else ""
	frappe.db.sql(
		f"""insert into `tab{TOTALS}` (name, resident, resident_name, month, section, grid, community,
			merit_points, merit_rows, activities, net_points, creation, modified, owner, modified_by)
		select concat_ws('|', resident, date_format(posting_date, '%%Y-%%m'), coalesce(section, ''),
				coalesce(grid, '')),
			resident, max(resident_name), date_format(posting_date, '%%Y-%%m-01'), coalesce(section, ''),
			grid, max(community),
			sum(if({merit}, points, 0)), sum(if({merit}, 1, 0)),
			sum(if({merit} and source_doctype = %(activity)s, if(kind = 'Reversal', -1, 1), 0)),
			sum(points), %(now)s, %(now)s, %(user)s, %(user)s
		from `tabPoints Transaction`
		where docstatus = 1 {only}
		group by resident, date_format(posting_date, '%%Y-%%m'), coalesce(section, ''), grid""",
		{
			"spending": SPENDING_SOURCE,
			"activity": ACTIVITY_SOURCE,
			"now": now,
			"user": user,
			"residents": tuple(residents or ()),
		},
	)
	if residents is None:
		return frappe.db.count(TOTALS)
	return frappe.db.count(TOTALS, {"resident": ("in", list(residents))})


# the half-year of a ledger row, in SQL (see ``period_of``)
PERIOD_SQL = "concat(year(posting_date), if(month(posting_date) <= 6, '-H1', '-H2'))"


def _delete_totals(doctype: str, residents: list[str] | None) -> bool:
	"""Delete the totals about to be rebuilt: of these residents, or all. False when there are none
	to rebuild (an empty list of residents)."""
	if residents is not None and not residents:
		return False
	totals = frappe.qb.DocType(doctype)
	deleting = frappe.qb.from_(totals).delete()
	if residents is not None:
		deleting = deleting.where(totals.resident.isin(list(residents)))
	deleting.run()
	return True


def _merit_sql() -> str:
	return f"(kind in {_sql_list(MERIT_KINDS)} and coalesce(source_doctype, '') != %(spending)s)"


def rebuild_period_totals(residents: list[str] | None = None) -> int:
	"""Recompute the period totals from the ledger rows, of some residents or of everyone.
	Returns how many period totals there are now."""
	if not _delete_totals(PERIOD_TOTALS, residents):
		return 0
	merit = _merit_sql()
	only = "and resident in %(residents)s" if residents is not None else ""
	for all_sections in (False, True):
		section = "''" if all_sections else "coalesce(section, '')"
		key = f"'{ALL_SECTIONS}'" if all_sections else section
		frappe.db.sql(
			f"""insert into `tab{PERIOD_TOTALS}` (name, resident, resident_name, period, section,
				all_sections, grid, community, merit_points, merit_rows, activities, net_points,
				creation, modified, owner, modified_by)
			select concat_ws('|', resident, {PERIOD_SQL}, {key}), resident,
				max(if({merit}, resident_name, null)), {PERIOD_SQL}, {section}, {int(all_sections)},
				max(if({merit}, grid, null)), max(if({merit}, community, null)),
				sum(if({merit}, points, 0)), sum(if({merit}, 1, 0)),
				sum(if({merit} and source_doctype = %(activity)s, if(kind = 'Reversal', -1, 1), 0)),
				sum(points), %(now)s, %(now)s, %(user)s, %(user)s
			from `tabPoints Transaction`
			where docstatus = 1 {only}
			group by resident, {PERIOD_SQL}{"" if all_sections else ", coalesce(section, '')"}""",
			{
				"spending": SPENDING_SOURCE,
				"activity": ACTIVITY_SOURCE,
				"now": frappe.utils.now(),
				"user": frappe.session.user,
				"residents": tuple(residents or ()),
			},
		)
	if residents is None:
		return frappe.db.count(PERIOD_TOTALS)
	return frappe.db.count(PERIOD_TOTALS, {"resident": ("in", list(residents))})


def _sql_list(values) -> str:
	return "(" + ", ".join(frappe.db.escape(value) for value in values) + ")"


def lock_accounts(residents: list[str]) -> dict:
	"""Lock (creating where missing) the residents' Points Account rows, in a stable order."""
	residents = sorted(set(residents))
	account = frappe.qb.DocType("Points Account")
	_create_missing_accounts(residents)
	rows = (
		frappe.qb.from_(account)
		.select("*")
		.where(account.name.isin(residents))
		.orderby(account.name)
		.for_update()
		.run(as_dict=True)
	)
	return {row.name: row for row in rows}


def _create_missing_accounts(residents: list[str]):
	account = frappe.qb.DocType("Points Account")
	existing = set(
		frappe.qb.from_(account).select(account.name).where(account.name.isin(residents)).run(pluck=True)
	)
	missing = [resident for resident in residents if resident not in existing]
	if not missing:
		return
	places = _places_of(missing)
	now, user = frappe.utils.now(), frappe.session.user
	# insert ignore: a concurrent first posting for the same resident may have created it already
	frappe.db.bulk_insert(
		"Points Account",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"resident",
			"resident_name",
			"grid",
			"community",
			"balance",
		],
		[
			(resident, now, now, user, user, resident, places[resident][2], *places[resident][:2], 0)
			for resident in missing
		],
		ignore_duplicates=True,
	)


def _add_to_account(account, points: int, section: str | None, kind: str):
	balance = cint(account.balance) + points
	if balance < 0:
		frappe.throw(
			_("{0} has {1} points; {2} are needed.").format(
				frappe.bold(account.resident_name or account.name), cint(account.balance), abs(points)
			),
			InsufficientPoints,
			title=_("Not Enough Points"),
		)
	table = frappe.qb.DocType("Points Account")
	update = frappe.qb.update(table).set(table.balance, balance).where(table.name == account.name)
	section_field = SECTION_FIELDS.get(section)
	if section_field and kind not in SPENDING_KINDS:
		earned = cint(account.get(section_field)) + points
		update = update.set(table[section_field], earned)
		account[section_field] = earned
	update.set(table.modified, frappe.utils.now()).run()
	account.balance = balance


def _places_of(residents) -> dict:
	resident = frappe.qb.DocType("Resident")
	rows = (
		frappe.qb.from_(resident)
		.select(resident.name, resident.grid, resident.community, resident.full_name)
		.where(resident.name.isin(list(residents)))
		.run()
	)
	places = {name: (grid, community, full_name) for name, grid, community, full_name in rows}
	unknown = set(residents) - set(places)
	if unknown:
		frappe.throw(_("Unknown residents: {0}").format(", ".join(sorted(unknown))))
	return places


def _new_names(count: int) -> list[str]:
	from frappe.model.naming import make_autoname

	return [make_autoname("PT-.YYYY.-.#######", "Points Transaction") for _ in range(count)]


# --- what a closed request pays its volunteer -------------------------------------------------------

# the handlers who earn points for their work: volunteers, and contributors who do not live here
EARNING_HANDLER_ROLES = frozenset({"Volunteer", "Contributor"})


def award_for_closed_request(request) -> None:
	"""A volunteer or contributor who resolved ``request`` to the resident's satisfaction earns the
	category's points in the category's section. Paid once: the ledger refuses a second award for the
	same request."""
	if (
		request.points_awarded
		or not request.handler
		or not EARNING_HANDLER_ROLES & set(frappe.get_roles(request.handler))
	):
		return
	volunteer = frappe.db.get_value("Resident", {"user": request.handler}, "name")
	section, points = frappe.db.get_value(
		"Service Request Category", request.category, ["points_section", "volunteer_points"]
	)
	if not volunteer or not points:
		return
	post(volunteer, points, "Earn", section=section, source=request, remark=request.subject)
	request.db_set("points_awarded", 1, update_modified=False)


# --- reading ---------------------------------------------------------------------------------------


def balance_of(resident: str) -> dict:
	"""The resident's balance and earnings by section: one primary-key read."""
	fields = ["balance", *SECTION_FIELDS.values()]
	row = frappe.db.get_value("Points Account", resident, fields, as_dict=True) or dict.fromkeys(fields, 0)
	return {
		"resident": resident,
		"balance": cint(row["balance"]),
		"by_section": {section: cint(row[field]) for section, field in SECTION_FIELDS.items()},
	}


def statement(resident: str, limit: int = 100) -> list[dict]:
	"""The resident's ledger rows, newest first, each with the balance after it."""
	ledger = frappe.qb.DocType("Points Transaction")
	rows = (
		frappe.qb.from_(ledger)
		.select(
			ledger.name,
			ledger.posting_date,
			ledger.points,
			ledger.kind,
			ledger.section,
			ledger.source_doctype,
			ledger.source_name,
			ledger.remark,
			ledger.creation,
		)
		.where((ledger.resident == resident) & (ledger.docstatus == 1))
		.orderby(ledger.creation)
		.orderby(ledger.name)
		.run(as_dict=True)
	)
	running = 0
	for row in rows:
		running += row.points
		row.balance = running
	return list(reversed(rows))[:limit]


def drift() -> list[dict]:
	"""Residents whose cached balance differs from the sum of their ledger: should be empty."""
	ledger = frappe.qb.DocType("Points Transaction")
	account = frappe.qb.DocType("Points Account")
	from frappe.query_builder.functions import Coalesce, Sum

	ledger_sums = (
		frappe.qb.from_(ledger)
		.select(ledger.resident, Sum(ledger.points).as_("total"))
		.where(ledger.docstatus == 1)
		.groupby(ledger.resident)
	)
	rows = (
		frappe.qb.from_(account)
		.left_join(ledger_sums)
		.on(ledger_sums.resident == account.name)
		.select(account.name.as_("resident"), account.balance, Coalesce(ledger_sums.total, 0).as_("ledger"))
		.run(as_dict=True)
	)
	orphans = (
		frappe.qb.from_(ledger_sums)
		.left_join(account)
		.on(ledger_sums.resident == account.name)
		.select(
			ledger_sums.resident, Coalesce(account.balance, 0).as_("balance"), ledger_sums.total.as_("ledger")
		)
		.where(account.name.isnull())
		.run(as_dict=True)
	)
	return (
		[row for row in rows + orphans if cint(row.balance) != cint(row.ledger)]
		+ totals_drift()
		+ period_totals_drift()
	)


def totals_drift() -> list[dict]:
	"""Monthly totals that differ from their ledger rows, totals no row adds up to, and rows no total
	counts: should be empty. One pass over each table, grouped by the total's key (its name)."""
	merit = f"kind in {_sql_list(MERIT_KINDS)} and coalesce(source_doctype, '') != %(spending)s"
	return frappe.db.sql(
		f"""select total, max(resident) as resident, sum(total_net) as balance, sum(row_net) as ledger
		from (
			select name as total, resident, net_points as total_net, merit_points as total_merit,
				1 as is_total, 0 as row_net, 0 as row_merit, 0 as is_row
			from `tab{TOTALS}`
			union all
			select concat_ws('|', resident, date_format(posting_date, '%%Y-%%m'), coalesce(section, ''),
					coalesce(grid, '')),
				resident, 0, 0, 0, points, if({merit}, points, 0), 1
			from `tabPoints Transaction`
			where docstatus = 1
		) keyed
		group by total
		having sum(is_total) != 1 or sum(is_row) = 0
			or sum(total_net) != sum(row_net) or sum(total_merit) != sum(row_merit)""",
		{"spending": SPENDING_SOURCE},
		as_dict=True,
	)


def period_totals_drift() -> list[dict]:
	"""Period totals that differ from their ledger rows, totals no row adds up to, and rows no
	total counts: should be empty. Each row is keyed twice, for its section and for all sections."""
	merit = _merit_sql()
	activity = f"if({merit} and source_doctype = %(activity)s, if(kind = 'Reversal', -1, 1), 0)"
	rows = " union all ".join(
		f"""select concat_ws('|', resident, {PERIOD_SQL}, {key}), resident, 0, 0, 0, 0, 0,
			points, if({merit}, points, 0), if({merit}, 1, 0), {activity}, 1
		from `tabPoints Transaction`
		where docstatus = 1"""
		for key in ("coalesce(section, '')", f"'{ALL_SECTIONS}'")
	)
	return frappe.db.sql(
		f"""select total, max(resident) as resident, sum(total_net) as balance, sum(row_net) as ledger
		from (
			select name as total, resident, net_points as total_net, merit_points as total_merit,
				merit_rows as total_rows, activities as total_activities, 1 as is_total,
				0 as row_net, 0 as row_merit, 0 as row_rows, 0 as row_activities, 0 as is_row
			from `tab{PERIOD_TOTALS}`
			union all
			{rows}
		) keyed
		group by total
		having sum(is_total) != 1 or sum(is_row) = 0
			or sum(total_net) != sum(row_net) or sum(total_merit) != sum(row_merit)
			or sum(total_rows) != sum(row_rows) or sum(total_activities) != sum(row_activities)""",
		{"spending": SPENDING_SOURCE, "activity": ACTIVITY_SOURCE},
		as_dict=True,
	)


def check_drift():
	"""Daily: report any drift to the Error Log so an administrator sees it."""
	drifted = drift()
	if drifted:
		frappe.log_error(
			title=_("Points balances differ from the ledger"),
			message="\n".join(
				f"{row.resident} {row.get('total') or ''}: balance {row.balance}, ledger {row.ledger}"
				for row in drifted
			),
		)
	return drifted
