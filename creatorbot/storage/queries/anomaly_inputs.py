"""What anomaly detection reads: subjects × days matrices (creators from the day columns,
campaigns from their daily figures, resource slots from their daily traffic) and the raw rows
of the few creators flagged."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.daycolumns import ID, iter_columns
from creatorbot.storage.models import Campaign, Creator, DailyMetric, DayColumn, SlotMetric
from creatorbot.storage.queries.campaigns import CampaignFigures

SLOT_COUNTS = ("impressions", "clicks", "conversions")
DENSE = 2  # creator ids spanning at most this many times a day's rows are taken as a range
CREATOR_FACTS = ("gmv", "orders", "live_gmv", "live_sessions", "live_minutes")


@dataclass(frozen=True)
class Matrix:
    """Subjects (rows, named by `keys`) × days (columns, oldest first: days with data only),
    one matrix per metric. Creator matrices are day-major (Fortran order) and hold 0 for a day
    without a row; campaign and slot matrices hold NaN where the subject has no value."""

    keys: np.ndarray
    days: tuple[dt.date, ...]
    values: dict[str, np.ndarray]

    def column(self, day: dt.date) -> int | None:
        """The column of `day`, or None when the matrix has no data that day."""
        return self.days.index(day) if day in self.days else None


def _day(value: Any) -> dt.date:
    # The driver's own value: a date from psycopg, ISO text from sqlite3.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def creator_matrix(
    market: str, first: dt.date, last: dt.date, metrics: Sequence[str], *, session: Session
) -> Matrix:
    """Every creator with a row in [first, last] (keys: creator ids, ascending) × the days that
    have day columns, for each of `metrics` (rankable metrics), read from the day columns one
    day's column at a time: only the matrices themselves are held (a month of a million
    creators' columns read at once took 300 MB more)."""
    names = {ID, *metrics}
    held: dict[dt.date, set[str]] = defaultdict(set)
    listed = select(DayColumn.date, DayColumn.name).where(
        DayColumn.market == market, DayColumn.date.between(first, last)
    )
    for day, name in session.execute(listed):
        held[_day(day)].add(str(name))
    days = tuple(sorted(day for day, found in held.items() if names <= found))
    wanted = set(days)
    ids: list[np.ndarray] = []
    for day, column in iter_columns(market, ID, first, last, session=session):
        if day in wanted:  # most days hold the same creators: one array serves them all
            same = bool(ids) and np.array_equal(ids[-1], column)
            ids.append(ids[-1] if same else column)
    keys, where = _universe(ids)
    del ids
    values = {}
    for metric in metrics:
        matrix = np.zeros((len(keys), len(days)), dtype=np.int32, order="F")
        n = 0
        for day, found in iter_columns(market, metric, first, last, session=session):
            if day not in wanted:
                continue
            if np.result_type(matrix.dtype, found.dtype) != matrix.dtype:
                matrix = matrix.astype(np.result_type(matrix.dtype, found.dtype), order="F")
            matrix[:, n][where[n]] = found  # down one contiguous column: the quick way
            n += 1
        values[metric] = matrix
    return Matrix(keys, days, values)


def _universe(ids: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
    """The rows' ids (ascending) and each day's ids as rows: every id from the lowest to the
    highest seen when they are that dense (a market's creators are mostly imported together;
    a row never seen is all zeros and judged by nobody), else only the ids seen."""
    if not ids or not any(len(day) for day in ids):
        return np.zeros(0, dtype=np.int64), [np.zeros(0, dtype=np.int64) for _ in ids]
    low = min(int(day[0]) for day in ids if len(day))  # each day's ids are ascending
    top = max(int(day[-1]) for day in ids if len(day))
    if top - low + 1 <= DENSE * max(len(day) for day in ids):
        return np.arange(low, top + 1), _each(ids, lambda day: day.astype(np.int64) - low)
    seen = np.zeros(top + 1, dtype=bool)
    for day in ids:
        seen[day] = True
    keys = np.flatnonzero(seen)
    position = np.zeros(top + 1, dtype=np.int64)
    position[keys] = np.arange(len(keys))
    return keys, _each(ids, lambda day: position[day])


def _each(ids: list[np.ndarray], rows: Callable[[np.ndarray], np.ndarray]) -> list[np.ndarray]:
    """`rows(day)` of each day's ids, computed once for days that share their ids array (a
    month of a million creators' positions, one array a day, took 240 MB)."""
    found: list[np.ndarray] = []
    for n, day in enumerate(ids):
        found.append(found[-1] if n and day is ids[n - 1] else rows(day))
    return found


def campaign_matrix(
    market: str, days: Sequence[dt.date], latest: dt.date, *, session: Session
) -> tuple[list[Campaign], Matrix]:
    """The market's campaigns whose window meets the last of `days`, × `days`: GMV and orders
    of their enrolled creators (0 inside the window on a day without sales, NaN outside)."""
    if not days:
        return [], Matrix(np.zeros(0, dtype=object), (), {})
    query = (
        select(Campaign)
        .where(
            Campaign.market == market,
            Campaign.starts_on <= days[-1],
            Campaign.ends_on >= days[-1],
        )
        .order_by(Campaign.slug)
    )
    campaigns = list(session.scalars(query))
    values = {name: np.full((len(campaigns), len(days)), np.nan) for name in ("gmv", "orders")}
    at = {day: n for n, day in enumerate(days)}
    for row, campaign in enumerate(campaigns):
        inside = [n for n, day in enumerate(days) if campaign.starts_on <= day <= campaign.ends_on]
        for matrix in values.values():
            matrix[row, inside] = 0.0
        figures = CampaignFigures(campaign, latest, session=session).days()
        for record in figures.to_dict("records"):
            column = at.get(_day(record["date"]))
            if column is not None:
                values["gmv"][row, column] = record["gmv"]
                values["orders"][row, column] = record["orders"]
    keys = np.array([campaign.slug for campaign in campaigns], dtype=object)
    return campaigns, Matrix(keys, tuple(days), values)


def slot_matrix(market: str, first: dt.date, last: dt.date, *, session: Session) -> Matrix:
    """Every slot with a row in [first, last] × the days with slot data: impressions, clicks
    and conversions (NaN on a day a slot has no row)."""
    query = select(SlotMetric.date, SlotMetric.slot, *(getattr(SlotMetric, c) for c in SLOT_COUNTS))
    query = query.where(SlotMetric.market == market, SlotMetric.date.between(first, last))
    frame = pd.DataFrame(
        [tuple(row) for row in session.execute(query)], columns=["date", "slot", *SLOT_COUNTS]
    )
    days = tuple(sorted({_day(day) for day in frame["date"]}))
    keys = np.array(sorted(set(frame["slot"])), dtype=object)
    values = {name: np.full((len(keys), len(days)), np.nan) for name in SLOT_COUNTS}
    rows = np.searchsorted(keys, frame["slot"].to_numpy(dtype=object))
    columns = np.array([days.index(_day(day)) for day in frame["date"]], dtype=np.int64)
    for name in SLOT_COUNTS:
        values[name][rows, columns] = frame[name].to_numpy(dtype=np.float64)
    return Matrix(keys, days, values)


def creator_days(
    ids: Iterable[int], first: dt.date, last: dt.date, *, session: Session
) -> pd.DataFrame:
    """The raw daily rows of a few creators in [first, last]: creator_id, date and CREATOR_FACTS
    (for the figures an alert quotes: live sessions, GMV per order or per live minute)."""
    wanted = sorted({int(i) for i in ids})
    columns = ["creator_id", "date", *CREATOR_FACTS]
    if not wanted:
        return pd.DataFrame(columns=columns)
    query = select(*(getattr(DailyMetric, c) for c in columns)).where(
        DailyMetric.creator_id.in_(wanted), DailyMetric.date.between(first, last)
    )
    frame = pd.DataFrame([tuple(row) for row in session.execute(query)], columns=columns)
    return frame.astype({c: "int64" for c in columns if c != "date"})


def creators_by_id(ids: Iterable[int], *, session: Session) -> dict[int, Creator]:
    """Creators by id."""
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return {}
    return {c.id: c for c in session.scalars(select(Creator).where(Creator.id.in_(wanted)))}


def creators_by_handle(
    market: str, handles: Iterable[str], *, session: Session
) -> dict[str, Creator]:
    """A market's creators by handle."""
    wanted = sorted(set(handles))
    if not wanted:
        return {}
    query = select(Creator).where(Creator.market == market, Creator.handle.in_(wanted))
    return {c.handle: c for c in session.scalars(query)}
