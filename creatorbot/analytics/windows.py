"""Windows of days: the period a figure covers and the equal-length window before it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

PERIOD = re.compile(r"^(\d{1,3})d$")
MAX_DAYS = 366
# The days the bot answers about and stores: far from the calendar's ends, so that a window
# and the window before it (up to a thousand years) never fall off it.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)


@dataclass(frozen=True)
class Window:
    """An inclusive span of local days."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """How many days the window covers."""
        return (self.end - self.start).days + 1

    def previous(self) -> Window:
        """The window of equal length that ends the day before this one starts."""
        end = self.start - dt.timedelta(days=1)
        return Window(end - dt.timedelta(days=self.days - 1), end)


def day_before(day: dt.date) -> dt.date:
    """The day before `day` (the calendar's first day has none: itself)."""
    return day - dt.timedelta(days=1) if day > dt.date.min else day


def within_calendar(start: dt.date, end: dt.date) -> Window:
    """The part of [start, end] from FIRST_DAY to LAST_DAY (a stored window may reach beyond:
    no data does), never empty."""
    end = max(FIRST_DAY, min(end, LAST_DAY))
    return Window(min(max(start, FIRST_DAY), end), end)


def is_period(word: str) -> bool:
    """Whether `word` names a period: `mtd` or `Nd` with 1 ≤ N ≤ 366."""
    if word == "mtd":
        return True
    match = PERIOD.match(word)
    return match is not None and 1 <= int(match.group(1)) <= MAX_DAYS


def window_for(period: str, end: dt.date) -> Window:
    """The window a period names, ending on `end` (mtd: from the 1st of `end`'s month)."""
    if period == "mtd":
        return Window(end.replace(day=1), end)
    match = PERIOD.match(period)
    if match is None or not is_period(period):
        raise ValueError(f"not a period: {period}")
    return Window(end - dt.timedelta(days=int(match.group(1)) - 1), end)
