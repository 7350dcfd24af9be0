"""An incentive program's tier report from its kept standings, read once however many creators
are enrolled: counts at a value from the sorted values, the creators to nudge from rank
ranges."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy.orm import Session

from creatorbot.analytics.campaigns import (
    TierReport,
    closest_first,
    count_points,
    nudge_bands,
    tier_counts,
)
from creatorbot.storage.queries.standings import counts_at_least, ranked, standings_of

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
    standings = standings_of(campaign_id, session=session)
    at_least = counts_at_least(standings, points)
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
        for row in _ranks(standings, first + 1, min(last, first + shown), session=session)
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


def _ranks(
    standings: pd.DataFrame, first: int, last: int, *, session: Session
) -> list[tuple[int, str, str, int]]:
    """Creator id, handle, display name and value of the standings ranked `first` to `last`."""
    rows = ranked(standings, first, last, session=session)
    return list(rows[["creator_id", "handle", "display_name", "value"]].itertuples(index=False))
