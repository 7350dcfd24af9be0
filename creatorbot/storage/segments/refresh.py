"""`refresh_segments`: recompute a market's segments from its day columns, creators and tiers,
and store them with a fresh stamp; and find the markets whose stored segments are stale."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Text, cast, delete, func, select
from sqlalchemy.orm import Session

from creatorbot.analytics.segments import compute, ladder
from creatorbot.storage.advisory import xact_lock
from creatorbot.storage.models import Creator, SegmentPack, SegmentRun
from creatorbot.storage.queries.markets import latest_day, market_tiers
from creatorbot.storage.roster import creators, sharing
from creatorbot.storage.segments.figures import days_digest, pack_figures
from creatorbot.storage.segments.gather import gather
from creatorbot.storage.segments.members import pack_members
from creatorbot.storage.segments.rules import rules
from creatorbot.storage.stamps import digest
from creatorbot.storage.upkeep import stale_segment_markets as stale_markets

logger = logging.getLogger(__name__)


def refresh_segments(markets: Iterable[str], *, session: Session) -> None:
    """Recompute each market's segments for its latest day (a market without data keeps none).
    Runs in the caller's transaction, never commits."""
    wanted = sorted(set(markets))
    for market in wanted:
        # Two refreshes of one market at once would both delete, then clash on insert.
        xact_lock(f"segments:{market}", session=session)
    # In an import the write path has read every market's creators already: reused. Otherwise
    # only the ids and tiers of each market are read.
    people = creators(wanted, session=session) if sharing(session=session) else None
    current = rules()
    for market in wanted:
        started = time.perf_counter()
        end = latest_day(market, session=session)
        if end is None:
            _delete(market, session=session)
            continue
        ids, creator_tiers = _creators(market, people, session=session)
        figures = gather(market, end, ids, session=session)
        tiers = [(t.tier, t.rank, t.min_gmv_30d) for t in market_tiers(market, session=session)]
        found = compute(figures, ladder(creator_tiers, tiers), end, current)
        packed = pack_figures(figures)
        days = days_digest(market, end, session=session)
        # The stamp is what was computed: re-importing the same rows computes the same
        # segments, and leaves the database exactly as it was.
        rows = pd.util.hash_pandas_object(found, index=False).to_numpy().tobytes()
        stamp = digest(end.isoformat().encode(), current.describe().encode(), packed, rows)
        if session.scalar(select(SegmentRun.stamp).where(SegmentRun.market == market)) == stamp:
            continue
        _delete(market, session=session)
        packs = [
            {"market": market, "segment": segment, "name": name, "data": data}
            for segment, name, data in pack_members(found)
        ]
        if packs:
            session.execute(SegmentPack.__table__.insert(), packs)  # type: ignore[attr-defined]
        session.add(
            SegmentRun(
                market=market,
                end_day=end,
                rules=current.describe(),
                stamp=stamp,
                members=len(found),
                figures=packed,
                days_stamp=days,
            )
        )
        session.flush()
        logger.info(
            "segments refreshed",
            extra={
                "market": market,
                "end": end.isoformat(),
                "members": len(found),
                "seconds": round(time.perf_counter() - started, 3),
            },
        )


def _delete(market: str, *, session: Session) -> None:
    session.execute(delete(SegmentPack).where(SegmentPack.market == market))
    session.execute(delete(SegmentRun).where(SegmentRun.market == market))


def _creators(
    market: str, people: dict[str, pd.DataFrame] | None, *, session: Session
) -> tuple[np.ndarray, pd.Categorical[Any]]:
    """The market's creator ids and each one's tier."""
    if people is not None:
        mine = people[market]
        return mine["creator_id"].to_numpy(dtype=np.int64), pd.Categorical(mine["tier"])
    # Each tier's ids as one text: a few rows instead of one per creator, whose tuples cost
    # the driver more than the aggregation costs the database.
    if session.get_bind().dialect.name == "postgresql":
        listed = func.string_agg(cast(Creator.id, Text), ",")
    else:
        listed = func.group_concat(Creator.id, ",")
    query = select(Creator.tier, listed).where(Creator.market == market).group_by(Creator.tier)
    groups = [
        (tier, np.fromstring(text, dtype=np.int64, sep=","))
        for tier, text in session.execute(query)
    ]
    if not groups:
        return np.zeros(0, dtype=np.int64), pd.Categorical([])
    names = sorted({str(tier) for tier, _ in groups if tier is not None})
    codes = [names.index(str(tier)) if tier is not None else -1 for tier, _ in groups]
    sizes = [len(ids) for _, ids in groups]
    repeated = np.repeat(np.array(codes, dtype=np.int64), sizes)
    tiers = pd.Categorical.from_codes(repeated, dtype=pd.CategoricalDtype(names))
    return np.concatenate([ids for _, ids in groups]), tiers


def refresh_stale(*, session: Session) -> list[str]:
    """Refresh the segments of every stale market; the markets refreshed."""
    markets = stale_markets(session=session)
    if markets:
        refresh_segments(markets, session=session)
    return markets
