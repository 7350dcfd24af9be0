"""Boards from per-creator sums: every standard leaderboard of one market, ranked in numpy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from creatorbot.analytics.windows import Window, window_for

PERIODS = ("1d", "7d", "30d", "mtd")
TOP = 50  # the most rows a leaderboard shows
ALL = "all"
SCOPE_KINDS = ("tier", "category")
ONE_DAY = dt.timedelta(days=1)
# A sort key packs (value, handle order) into one int64; values this big are replaced by their
# dense rank first (same order), so the packing never overflows.
KEY_LIMIT = 2**62

BOARD_COLUMNS = ["metric", "period", "scope", "ranked", "total"]
ROW_COLUMNS = ["metric", "period", "scope", "rank", "creator_id", "value", "previous_rank"]


def scope_of(tier: str | None = None, category: str | None = None) -> str:
    """The scope a leaderboard filter names. Leaderboards match tier and category names in any
    case, so the name is lowercased: `Gold` and `gold` are one scope, as they are one filter."""
    if tier is not None:
        return f"tier:{tier.lower()}"
    if category is not None:
        return f"category:{category.lower()}"
    return ALL


def windows(end: dt.date) -> dict[str, tuple[Window, Window]]:
    """Each standard period's window ending on `end`, and the equal-length window before it."""
    return {period: _pair(window_for(period, end)) for period in PERIODS}


def _pair(window: Window) -> tuple[Window, Window]:
    return window, window.previous()


def segment_bounds(end: dt.date) -> list[dt.date]:
    """Days that cut the span every window needs into segments (segment i is the days from
    bounds[i] up to, not including, bounds[i + 1]) such that each window is whole segments."""
    spans = [window for pair in windows(end).values() for window in pair]
    return sorted({w.start for w in spans} | {w.end + ONE_DAY for w in spans})


@dataclass(frozen=True)
class Boards:
    """Every board of a market: one row per board (ranked creators, their total) and the top
    rows of each (with the rank in the window before; missing for new entries)."""

    boards: pd.DataFrame  # BOARD_COLUMNS
    rows: pd.DataFrame  # ROW_COLUMNS


def rank_boards(
    creators: pd.DataFrame,
    sums: pd.DataFrame,
    end: dt.date,
    metrics: Sequence[str],
    *,
    top: int = TOP,
) -> Boards:
    """Rank the market for each metric × period × scope, as the leaderboard does: the metric
    summed over the window, creators above zero only, ties by handle ascending.

    `creators`: creator_id, handle, tier, category for every creator of the market (scopes are
    the tiers and categories present). `sums`: creator_id, segment (see `segment_bounds`) and
    each metric summed over that segment, at most one row per (creator, segment).
    """
    people = creators.sort_values("handle", kind="mergesort").reset_index(drop=True)
    ids = people["creator_id"].to_numpy(dtype=np.int64)
    position = pd.Index(ids).get_indexer(sums["creator_id"])
    known = position >= 0  # rows of creators outside the market are not the market's to rank
    segment = sums["segment"].to_numpy(dtype=np.int64)[known]
    bounds = segment_bounds(end)
    scopes = _scopes(people)
    boards: list[tuple[str, str, str, int, int]] = []
    rows: list[_Rows] = []
    for metric in metrics:
        values = sums[metric].to_numpy(dtype=np.int64)[known]
        running = _running_totals(position[known], segment, values, len(ids), len(bounds) - 1)
        for period, (current, previous) in windows(end).items():
            now = _window_total(running, bounds, current)
            before = _window_total(running, bounds, previous)
            now_keys, before_keys = _keys(now), _keys(before)
            for scope, members in scopes:
                keys = now_keys[members]
                ranked = keys >= 0
                count = int(ranked.sum())
                boards.append((metric, period, scope, count, int(now[members][ranked].sum())))
                chosen = members[_top(keys, count, top)]
                if len(chosen):
                    was = _ranks_of(before_keys, members, chosen)
                    rows.append(_Rows(metric, period, scope, ids[chosen], now[chosen], was))
    return Boards(pd.DataFrame(boards, columns=BOARD_COLUMNS), _rows_frame(rows))


@dataclass(frozen=True)
class _Rows:
    """The top rows of one board, best first (previous_rank 0: not ranked before)."""

    metric: str
    period: str
    scope: str
    creator_id: np.ndarray
    value: np.ndarray
    previous_rank: np.ndarray


def _scopes(people: pd.DataFrame) -> list[tuple[str, np.ndarray]]:
    """(scope, positions of its creators): everyone, then each tier, then each category."""
    scopes = [(ALL, np.arange(len(people)))]
    for kind in SCOPE_KINDS:
        codes, names = pd.factorize(people[kind].str.lower(), sort=True)
        scopes += [
            (f"{kind}:{name}", np.flatnonzero(codes == code)) for code, name in enumerate(names)
        ]
    return scopes


def _running_totals(
    position: np.ndarray, segment: np.ndarray, values: np.ndarray, creators: int, segments: int
) -> np.ndarray:
    """Per creator, the metric summed over segments 0..i-1 in column i (column 0 is zero)."""
    spans = np.zeros((creators, segments), dtype=np.int64)
    spans[position, segment] = values
    running = np.zeros((creators, segments + 1), dtype=np.int64)
    np.cumsum(spans, axis=1, out=running[:, 1:])
    return running


def _window_total(running: np.ndarray, bounds: list[dt.date], window: Window) -> np.ndarray:
    first, after = bounds.index(window.start), bounds.index(window.end + ONE_DAY)
    return running[:, after] - running[:, first]


def _keys(values: np.ndarray) -> np.ndarray:
    """One int64 per creator ordering like the leaderboard (higher value first, then the
    earlier handle; creators are in handle order), unique; -1 for creators not ranked."""
    count = len(values)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    order = values
    if values.max() >= KEY_LIMIT // count:
        order = np.unique(values, return_inverse=True)[1].astype(np.int64) + 1
    keys = order * count + np.arange(count - 1, -1, -1, dtype=np.int64)
    return np.where(values > 0, keys, -1)


def _top(keys: np.ndarray, ranked: int, top: int) -> np.ndarray:
    """Indexes into `keys` of the best `top` ranked entries, best first."""
    # Ranked keys are unique and above the others, so the `top` largest are the top rows.
    chosen = np.argpartition(keys, -top)[-top:] if ranked > top else np.flatnonzero(keys >= 0)
    return chosen[np.argsort(-keys[chosen])]


def _ranks_of(keys: np.ndarray, members: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """The rank of each `chosen` creator among `members` by `keys` (0 where not ranked)."""
    mine = keys[chosen]
    ordered = np.sort(keys[members])
    ranks = len(members) - np.searchsorted(ordered, mine, side="left")
    return np.where(mine >= 0, ranks, 0)


def _rows_frame(rows: list[_Rows]) -> pd.DataFrame:
    sizes = [len(part.creator_id) for part in rows]

    def labels(name: str) -> np.ndarray:
        return np.repeat(np.array([getattr(part, name) for part in rows], dtype=object), sizes)

    previous = _joined([part.previous_rank for part in rows])
    return pd.DataFrame(
        {
            "metric": labels("metric"),
            "period": labels("period"),
            "scope": labels("scope"),
            "rank": _joined([np.arange(1, size + 1) for size in sizes]),
            "creator_id": _joined([part.creator_id for part in rows]),
            "value": _joined([part.value for part in rows]),
            "previous_rank": pd.Series(previous, dtype="Int64").mask(previous == 0),
        },
        columns=ROW_COLUMNS,
    )


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
