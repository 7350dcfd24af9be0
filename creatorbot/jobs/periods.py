"""Periods: the local days (or war-room hours, or weeks) a subscription posts once each.

A period is named by the market's local calendar, never by UTC: a daily period is a local date,
so a daylight-saving change moves the instant it fires but never adds or removes a post. A local
time that does not exist that day (the spring gap) fires at the same offset as the hour before
it; one that happens twice (the autumn fold) fires at its first occurrence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

Cadence = str  # "daily" or "weekly"
WEEK_START = 0  # weekly periods fire on Mondays


@dataclass(frozen=True)
class Period:
    """One post's slot: its key in the ledger, when it is due, and the local day it serves."""

    key: str
    due: dt.datetime  # UTC
    local_day: dt.date
    hourly: bool = False


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A stored timestamp in UTC (SQLite hands them back without a zone; they were UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def parse_at(value: str) -> dt.time:
    """`HH:MM` (24-hour) as a time; ValueError otherwise."""
    hours, sep, minutes = value.partition(":")
    if not sep or not (hours.isdigit() and minutes.isdigit()) or len(minutes) != 2:
        raise ValueError(value)
    return dt.time(int(hours), int(minutes))


def instant(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of a local wall-clock time (first occurrence in a fold)."""
    return dt.datetime.combine(day, at, tzinfo=zone).astimezone(dt.UTC)


def local_days(start: dt.datetime, end: dt.datetime, zone: ZoneInfo) -> Iterator[dt.date]:
    """Every local date touched by [start, end], one day of margin on each side."""
    day = start.astimezone(zone).date() - dt.timedelta(days=1)
    last = end.astimezone(zone).date() + dt.timedelta(days=1)
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def periods_between(
    start: dt.datetime,
    end: dt.datetime,
    *,
    at: dt.time,
    zone: ZoneInfo,
    cadence: Cadence = "daily",
    war_room: Callable[[dt.date], bool] = lambda day: False,
) -> list[Period]:
    """The periods due in (start, end], in order. On a day `war_room` says yes, the day's one
    post becomes 24 hourly ones at the subscription's minute past each local hour."""
    found: list[Period] = []
    for day in local_days(start, end, zone):
        for period in _periods_of(day, at, zone, cadence, war_room(day)):
            if start < period.due <= end:
                found.append(period)
    return found


def period_from_key(key: str, zone: ZoneInfo, at_time: str, now: dt.datetime) -> Period:
    """The period a ledger key names. Keys of the cadences are local dates (`2026-11-24`),
    war-room hours (`2026-11-24T14`) and ISO weeks (`2026-W48`); any other key (a manual run,
    a campaign's prompt) serves the local day of `now`."""
    at = parse_at(at_time)
    try:
        if len(key) == 10:
            day = dt.date.fromisoformat(key)
            return Period(key, instant(day, at, zone), day)
        if len(key) == 13 and key[10] == "T":
            day, hour = dt.date.fromisoformat(key[:10]), int(key[11:])
            return Period(key, instant(day, dt.time(hour, at.minute), zone), day, hourly=True)
        if len(key) == 8 and key[4:6] == "-W":
            day = dt.date.fromisocalendar(int(key[:4]), int(key[6:]), WEEK_START + 1)
            return Period(key, instant(day, at, zone), day)
    except ValueError:
        pass
    return Period(key, now, now.astimezone(zone).date())


def _periods_of(
    day: dt.date, at: dt.time, zone: ZoneInfo, cadence: Cadence, hourly: bool
) -> list[Period]:
    if hourly:
        hours = []
        for hour in range(24):
            due = instant(day, dt.time(hour, at.minute), zone)
            hours.append(Period(f"{day.isoformat()}T{hour:02d}", due, day, hourly=True))
        return _first_of_each_instant(hours)
    if cadence == "weekly":
        if day.weekday() != WEEK_START:
            return []
        year, week, _ = day.isocalendar()
        return [Period(f"{year}-W{week:02d}", instant(day, at, zone), day)]
    return [Period(day.isoformat(), instant(day, at, zone), day)]


def _first_of_each_instant(periods: list[Period]) -> list[Period]:
    """Two wall-clock hours that name one instant (the spring gap) post once."""
    seen: set[dt.datetime] = set()
    unique = []
    for period in periods:
        if period.due not in seen:
            seen.add(period.due)
            unique.append(period)
    return unique
