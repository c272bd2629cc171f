"""Many residents at once: votes, support, sign-ins, joins and claims sent together, each by its
own logged-in user, to the site served by gunicorn with four worker processes. Every act is kept
once, the counts and tallies agree with the rows, exactly one volunteer wins a micro-wish, and
every refusal is the app's own message, in English and in Chinese.

The people live in Building 3 (TG12-3) beside the deliberation tests' households; they are built
once per site and committed, since the server runs in other processes. The records each test
creates stay on the test site, like those of the other HTTP tests."""

import json
import re
import threading
import uuid
from types import SimpleNamespace

import pytest

import frappe
from community_governance import scope, shared_records
from community_governance.patches import fill_rule_keys
from frappe.utils import now_datetime
from tests.integration import world as world_module
from tests.integration.conftest import as_user

pytestmark = pytest.mark.http

API = "/api/method/community_governance.api"
BUILDING = "TG12-3"
SOLO = 10  # residents with a household of their own
PAIR = ("Crowd Pair A", "Crowd Pair B")  # two members of one household; B reads Chinese
VOLUNTEERS = 4

ZH = {
	"household": "已就此议题投过票",
	"support": "您已经支持过这个议题。",
	"member": "您已是队伍",
	"claimed": "这个微心愿刚刚被另一位志愿者认领了。",
	"signed_in": "您已经签到过本次会议。",
}


@pytest.fixture(scope="module")
def crowd(world):
	frappe.set_user("Administrator")
	residents, users = {}, {}
	for number in range(1, SOLO + 1):
		key = f"crowd{number:02d}"
		users[key] = world_module.ensure_user(key, ())
		residents[key] = world_module.ensure_resident(
			f"Crowd {number:02d}", BUILDING, "1", f"C{number:02d}", users[key]
		)
	for key, full_name in zip(("pair_a", "pair_b"), PAIR, strict=True):
		users[key] = world_module.ensure_user(f"crowd{key}", ())
		residents[key] = world_module.ensure_resident(full_name, BUILDING, "1", "C99", users[key])
	frappe.db.set_value("User", users["pair_b"], "language", "zh")
	for number in range(1, VOLUNTEERS + 1):
		key = f"crowdvol{number}"
		users[key] = world_module.ensure_user(key, ("Volunteer",))
	users["crowdvolzh"] = world_module.ensure_user("crowdvolzh", ("Volunteer",))
	frappe.db.set_value("User", users["crowdvolzh"], "language", "zh")
	frappe.db.commit()
	scope.forget()
	return SimpleNamespace(
		users={**world.users, **users},
		residents={**world.residents, **residents},
		household=frappe.db.get_value("Resident", residents["pair_a"], "household"),
		password=world.password,
	)


@pytest.fixture(scope="module")
def sessions(gunicorn_server, crowd):
	cache = {}

	def session(key):
		if key not in cache:
			cache[key] = gunicorn_server.session(crowd.users[key], crowd.password)
		return cache[key]

	return session


SOLOS = [f"crowd{number:02d}" for number in range(1, SOLO + 1)]


def at_once(calls: list[tuple]) -> list:
	"""POST every (session, path, arguments) at the same moment, one thread each."""
	barrier = threading.Barrier(len(calls))
	responses = [None] * len(calls)

	def send(index, session, path, arguments):
		barrier.wait()
		responses[index] = session.post(path, **arguments)

	threads = [threading.Thread(target=send, args=(index, *call)) for index, call in enumerate(calls)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(timeout=120)
	return responses


def message_of(response) -> str:
	"""The messages the app gave, as the phone shows them (without the bold tags)."""
	body = response.json()
	messages = [
		json.loads(item).get("message", "") for item in json.loads(body.get("_server_messages", "[]"))
	]
	return re.sub(r"<[^>]+>", "", " ".join(messages))


RAW_ERRORS = ("TimestampMismatchError", "QueryDeadlockError", "UniqueValidationError", "DuplicateEntryError")


def refused(response, text: str):
	"""A 4xx with the app's own message; never one of Frappe's or the database's raw errors."""
	assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
	message = message_of(response)
	assert text in message, response.text[:500]
	assert response.json().get("exc_type") not in RAW_ERRORS, response.text[:500]
	for raw in ("has been modified", "Deadlock", "Duplicate entry", "must be unique"):
		assert raw not in message


def fresh():
	"""End this process's transaction, so that it reads what the server committed."""
	frappe.db.rollback()


# --- what the tests act on ---------------------------------------------------------------------


def new_matter(crowd, support_needed=50) -> str:
	as_user(crowd.users["cw1"])
	name = (
		frappe.get_doc(
			{
				"doctype": "Deliberation Matter",
				"title": f"Bicycle shed {uuid.uuid4().hex[:6]}",
				"category": "Parking",
				"description": "A roofed shed for bicycles by unit 1.",
				"support_needed": support_needed,
				"buildings": [{"building": BUILDING}],
			}
		)
		.insert()
		.name
	)
	as_user("Administrator")
	frappe.db.commit()
	return name


def new_meeting(crowd, matters: list[str]) -> str:
	as_user(crowd.users["cw1"])
	name = (
		frappe.get_doc(
			{
				"doctype": "Deliberation Meeting",
				"title": f"Crowd meeting {uuid.uuid4().hex[:6]}",
				"meeting_date": now_datetime(),
				"community": "TC1",
				"quorum_percent": 10,
				"passing_threshold": 50,
				"agenda": [{"matter": matter} for matter in matters],
			}
		)
		.insert()
		.name
	)
	as_user("Administrator")
	frappe.db.commit()
	return name


def new_team(crowd) -> str:
	as_user(crowd.users["cw1"])
	name = (
		frappe.get_doc(
			{
				"doctype": "Volunteer Team",
				"team_name": f"Crowd Helpers {uuid.uuid4().hex[:6]}",
				"community": "TC1",
				"members": [{"resident": crowd.residents["volunteer"], "team_role": "Leader"}],
			}
		)
		.insert()
		.name
	)
	as_user("Administrator")
	frappe.db.commit()
	return name


def new_micro_wish(crowd) -> str:
	as_user(crowd.users["resident1"])
	name = (
		frappe.get_doc(
			{
				"doctype": "Service Request",
				"request_type": "Micro-wish",
				"category": "Test Errands",
				"description": "Carry my shopping up to the sixth floor",
			}
		)
		.insert()
		.name
	)
	as_user("Administrator")
	frappe.db.commit()
	return name


def vote_rows(meeting: str, matter: str) -> list[dict]:
	return frappe.get_all(
		"Deliberation Vote",
		filters={"parent": meeting, "parenttype": "Deliberation Meeting", "matter": matter},
		fields=["resident", "household", "choice", "rule_key"],
	)


def agenda_row(meeting: str, matter: str) -> dict:
	return frappe.db.get_value(
		"Deliberation Agenda Item",
		{"parent": meeting, "matter": matter},
		["votes_for", "votes_against", "abstentions"],
		as_dict=True,
	)


# --- votes --------------------------------------------------------------------------------------


def test_eight_households_vote_at_once_and_every_vote_counts(crowd, sessions):
	matter = new_matter(crowd)
	meeting = new_meeting(crowd, [matter])
	voters = SOLOS[:8]
	choices = ["In Favour"] * 5 + ["Opposed"] * 2 + ["Abstain"]
	for key in voters:
		sessions(key)  # logged in before the burst
	responses = at_once(
		[
			(
				sessions(key),
				f"{API}.deliberation.cast_vote",
				{"meeting": meeting, "matter": matter, "choice": choice},
			)
			for key, choice in zip(voters, choices, strict=True)
		]
	)
	assert [response.status_code for response in responses] == [200] * 8, [r.text[:300] for r in responses]
	fresh()
	rows = vote_rows(meeting, matter)
	assert sorted(row.resident for row in rows) == sorted(crowd.residents[key] for key in voters)
	assert all(row.rule_key for row in rows) and len({row.rule_key for row in rows}) == 8
	assert agenda_row(meeting, matter) == {"votes_for": 5, "votes_against": 2, "abstentions": 1}


def test_two_members_of_one_household_vote_at_once_and_one_vote_counts(crowd, sessions):
	matters = [new_matter(crowd) for _round in range(3)]
	meeting = new_meeting(crowd, matters)
	messages = {
		"pair_a": f"Household {crowd.household} has already voted on this matter.",
		"pair_b": ZH["household"],
	}
	for matter in matters:
		responses = at_once(
			[
				(
					sessions(key),
					f"{API}.deliberation.cast_vote",
					{"meeting": meeting, "matter": matter, "choice": "In Favour"},
				)
				for key in ("pair_a", "pair_b")
			]
		)
		statuses = sorted(response.status_code for response in responses)
		assert statuses[0] == 200 and 400 <= statuses[1] < 500, [r.text[:300] for r in responses]
		for key, response in zip(("pair_a", "pair_b"), responses, strict=True):
			if response.status_code != 200:
				refused(response, messages[key])
		fresh()
		assert len(vote_rows(meeting, matter)) == 1
		assert agenda_row(meeting, matter)["votes_for"] == 1


def test_a_second_vote_of_a_household_is_refused_in_english_and_chinese(crowd, sessions):
	first, second = new_matter(crowd), new_matter(crowd)
	meeting = new_meeting(crowd, [first, second])
	vote = f"{API}.deliberation.cast_vote"
	assert sessions("pair_a").post(vote, meeting=meeting, matter=first, choice="Opposed").status_code == 200
	refused(sessions("pair_b").post(vote, meeting=meeting, matter=first, choice="In Favour"), ZH["household"])
	assert sessions("pair_b").post(vote, meeting=meeting, matter=second, choice="Opposed").status_code == 200
	refused(
		sessions("pair_a").post(vote, meeting=meeting, matter=second, choice="In Favour"),
		f"Household {crowd.household} has already voted on this matter.",
	)
	fresh()
	assert len(vote_rows(meeting, first)) == 1 and agenda_row(meeting, first)["votes_against"] == 1


def test_a_desk_copy_opened_before_a_vote_cannot_save_over_it(crowd, sessions):
	matter = new_matter(crowd)
	meeting = new_meeting(crowd, [matter])
	fresh()
	as_user(crowd.users["cw1"])
	stale = frappe.get_doc("Deliberation Meeting", meeting)
	vote = sessions("crowd01").post(
		f"{API}.deliberation.cast_vote", meeting=meeting, matter=matter, choice="In Favour"
	)
	assert vote.status_code == 200, vote.text
	stale.place = "Community hall"
	# saving the copy would rewrite the votes table without the new vote: Frappe refuses it
	with pytest.raises(frappe.TimestampMismatchError):
		stale.save()
	fresh()
	assert len(vote_rows(meeting, matter)) == 1


# --- support -------------------------------------------------------------------------------------


def test_six_residents_support_at_once_and_every_support_counts(crowd, sessions):
	matter = new_matter(crowd, support_needed=6)
	supporters = SOLOS[:6]
	for key in supporters:
		sessions(key)
	responses = at_once(
		[(sessions(key), f"{API}.deliberation.support", {"matter": matter}) for key in supporters]
	)
	assert [response.status_code for response in responses] == [200] * 6, [r.text[:300] for r in responses]
	fresh()
	rows = frappe.get_all(
		"Deliberation Supporter",
		filters={"parent": matter, "parenttype": "Deliberation Matter"},
		pluck="resident",
	)
	assert sorted(rows) == sorted(crowd.residents[key] for key in supporters)
	stored = frappe.db.get_value(
		"Deliberation Matter", matter, ["support_count", "workflow_state"], as_dict=True
	)
	assert stored == {"support_count": 6, "workflow_state": "Supported"}
	assert max(response.json()["message"]["supporters"] for response in responses) == 6


def test_supporting_twice_is_refused_in_english_and_chinese(crowd, sessions):
	matter = new_matter(crowd)
	support = f"{API}.deliberation.support"
	for key, message in (("crowd01", "You already support this matter."), ("pair_b", ZH["support"])):
		assert sessions(key).post(support, matter=matter).status_code == 200
		refused(sessions(key).post(support, matter=matter), message)
	fresh()
	assert frappe.db.get_value("Deliberation Matter", matter, "support_count") == 2


# --- teams ----------------------------------------------------------------------------------------


def test_five_residents_join_one_team_at_once(crowd, sessions):
	team = new_team(crowd)
	joiners = SOLOS[:5]
	for key in joiners:
		sessions(key)
	responses = at_once([(sessions(key), f"{API}.volunteer_team.join", {"team": team}) for key in joiners])
	assert [response.status_code for response in responses] == [200] * 5, [r.text[:300] for r in responses]
	fresh()
	members = frappe.get_all(
		"Volunteer Team Member", filters={"parent": team, "parenttype": "Volunteer Team"}, pluck="resident"
	)
	assert sorted(members) == sorted(
		[crowd.residents["volunteer"], *(crowd.residents[key] for key in joiners)]
	)
	assert frappe.db.get_value("Volunteer Team", team, "member_count") == 6


def test_joining_twice_is_refused_in_english_and_chinese(crowd, sessions):
	team = new_team(crowd)
	join = f"{API}.volunteer_team.join"
	for key, message in (("crowd02", "You are already a member"), ("pair_b", ZH["member"])):
		assert sessions(key).post(join, team=team).status_code == 200
		refused(sessions(key).post(join, team=team), message)
	# one resident twice at once: one membership
	responses = at_once([(sessions("crowd03"), join, {"team": team}) for _twice in range(2)])
	assert sorted(response.status_code for response in responses)[0] == 200
	fresh()
	assert frappe.db.get_value("Volunteer Team", team, "member_count") == 4


# --- micro-wishes ---------------------------------------------------------------------------------


def test_four_volunteers_claim_one_micro_wish_and_exactly_one_wins(crowd, sessions):
	wish = new_micro_wish(crowd)
	claimers = [f"crowdvol{number}" for number in range(1, VOLUNTEERS + 1)]
	for key in claimers:
		sessions(key)
	responses = at_once([(sessions(key), f"{API}.service_request.claim", {"name": wish}) for key in claimers])
	winners = [key for key, response in zip(claimers, responses, strict=True) if response.status_code == 200]
	assert len(winners) == 1, [r.text[:300] for r in responses]
	for response in responses:
		if response.status_code != 200:
			refused(response, "This micro-wish has just been claimed by another volunteer.")
	fresh()
	stored = frappe.db.get_value("Service Request", wish, ["workflow_state", "handler"], as_dict=True)
	assert stored == {"workflow_state": "Accepted", "handler": crowd.users[winners[0]]}


def test_claiming_after_someone_else_is_refused_in_english_and_chinese(crowd, sessions):
	wish = new_micro_wish(crowd)
	claim = f"{API}.service_request.claim"
	assert sessions("crowdvol1").post(claim, name=wish).status_code == 200
	refused(
		sessions("crowdvol2").post(claim, name=wish),
		"This micro-wish has just been claimed by another volunteer.",
	)
	refused(sessions("crowdvolzh").post(claim, name=wish), ZH["claimed"])
	refused(sessions("crowdvol1").post(claim, name=wish), "You have already claimed this micro-wish.")


# --- sign-in --------------------------------------------------------------------------------------


def test_ten_residents_sign_themselves_in_at_once(crowd, sessions):
	meeting = new_meeting(crowd, [new_matter(crowd)])
	for key in SOLOS:
		sessions(key)
	responses = at_once(
		[(sessions(key), f"{API}.deliberation.sign_in", {"meeting": meeting}) for key in SOLOS]
	)
	assert [response.status_code for response in responses] == [200] * SOLO, [r.text[:300] for r in responses]
	fresh()
	rows = frappe.get_all(
		"Deliberation Attendance",
		filters={"parent": meeting, "parenttype": "Deliberation Meeting"},
		fields=["resident", "attendee_name", "household", "rule_key"],
	)
	assert sorted(row.resident for row in rows) == sorted(crowd.residents[key] for key in SOLOS)
	assert all(row.attendee_name and row.household and row.rule_key for row in rows)


def test_signing_in_twice_or_from_outside_is_refused(crowd, sessions, gunicorn_server):
	meeting = new_meeting(crowd, [new_matter(crowd)])
	sign_in = f"{API}.deliberation.sign_in"
	for key, message in (
		("crowd04", "You have already signed in to this meeting."),
		("pair_b", ZH["signed_in"]),
	):
		assert sessions(key).post(sign_in, meeting=meeting).status_code == 200
		refused(sessions(key).post(sign_in, meeting=meeting), message)
	refused(
		sessions("crowd05").post(sign_in, meeting=meeting, resident=crowd.residents["crowd06"]),
		"You can sign in only yourself.",
	)
	outsider = gunicorn_server.session(crowd.users["resident1"], crowd.password)
	refused(
		outsider.post(sign_in, meeting=meeting),
		"Only residents of the buildings of this meeting sign in to it.",
	)
	# a worker signs in someone present, once
	worker = sessions("cw1")
	assert worker.post(sign_in, meeting=meeting, resident=crowd.residents["crowd07"]).status_code == 200
	refused(
		worker.post(sign_in, meeting=meeting, resident=crowd.residents["crowd07"]),
		"Crowd 07 has already signed in to this meeting.",
	)
	assert (
		worker.post(
			sign_in, meeting=meeting, attendee_type="Property Company", attendee_name="Lotus Property"
		).status_code
		== 200
	)
	unknown = worker.post(
		sign_in, meeting=meeting, resident=crowd.residents["crowd08"], proxy_for="RES-NOBODY"
	)
	refused(unknown, "Could not find")
	odd = worker.post(sign_in, meeting=meeting, attendee_type="Stranger", attendee_name="Someone")
	assert 400 <= odd.status_code < 500, odd.text[:300]
	fresh()
	assert frappe.db.count("Deliberation Attendance", {"parent": meeting}) == 4


# --- property-service scorecards ---------------------------------------------------------------


def test_five_residents_score_the_property_company_at_once(crowd, sessions):
	as_user(crowd.users["cw1"])
	evaluation = (
		frappe.get_doc(
			{
				"doctype": "Property Service Evaluation",
				"compound_name": f"Crowd Court {uuid.uuid4().hex[:6]}",
				"property_company": "Crowd Property",
				"company_contact": crowd.users["volunteer"],
				"community": "TC1",
				"buildings": [{"building": BUILDING}],
				"cadence": "Monthly",
				"period_start": frappe.utils.get_first_day(frappe.utils.today()),
			}
		)
		.insert()
		.name
	)
	as_user("Administrator")
	frappe.db.commit()
	scorers = SOLOS[:5]
	for key in scorers:
		sessions(key)
	responses = at_once(
		[
			(
				sessions(key),
				f"{API}.deliberation.score_property_service",
				{
					"evaluation": evaluation,
					"cleaning": number,
					"security": 3,
					"greenery": 3,
					"repairs": 3,
					"parking": 3,
				},
			)
			for number, key in enumerate(scorers, start=1)
		]
	)
	assert [response.status_code for response in responses] == [200] * 5, [r.text[:300] for r in responses]
	again = sessions(scorers[0]).post(
		f"{API}.deliberation.score_property_service",
		evaluation=evaluation,
		cleaning=1,
		security=1,
		greenery=1,
		repairs=1,
		parking=1,
	)
	refused(again, "Crowd 01 has already scored this period.")
	fresh()
	stored = frappe.db.get_value(
		"Property Service Evaluation",
		evaluation,
		["scorecards", "avg_cleaning", "overall_score"],
		as_dict=True,
	)
	assert stored == {"scorecards": 5, "avg_cleaning": 3.0, "overall_score": 3.0}


# --- existing sites -----------------------------------------------------------------------------


def test_the_patch_gives_existing_rows_their_keys_and_keeps_the_earliest_duplicate(crowd, sessions):
	matter = new_matter(crowd)
	for key in ("crowd08", "crowd09"):  # support gathers before the matter goes on an agenda
		assert sessions(key).post(f"{API}.deliberation.support", matter=matter).status_code == 200
	meeting = new_meeting(crowd, [matter])
	team = new_team(crowd)
	for key in ("crowd08", "crowd09"):
		for path, arguments in (
			("deliberation.cast_vote", {"meeting": meeting, "matter": matter, "choice": "In Favour"}),
			("deliberation.sign_in", {"meeting": meeting}),
			("volunteer_team.join", {"team": team}),
		):
			response = sessions(key).post(f"{API}.{path}", **arguments)
			assert response.status_code == 200, response.text[:300]
	fresh()
	parents = (matter, meeting, team)
	# as a site had them before the keys: none, and one support stored twice
	for child in (
		"Deliberation Supporter",
		"Deliberation Vote",
		"Deliberation Attendance",
		"Volunteer Team Member",
	):
		table = frappe.qb.DocType(child)
		frappe.qb.update(table).set(table.rule_key, None).where(table.parent.isin(parents)).run()
	twice = frappe.get_doc(
		{
			"doctype": "Deliberation Supporter",
			"parent": matter,
			"parenttype": "Deliberation Matter",
			"parentfield": "supporters",
			"idx": 3,
			"resident": crowd.residents["crowd08"],
		}
	)
	twice.db_insert()
	frappe.db.set_value("Deliberation Matter", matter, "support_count", 3, update_modified=False)

	fill_rule_keys.execute()

	supporters = frappe.get_all(
		"Deliberation Supporter", filters={"parent": matter}, fields=["name", "resident", "rule_key"]
	)
	assert twice.name not in {row.name for row in supporters}
	assert sorted(row.rule_key for row in supporters) == sorted(
		f"{matter}|{crowd.residents[key]}" for key in ("crowd08", "crowd09")
	)
	assert frappe.db.get_value("Deliberation Matter", matter, "support_count") == 2
	votes = vote_rows(meeting, matter)
	households = {
		key: frappe.db.get_value("Resident", crowd.residents[key], "household")
		for key in ("crowd08", "crowd09")
	}
	assert sorted(row.rule_key for row in votes) == sorted(
		f"{meeting}|{matter}|household:{household}" for household in households.values()
	)
	for child, parent in (("Deliberation Attendance", meeting), ("Volunteer Team Member", team)):
		keys = frappe.get_all(child, filters={"parent": parent}, fields=["resident", "rule_key"])
		assert all(row.rule_key == f"{parent}|{row.resident}" for row in keys), keys
	assert frappe.db.get_value("Volunteer Team", team, "member_count") == 3


# --- deadlocks ------------------------------------------------------------------------------------


def test_an_act_chosen_as_a_deadlock_victim_runs_again_then_says_busy():
	attempts = []

	@shared_records.retry_on_deadlock
	def act(times_chosen: int) -> str:
		attempts.append(1)
		if len(attempts) <= times_chosen:
			raise frappe.QueryDeadlockError("Deadlock found when trying to get lock")
		return "stored"

	assert act(1) == "stored" and len(attempts) == 2
	attempts.clear()
	with pytest.raises(frappe.ValidationError, match="Many people are doing this at the same moment"):
		act(99)
	assert len(attempts) == shared_records.ATTEMPTS
