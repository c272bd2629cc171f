"""The demo's clock. The street's year is lived by moving a frozen clock forward, event by event, so
every record is made by its own controller at the moment it happened: its creation stamp, its
deadlines, its ledger posting date and its escalations all agree, as if it had been lived."""

import datetime
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from frappe.utils import get_system_timezone

# libraries whose own timers must keep real time (socket and connection timeouts)
REAL_TIME_MODULES = ("redis", "rq", "pymysql", "urllib3", "requests")


def to_utc(moment: datetime.datetime) -> datetime.datetime:
	"""A naive moment in the site's time zone (as Frappe keeps them) as an aware UTC moment."""
	return moment.replace(tzinfo=ZoneInfo(get_system_timezone())).astimezone(datetime.timezone.utc)


class Clock:
	def __init__(self, frozen, start: datetime.datetime):
		self._frozen = frozen
		self.now = start

	def move_to(self, moment: datetime.datetime):
		"""Move forward to ``moment``; never back, so a later save never looks older than the one before."""
		# never stop on a whole second: a timestamp without microseconds reads back from MariaDB as
		# "14:30:00" against Frappe's "14:30:00.000000", and the next save of the record is refused as
		# changed by someone else (TimestampMismatchError)
		moment = moment.replace(microsecond=moment.microsecond or 1)
		if moment <= self.now:
			return
		self._frozen.move_to(to_utc(moment))
		self.now = moment


@contextmanager
def travelling(start: datetime.datetime):
	"""Freeze the clock at ``start`` (naive, in the site's time zone) for the life to move forward."""
	# freezegun is Frappe's own choice for moving time (FrappeTestCase.freeze_time)
	from freezegun import freeze_time

	with freeze_time(to_utc(start), ignore=list(REAL_TIME_MODULES)) as frozen:
		yield Clock(frozen, start)
