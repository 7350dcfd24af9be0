"""Boards from per-creator sums: every standard leaderboard of one market, ranked in numpy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from creatorbot.analytics.windows import Window, window_for
from creatorbot.storage.boards.scopes import (  # noqa: F401 (their old home)
    ALL,
    PERIODS,
    SCOPE_KINDS,
    TOP,
    scope_of,
)
from creatorbot.storage.packed import narrowest

# Each ranking draws its best `POOL_BOARDS × top` creators once; a scope finds its top rows
# among them unless it is too small to have enough there.
POOL_BOARDS = 40
ONE_DAY = dt.timedelta(days=1)
# A sort key packs (value, handle order) into one int64; values this big are replaced by their
# dense rank first (same order), so the packing never overflows.
KEY_LIMIT = 2**62

BOARD_COLUMNS = ["metric", "period", "scope", "ranked", "total"]
ROW_COLUMNS = ["metric", "period", "scope", "rank", "creator_id", "value", "previous_rank"]


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


# (metric, period, window): a metric summed over a period's window ending on the boards' day
# (window 0) or over the equal window before it (window 1).
Summed = tuple[str, str, int]


@dataclass(frozen=True)
class Boards:
    """Every board of a market: one row per board (ranked creators, their total) and the top
    rows of each (with the rank in the window before; missing for new entries); and the
    window totals `rank_boards` was asked to keep, per creator in the rows' order."""

    boards: pd.DataFrame  # BOARD_COLUMNS
    rows: pd.DataFrame  # ROW_COLUMNS
    totals: dict[Summed, np.ndarray] = field(default_factory=dict)


Spans = Callable[[str], np.ndarray]


def rank_boards(
    creators: pd.DataFrame,
    spans: Spans,
    end: dt.date,
    metrics: Sequence[str],
    *,
    top: int = TOP,
    keep: Collection[Summed] = (),
    later: np.ndarray | None = None,
) -> Boards:
    """Rank the market for each metric × period × scope, as the leaderboard does: the metric
    summed over the window, creators above zero only, ties by handle ascending.

    `creators`: creator_id, handle, tier, category for every creator of the market (scopes are
    the tiers and categories present). `spans(metric)`: the metric summed over each segment of
    days (see `segment_bounds`) per creator, in the rows' order: shape (segments, creators), an
    array of its own that is summed in place (one metric's arrays are freed before the next's).
    `keep`: the windows whose totals other upkeep needs (match pools): kept rather than summed
    again from the day columns. `later`: the rows' `handle_tiebreak`, if the caller has it.
    """
    people = creators.reset_index(drop=True)
    ranking = _Ranking(
        ids=people["creator_id"].to_numpy(dtype=np.int64),
        later=handle_tiebreak(people["handle"]) if later is None else later,
        bounds=segment_bounds(end),
        periods=windows(end),
        scopes=_scopes(people),
        top=top,
        keep=frozenset(keep),
    )
    boards: list[tuple[str, str, str, int, int]] = []
    rows: list[_Rows] = []
    totals: dict[Summed, np.ndarray] = {}
    # A metric is ranked on a thread of its own while the next one's spans are read and summed
    # (both mostly numpy and SQLite, which let go of the interpreter's lock): two metrics'
    # spans are held at most.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="boards") as ranker:
        pending: Future[_Ranked] | None = None
        for metric in metrics:
            summed = spans(metric)
            if pending is not None:
                _gather(pending.result(), boards, rows, totals)
            pending = ranker.submit(ranking.rank, metric, summed)
            del summed  # the ranking thread holds the only reference
        if pending is not None:
            _gather(pending.result(), boards, rows, totals)
    return Boards(pd.DataFrame(boards, columns=BOARD_COLUMNS), _rows_frame(rows), totals)


_Ranked = tuple[list[tuple[str, str, str, int, int]], list["_Rows"], dict[Summed, np.ndarray]]


def _gather(
    ranked: _Ranked,
    boards: list[tuple[str, str, str, int, int]],
    rows: list[_Rows],
    totals: dict[Summed, np.ndarray],
) -> None:
    boards.extend(ranked[0])
    rows.extend(ranked[1])
    totals.update(ranked[2])


@dataclass(frozen=True)
class _Ranking:
    """What every metric of one market is ranked by: its creators, periods and scopes."""

    ids: np.ndarray
    later: np.ndarray
    bounds: list[dt.date]
    periods: dict[str, tuple[Window, Window]]
    scopes: list[_Group]
    top: int
    keep: frozenset[Summed]

    def rank(self, metric: str, spans: np.ndarray) -> _Ranked:
        """Every board of `metric` from its `spans` (summed in place, then let go), and the
        window totals to keep."""
        boards: list[tuple[str, str, str, int, int]] = []
        rows: list[_Rows] = []
        kept: dict[Summed, np.ndarray] = {}
        running = _running_totals(spans)
        del spans
        for period, (current, previous) in self.periods.items():
            now = _window_total(running, self.bounds, current)
            before = _window_total(running, self.bounds, previous)
            for window, total in enumerate((now, before)):
                if (metric, period, window) in self.keep:  # narrow: held while others rank
                    kept[metric, period, window] = _narrow(total)
            now_keys, before_keys = rank_keys(now, self.later), rank_keys(before, self.later)
            pool = _pool(now_keys, POOL_BOARDS * self.top)
            for group in self.scopes:
                # One gather per kind of scope; each scope's creators are then a slice of it.
                keys_all, values_all, before_all = (
                    (now_keys, now, before_keys)
                    if group.order is None
                    else (now_keys[group.order], now[group.order], before_keys[group.order])
                )
                for scope in group.scopes:
                    keys, values = keys_all[scope.part], values_all[scope.part]
                    ranked = keys >= 0
                    count = int(ranked.sum())
                    boards.append((metric, period, scope.name, count, int(values[ranked].sum())))
                    chosen = _top(now_keys, scope.members, scope.inside, pool, count, self.top)
                    if len(chosen):
                        was = _ranks_among(before_keys[chosen], before_all[scope.part])
                        ids, top_values = self.ids[chosen], now[chosen]
                        rows.append(_Rows(metric, period, scope.name, ids, top_values, was))
        return boards, rows, kept


@dataclass(frozen=True)
class _Rows:
    """The top rows of one board, best first (previous_rank 0: not ranked before)."""

    metric: str
    period: str
    scope: str
    creator_id: np.ndarray
    value: np.ndarray
    previous_rank: np.ndarray


@dataclass(frozen=True)
class _Scope:
    """One scope: its name, its creators' positions (ascending), whether each creator is in
    it, and where its creators lie in its group's `order`."""

    name: str
    members: np.ndarray
    inside: np.ndarray
    part: slice


@dataclass(frozen=True)
class _Group:
    """Scopes of one kind (everyone; the tiers; the categories), whose creators lie one scope
    after another in `order` (positions; None: every creator, in place)."""

    order: np.ndarray | None
    scopes: list[_Scope]


def _scopes(people: pd.DataFrame) -> list[_Group]:
    """Everyone, then each tier, then each category."""
    count = len(people)
    everyone = _Scope(ALL, np.arange(count), np.ones(count, dtype=bool), slice(None))
    groups = [_Group(None, [everyone])]
    for kind in SCOPE_KINDS:
        # Lowercase the few distinct names, not every creator's (`Gold` and `gold` are one).
        raw_codes, raw_names = pd.factorize(people[kind])
        lowered, names = pd.factorize(pd.Index(raw_names).str.lower(), sort=True)
        codes = np.where(raw_codes >= 0, lowered[raw_codes], -1)  # -1: no name
        order = np.argsort(codes, kind="stable")  # each scope's positions stay ascending
        starts = np.searchsorted(codes[order], np.arange(len(names) + 1))
        scopes = []
        for code, name in enumerate(names):
            part = slice(int(starts[code]), int(starts[code + 1]))
            scopes.append(_Scope(f"{kind}:{name}", order[part], codes == code, part))
        groups.append(_Group(order, scopes))
    return groups


def _running_totals(spans: np.ndarray) -> np.ndarray:
    """Per creator, the metric summed over segments 0..i in row i, summed in place: no second
    (segments × creators) array beside the spans."""
    for segment in range(1, spans.shape[0]):  # row by row: a few times quicker than cumsum's
        np.add(spans[segment - 1], spans[segment], out=spans[segment])
    return spans


def _narrow(values: np.ndarray) -> np.ndarray:
    return values.astype(narrowest(values), copy=False) if len(values) else values


def _window_total(running: np.ndarray, bounds: list[dt.date], window: Window) -> np.ndarray:
    first, after = bounds.index(window.start), bounds.index(window.end + ONE_DAY)
    if first == 0:
        return running[after - 1].copy()
    return running[after - 1] - running[first - 1]


def handle_tiebreak(handles: pd.Series) -> np.ndarray:
    """Per creator, how many creators' handles sort after theirs: on a tie, the higher number
    (the earlier handle) ranks first."""
    if handles.is_monotonic_increasing:  # as creators are read, in handle order: no sort
        return np.arange(len(handles) - 1, -1, -1, dtype=np.int64)
    order = code_point_order(handles.tolist())
    later = np.empty(len(order), dtype=np.int64)
    later[order] = np.arange(len(order) - 1, -1, -1, dtype=np.int64)
    return later


def code_point_order(texts: list[str]) -> np.ndarray:
    """The order that sorts `texts` (none holding NUL) as Python's `<` does, by code point.
    UTF-8 keeps code point order byte by byte, so the bytes, padded with zeros to whole eight-
    byte words, are sorted as big-endian integers, first word first: some five times quicker
    than numpy's sort of the text itself."""
    encoded = np.array([text.encode() for text in texts], dtype=bytes)
    count, width = len(encoded), max(encoded.dtype.itemsize, 1)
    padded = np.zeros((count, -(-width // 8) * 8), dtype=np.uint8)
    padded[:, :width] = encoded.view(np.uint8).reshape(count, width)
    words = padded.view(">u8")
    return np.lexsort(words.T[::-1])  # lexsort's last key is its first


def rank_keys(values: np.ndarray, later: np.ndarray) -> np.ndarray:
    """One int64 per creator ordering like the leaderboard (higher value first, then the
    earlier handle: `later` is `handle_tiebreak`), unique; -1 for creators not ranked."""
    count = len(values)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    order = values
    if values.max() >= KEY_LIMIT // count:
        order = np.unique(values, return_inverse=True)[1].astype(np.int64) + 1
    return np.where(values > 0, order * count + later, -1)


def _pool(keys: np.ndarray, size: int) -> np.ndarray:
    """Indexes of the `size` largest keys (all of them if there are fewer)."""
    return np.argpartition(keys, -size)[-size:] if len(keys) > size else np.arange(len(keys))


def _top(
    keys: np.ndarray,
    members: np.ndarray,
    inside: np.ndarray,
    pool: np.ndarray,
    ranked: int,
    top: int,
) -> np.ndarray:
    """Indexes into `keys` of the best `top` of the `ranked` ranked `members` (`inside` marks
    them), best first. Ranked keys are unique and above the others, and every key outside the
    `pool` is below every key in it: when the pool holds `top` ranked members, or all of them,
    the best are among those, and the rest of the scope need not be looked at."""
    chosen = pool[inside[pool]]
    chosen = chosen[keys[chosen] >= 0]
    if len(chosen) < min(top, ranked):
        chosen = members[keys[members] >= 0]
    if len(chosen) > top:
        chosen = chosen[np.argpartition(keys[chosen], -top)[-top:]]
    return chosen[np.argsort(-keys[chosen])]


def ranks_of(keys: np.ndarray, members: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """The rank of each `chosen` creator among `members` by `keys` (0 where not ranked)."""
    return _ranks_among(keys[chosen], keys[members])


def _ranks_among(mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """The rank of each of the keys `mine` among the keys `theirs` (0 where not ranked)."""
    ranked = mine[mine >= 0]
    if not len(ranked):
        return np.zeros(len(mine), dtype=np.int64)
    # Only members above the lowest chosen key matter, and there are few of those at the top.
    theirs = theirs[theirs >= ranked.min()]
    # Linear in those members, not a sort of them: for each, how many chosen keys lie below
    # its key; a chosen key's rank is one plus the members whose count passes it.
    order = np.argsort(mine)
    below = np.searchsorted(mine[order], theirs, side="left")
    passed = np.bincount(below, minlength=len(mine) + 1)
    above = np.cumsum(passed[::-1])[::-1]  # above[j]: members with a count of at least j
    ranks = np.empty(len(mine), dtype=np.int64)
    ranks[order] = above[1:] + 1
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
