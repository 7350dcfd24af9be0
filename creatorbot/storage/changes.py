"""What a write of daily metrics changes: per (creator, date), the new values minus the stored
ones of every rankable metric — captured before the upsert, for whatever the write path keeps
summed beside the raw rows (campaign stats)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.advisory import xact_lock
from creatorbot.storage.models import DailyMetric
from creatorbot.storage.queries.metrics import RANKABLE
from creatorbot.storage.upsert import table_of

KEY = ["creator_id", "date"]
COLUMNS = [*KEY, "market", *RANKABLE]
FEW_CREATORS = 2_000  # up to this many, stored rows are looked up by creator, not by day
IN_CHUNK = 500


def lock_markets(markets: Iterable[str], *, session: Session) -> None:
    """Serialize, per market, the writers of daily metrics and of what is derived from them.

    Changes are differences against the stored rows: two transactions writing the same day
    at once would both read the same old rows and count the difference twice. PostgreSQL only
    (SQLite runs one writer at a time anyway); the lock is held until the transaction ends."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for market in sorted(set(markets)):  # one order everywhere, so two writers cannot deadlock
        xact_lock(f"daily_metrics:{market}", session=session)


def daily_changes(
    rows: pd.DataFrame, *, session: Session, unstored: np.ndarray | None = None
) -> pd.DataFrame:
    """The change that upserting `rows` (creator_id, date, market and every rankable metric)
    will make: creator_id, date (datetime64), market and, per rankable metric, new − stored
    (stored counts as 0 for a new row). Rows that change nothing are dropped.

    `unstored` marks the rows the caller knows have no stored row (not read back).
    Call it before the upsert, under `lock_markets`. The common case — a new day — reads nothing:
    stored rows are looked up by market and the distinct dates written (by creator and date when
    only a few creators are written, e.g. a late correction)."""
    new = rows[COLUMNS].assign(date=pd.to_datetime(rows["date"]))
    new = new.drop_duplicates(KEY, keep="last")  # the upsert keeps the last one too
    if unstored is None:
        old = _stored(new, session=session)
    else:  # the rows the caller knows have no stored row are not looked up
        known = pd.Series(unstored, index=rows.index).loc[new.index].to_numpy(dtype=bool)
        old = _stored(new[~known], session=session)
    if old.empty:
        changes = new
    else:
        merged = new.merge(old, on=KEY, how="left", suffixes=("", "_old"))
        changes = merged[COLUMNS].copy()
        for metric in RANKABLE:
            before = merged[f"{metric}_old"].fillna(0).astype("int64")
            changes[metric] = merged[metric].astype("int64") - before
    changes = changes.astype({metric: "int64" for metric in RANKABLE})
    moved = changes[list(RANKABLE)].ne(0).any(axis=1)
    return changes[moved].reset_index(drop=True)


def _stored(new: pd.DataFrame, *, session: Session) -> pd.DataFrame:
    """The stored rows of `new`'s (creator_id, date) keys."""
    table = table_of(DailyMetric)
    columns = select(*(table.c[name] for name in (*KEY, *RANKABLE)))
    queries = []
    for market, written in new[KEY].groupby(new["market"]):
        days = [stamp.date() for stamp in written["date"].drop_duplicates()]
        creators = written["creator_id"].drop_duplicates().tolist()
        if len(creators) > FEW_CREATORS:
            queries.append(columns.where(table.c.market == market, table.c.date.in_(days)))
            continue
        for start in range(0, len(creators), IN_CHUNK):
            part = creators[start : start + IN_CHUNK]
            queries.append(columns.where(table.c.creator_id.in_(part), table.c.date.in_(days)))
    found = []
    for query in queries:
        rows = [tuple(row) for row in session.connection().execute(query)]
        if rows:
            found.append(pd.DataFrame(rows, columns=[*KEY, *RANKABLE]))
    if not found:
        return pd.DataFrame(columns=[*KEY, *RANKABLE])
    old = pd.concat(found, ignore_index=True)
    old["date"] = pd.to_datetime(old["date"])
    # Only the keys being written: a day re-imported in part leaves the other rows alone.
    return old.merge(new[KEY], on=KEY, how="inner")
