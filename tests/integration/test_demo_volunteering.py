"""The demo street's volunteering: teams, activities in every points section and the monthly
civilisation day, caring merchants and their counters, rewards redeemed and collected, and a
leaderboard with a long tail. The small demo is built once for the module and stays on the site."""

import datetime

import pytest

import frappe
from community_governance import demo, ledger
from community_governance.community_governance.report.points_leaderboard import points_leaderboard
from community_governance.demo import volunteering
from tests.integration.demo_street import build_small_demo

# the small demo's community (the full scale may be on the site too: its first community is the same)
COMMUNITY = f"{demo.STREET_CODE}-01"
INSIDE = ("like", f"{COMMUNITY}%")


@pytest.fixture(scope="module")
def small_life(site):
	return build_small_demo()


def test_the_small_demo_lives_without_failures(small_life):
	assert small_life.failures == []


def test_every_community_has_its_teams_with_the_demo_volunteer_in_one(small_life):
	teams = frappe.get_all("Volunteer Team", filters={"community": INSIDE}, pluck="name")
	assert len(teams) == len(volunteering.TEAMS)
	volunteer = frappe.db.get_value("Resident", {"user": demo.VOLUNTEER})
	member = frappe.qb.DocType("Volunteer Team Member")
	rows = frappe.qb.from_(member).select(member.parent).where(member.resident == volunteer).run(pluck=True)
	assert set(rows) & set(teams)
	for team in teams:
		doc = frappe.get_doc("Volunteer Team", team)
		assert doc.member_count == len(doc.members) >= volunteering.TEAM_SIZE[0]
		assert [row.team_role for row in doc.members].count("Leader") == 1


def test_activities_are_held_in_every_section(small_life):
	held = frappe.get_all(
		"Volunteer Activity",
		filters={"community": INSIDE, "docstatus": 1},
		fields=["section", "count(*) as count"],
		group_by="section",
	)
	assert {row.section for row in held} == set(volunteering.SECTIONS)


def test_activities_ahead_are_on_the_calendar_as_drafts(small_life):
	plan = volunteering.CHAPTER.planned(small_life)
	announced = [
		activity
		for activity in plan.activities
		if small_life.at(activity.day, activity.hour + volunteering.HELD_FOR) > small_life.end
		and small_life.at(activity.day - datetime.timedelta(days=volunteering.ANNOUNCED_DAYS), 10)
		<= small_life.end
	]
	drafts = frappe.get_all(
		"Volunteer Activity", filters={"community": INSIDE, "docstatus": 0}, pluck="activity_date"
	)
	assert sorted(drafts) == sorted(activity.day for activity in announced)
	assert all(day >= small_life.end.date() for day in drafts)


def test_the_civilisation_day_falls_on_the_sixth(small_life):
	days = frappe.get_all(
		"Volunteer Activity",
		filters={"community": INSIDE, "title": ("like", "%新时代文明实践日")},
		fields=["activity_date", "section", "total_points", "docstatus"],
	)
	sixths = [
		day
		for day in (
			small_life.first_day + datetime.timedelta(days=offset) for offset in range(small_life.days)
		)
		if day.day == volunteering.CIVILISATION_DAY
	]
	held = [day for day in days if day.docstatus == 1]
	assert len(held) >= len(sixths) - 1  # today's may still be on
	assert days or not sixths
	for day in days:
		assert day.activity_date.day == volunteering.CIVILISATION_DAY
		assert day.section == "Civilisation Creation"
		assert day.total_points > 0


def test_activities_post_their_points_to_the_ledger(small_life):
	activity = frappe.qb.DocType("Volunteer Activity")
	posted = frappe.qb.DocType("Points Transaction")
	from frappe.query_builder.functions import Sum

	rows = (
		frappe.qb.from_(activity)
		.join(posted)
		.on((posted.source_doctype == "Volunteer Activity") & (posted.source_name == activity.name))
		.select(activity.name, activity.total_points, Sum(posted.points).as_("posted"))
		.where((activity.docstatus == 1) & activity.community.like(f"{COMMUNITY}%"))
		.groupby(activity.name, activity.total_points)
		.run(as_dict=True)
	)
	assert rows
	assert all(row.total_points == row.posted for row in rows)
	assert ledger.drift() == []
	assert ledger.totals_drift() == []


def test_merchants_have_counter_logins_and_offers(small_life):
	merchants = frappe.get_all(
		"Caring Merchant", filters={"community": INSIDE}, fields=["name", "merchant_name"]
	)
	assert len(merchants) == 2
	for merchant in merchants:
		users = frappe.get_all(
			"Caring Merchant Counter User", filters={"parent": merchant.name}, pluck="user"
		)
		assert users and all(user.endswith(f"@{demo.DOMAIN}") for user in users)
		for user in users:
			assert volunteering.COUNTER_ROLE in frappe.get_roles(user)
			assert frappe.db.get_value("User", user, ["language", "time_zone"]) == (
				demo.LANGUAGE,
				demo.TIME_ZONE,
			)
		assert frappe.db.count("Reward", {"merchant": merchant.name}) == 2
	assert frappe.db.count("Reward", {"provider": volunteering.STREET_PROVIDER}) == len(
		volunteering.STREET_REWARDS
	)


def test_redemptions_are_collected_and_some_are_still_open(small_life):
	states = {
		row.workflow_state: row.count
		for row in frappe.get_all(
			"Reward Redemption",
			filters={"community": INSIDE},
			fields=["workflow_state", "count(*) as count"],
			group_by="workflow_state",
		)
	}
	assert states.get("Fulfilled")
	assert states.get("Requested")
	assert states.get("Approved")
	honoured = frappe.get_all(
		"Reward Redemption",
		filters={"community": INSIDE, "workflow_state": "Fulfilled", "merchant": ("is", "set")},
		fields=["fulfilled_by", "merchant", "redemption_code", "resident_user"],
	)
	assert honoured
	for row in honoured:
		assert row.redemption_code and row.resident_user
		counters = frappe.get_all(
			"Caring Merchant Counter User", filters={"parent": row.merchant}, pluck="user"
		)
		assert row.fulfilled_by in counters


def test_the_leaderboard_has_a_long_tail(small_life):
	_columns, rows, *_rest = points_leaderboard.execute(
		{
			"period": "Custom",
			"from_date": small_life.first_day,
			"to_date": small_life.end.date(),
			"top_n": 1000,
			"community": COMMUNITY,
		}
	)
	points = sorted((row["points"] for row in rows if row.get("points")), reverse=True)
	assert len(points) >= 10
	# a month of one small community: the stalwarts are well ahead of the typical attender already
	median = points[len(points) // 2]
	assert points[0] >= 2.5 * median
	# and most neighbours, those who never came included, have a quarter of the top's points or less
	residents = frappe.db.count("Resident", {"building": INSIDE, "status": "Active"})
	many = len([value for value in points if value > points[0] / 4])
	assert residents - many >= residents / 2


def test_a_second_run_lives_nothing(small_life):
	stories = frappe.db.count("Demo Story")
	again = build_small_demo()
	assert again.failures == []
	assert frappe.db.count("Demo Story") == stories
