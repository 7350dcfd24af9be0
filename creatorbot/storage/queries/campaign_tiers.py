"""An incentive program's tier report from its stored standings, with a few bounded, indexed
reads however many creators are enrolled: counts at a value come from ranks (all in one
statement), the creators to nudge from rank ranges."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.orm import Session

from creatorbot.analytics.campaigns import (
    TierReport,
    closest_first,
    count_points,
    nudge_bands,
    tier_counts,
)
from creatorbot.storage.models import CampaignStanding, Creator

NUDGE_COLUMNS = ["creator_id", "handle", "display_name", "value", "next_threshold", "tier"]


def stored_tier_report(
    campaign_id: int,
    enrolled: int,
    tiers: Sequence[tuple[int, int]],
    elapsed_days: int,
    total_days: int,
    shown: int,
    *,
    session: Session,
) -> TierReport:
    """What `analytics.campaigns.tier_report` says of the campaign's standings, with only the
    `shown` closest creators to nudge in `nudge` (all of them counted in `nudge_total`)."""
    bands = nudge_bands([threshold for threshold, _ in tiers])
    points = count_points(tiers, elapsed_days, total_days)
    points |= {bound for _, low, high in bands for bound in (low, high)}
    at_least = _at_least(campaign_id, points, enrolled, session=session)
    per_tier, below_first, payout, projected = tier_counts(
        tiers, enrolled, at_least, elapsed_days, total_days
    )
    # Values in [low, threshold) hold the ranks just below those at `threshold` or more; the
    # closest of them to the threshold come first.
    places = [
        (level, threshold, at_least[threshold], at_least[low]) for level, low, threshold in bands
    ]
    found = [
        (*row, threshold, level, threshold - row[-1])
        for level, threshold, first, last in places
        if last > first
        for row in _ranks(campaign_id, first + 1, min(last, first + shown), session=session)
    ]
    columns = [*NUDGE_COLUMNS, "missing"]
    nudge = (
        pd.DataFrame(found, columns=columns)
        if found
        else pd.DataFrame({name: pd.Series(dtype="int64") for name in columns})
    )
    total = sum(last - first for _, _, first, last in places)
    return TierReport(
        per_tier, below_first, closest_first(nudge).head(shown), payout, projected, total
    )


def _at_least(
    campaign_id: int, values: Iterable[int], enrolled: int, *, session: Session
) -> dict[int, int]:
    """How many enrolled creators have at least each of `values`, in one statement."""
    wanted = sorted(set(values))
    if not wanted:
        return {}
    found = session.execute(select(*(_count(campaign_id, x) for x in wanted))).one()
    return {
        x: (enrolled - int(n or 0)) if x <= 0 else int(n or 0)
        for x, n in zip(wanted, found, strict=True)
    }


def _count(campaign_id: int, value: int) -> ScalarSelect[Any]:
    """Above zero: the last rank among those holding the least value ≥ `value` (ranks run by
    value, highest first) — the first entry of the value index at `value`, its ties sorted by
    rank, so only that tie group is read. At zero or below: how many have less."""
    s = CampaignStanding
    if value <= 0:
        return (
            select(func.count())
            .where(s.campaign_id == campaign_id, s.value < value)
            .scalar_subquery()
        )
    return (
        select(s.rank)
        .where(s.campaign_id == campaign_id, s.value >= value)
        .order_by(s.value, s.rank.desc())
        .limit(1)
        .scalar_subquery()
    )


def _ranks(
    campaign_id: int, first: int, last: int, *, session: Session
) -> list[tuple[int, str, str, int]]:
    """Creator id, handle, display name and value of the standings ranked `first` to `last`."""
    s = CampaignStanding
    query = (
        select(s.creator_id, Creator.handle, Creator.display_name, s.value)
        .join(Creator, Creator.id == s.creator_id)
        .where(s.campaign_id == campaign_id, s.rank.between(first, last))
        .order_by(s.rank)
        .limit(last - first + 1)  # steers PostgreSQL's generic plans to the rank index
    )
    return [(int(i), handle, name, int(value)) for i, handle, name, value in session.execute(query)]
