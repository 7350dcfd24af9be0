"""Daily metrics written: add what changed to the campaigns it touches (same market, a day in
the window, an enrolled creator), then rerank them and renew their totals."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from creatorbot.storage.campaign_stats.fresh import Spec, is_fresh, specs, stored_totals
from creatorbot.storage.campaign_stats.recompute import recompute
from creatorbot.storage.campaign_stats.standings import FIGURES, restand
from creatorbot.storage.campaign_stats.tables import DAYS, ENROLLMENTS, TOTALS
from creatorbot.storage.fetch import fetch_integers
from creatorbot.storage.queries.markets import latest_day
from creatorbot.storage.upsert import add_frame

logger = logging.getLogger(__name__)

# Below this share of a campaign's enrolled creators, look the changed creators' enrollments
# up one by one instead of reading every enrollment of the touched campaigns.
LOOKUP_SHARE = 0.1
IN_CHUNK = 5_000


def apply_daily_changes(
    changes: pd.DataFrame, before: Mapping[str, dt.date | None], *, session: Session
) -> None:
    """After the writer upserted daily metrics of the markets in `before` (each market's latest
    day before the write): bring their campaigns' stats up to date with `changes`
    (`storage.changes.daily_changes`). Never commits.

    Stats that described a campaign before the write get the changes added; stale or missing
    ones of a touched campaign are recomputed; untouched up-to-date ones are only marked as
    current through the new latest day."""
    for market in sorted(before):
        started = time.perf_counter()
        mine = changes[changes["market"] == market]
        days = [stamp.date() for stamp in mine["date"].drop_duplicates()]
        latest = latest_day(market, session=session)
        campaigns = specs(markets=[market], session=session)
        totals = stored_totals([spec.id for spec in campaigns], session=session)
        add: list[Spec] = []
        heal: list[Spec] = []
        current: list[Spec] = []
        for spec in campaigns:
            touched = any(spec.covers(day) for day in days)
            if is_fresh(spec, totals.get(spec.id), before[market]):
                (add if touched else current).append(spec)
            elif touched:
                heal.append(spec)
        if add:
            enrolled = _enrollments(add, mine, totals, session=session)
            for spec in add:
                if not _add(spec, mine, enrolled.get(spec.id), latest, session=session):
                    current.append(spec)
        if heal:
            recompute(heal, session=session)
        if current and latest != before[market]:
            session.execute(
                update(TOTALS)
                .where(TOTALS.c.campaign_id.in_([spec.id for spec in current]))
                .values(through=latest)
            )
        if add or heal:
            logger.info(
                "campaign stats updated",
                extra={
                    "market": market,
                    "changes": len(mine),
                    "campaigns": len(add),
                    "recomputed": len(heal),
                    "seconds": round(time.perf_counter() - started, 3),
                },
            )


def _enrollments(
    campaigns: list[Spec], changes: pd.DataFrame, totals: Mapping[int, Any], *, session: Session
) -> dict[int, np.ndarray]:
    """The enrolled creators of each campaign among those changed, by campaign id."""
    ids = [spec.id for spec in campaigns]
    creators = pd.unique(changes["creator_id"])
    enrolled = sum(int(totals[i].enrolled) for i in ids)
    query = select(ENROLLMENTS.c.campaign_id, ENROLLMENTS.c.creator_id).where(
        ENROLLMENTS.c.campaign_id.in_(ids)
    )
    if len(creators) < LOOKUP_SHARE * enrolled:
        parts = [
            query.where(ENROLLMENTS.c.creator_id.in_(creators[start : start + IN_CHUNK].tolist()))
            for start in range(0, len(creators), IN_CHUNK)
        ]
    else:
        parts = [query]
    pairs = np.concatenate([fetch_integers(part, session=session) for part in parts])
    return {int(cid): pairs[pairs[:, 0] == cid, 1] for cid in np.unique(pairs[:, 0])}


def _add(
    spec: Spec,
    changes: pd.DataFrame,
    enrolled: np.ndarray | None,
    latest: dt.date | None,
    *,
    session: Session,
) -> bool:
    """Add the campaign's share of `changes` to its days and standings (reranked, totals
    renewed); False when none of it concerns the campaign."""
    if enrolled is None:
        return False
    window = (changes["date"] >= pd.Timestamp(spec.starts_on)) & (
        changes["date"] <= pd.Timestamp(spec.ends_on)
    )
    mine = changes[window & changes["creator_id"].isin(enrolled)]
    if mine.empty:
        return False
    delta = pd.DataFrame(
        {
            "creator_id": mine["creator_id"],
            "date": mine["date"],
            "value": mine[spec.value_metric],
            "gmv": mine["gmv"],
            "orders": mine["orders"],
        }
    )
    days = delta.groupby("date", as_index=False)[["gmv", "orders", "value"]].sum()
    days["date"] = days["date"].dt.date
    add_frame(DAYS, days.assign(campaign_id=spec.id), ("campaign_id", "date"), session=session)
    session.execute(
        DAYS.delete().where(
            DAYS.c.campaign_id == spec.id, DAYS.c.gmv == 0, DAYS.c.orders == 0, DAYS.c.value == 0
        )
    )
    standings = delta.groupby("creator_id", as_index=False)[FIGURES].sum()
    if not restand(spec, standings, latest, session=session):
        recompute([spec], session=session)
    return True
