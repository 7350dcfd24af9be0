"""Day columns: each market's days of rankable metrics as packed numpy arrays.

The write path keeps them beside the daily rows (`update_day_columns`), so ranking a market over
sixty days reads a few hundred small blobs instead of scanning millions of rows. They hold the
days any leaderboard can reach (a window of up to `MAX_DAYS` and the window before it); older
ones are dropped as new days arrive. Each day's columns carry a stamp (`storage.stamps`) that a
write replaces, so readers that cache them see a correction made by any process.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from creatorbot.storage.daycheck import (  # noqa: F401 (the checks' old home)
    CHECKED_DAYS,
    ID,
    NAMES,
    RETAIN_DAYS,
    days_with_rows,
    first_kept,
    missing_days,
    stale_days,
    stored_days,
)
from creatorbot.storage.fetch import Statement, fetch_integers
from creatorbot.storage.models import DailyMetric, DayColumn
from creatorbot.storage.packed import narrowest, pack, unpack
from creatorbot.storage.queries.markets import latest_day
from creatorbot.storage.roster import written
from creatorbot.storage.stamps import day_key, digest, set_stamps, unstamp_days

HELD = "day_columns"  # the key of the columns kept in `roster.written`
DAYS_PER_READ = 8  # stored days of a column read by one statement
Columns = dict[str, np.ndarray]


def update_day_columns(rows: pd.DataFrame, *, session: Session) -> None:
    """After the writer upserted `rows` (creator_id, date, market and every rankable metric):
    bring the columns of each day they touch up to date, and drop days no board reaches."""
    if rows.empty:
        return
    days = pd.to_datetime(rows["date"])  # grouped as timestamps: a date per row costs more
    for key, part in rows[list(NAMES)].groupby([rows["market"], days], sort=True):
        market, stamp = cast(tuple[str, pd.Timestamp], key)
        day = stamp.date()
        latest = latest_day(market, session=session)
        if latest is None or day < first_kept(latest):
            continue
        stored = read_day(market, day, session=session)
        written = _columns_of(part)
        if stored is not None:
            merged = _merge(stored, written)
            if _same(stored, merged):
                continue  # nothing changed: the day and its stamp stay as they are
        elif _row_count(market, day, session=session) == len(part):
            merged = written  # the day holds exactly the rows just written
        else:
            merged = _from_rows(market, day, session=session)
        _store(market, day, merged, session=session)
    for market in rows["market"].unique().tolist():
        latest = latest_day(market, session=session)
        if latest is not None:
            session.execute(
                delete(DayColumn).where(
                    DayColumn.market == market, DayColumn.date < first_kept(latest)
                )
            )
            unstamp_days(market, first_kept(latest), session=session)
            _forget(market, partial(operator.gt, first_kept(latest)), session=session)


def rebuild_days(market: str, days: Iterable[dt.date], *, session: Session) -> None:
    """Recompute the columns of `days` from the daily rows (after a bulk load, or an upgrade)."""
    for day in days:
        _store(market, day, _from_rows(market, day, session=session), session=session)


def _same(one: Columns, other: Columns) -> bool:
    return all(np.array_equal(one[name], other[name]) for name in NAMES)


def read_day(market: str, day: dt.date, *, session: Session) -> Columns | None:
    """Every column of one day, ids ascending; None when they are not all stored."""
    found = {
        name: unpack(data)
        for name, data in session.execute(
            select(DayColumn.name, DayColumn.data).where(
                DayColumn.market == market, DayColumn.date == day
            )
        )
    }
    return found if set(found) == set(NAMES) else None


def iter_columns(
    market: str, name: str, first: dt.date, last: dt.date, *, session: Session
) -> Iterator[tuple[dt.date, np.ndarray]]:
    """One stored column of every day from `first` to `last` that has it, day by day in
    ascending order, as stored (not widened): a few days' columns in memory at a time, not
    sixty (a million creators' ids for sixty days, widened, took 480 MB). They are read
    `DAYS_PER_READ` days to a statement: a statement per day and column made a refresh after
    an import a thousand round trips to PostgreSQL."""
    held = {
        day: values
        for (kind, held_market, day, held_name), values in (_held(session) or {}).items()
        if (kind, held_market, held_name) == (HELD, market, name) and first <= day <= last
    }
    days = select(DayColumn.date).where(
        DayColumn.market == market,
        DayColumn.name == name,
        DayColumn.date.between(first, last),
    )
    query = (
        select(DayColumn.date, DayColumn.data)
        .where(
            DayColumn.market == market,
            DayColumn.name == name,
            DayColumn.date.between(
                bindparam("first", type_=DayColumn.date.type),
                bindparam("last", type_=DayColumn.date.type),
            ),
        )
        .order_by(DayColumn.date)
    )
    statement: Statement | None = None  # compiled once for all the days
    wanted = sorted(set(held) | {_day(value) for value in session.scalars(days)})
    stored = [day for day in wanted if day not in held]
    read: dict[dt.date, bytes] = {}
    for day in wanted:
        if day in held:
            yield day, held[day]
            continue
        if day not in read:
            at = stored.index(day)
            group = stored[at : at + DAYS_PER_READ]
            statement = statement or Statement(query, session=session)
            rows = statement.all(session=session, binary=True, first=group[0], last=group[-1])
            read = {_day(found): data for found, data in rows if _day(found) in group}
            del rows  # each blob is let go once its day is handed on
        yield day, unpack(read.pop(day), widen=False)


def _held(session: Session) -> dict[Any, np.ndarray] | None:
    """The columns stored earlier in this write (`roster.written`), keyed (HELD, market, day,
    name), as `unpack` would read them back without widening."""
    return written(session=session)


def _forget(market: str, gone: Callable[[dt.date], bool], *, session: Session) -> None:
    held = _held(session)
    if held:
        for key in [k for k in held if k[0] == HELD and k[1] == market and gone(k[2])]:
            del held[key]


def _day(value: dt.date | str) -> dt.date:
    """A date as the driver gives it (SQLite's is ISO text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def read_named(
    market: str, name: str, days: Iterable[dt.date], *, session: Session
) -> dict[dt.date, np.ndarray]:
    """One stored column of each of `days` that has it, as stored (narrow), by day."""
    wanted = sorted(set(days))
    found: dict[dt.date, np.ndarray] = {}
    for start in range(0, len(wanted), 500):
        query = select(DayColumn.date, DayColumn.data).where(
            DayColumn.market == market,
            DayColumn.name == name,
            DayColumn.date.in_(wanted[start : start + 500]),
        )
        found.update(
            (day, unpack(data, widen=False)) for day, data in session.connection().execute(query)
        )
    return found


def _row_count(market: str, day: dt.date, *, session: Session) -> int:
    query = select(func.count()).where(DailyMetric.market == market, DailyMetric.date == day)
    return int(session.scalar(query) or 0)


def _columns_of(frame: pd.DataFrame) -> Columns:
    ordered = frame.sort_values(ID, kind="mergesort")
    return {name: ordered[name].to_numpy(dtype=np.int64) for name in NAMES}


def _merge(stored: Columns, written: Columns) -> Columns:
    """The stored day with the written rows replacing (or joining) the stored ones."""
    keep = ~np.isin(stored[ID], written[ID])
    ids = np.concatenate([stored[ID][keep], written[ID]])
    order = np.argsort(ids, kind="stable")
    return {name: np.concatenate([stored[name][keep], written[name]])[order] for name in NAMES}


def _from_rows(market: str, day: dt.date, *, session: Session) -> Columns:
    """The day's columns read from the daily rows."""
    query = select(*(getattr(DailyMetric, name) for name in NAMES)).where(
        DailyMetric.market == market, DailyMetric.date == day
    )  # no ORDER BY: SQLite would walk the whole key index for it; numpy sorts instead
    table = fetch_integers(query, session=session)
    table = table[np.argsort(table[:, 0], kind="stable")]
    return {name: table[:, n] for n, name in enumerate(NAMES)}


def _store(market: str, day: dt.date, columns: Columns, *, session: Session) -> None:
    session.execute(delete(DayColumn).where(DayColumn.market == market, DayColumn.date == day))
    _forget(market, partial(operator.eq, day), session=session)
    count = len(columns[ID])
    packed = {name: pack(columns[name]) for name in NAMES} if count else {}
    set_stamps({day_key(market, day): digest(*packed.values())}, session=session)
    if not count:
        return  # a day without rows has no columns
    held = _held(session)
    if held is not None:  # the boards refreshed next read the day from here
        for name, values in columns.items():
            held[(HELD, market, day, name)] = values.astype(narrowest(values))
    session.execute(
        DayColumn.__table__.insert(),  # type: ignore[attr-defined]
        [
            {"market": market, "date": day, "name": name, "rows": count, "data": data}
            for name, data in packed.items()
        ],
    )
