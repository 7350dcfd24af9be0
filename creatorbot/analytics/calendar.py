"""The calendar's periods (today, last week, last month, a span of dates) as windows of days."""

from __future__ import annotations

import datetime as dt

from creatorbot.analytics.windows import Window

ONE = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)
# Periods named by the market's calendar, resolved from its local today.
CALENDAR = ("today", "yesterday", "this_week", "last_week", "this_month", "last_month")


def week_start(day: dt.date, first_weekday: int) -> dt.date:
    """The first day of `day`'s week, weeks starting on `first_weekday` (0 Monday … 6 Sunday)."""
    return day - dt.timedelta(days=(day.weekday() - first_weekday) % 7)


def month_start(day: dt.date) -> dt.date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def calendar_window(kind: str, today: dt.date, first_weekday: int) -> Window:
    """The whole days a calendar period covers, seen from `today` (the current week and month
    end today)."""
    if kind == "today":
        return Window(today, today)
    if kind == "yesterday":
        return Window(today - ONE, today - ONE)
    if kind == "this_week":
        return Window(week_start(today, first_weekday), today)
    if kind == "last_week":
        start = week_start(today, first_weekday) - dt.timedelta(days=7)
        return Window(start, start + dt.timedelta(days=6))
    if kind == "this_month":
        return Window(month_start(today), today)
    if kind == "last_month":
        end = month_start(today) - ONE
        return Window(month_start(end), end)
    raise ValueError(f"not a calendar period: {kind}")


WEEKS = ("this_week", "last_week")
MONTHS = ("this_month", "last_month")


def compared_window(window: Window, kind: str | None) -> Window:
    """The days a period's figures are compared with. The calendar's weeks and months (this
    week, last week, this month, last month; whole, or cut at the latest day with data) with the
    same days of the week or month before: last month with the whole month before it, this
    month to date with the same days of the month before. Any other period (a number of days,
    wtd, mtd, a day, a span of dates) with as many days just before it."""
    if kind in WEEKS:
        return Window(window.start - WEEK, window.end - WEEK)
    if kind in MONTHS:
        end = _month_back(window.end)
        if (window.end + ONE).day == 1:  # to the month's end: to the end of the month before
            end = month_start(window.end) - ONE
        return Window(_month_back(window.start), end)
    return window.previous()


def _month_back(day: dt.date) -> dt.date:
    """The same day of the month before (its last day when it is shorter)."""
    last = month_start(day) - ONE
    return last.replace(day=min(day.day, last.day))


def to_date_window(kind: str, end: dt.date, first_weekday: int) -> Window:
    """`wtd` or `mtd`: from the first day of `end`'s week or month to `end`."""
    if kind == "wtd":
        return Window(week_start(end, first_weekday), end)
    if kind == "mtd":
        return Window(month_start(end), end)
    raise ValueError(f"not a to-date period: {kind}")


def latest_such_day(day: int, month: int, today: dt.date) -> dt.date:
    """The day of that month in the latest year where it is not after `today` (raises
    ValueError when no such day exists, e.g. 30 February)."""
    this_year = _day(today.year, month, day)
    if this_year is not None and this_year <= today:
        return this_year
    for year in range(today.year - 1, today.year - 9, -1):  # 29 February: the last leap year
        found = _day(year, month, day)
        if found is not None:
            return found
    raise ValueError(f"no such day: {day}/{month}")


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
