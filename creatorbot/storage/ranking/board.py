"""`rank_window`: one leaderboard (any metric, window, filters, campaign) ranked exactly as the
SQL path ranks it — the metric summed over the window, creators above zero only, value
descending then handle ascending — with each shown creator's rank in the window before."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.analytics.windows import Window
from creatorbot.storage.boards.compute import KEY_LIMIT, ranks_of
from creatorbot.storage.models import Creator
from creatorbot.storage.queries.boards import COLUMNS
from creatorbot.storage.ranking.days import Days
from creatorbot.storage.ranking.kept import kept_in_place
from creatorbot.storage.ranking.owned import owned_mask
from creatorbot.storage.ranking.people import People, enrolled, in_segment, people
from creatorbot.storage.ranking.state import MarketState, market_state


@dataclass(frozen=True)
class Ranking:
    """The top rows of a leaderboard (`queries.boards.COLUMNS`, best first; previous_rank
    missing for new entries), how many creators it ranks and their total."""

    rows: pd.DataFrame
    ranked: int
    total: int


def rank_window(
    market: str,
    metric: str,
    window: Window,
    *,
    session: Session,
    top: int,
    tier: str | None = None,
    category: str | None = None,
    campaign_id: int | None = None,
    segment: str | None = None,
    owners: tuple[str, tuple[str, ...]] | None = None,
    before: Window | None = None,
    state: MarketState | None = None,
) -> Ranking | None:
    """The market's leaderboard of `metric` over `window` (tier and category in any case; only
    creators enrolled in `campaign_id` when given), its best `top` rows. None when a day the
    windows need has daily rows but no stored columns: the caller then ranks the raw rows.
    Ranks move against `before` (default: the equal-length window just before). `state`: the
    market's, when the caller has read it."""
    # A segment's board checks the creators and the stored segments: both read at once.
    if segment is not None and state is None:
        state = market_state(market, session=session)
    group = people(market, session=session, stamp=True if state is None else state.people)
    before = before or window.previous()
    kept = (
        _kept(market, metric, window, segment, group, session=session, state=state)
        if before == window.previous()  # what is kept with the segments is that window's
        else None
    )
    if kept is None:
        days = Days(market, Window(before.start, window.end), group, session=session)
        if not days.complete:
            return None
    inside = _members(
        market, group, tier, category, campaign_id, segment, session=session, state=state
    )
    if owners is not None:
        role, names = owners
        mine = owned_mask(market, names, group, session=session, roles=(role,))
        inside = mine if inside is None else inside & mine
    # With a filter only its members are summed: a tier and a category together are a few
    # percent of the market, and gathering them beats adding up every creator.
    members = None if inside is None else np.flatnonzero(inside)
    later = group.later if members is None else group.later[members]
    span = len(group.ids)  # `later` runs below it: the tie-break packed under the value
    if kept is not None:
        now, then = (values if members is None else values[members] for values in kept)
    else:
        now = days.total(metric, window, members)
        then = days.total(metric, before, members)
    now_keys, then_keys = _keys(now, later, span), _keys(then, later, span)
    ranked = now_keys >= 0
    count = int(ranked.sum())
    total = int(now[ranked].sum())
    chosen = _best(now_keys, min(top, count))
    previous = ranks_of(then_keys, np.flatnonzero(then_keys >= 0), chosen)
    at = chosen if members is None else members[chosen]
    rows = _rows(group, at, now[chosen], previous, session=session)
    return None if rows is None else Ranking(rows, count, total)


def _kept(
    market: str,
    metric: str,
    window: Window,
    segment: str | None,
    group: People,
    *,
    session: Session,
    state: MarketState | None,
) -> list[np.ndarray] | None:
    """A segment's GMV leaderboard of the last 7 or 30 days ends on the segments' day: its
    totals and those of the window before are kept with the segments (if still current)."""
    names = KEPT_WINDOWS.get(window.days)
    if segment is None or metric != "gmv" or names is None or state is None:
        return None
    return kept_in_place(market, window.end, names, group, session=session, run=state.run)


# The figures kept with the segments, by window length: the window's, the window before's.
KEPT_WINDOWS = {7: ("gmv_7d", "gmv_prev_7d"), 30: ("gmv_30d", "gmv_prev_30d")}


def _keys(values: np.ndarray, later: np.ndarray, span: int) -> np.ndarray:
    """One int64 per creator ordering as the leaderboard does (higher value first, then the
    earlier handle: `later` counts the handles after it, below `span`), unique; -1 for those
    not ranked (nothing above zero)."""
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    order = values
    if values.max() >= KEY_LIMIT // max(span, 1):  # dense ranks keep the order, never overflow
        order = np.unique(values, return_inverse=True)[1].astype(np.int64) + 1
    return np.where(values > 0, order * span + later, -1)


def _members(
    market: str,
    group: People,
    tier: str | None,
    category: str | None,
    campaign_id: int | None,
    segment: str | None,
    *,
    session: Session,
    state: MarketState | None,
) -> np.ndarray | None:
    """Which creators the filters keep (None: every one; `state` read when a segment is)."""
    inside: np.ndarray | None = None
    masks = []
    if tier is not None:
        masks.append(group.tier_mask(tier))
    if category is not None:
        masks.append(group.category_mask(category))
    if campaign_id is not None:
        masks.append(enrolled(market, campaign_id, group, session=session))
    if segment is not None:
        stamp = True if state is None else state.segments
        masks.append(in_segment(market, segment, group, session=session, stamp=stamp))
    for mask in masks:
        inside = mask if inside is None else inside & mask
    return inside


def _best(keys: np.ndarray, top: int) -> np.ndarray:
    """Positions of the `top` largest keys, largest first."""
    if top <= 0:
        return np.zeros(0, dtype=np.int64)
    chosen = np.argpartition(keys, -top)[-top:] if len(keys) > top else np.arange(len(keys))
    return chosen[np.argsort(-keys[chosen])]


def _rows(
    group: People, chosen: np.ndarray, values: np.ndarray, previous: np.ndarray, *, session: Session
) -> pd.DataFrame | None:
    """The chosen creators' rows (positions, best first) with their names; None if one of
    them is gone."""
    ids = group.ids[chosen]
    names: dict[int, tuple[str, str, str]] = {}
    for start in range(0, len(ids), 500):
        query = select(Creator.id, Creator.handle, Creator.display_name, Creator.tier).where(
            Creator.id.in_(ids[start : start + 500].tolist())
        )
        rows = session.connection().execute(query)
        names.update((row[0], (row[1], row[2], row[3])) for row in rows)
    if len(names) < len(ids):
        return None  # deleted since the creators were read
    described = [names[int(i)] for i in ids]
    return pd.DataFrame(
        {
            "rank": np.arange(1, len(ids) + 1, dtype=np.int64),
            "creator_id": ids.astype(np.int64),
            "handle": [d[0] for d in described],
            "display_name": [d[1] for d in described],
            "tier": [d[2] for d in described],
            "value": values.astype(np.int64),
            "previous_rank": pd.array(
                [int(r) if r else None for r in previous.tolist()], dtype="Int64"
            ),
        },
        columns=COLUMNS,
    )
