"""Segments of a market's creators (attention, potential, level-up, at-risk, dormant, new) from
per-creator GMV figures of the last sixty days, each membership with the figures that explain it.

Every comparison is made in integers (percentages as whole numbers), so a creator on a rule's
edge is in or out exactly as the rule says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from creatorbot.analytics.segment_rules import SEGMENTS as SEGMENTS
from creatorbot.analytics.segment_rules import SegmentRules

WINDOW = 30  # days: the tier basis (30-day GMV), and the window compared with the one before
HISTORY = 2 * WINDOW  # days of figures a computation reads
WEEKS = 4  # potential looks at the last four weeks
COLUMNS = [
    "creator_id",
    "segment",
    "gmv_now",
    "gmv_before",
    "target",
    "pace_needed",
    "pace_now",
    "days",
    "tier",
    "rank",
]


@dataclass(frozen=True)
class Figures:
    """Per creator (aligned with `ids`), GMV figures of the days up to `end` (day k = `end` − k):
    `now` days 0–29, `before` days 30–59, `weeks` the four 7-day sums of days 0–27 (oldest
    first), `best_day` the biggest day of those 28, `kept` days 0 to 29 − `days_left` (what
    stays in the 30-day window at the month's end), `last_sale`/`first_sale` the k of the
    latest/earliest day with GMV (−1: none in the sixty days)."""

    ids: np.ndarray
    now: np.ndarray
    before: np.ndarray
    weeks: np.ndarray  # (WEEKS, creators)
    best_day: np.ndarray
    kept: np.ndarray
    last_sale: np.ndarray
    first_sale: np.ndarray


def days_left(end: dt.date) -> int:
    """Days after `end` until the end of its month (0 on the month's last day)."""
    following = (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (following - end).days - 1


def empty_figures(ids: np.ndarray) -> Figures:
    """Figures of `ids` with no sales at all, to be added into."""
    size = len(ids)
    zeros = np.zeros(size, dtype=np.int64)
    return Figures(
        ids=ids,
        now=zeros.copy(),
        before=zeros.copy(),
        weeks=np.zeros((WEEKS, size), dtype=np.int64),
        best_day=zeros.copy(),
        kept=zeros.copy(),
        last_sale=np.full(size, -1, dtype=np.int64),
        first_sale=np.full(size, -1, dtype=np.int64),
    )


def add_day(figures: Figures, k: int, gmv: np.ndarray, left: int) -> None:
    """Add day k's GMV of every creator (`gmv` aligned with `ids`, 0 for no row). Days must be
    added oldest first (k descending), so the last sale written is the latest. Whole-array
    operations: a day is one pass over contiguous memory per figure, not a scatter each."""
    if k < WINDOW:
        np.add(figures.now, gmv, out=figures.now)
    elif k < HISTORY:
        np.add(figures.before, gmv, out=figures.before)
    else:
        return
    if k < WEEKS * 7:
        week = figures.weeks[WEEKS - 1 - k // 7]
        np.add(week, gmv, out=week)
        np.maximum(figures.best_day, gmv, out=figures.best_day)
    if k < WINDOW - left:
        np.add(figures.kept, gmv, out=figures.kept)
    sold = gmv > 0
    np.copyto(figures.last_sale, k, where=sold)  # not a scatter: one pass, no index array
    np.copyto(figures.first_sale, k, where=sold & (figures.first_sale < 0))


@dataclass(frozen=True)
class TierLadder:
    """Per creator: their tier's threshold and the next tier's (−1: unknown tier / top tier)."""

    current: np.ndarray
    current_name: np.ndarray  # object: the tier's name as the tiers table spells it
    next_min: np.ndarray
    next_name: np.ndarray


def ladder(
    creator_tiers: Sequence[str] | pd.Categorical, tiers: Sequence[tuple[str, int, int]]
) -> TierLadder:
    """`tiers` are (name, rank, min_gmv_30d); a creator's tier is matched in any case.
    `creator_tiers` as a categorical: its few names matched, not every creator's."""
    ordered = sorted(tiers, key=lambda tier: tier[1])
    place = {name.lower(): i for i, (name, _, _) in enumerate(ordered)}
    if isinstance(creator_tiers, pd.Categorical):
        codes, names = creator_tiers.codes.astype(np.int64), creator_tiers.categories
    else:
        codes, names = pd.factorize(pd.Series(list(creator_tiers), dtype=object))
    size = len(codes)
    current = np.full(size, -1, dtype=np.int64)
    next_min = np.full(size, -1, dtype=np.int64)
    current_name = np.full(size, None, dtype=object)
    next_name = np.full(size, None, dtype=object)
    for code, name in enumerate(names):
        at = place.get(str(name).lower())
        if at is None:
            continue
        mine = codes == code
        current[mine] = ordered[at][2]
        current_name[mine] = ordered[at][0]
        if at + 1 < len(ordered):
            next_min[mine] = ordered[at + 1][2]
            next_name[mine] = ordered[at + 1][0]
    return TierLadder(current, current_name, next_min, next_name)


def big(now_before: np.ndarray, ids: np.ndarray, share_pct: int) -> np.ndarray:
    """Which creators are "big": ranked by GMV (`now_before`, the window before) descending,
    ties by creator id, those whose predecessors make less than `share_pct`% of the total."""
    total = int(now_before.sum())
    inside = np.zeros(len(ids), dtype=bool)
    if total <= 0:
        return inside
    order = np.lexsort((ids, -now_before))
    sold = order[now_before[order] > 0]
    above = np.concatenate(([0], np.cumsum(now_before[sold])[:-1]))
    inside[sold[above * 100 < share_pct * total]] = True
    return inside


def compute(figures: Figures, tier: TierLadder, end: dt.date, rules: SegmentRules) -> pd.DataFrame:
    """Every segment membership of the creators, COLUMNS, ordered by segment then creator id."""
    left = days_left(end)
    parts = [
        _attention(figures, rules),
        _potential(figures, rules),
        *_tiers(figures, tier, left, rules),
        _dormant(figures, rules),
        _new(figures, rules),
    ]
    frame = pd.concat([p for p in parts if len(p)] or [_frame({})], ignore_index=True)
    frame["rank"] = _ranks(frame)
    return frame.sort_values(["segment", "creator_id"], kind="mergesort").reset_index(drop=True)


def _ranks(frame: pd.DataFrame) -> pd.Series:
    """Each member's place in its segment, what to look at first ranked 1 (ties by creator
    id): attention by the GMV lost, potential by the weekly GMV gained, level-up by the
    stretch (pace needed over pace now), at-risk by how close they come to keeping their
    tier (the nearest first: a small push keeps them), dormant by the GMV of the sixty days,
    new by the GMV since the first sale."""
    gmv_now = frame["gmv_now"].astype("float64").fillna(0).to_numpy()
    gmv_before = frame["gmv_before"].astype("float64").fillna(0).to_numpy()
    target = frame["target"].astype("float64").fillna(1).to_numpy()
    needed = frame["pace_needed"].astype("float64").fillna(0).to_numpy()
    pace = frame["pace_now"].astype("float64").fillna(0).to_numpy()
    keys: dict[str, list[np.ndarray]] = {
        "attention": [-(gmv_before - gmv_now)],
        "potential": [-(gmv_now - gmv_before)],
        "level-up": [needed / np.maximum(pace, 1)],
        "at-risk": [-(gmv_now / np.maximum(target, 1))],
        "dormant": [-gmv_before],
        "new": [-gmv_now],
    }
    ranks = np.zeros(len(frame), dtype=np.int64)
    segments = frame["segment"].to_numpy(dtype=object)
    ids = frame["creator_id"].astype("int64").to_numpy()
    for name, key in keys.items():
        at = np.flatnonzero(segments == name)
        order = np.lexsort([ids[at], *(k[at] for k in reversed(key))])
        ranks[at[order]] = np.arange(1, len(at) + 1)
    return pd.Series(ranks, index=frame.index, dtype="Int64")


def _frame(columns: dict[str, object]) -> pd.DataFrame:
    """COLUMNS from `columns` (arrays, or one value for every row; a missing figure is NA):
    the nullable integers built from their arrays and masks, not converted value by value."""
    ids = columns.get("creator_id")
    size = len(ids) if isinstance(ids, np.ndarray) else 0
    data: dict[str, object] = {}
    for name in COLUMNS:
        value = columns.get(name)
        if name in ("segment", "tier"):
            text = value if isinstance(value, np.ndarray) else np.full(size, value, dtype=object)
            data[name] = pd.Series(text, dtype=object)  # as objects, not inferred as strings
        elif value is None:
            missing = pd.arrays.IntegerArray(np.zeros(size, np.int64), np.ones(size, bool))
            data[name] = pd.Series(missing)
        else:
            values = np.broadcast_to(np.asarray(value, dtype=np.int64), (size,)).copy()
            data[name] = pd.Series(pd.arrays.IntegerArray(values, np.zeros(size, bool)))
    return pd.DataFrame(data, columns=COLUMNS)


def _members(name: str, figures: Figures, where: np.ndarray, **figures_of: object) -> pd.DataFrame:
    at = np.flatnonzero(where)
    columns: dict[str, object] = {"creator_id": figures.ids[at], "segment": name}
    for column, values in figures_of.items():
        columns[column] = values[at] if isinstance(values, np.ndarray) else values
    return _frame(columns)


def _attention(figures: Figures, rules: SegmentRules) -> pd.DataFrame:
    """Big before, and their share of the market's GMV down by `attention_drop_pct`% or more:
    share now ≤ share before × (100 − drop) / 100, in integers."""
    total_now, total_before = int(figures.now.sum()), int(figures.before.sum())
    candidates = np.flatnonzero(big(figures.before, figures.ids, rules.top_share_pct))
    keep = 100 - rules.attention_drop_pct
    where = np.zeros(len(figures.ids), dtype=bool)
    for i in candidates.tolist():  # a few thousand at most: exact Python integers
        now, before = int(figures.now[i]), int(figures.before[i])
        where[i] = 100 * now * total_before <= keep * before * total_now
    return _members("attention", figures, where, gmv_now=figures.now, gmv_before=figures.before)


def _potential(figures: Figures, rules: SegmentRules) -> pd.DataFrame:
    """Not big before; every one of the last four weeks at least the one before, the first
    above zero, the last `potential_rise_pct`% or more above the first, and no single day
    above `potential_max_day_pct`% of the four weeks."""
    weeks = figures.weeks
    steady = np.all(weeks[1:] >= weeks[:-1], axis=0) & (weeks[0] > 0)
    rise = 100 * weeks[-1] >= (100 + rules.potential_rise_pct) * weeks[0]
    lucky = 100 * figures.best_day > rules.potential_max_day_pct * weeks.sum(axis=0)
    small = ~big(figures.before, figures.ids, rules.top_share_pct)
    where = small & steady & rise & ~lucky
    return _members("potential", figures, where, gmv_now=weeks[-1], gmv_before=weeks[0])


def _tiers(
    figures: Figures, tier: TierLadder, left: int, rules: SegmentRules
) -> list[pd.DataFrame]:
    """level-up: below the next tier's 30-day threshold by at most `levelup_within_pct`%, days
    left in the month, and the daily pace needed to get there by the month's end (what stays
    in the window, `kept`, plus the days left) at most `levelup_stretch_pct`% of the pace of
    the last 7 days. at-risk: above the bottom tier, and at the pace of the last 7 days the
    30-day GMV at the month's end falls below the tier's own threshold."""
    pace_now = figures.weeks[-1] // 7
    within = 100 - rules.levelup_within_pct
    has_next = tier.next_min > 0
    near = has_next & (figures.now < tier.next_min) & (100 * figures.now >= within * tier.next_min)
    need = np.maximum(tier.next_min - figures.kept, 0)
    parts = []
    if left > 0:
        needed = -(-need // left)  # ceiling
        doable = 100 * needed <= rules.levelup_stretch_pct * pace_now
        parts.append(
            _members(
                "level-up",
                figures,
                near & doable,
                gmv_now=figures.now,
                target=tier.next_min,
                pace_needed=needed,
                pace_now=pace_now,
                days=np.full(len(figures.ids), left),
                tier=tier.next_name,
            )
        )
    projected = figures.kept + pace_now * left
    risk = (tier.current > 0) & (projected < tier.current)
    keep_needed = -(-np.maximum(tier.current - figures.kept, 0) // max(left, 1))
    parts.append(
        _members(
            "at-risk",
            figures,
            risk,
            gmv_now=projected,
            target=tier.current,
            pace_needed=keep_needed,
            pace_now=pace_now,
            days=np.full(len(figures.ids), left),
            tier=tier.current_name,
        )
    )
    return parts


def _dormant(figures: Figures, rules: SegmentRules) -> pd.DataFrame:
    """A sale in the sixty days, none in the last `dormant_days`."""
    where = figures.last_sale >= rules.dormant_days
    history = figures.now + figures.before
    return _members("dormant", figures, where, gmv_before=history, days=figures.last_sale)


def _new(figures: Figures, rules: SegmentRules) -> pd.DataFrame:
    """The first sale of the sixty days within the last `new_days`."""
    where = (figures.first_sale >= 0) & (figures.first_sale < rules.new_days)
    return _members("new", figures, where, gmv_now=figures.now, days=figures.first_sale)
