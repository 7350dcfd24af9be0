"""Windows of days: the period a figure covers and the equal-length window before it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

PERIOD = re.compile(r"^(\d{1,3})d$")
MAX_DAYS = 366


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
