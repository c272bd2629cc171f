"""The points ledger: earn by event and by service, redeem for rewards; nothing edited or lost."""

from concurrent.futures import ThreadPoolExecutor

import pytest

import frappe
from community_governance import ledger
from community_governance.api import points as points_api
from community_governance.api import service_request as sr_api
from frappe.utils import add_days, nowdate
from tests.integration.conftest import as_user

SECTION = "Civilisation Creation"


def activity(world, attendees, points=2, **extra):
	return frappe.get_doc(
		{
			"doctype": "Volunteer Activity",
			"title": "Monthly clean-up day",
			"activity_date": nowdate(),
			"place": "Courtyard",
			"section": SECTION,
			"points_per_attendee": points,
			"community": "TC1",
			"attendees": [{"resident": world.residents[key]} for key in attendees],
			**extra,
		}
	)


def balance(world, key):
	return ledger.balance_of(world.residents[key])


def reward(name="Haircut", cost=3, stock=10, **extra):
	return frappe.get_doc(
		{
			"doctype": "Reward",
			"reward_name": name,
			"reward_type": "Service",
			"provider": "Caring barber",
			"points_cost": cost,
			"stock": stock,
			**extra,
		}
	).insert()


def ledger_rows(source):
	return frappe.get_all(
		"Points Transaction",
		{"source_doctype": source.doctype, "source_name": source.name},
		["resident", "points", "kind", "docstatus", "reverses"],
	)


# --- one tally per event ---------------------------------------------------------------------


def test_submitting_an_activity_pays_every_attendee_once(world):
	before = {key: balance(world, key)["balance"] for key in ("resident1", "captain1", "volunteer")}
	as_user(world.users["cw1"])
	doc = activity(world, ["resident1", "captain1", "volunteer"], points=2).insert()
	doc.submit()
	as_user("Administrator")
	rows = ledger_rows(doc)
	assert len(rows) == 3 and all(
		row.points == 2 and row.kind == "Earn" and row.docstatus == 1 for row in rows
	)
	for key, previous in before.items():
		now = balance(world, key)
		assert now["balance"] == previous + 2
		assert now["by_section"][SECTION] >= 2
	assert doc.total_points == 6
	assert not ledger.drift()


def test_an_activity_saved_as_a_draft_is_submitted_later(world):
	"""A row without points of its own is stored as 0 (an Int column): read back from the draft it
	still means the activity's points, and a row's own points stay its own."""
	as_user(world.users["cw1"])
	doc = activity(world, ["resident1", "captain1"], points=2)
	doc.attendees[1].points = 5
	doc.insert()
	draft = frappe.get_doc("Volunteer Activity", doc.name)
	assert [row.points for row in draft.attendees] == [0, 5]
	draft.submit()
	assert sorted(row.points for row in ledger_rows(draft)) == [2, 5]
	assert draft.total_points == 7


def test_a_negative_attendee_points_is_refused(world):
	as_user(world.users["cw1"])
	doc = activity(world, ["resident1"])
	doc.attendees[0].points = -1
	with pytest.raises(frappe.ValidationError, match="at least 1"):
		doc.insert()


def test_cancelling_an_activity_reverses_and_keeps_the_originals(world):
	as_user(world.users["cw1"])
	doc = activity(world, ["resident1", "captain1"], points=3).insert()
	doc.submit()
	start = balance(world, "resident1")["balance"]
	doc.cancel()
	rows = ledger_rows(doc)
	assert sorted(row.kind for row in rows) == ["Earn", "Earn", "Reversal", "Reversal"]
	assert sum(row.points for row in rows) == 0
	assert balance(world, "resident1")["balance"] == start - 3
	assert not ledger.drift()


def test_cancelling_an_activity_whose_points_were_spent_is_refused(world):
	as_user(world.users["soa"])
	doc = activity(world, ["resident2"], points=3, community="TC2").insert()
	doc.submit()
	spend_all(world, "resident2")
	with pytest.raises(ledger.InsufficientPoints):
		doc.cancel()
	frappe.db.rollback()


def spend_all(world, key):
	as_user("Administrator")
	available = balance(world, key)["balance"]
	ledger.post(world.residents[key], -available, "Adjustment", remark="spent in the test")


@pytest.mark.parametrize(
	"points, attendees, message",
	[
		(0, ["resident1"], "at least 1"),
		(-2, ["resident1"], "at least 1"),
		(1.5, ["resident1"], "whole numbers"),
		(2, ["resident1", "resident1"], "listed twice"),
	],
)
def test_bad_activities_are_refused(world, points, attendees, message):
	as_user(world.users["cw1"])
	with pytest.raises(frappe.ValidationError, match=message):
		activity(world, attendees, points=points).insert()


def test_an_activity_in_another_community_is_refused_to_a_community_worker(world):
	as_user(world.users["cw1"])
	with pytest.raises(frappe.PermissionError):
		activity(world, ["resident2"], community="TC2").insert()


# --- the ledger itself ---------------------------------------------------------------------


def test_only_an_admin_adjusts_by_hand_and_must_say_why(world):
	row = {
		"doctype": "Points Transaction",
		"resident": world.residents["resident1"],
		"points": 5,
		"kind": "Adjustment",
	}
	for user_key in ("cw1", "resident1"):
		as_user(world.users[user_key])
		with pytest.raises(frappe.PermissionError):
			frappe.get_doc({**row, "remark": "gift"}).insert()
	as_user(world.users["soa"])
	with pytest.raises(frappe.ValidationError, match="reason"):
		frappe.get_doc(row).insert()
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc({**row, "kind": "Earn", "remark": "fake earning"}).insert()
	start = balance(world, "resident1")["balance"]
	doc = frappe.get_doc({**row, "remark": "Lost paper record from March"}).insert()
	doc.submit()
	assert balance(world, "resident1")["balance"] == start + 5


def submitted_row(world):
	as_user("Administrator")
	return ledger.post(world.residents["resident1"], 4, "Adjustment", remark="test")


def test_a_submitted_row_cannot_be_edited(world):
	doc = submitted_row(world)
	doc.points = 400
	with pytest.raises(frappe.ValidationError):
		doc.save()
	assert frappe.db.get_value("Points Transaction", doc.name, "points") == 4


def test_a_submitted_row_cannot_be_cancelled_or_deleted(world):
	doc = submitted_row(world)
	with pytest.raises(frappe.ValidationError):
		doc.cancel()
	with pytest.raises(frappe.ValidationError):
		frappe.delete_doc("Points Transaction", doc.name)
	assert frappe.db.get_value("Points Transaction", doc.name, "docstatus") == 1


def test_zero_or_fractional_points_are_refused(world):
	as_user("Administrator")
	for points in (0, 2.5):
		with pytest.raises(frappe.ValidationError):
			ledger.post(world.residents["resident1"], points, "Adjustment", remark="x")


def test_the_same_source_never_pays_a_resident_twice(world):
	as_user(world.users["cw1"])
	doc = activity(world, ["resident1"]).insert()
	doc.submit()
	with pytest.raises(ledger.DuplicateAward):
		ledger.post(world.residents["resident1"], 2, "Earn", section=SECTION, source=doc)
	# the database itself refuses, whatever the Python does
	original = frappe.get_all(
		"Points Transaction", {"source_name": doc.name}, ["name", "resident", "source_doctype"], limit=1
	)[0]
	copy = frappe.get_doc("Points Transaction", original.name).as_dict()
	copy.update({"name": "PT-DUPLICATE-TEST"})
	with pytest.raises(Exception) as refused:
		frappe.db.bulk_insert(
			"Points Transaction",
			["name", "resident", "points", "kind", "source_doctype", "source_name", "docstatus"],
			[(copy.name, copy.resident, copy.points, copy.kind, copy.source_doctype, copy.source_name, 1)],
		)
	assert frappe.db.is_unique_key_violation(refused.value)


def test_the_drift_check_finds_what_was_changed_behind_the_ledgers_back(world):
	submitted_row(world)
	assert not ledger.drift()
	account = frappe.qb.DocType("Points Account")
	frappe.qb.update(account).set(account.balance, account.balance + 7).where(
		account.name == world.residents["resident1"]
	).run()
	drifted = ledger.drift()
	assert [(row.resident, row.balance - row.ledger) for row in drifted] == [
		(world.residents["resident1"], 7)
	]


def test_a_balance_is_the_sum_of_the_statement(world):
	submitted_row(world)
	as_user(world.users["resident1"])
	statement = points_api.get_statement()
	assert statement[0]["balance"] == points_api.get_balance()["balance"]
	assert sum(row["points"] for row in statement) == points_api.get_balance()["balance"]


def test_a_resident_cannot_ask_for_anothers_balance(world):
	as_user(world.users["resident1"])
	with pytest.raises(frappe.PermissionError):
		points_api.get_balance(world.residents["resident2"])
	with pytest.raises(frappe.PermissionError):
		points_api.get_statement(world.residents["resident2"])
	as_user(world.users["cw1"])
	assert points_api.get_balance(world.residents["resident1"])["resident"] == world.residents["resident1"]


@pytest.mark.parametrize(
	"user_key, sees_resident1",
	[("resident1", True), ("resident2", False), ("cw1", True), ("cw2", False), ("gw11", True), ("soa", True)],
)
def test_who_sees_ledger_rows(world, user_key, sees_resident1):
	row = submitted_row(world)
	as_user(world.users[user_key])
	names = frappe.get_list("Points Transaction", pluck="name", limit_page_length=0)
	assert (row.name in names) == sees_resident1
	assert frappe.has_permission("Points Transaction", "read", doc=row) == sees_resident1


# --- rewards ---------------------------------------------------------------------------------


def give(world, key, points):
	as_user("Administrator")
	ledger.post(world.residents[key], points, "Adjustment", remark="test credit")


def test_redeem_approve_fulfil(world):
	give(world, "resident1", 10)
	as_user("Administrator")
	haircut = reward(stock=5)
	start = balance(world, "resident1")["balance"]

	as_user(world.users["resident1"])
	asked = points_api.request_redemption(haircut.name)
	assert asked["status"] == "Requested" and asked["points"] == 3
	assert balance(world, "resident1")["balance"] == start  # nothing spent until approved

	as_user(world.users["cw1"])
	points_api.act_on_redemption(asked["name"], "Approve")
	assert balance(world, "resident1")["balance"] == start - 3
	assert frappe.db.get_value("Reward", haircut.name, "stock") == 4
	points_api.act_on_redemption(asked["name"], "Fulfil")
	doc = frappe.get_doc("Reward Redemption", asked["name"])
	assert doc.workflow_state == "Fulfilled" and doc.fulfilled_on and not doc.stock_entry


def test_revoking_an_approved_redemption_refunds_points_and_stock(world):
	give(world, "resident1", 10)
	as_user("Administrator")
	haircut = reward(stock=5)
	start = balance(world, "resident1")["balance"]
	as_user(world.users["resident1"])
	name = points_api.request_redemption(haircut.name)["name"]
	as_user(world.users["cw1"])
	points_api.act_on_redemption(name, "Approve")
	points_api.act_on_redemption(name, "Revoke")
	assert balance(world, "resident1")["balance"] == start
	assert frappe.db.get_value("Reward", haircut.name, "stock") == 5
	assert sorted(row.kind for row in ledger_rows(frappe.get_doc("Reward Redemption", name))) == [
		"Redeem",
		"Reversal",
	]


def test_rejecting_needs_a_reason_and_spends_nothing(world):
	give(world, "resident1", 10)
	as_user("Administrator")
	haircut = reward()
	as_user(world.users["resident1"])
	name = points_api.request_redemption(haircut.name)["name"]
	as_user(world.users["cw1"])
	with pytest.raises(frappe.ValidationError, match="reason"):
		points_api.act_on_redemption(name, "Reject")
	start = balance(world, "resident1")["balance"]
	points_api.act_on_redemption(name, "Reject", reason="Barber closed this month")
	assert balance(world, "resident1")["balance"] == start


@pytest.mark.parametrize(
	"reward_values, message",
	[
		({"stock": 0}, "out of stock"),
		({"valid_from": -30, "valid_until": -1}, "expired"),
		({"is_active": 0}, "no longer offered"),
		({"cost": 100000}, "points are needed"),
	],
)
def test_unavailable_or_unaffordable_rewards_are_refused(world, reward_values, message):
	give(world, "resident1", 10)
	as_user("Administrator")
	values = dict(reward_values)
	cost = values.pop("cost", 3)
	for field in ("valid_from", "valid_until"):
		if field in values:
			values[field] = add_days(nowdate(), values[field])  # days from today
	offered = reward(cost=cost, **values)
	as_user(world.users["resident1"])
	with pytest.raises(frappe.ValidationError, match=message):
		points_api.request_redemption(offered.name)


def test_a_resident_cannot_approve_their_own_redemption(world):
	give(world, "resident1", 10)
	as_user("Administrator")
	haircut = reward()
	as_user(world.users["resident1"])
	name = points_api.request_redemption(haircut.name)["name"]
	with pytest.raises(frappe.PermissionError):
		points_api.act_on_redemption(name, "Approve")
	points_api.act_on_redemption(name, "Withdraw")
	assert frappe.db.get_value("Reward Redemption", name, "workflow_state") == "Cancelled"


def test_a_reward_costs_whole_points(world):
	as_user("Administrator")
	for cost in (0, 1.5):
		with pytest.raises(frappe.ValidationError):
			reward(cost=cost)


# --- earning by service ----------------------------------------------------------------------


def close_request_handled_by_volunteer(world, rating, solved=None):
	as_user(world.users["resident1"])
	request = frappe.get_doc(
		{
			"doctype": "Service Request",
			"category": world.categories["repairs"],
			"description": "Carry groceries",
		}
	).insert()
	for user_key, call, args in (
		("captain1", sr_api.dispatch, (world.users["volunteer"],)),
		("volunteer", sr_api.accept, ()),
		("volunteer", sr_api.resolve, ("Carried them up",)),
		("resident1", sr_api.rate, (rating, solved)),
	):
		as_user(world.users[user_key])
		call(request.name, *args)
	as_user("Administrator")
	return frappe.get_doc("Service Request", request.name)


def test_a_volunteer_earns_the_categorys_points_for_a_satisfied_close(world):
	start = balance(world, "volunteer")
	request = close_request_handled_by_volunteer(world, 5)
	after = balance(world, "volunteer")
	assert after["balance"] == start["balance"] + 2  # the test category pays 2
	assert after["by_section"]["Neighbourly Help"] == start["by_section"]["Neighbourly Help"] + 2
	assert request.points_awarded
	assert [row.kind for row in ledger_rows(request)] == ["Earn"]


def test_an_unsatisfied_rating_earns_nothing(world):
	start = balance(world, "volunteer")["balance"]
	request = close_request_handled_by_volunteer(world, 1)
	assert request.workflow_state == "Reopened"
	assert balance(world, "volunteer")["balance"] == start
	assert not ledger_rows(request)


def test_solved_but_unsatisfied_closes_without_points(world):
	"""Solved closes the request whatever the rating; the volunteer's points still need a satisfied one."""
	start = balance(world, "volunteer")["balance"]
	request = close_request_handled_by_volunteer(world, 2, solved=1)
	assert (request.workflow_state, request.solved, request.satisfied) == ("Closed", "Yes", 0)
	assert balance(world, "volunteer")["balance"] == start
	assert not ledger_rows(request) and not request.points_awarded


# --- concurrency: separate connections through the real server ---------------------------------


@pytest.fixture
def committed_redemptions(world):
	"""Twenty requested redemptions against a balance that covers exactly ten; committed, then
	removed (tables cleared directly: the ledger itself never deletes)."""
	as_user("Administrator")
	resident = frappe.get_doc(
		{"doctype": "Resident", "full_name": "Concurrency Tester", "building": "TG11-1", "unit": "1"}
	).insert()
	offered = reward(name="Shoe repair", cost=3, stock=50)
	ledger.post(resident.name, 30, "Adjustment", remark="exactly ten redemptions")
	names = []
	for _ in range(20):
		doc = frappe.get_doc(
			{"doctype": "Reward Redemption", "resident": resident.name, "reward": offered.name}
		)
		names.append(doc.insert().name)
	frappe.db.commit()
	yield resident.name, offered.name, names
	as_user("Administrator")
	for doctype, field in (
		("Points Transaction", "resident"),
		("Reward Redemption", "resident"),
		("Points Account", "resident"),
		("Resident", "name"),
	):
		table = frappe.qb.DocType(doctype)
		frappe.qb.from_(table).delete().where(table[field] == resident.name).run()
	ledger.rebuild_monthly_totals([resident.name])
	frappe.delete_doc("Reward", offered.name, force=True)
	frappe.db.commit()


@pytest.mark.http
def test_twenty_parallel_approvals_never_overspend(world, server, committed_redemptions):
	resident, offered, names = committed_redemptions
	clients = [server.session(world.users["cw1"], world.password) for _ in range(20)]

	def approve(pair):
		client, name = pair
		response = client.post(
			"/api/method/community_governance.api.points.act_on_redemption", name=name, action="Approve"
		)
		return response.status_code

	with ThreadPoolExecutor(max_workers=20) as pool:
		statuses = list(pool.map(approve, zip(clients, names, strict=True)))

	frappe.db.rollback()  # see what the other connections committed
	assert statuses.count(200) == 10, statuses
	assert frappe.db.count("Reward Redemption", {"resident": resident, "workflow_state": "Approved"}) == 10
	assert ledger.balance_of(resident)["balance"] == 0
	rows = frappe.get_all("Points Transaction", {"resident": resident}, ["points", "source_name"])
	assert sum(row.points for row in rows) == 0
	assert len(rows) == 11 and len({row.source_name for row in rows if row.source_name}) == 10
	assert frappe.db.get_value("Reward", offered, "stock") == 40
	assert not [row for row in ledger.drift() if row.resident == resident]
