"""Match pools: each category's creators with GMV in the last 30 days and the figures `match`
scores them on, kept per market by the import path.

A `match` question then reads a few packed arrays of one category instead of summing sixty days
of a whole market. The pools describe the market's latest day when computed (`end_day`); pools
of another day are not read (the question sums the day columns instead).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from creatorbot.analytics.windows import window_for
from creatorbot.storage.advisory import xact_lock
from creatorbot.storage.daycolumns import ID, first_kept, iter_columns, pack, unpack
from creatorbot.storage.fetch import fetch_all
from creatorbot.storage.models import MatchPool
from creatorbot.storage.queries.markets import latest_day
from creatorbot.storage.roster import creators
from creatorbot.storage.upkeep import stale_pool_markets as stale_markets

if TYPE_CHECKING:
    from creatorbot.storage.boards.refresh import Kept

PERIOD = "30d"  # the window `match` scores, compared with the equal window before it
FIGURES = ("gmv_30d", "orders_30d", "views_30d", "gmv_prev")
NAMES = (ID, *FIGURES)
# Each figure: the day-column metric summed, and over which window.
SUMMED = {
    "gmv_30d": ("gmv", 0),
    "orders_30d": ("orders", 0),
    "views_30d": ("video_views", 0),
    "gmv_prev": ("gmv", 1),
}
Sums = dict[str, np.ndarray]
# The board windows the figures are sums over: a boards' refresh keeps them (`kept_sums`).
WINDOWS = frozenset((metric, PERIOD, span) for metric, span in SUMMED.values())


def windows(end: dt.date) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """(start, end) of the window `match` scores, ending on `end`, and of the window before."""
    window = window_for(PERIOD, end)
    before = window.previous()
    return (window.start, window.end), (before.start, before.end)


def window_sums(market: str, end: dt.date, *, session: Session) -> Sums | None:
    """FIGURES of every creator with day columns in either window ending on `end` (the
    market's latest day), as arrays indexed by creator id; None when the day columns cannot
    answer (they do not reach that far back, or `end` has none)."""
    (start, _), (prev_start, prev_end) = windows(end)
    if prev_start < first_kept(end):
        return None
    # One day's column read at a time; the days that hold the same creators (most of them)
    # share one array of positions, widened once rather than on each metric indexing by them.
    positions: dict[dt.date, np.ndarray] = {}
    shared = previous = np.zeros(0, dtype=np.intp)
    size = 0
    for day, day_ids in iter_columns(market, ID, prev_start, end, session=session):
        if not positions or not np.array_equal(day_ids, previous):
            shared = day_ids.astype(np.intp)
        positions[day], previous = shared, day_ids
        if len(day_ids):
            size = max(size, int(day_ids[-1]) + 1)  # ids ascending
    if not len(positions.get(end, ())):
        return None
    spans = ((start, end), (prev_start, prev_end))
    sums: Sums = {}
    for figure, (metric, span) in SUMMED.items():
        first, last = spans[span]
        total = np.zeros(size, dtype=np.int64)
        for day, values in iter_columns(market, metric, first, last, session=session):
            # A day holds one row per creator, so no id repeats within it.
            total[positions[day]] += values
        sums[figure] = total
    return sums


def kept_sums(kept: Kept, end: dt.date) -> Sums | None:
    """`window_sums` from the window totals a boards' refresh ending on `end` kept (asked with
    `WINDOWS`), without reading a day column again; None where it would be."""
    (_, _), (prev_start, _) = windows(end)
    if prev_start < first_kept(end) or not kept.rows_on_end:
        return None
    size = int(kept.ids[-1]) + 1 if len(kept.ids) else 0  # ids ascending
    sums: Sums = {}
    for figure, (metric, span) in SUMMED.items():
        total = np.zeros(size, dtype=np.int64)
        total[kept.ids] = kept.totals[metric, PERIOD, span]
        sums[figure] = total
    return sums


def refresh_pools(
    markets: Iterable[str], *, session: Session, kept: Mapping[str, Kept] | None = None
) -> None:
    """Recompute the pools of each market from its day columns and creators (a market whose day
    columns cannot answer keeps none, and `match` sums them itself), or from what a boards'
    refresh just `kept` of it. Never commits."""
    wanted = sorted(set(markets))
    _lock(wanted, session=session)
    people = creators(wanted, session=session)
    for market in wanted:
        session.execute(delete(MatchPool).where(MatchPool.market == market))
        end = latest_day(market, session=session)
        if end is None:
            continue
        if kept is not None and market in kept:
            sums = kept_sums(kept[market], end)
        else:
            sums = window_sums(market, end, session=session)
        if sums is None:
            continue
        mine = people[market]
        ids = mine["creator_id"].to_numpy(dtype=np.int64)
        known = ids < len(sums["gmv_30d"])
        gmv = np.zeros(len(ids), dtype=np.int64)
        gmv[known] = sums["gmv_30d"][ids[known]]
        frame = pd.DataFrame(
            {"creator_id": ids, "category": mine["category"].astype(str).to_numpy(), "gmv": gmv}
        )
        rows = []
        for category, group in frame.groupby("category", sort=True):
            members = np.sort(group.loc[group["gmv"] > 0, "creator_id"].to_numpy())
            columns = {ID: members, **{name: sums[name][members] for name in FIGURES}}
            rows += [
                {
                    "market": market,
                    "category": str(category),
                    "name": name,
                    "end_day": end,
                    "data": pack(values),
                }
                for name, values in columns.items()
            ]
        if rows:
            session.execute(MatchPool.__table__.insert(), rows)  # type: ignore[attr-defined]


def _lock(markets: list[str], *, session: Session) -> None:
    # Two refreshes of one market at once would both delete, then clash on insert. Every path
    # takes these and the boards' locks in one order (market by market, its boards' first), so
    # none deadlock.
    for market in markets:
        xact_lock(f"match_pools:{market}", session=session)


def refresh_stale(*, session: Session) -> list[str]:
    """Refresh the pools of every stale market; the markets refreshed."""
    markets = stale_markets(session=session)
    if markets:
        refresh_pools(markets, session=session)
    return markets


def pool_categories(market: str, end: dt.date, *, session: Session) -> list[str] | None:
    """The market's categories as its creators spell them, in the database's order, from pools
    describing `end`; None when there are none."""
    query = (
        select(MatchPool.category)
        .where(MatchPool.market == market, MatchPool.name == ID, MatchPool.end_day == end)
        .order_by(MatchPool.category)
    )
    found = list(session.scalars(query))
    return found or None


def read_pool(market: str, category: str, end: dt.date, *, session: Session) -> pd.DataFrame:
    """creator_id and FIGURES of the candidates of `category` (every spelling whose lower()
    is `category`'s lowercase, as the daily-table query matches it), ids ascending."""
    query = select(MatchPool.category, MatchPool.name, MatchPool.data).where(
        MatchPool.market == market,
        MatchPool.end_day == end,
        func.lower(MatchPool.category) == category.lower(),
    )
    spellings: dict[str, dict[str, np.ndarray]] = {}
    for spelling, name, data in fetch_all(query, session=session, binary=True):
        spellings.setdefault(str(spelling), {})[name] = unpack(bytes(data))
    columns = {
        name: np.concatenate([np.zeros(0, np.int64), *(c[name] for c in spellings.values())])
        for name in NAMES
    }
    frame = pd.DataFrame(columns, columns=list(NAMES))
    return frame.sort_values(ID, kind="mergesort").reset_index(drop=True).astype("int64")
