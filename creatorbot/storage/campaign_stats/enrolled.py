"""New enrollments: add the newly enrolled creators' sums over the window to a campaign whose
stats are otherwise up to date (the newly enrolled are those without a standing yet)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.storage.campaign_stats.fresh import Spec
from creatorbot.storage.campaign_stats.packs import read_standings, write_standings
from creatorbot.storage.campaign_stats.recompute import sums_of
from creatorbot.storage.campaign_stats.standings import FIGURES
from creatorbot.storage.campaign_stats.tables import DAILY, DAYS, ENROLLMENTS
from creatorbot.storage.fetch import fetch_integers
from creatorbot.storage.upsert import add_frame

IN_CHUNK = 5_000  # new enrollees looked up at a time


def add_new_enrollees(spec: Spec, *, session: Session) -> int:
    """Give every enrolled creator of the campaign without a standing one (unranked: ranks are
    left to the caller) and add their days to the campaign's days; returns how many were
    added."""
    enrolled = fetch_integers(
        select(ENROLLMENTS.c.creator_id).where(ENROLLMENTS.c.campaign_id == spec.id),
        session=session,
    )[:, 0]
    standings = read_standings(spec.id, session=session)
    new = np.setdiff1d(enrolled, standings.index.to_numpy())
    if not len(new):
        return 0
    days, sums = [], []
    for start in range(0, len(new), IN_CHUNK):
        chunk = new[start : start + IN_CHUNK].tolist()
        days.append(_days(spec, chunk, session=session))
        sums.append(sums_of(spec, session=session, creators=chunk))
    by_day = pd.concat(days).groupby("date", as_index=False)[["gmv", "orders", "value"]].sum()
    by_day = by_day[by_day[["gmv", "orders", "value"]].ne(0).any(axis=1)]
    add_frame(DAYS, by_day.assign(campaign_id=spec.id), ("campaign_id", "date"), session=session)
    added = pd.concat(sums).assign(rank=0)
    write_standings(spec.id, pd.concat([standings[[*FIGURES, "rank"]], added]), session=session)
    return len(added)


def _days(spec: Spec, creators: list[int], *, session: Session) -> pd.DataFrame:
    """GMV, orders and the campaign metric of `creators` per day of the window."""
    daily = DAILY.c
    sums = (func.sum(daily[name]) for name in ("gmv", "orders", spec.value_metric))
    rows = session.connection().execute(
        select(daily.date, *sums)
        .where(daily.creator_id.in_(creators), daily.date.between(spec.starts_on, spec.ends_on))
        .group_by(daily.date)
    )
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["date", "gmv", "orders", "value"])
    return frame.astype({"gmv": "int64", "orders": "int64", "value": "int64"})
