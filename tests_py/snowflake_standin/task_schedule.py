"""A task's SCHEDULE: when it is due, as Snowflake documents it.

SCHEDULE = '<num> MINUTE' | 'USING CRON <expr> <time_zone>' (docs.snowflake.com/en/sql-reference/sql/create-task;
the newer syntax also takes HOURS and SECONDS). An interval counts from when the task was resumed, then
from each scheduled time. A CRON schedule runs in the local time of its zone, and on the days the clocks
change it behaves as Snowflake documents (docs.snowflake.com/en/user-guide/tasks-intro, "Task scheduling
and daylight saving time"): a time that does not exist that day (the spring change) does not run at
all, and a time that happens twice (the autumn change) runs twice. CRON fields are read by croniter
(7.0.0, pinned in requirements-dev.txt); the special characters L, W, # and ? are refused by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter


class ScheduleNotModelled(ValueError):
    """A schedule the stand-in cannot fire faithfully: refused by name, never guessed."""


_INTERVAL = re.compile(r"^\s*(\d+)\s*(MINUTES?|M|HOURS?|H|SECONDS?|S)\s*$", re.IGNORECASE)
_CRON = re.compile(r"^\s*USING\s+CRON\s+(.+?)\s+(\S+)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"M": 60, "H": 3600, "S": 1}
# Month and weekday names a CRON field may use (JUL, WED…): their letters are not special characters.
_NAMES = re.compile(r"JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT")


@dataclass(frozen=True)
class Interval:
    every: timedelta

    def next_after(self, previous: datetime) -> datetime:
        """`previous` is the resume time or the last scheduled time."""
        return previous + self.every


@dataclass(frozen=True)
class Cron:
    expression: str
    zone: ZoneInfo

    def next_after(self, previous: datetime) -> datetime:
        """The first scheduled instant strictly after `previous`."""
        local = previous.astimezone(self.zone).replace(tzinfo=None) - timedelta(hours=2)
        walker = croniter(self.expression, local)
        while True:
            wall = walker.get_next(datetime)
            for instant in self._instants(wall):
                if instant > previous:
                    return instant

    def _instants(self, wall: datetime) -> list[datetime]:
        """The UTC instants a local wall-clock time names: none in a spring gap, two in an autumn fold."""
        instants = []
        for fold in (0, 1):
            candidate = wall.replace(tzinfo=self.zone, fold=fold)
            back = candidate.astimezone(UTC).astimezone(self.zone)
            if back.replace(tzinfo=None) == wall:  # the wall time exists with this fold
                instants.append(candidate.astimezone(UTC))
        return sorted(set(instants))


Schedule = Interval | Cron


def parse_schedule(text: str) -> Schedule:
    interval = _INTERVAL.match(text)
    if interval:
        amount = int(interval.group(1))
        unit = interval.group(2).upper()[0]
        if amount <= 0:
            raise ScheduleNotModelled(f"SCHEDULE '{text}': the interval must be positive")
        return Interval(timedelta(seconds=amount * _UNIT_SECONDS[unit]))
    cron = _CRON.match(text)
    if not cron:
        raise ScheduleNotModelled(f"SCHEDULE '{text}' is not '<num> MINUTE' or 'USING CRON <expr> <time_zone>'")
    expression, zone_name = cron.group(1), cron.group(2)
    fields = expression.split()
    if len(fields) != 5:
        raise ScheduleNotModelled(f"SCHEDULE '{text}': a CRON expression has 5 fields, found {len(fields)}")
    without_names = _NAMES.sub("", expression.upper())
    special = sorted(set(without_names) & set("LW#?"))
    if special:
        raise ScheduleNotModelled(f"SCHEDULE '{text}': CRON special characters {special} are not modelled")
    if not croniter.is_valid(expression):
        raise ScheduleNotModelled(f"SCHEDULE '{text}': croniter cannot read the CRON expression")
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleNotModelled(f"SCHEDULE '{text}': unknown time zone {zone_name!r}") from None
    return Cron(expression, zone)
