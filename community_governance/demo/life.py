"""A year of life on the demo street (a month at the small scale), ending on the day the demo was
first built.

Each chapter of the street's life (requests, patrols, volunteering...) plans its *stories* from
seeded random generators: a story is a short list of events, each an action taken by one user at
one moment through the app's own controllers and APIs (file a request, dispatch it, accept it...).
The events of every chapter are lived in time order on a frozen clock that moves forward, as the
user of each event, with a commit at the end of each day. A story that is already on the site is
not planned again, so a second run changes nothing; a story whose event fails is rolled back to
before that event, left where it stopped, and reported (its ``Demo Story`` says why).
"""

import datetime
import heapq
import importlib
import random
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

import frappe
from community_governance.demo import clock, street

# how long the life lasts at each scale, in days up to and including the last day
LIFE_DAYS = {"full": 365, "small": 30}


@dataclass(order=True)
class Event:
	at: datetime.datetime
	story: str = field(compare=False)
	user: str = field(compare=False)
	act: Callable[[], object] = field(compare=False)


@dataclass
class Story:
	"""A builder for the events of one story: ``story.then(at, user, act)`` in any order of time."""

	key: str
	events: list = field(default_factory=list)
	# what earlier events leave for later ones; the first event sets "record" to the (doctype, name)
	# the story is about, noted with the story as lived
	state: dict = field(default_factory=dict)

	def then(self, at: datetime.datetime, user: str, act: Callable[[], object]) -> "Story":
		self.events.append(Event(at, self.key, user, act))
		return self


class Chapter:
	"""One part of the street's life. ``prepare`` makes its timeless records (categories, rewards,
	teams) once, idempotently; ``stories`` plans the stories not yet on the site."""

	name = "chapter"

	def prepare(self, life: "Life") -> None:
		pass

	def stories(self, life: "Life") -> Iterable[Story]:
		return ()

	def count(self, life: "Life") -> dict[str, int]:
		"""What the chapter's part of the street holds, by kind, for the summary."""
		return {}


@dataclass
class Life:
	"""What every chapter plans from: the street's plan, its records on the site and the span lived."""

	plan: street.Plan
	end: datetime.datetime  # the moment the demo was first built: life stops here
	days: int
	failures: list = field(default_factory=list)  # (chapter, story, error)

	@property
	def scale(self) -> str:
		return self.plan.scale

	@property
	def first_day(self) -> datetime.date:
		return self.end.date() - datetime.timedelta(days=self.days - 1)

	@property
	def start(self) -> datetime.datetime:
		return datetime.datetime.combine(self.first_day, datetime.time())

	def each_day(self) -> Iterator[datetime.date]:
		for offset in range(self.days):
			yield self.first_day + datetime.timedelta(days=offset)

	def at(self, day: datetime.date, hour: float) -> datetime.datetime:
		"""A moment of ``day``, ``hour`` hours after midnight (9.5 is half past nine)."""
		return datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(hours=hour)

	def rng(self, *parts) -> random.Random:
		"""A generator seeded by the parts: seed by what a story is about (a building, a resident, a
		day), never by a running count, so the small scale's stories are the full scale's too."""
		return random.Random("/".join((street.SEED, *map(str, parts))))

	@cached_property
	def residents(self) -> dict:
		"""(building, household, full name) -> Resident record name of every planned resident."""
		return street.resident_names(self.plan)

	def resident(self, building: street.PlannedBuilding, resident: street.PlannedResident) -> str:
		return self.residents[(building.name, *resident.key)]

	def users(self, kind: str) -> list[str]:
		"""The planned logins of one kind ("Building Captain", "Grid Worker", "Resident"...)."""
		return [user.email for user in self.plan.users.values() if user.kind == kind]

	@cached_property
	def grid_workers(self) -> dict[str, str]:
		"""grid code -> its responsible user, for every planned grid, community and the street."""
		return {grid.code: grid.responsible_user for grid in self.plan.grids}


# the chapters of the street's life, in the order their timeless records are prepared: each module
# holds one ``CHAPTER``
CHAPTERS = ("community_governance.demo.volunteering",)


def chapters() -> list[Chapter]:
	return [importlib.import_module(module).CHAPTER for module in CHAPTERS]


def life_end() -> datetime.datetime:
	"""When the street's life stops: the moment its street record was made, so that a later run
	plans the very same year."""
	made = frappe.db.get_value("Grid", street.STREET_CODE, "creation")
	return frappe.utils.get_datetime(made).replace(microsecond=0)


def live(plan: street.Plan) -> Life:
	"""Live the street's life as planned by every chapter, skipping the stories already lived."""
	life = Life(plan, life_end(), LIFE_DAYS[plan.scale])
	parts = chapters()
	for chapter in parts:
		frappe.set_user("Administrator")
		chapter.prepare(life)
		frappe.db.commit()
	lived = set(frappe.get_all("Demo Story", pluck="name"))
	stories = {}
	queue = []
	for chapter in parts:
		for story in chapter.stories(life):
			if story.key in lived or story.key in stories:
				continue
			stories[story.key] = (chapter.name, story)
			queue.extend(event for event in story.events if event.at <= life.end)
	heapq.heapify(queue)
	if queue:
		live_events(life, queue, stories)
	frappe.set_user("Administrator")
	return life


def live_events(life: Life, queue: list, stories: dict):
	broken, begun = set(), set()
	previous_flags = frappe.flags.mute_emails, frappe.flags.mute_messages
	# the street's people are imaginary: no e-mail or SMS leaves the site, no message box is shown
	frappe.flags.mute_emails = frappe.flags.mute_messages = True
	day = None
	try:
		with clock.travelling(queue[0].at) as frozen:
			while queue:
				event = heapq.heappop(queue)
				if event.story in broken:
					continue
				if day is not None and event.at.date() != day:
					frappe.db.commit()
				day = event.at.date()
				frozen.move_to(event.at)
				chapter, story = stories[event.story]
				error = live_event(event)
				if error:
					broken.add(event.story)
					life.failures.append((chapter, event.story, error))
				if event.story not in begun:
					begun.add(event.story)
					remember(story, chapter, event.at, error)
				elif error:
					frappe.db.set_value("Demo Story", event.story, "failure", error, update_modified=False)
			frappe.db.commit()
	finally:
		frappe.flags.mute_emails, frappe.flags.mute_messages = previous_flags
		frappe.local.message_log = []
		frappe.set_user("Administrator")


def live_event(event: Event) -> str | None:
	"""Act out one event as its user; on failure undo just that event and say why."""
	frappe.set_user(event.user)
	frappe.db.savepoint("demo_event")
	try:
		event.act()
	except Exception:
		frappe.db.rollback(save_point="demo_event")
		frappe.local.message_log = []
		return traceback.format_exc(limit=-4)
	return None


def remember(story: Story, chapter: str, at: datetime.datetime, failure: str | None = None):
	"""Note the story as lived, with the record it is about, in its first event's transaction; a
	story that failed is noted too, with why, so that it is reported and not lived again."""
	doctype, name = story.state.get("record") or (None, None)
	now = frappe.utils.now()
	frappe.get_doc(
		{
			"doctype": "Demo Story",
			"name": story.key,
			"story": story.key,
			"chapter": chapter,
			"lived_at": at,
			"reference_doctype": doctype,
			"reference_name": name,
			"failure": failure,
			"owner": "Administrator",
			"modified_by": "Administrator",
			"creation": now,
			"modified": now,
		}
	).db_insert()


def counts(life: Life) -> Counter:
	found = Counter()
	for chapter in chapters():
		found.update(chapter.count(life))
	return found
