"""Affiliate resource slot traffic: the latest day with slot data, and totals per slot."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Date, Integer, Select, bindparam, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import FunctionElement

from creatorbot.analytics.windows import Window
from creatorbot.storage.models import SlotMetric

COLUMNS = ["slot", "surface", "impressions", "clicks", "conversions"]
COUNTS = ("impressions", "clicks", "conversions")


def latest_slot_day(market: str, *, session: Session) -> dt.date | None:
    """The latest local day that has any slot metrics for `market`."""
    return session.scalar(select(func.max(SlotMetric.date)).where(SlotMetric.market == market))


def slot_windows(
    market: str, window: Window, *, session: Session, before: Window | None = None
) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """Each slot's impressions, clicks and conversions summed over `window` and over `before`
    (default: the window of equal length before it), both from one read: per window its columns
    (`COLUMNS`, as lists of plain values), one entry per slot that has at least one row in it,
    ordered by slot."""
    before = before or window.previous()
    params = {
        "market": market,
        "first": before.start,
        "last": before.end,
        "start": window.start,
        "end": window.end,
    }
    rows = session.execute(_windows_query(), params).all()
    width = 2 + len(COUNTS)  # rows, surface, counts: per window
    return tuple(  # type: ignore[return-value]
        _columns([row for row in rows if row[at + 1]], at) for at in (0, width)
    )


def latest_slot_windows(
    market: str, days: int, *, session: Session
) -> tuple[dt.date | None, dict[str, list[Any]], dict[str, list[Any]]]:
    """The market's latest slot day, and `slot_windows` of the `days` days ending on it, from
    one read: on PostgreSQL each statement is a round trip, and finding the latest day first
    cost as much as summing the windows. (None and no slots when the market has no slot data.)"""
    params = {"market": market, "days": days}
    rows = session.execute(_latest_windows_query(), params).all()
    width = 2 + len(COUNTS)
    current, previous = (_columns([row for row in rows if row[at + 1]], at) for at in (0, width))
    latest = rows[0][-1] if rows else None
    return latest, current, previous


def _columns(rows: list[Any], at: int) -> dict[str, list[Any]]:
    # PostgreSQL sums BIGINT as NUMERIC: the counts are made integers here.
    return {
        "slot": [row[0] for row in rows],
        "surface": [row[at + 2] for row in rows],
        **{name: [int(row[at + 3 + n]) for row in rows] for n, name in enumerate(COUNTS)},
    }


@cache
def _windows_query() -> Select[Any]:
    """The statement `slot_windows` runs, built once (it is on every `slots` question's path):
    the window is the days from :start to :end, the one compared with from :first to :last."""
    start = bindparam("start", type_=Date)
    now = SlotMetric.date >= start  # else: the window before
    return (
        select(SlotMetric.slot, *_window_sums(now))
        .where(
            SlotMetric.market == bindparam("market"),
            or_(
                SlotMetric.date.between(
                    bindparam("first", type_=Date), bindparam("last", type_=Date)
                ),
                SlotMetric.date.between(start, bindparam("end", type_=Date)),
            ),
        )
        .group_by(SlotMetric.slot)
        .order_by(SlotMetric.slot)
    )


@cache
def _latest_windows_query() -> Select[Any]:
    """The statement `latest_slot_windows` runs, built once: the window is the :days days
    ending on the market's latest slot day, the window before them the :days days before."""
    latest = (
        select(func.max(SlotMetric.date))
        .where(SlotMetric.market == bindparam("market"))
        .scalar_subquery()
    )
    days = bindparam("days", type_=Integer)
    now = SlotMetric.date >= _DaysBefore(latest, days - 1)  # else: the window before
    return (
        select(SlotMetric.slot, *_window_sums(now), latest)
        .where(
            SlotMetric.market == bindparam("market"),
            SlotMetric.date >= _DaysBefore(latest, 2 * days - 1),
        )
        .group_by(SlotMetric.slot)
        .order_by(SlotMetric.slot)
    )


def _window_sums(now: ColumnElement[bool]) -> list[ColumnElement[Any]]:
    """Per window (where `now` holds, then where it does not): its rows, its surface and each
    count summed."""
    # The surface is an attribute of the slot, not part of its key: a slot re-filed under
    # another surface mid-window must stay one row, so take one surface per window (stably,
    # the greatest name) rather than grouping by it.
    return [
        column
        for inside in (now, ~now)
        for column in (
            func.count(case((inside, 1))),
            func.max(case((inside, SlotMetric.surface))),
            *(func.sum(case((inside, getattr(SlotMetric, name)), else_=0)) for name in COUNTS),
        )
    ]


class _DaysBefore(FunctionElement[dt.date]):
    """The day a number of days before a day, in the database's own date arithmetic."""

    type = Date()
    inherit_cache = True


@compiles(_DaysBefore, "postgresql")
def _days_before_postgresql(element: _DaysBefore, compiler: SQLCompiler, **kw: Any) -> str:
    day, days = list(element.clauses)
    return f"({compiler.process(day, **kw)} - ({compiler.process(days, **kw)}))"


@compiles(_DaysBefore)
def _days_before_sqlite(element: _DaysBefore, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps a day as ISO text; date() with a modifier gives ISO text back.
    day, days = list(element.clauses)
    return (
        f"date({compiler.process(day, **kw)}, '-' || ({compiler.process(days, **kw)}) || ' days')"
    )
