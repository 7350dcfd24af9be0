"""What anomaly detection reads: subjects × days matrices (creators from the day columns,
campaigns from their daily figures, resource slots from their daily traffic) and the raw rows
of the few creators flagged."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from creatorbot.storage.daycolumns import ID, unpack
from creatorbot.storage.fetch import fetch_all
from creatorbot.storage.models import Campaign, Creator, DailyMetric, DayColumn, SlotMetric
from creatorbot.storage.queries.campaigns import CampaignFigures

SLOT_COUNTS = ("impressions", "clicks", "conversions")
DENSE = 2  # creator ids spanning at most this many times a day's rows are taken as a range
HEADER_PEEK = 256  # bytes that hold a .npy header of a 1-d array
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
    have day columns, for each of `metrics` (rankable metrics), read from the day columns."""
    names = [ID, *metrics]
    query = select(DayColumn.date, DayColumn.name, DayColumn.data).where(
        DayColumn.market == market,
        DayColumn.date.between(first, last),
        or_(*(DayColumn.name == name for name in names)),  # `fetch_all` binds no IN lists
    )
    by_day: dict[dt.date, dict[str, np.ndarray]] = defaultdict(dict)
    for day, name, data in fetch_all(query, session=session):
        by_day[_day(day)][str(name)] = _array(data)
    days = tuple(sorted(day for day, found in by_day.items() if len(found) == len(names)))
    columns = [by_day[day] for day in days]
    keys, where = _universe([found[ID] for found in columns])
    values = {}
    for metric in metrics:
        kind = np.result_type(np.int32, *(found[metric].dtype for found in columns))
        matrix = np.zeros((len(keys), len(days)), dtype=kind, order="F")
        for n, found in enumerate(columns):
            matrix[:, n][where[n]] = found[metric]  # down one contiguous column: the quick way
        values[metric] = matrix
    return Matrix(keys, days, values)


def _array(data: Any) -> np.ndarray:
    """A day column's array, read in place from the driver's bytes (no copy: these are the
    biggest reads of a scan)."""
    view = memoryview(data)
    header = io.BytesIO(view[:HEADER_PEEK].tobytes())
    version = np.lib.format.read_magic(header)
    if version != (1, 0):
        return unpack(bytes(view), widen=False)
    shape, fortran, dtype = np.lib.format.read_array_header_1_0(header)
    if fortran or len(shape) != 1:
        return unpack(bytes(view), widen=False)
    return np.frombuffer(view, dtype=dtype, count=shape[0], offset=header.tell())


def _universe(ids: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
    """The rows' ids (ascending) and each day's ids as rows: every id from the lowest to the
    highest seen when they are that dense (a market's creators are mostly imported together;
    a row never seen is all zeros and judged by nobody), else only the ids seen."""
    if not ids or not any(len(day) for day in ids):
        return np.zeros(0, dtype=np.int64), [np.zeros(0, dtype=np.int64) for _ in ids]
    low = min(int(day[0]) for day in ids if len(day))  # each day's ids are ascending
    top = max(int(day[-1]) for day in ids if len(day))
    if top - low + 1 <= DENSE * max(len(day) for day in ids):
        return np.arange(low, top + 1), [day.astype(np.int64) - low for day in ids]
    seen = np.zeros(top + 1, dtype=bool)
    for day in ids:
        seen[day] = True
    keys = np.flatnonzero(seen)
    position = np.zeros(top + 1, dtype=np.int64)
    position[keys] = np.arange(len(keys))
    return keys, [position[day] for day in ids]


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
