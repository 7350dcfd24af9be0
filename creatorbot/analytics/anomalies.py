"""Anomaly detection: each subject's day against its own trailing, weekday-aware robust baseline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

DROP, SPIKE = "drop", "spike"
FLAGGED_COLUMNS = ["row", "observed", "expected", "score", "direction"]
TRIM = 0.9  # the share of days a subject's spread is measured on (the rest may be outliers)
TRIMMED_VARIANCE = 0.6230  # E[Z² | |Z| ≤ 1.645] for a standard normal Z: rescales to a variance
POOL_BANDS = 10  # sizes of subjects whose typical spread a subject's own is pulled toward
POOL_SAMPLE = 5_000  # subjects the typical spreads are measured on
HISTORY_WEIGHT, PRIOR_WEIGHT = 28, 28  # how far: as much as four weeks of history
LIKE_MARGIN = 1.0  # spreads: how close to today a history day must be to count as alike
OFF_CHANCE = 0.01  # a day off is news only when days off are rarer than this
MEDIAN_ERROR = np.pi / 2  # a median of n normal values has variance ≈ (π/2)·σ²/n
FACTOR_RANGE = (0.25, 4.0)  # a weekday or market-wide factor beyond this is a data problem
SAMPLE = 2000  # subjects the market-wide factor is measured on (the biggest of the last week)
WEEKEND = (5, 6)  # Saturday, Sunday


@dataclass(frozen=True)
class Rule:
    """When a day is an anomaly. Values are in the metric's unit (minor units, orders, …).

    A day is flagged when the subject's expected value reaches `min_volume` (tiny subjects page
    nobody), it has at least `min_days` days of history, the day is at most `drop` times or at
    least `spike` times the expected value, it lies `min_score` standard deviations away on a
    log scale (so a noisy subject needs a bigger swing than a steady one), and at most
    `max_like` history days were alike (one outlier in the history is forgiven; a subject that
    often has such days is not anomalous when it has one more). A day of next to nothing
    (below `offset`) counts only when days off are rare, for the subject and its peers.
    """

    min_volume: float
    offset: float  # added before taking logs: values this small all count as "nothing"
    drop: float = 0.5
    spike: float = 2.0
    min_score: float = 4.0
    min_days: int = 7
    max_like: int = 1
    min_spread: float = 0.1  # the least log spread assumed, so a flat history is not brittle
    common: bool = False  # measure a market-wide move on the day (mega sale) and allow for it
    min_common: int = 30  # subjects needed to measure that move


@dataclass(frozen=True)
class Norms:
    """What every subject of a market shares: weekday factors (Monday first, mean 1), the
    market-wide `shift` of the day beyond its weekday, and `days`, the same for each history
    day (a mega sale in the history is then no outlier for anyone); 1.0 when not measured."""

    factors: np.ndarray
    shift: float = 1.0
    days: np.ndarray | None = None


@dataclass(frozen=True)
class Detection:
    """The subjects big enough to be judged (`material` rows, with their `expected` value on the
    day) and the flagged ones: row, observed, expected, score (robust z), direction."""

    material: np.ndarray
    expected: np.ndarray
    flagged: pd.DataFrame


def weekday_factors(totals: np.ndarray, weekdays: np.ndarray) -> np.ndarray:
    """Each weekday's typical level relative to the week (Monday first; 1.0 for a weekday the
    history lacks): the median of that weekday's `totals`, so one sale day does not move it."""
    medians = np.ones(7)
    seen = np.zeros(7, dtype=bool)
    for day in range(7):
        values = totals[(weekdays == day) & ~np.isnan(totals)]
        if len(values):
            medians[day], seen[day] = np.median(values), True
    mean = medians[seen].mean() if seen.any() else 0.0
    if mean <= 0:
        return np.ones(7)
    factors = np.where(seen, medians / mean, 1.0)
    return np.clip(factors, *FACTOR_RANGE)


def estimate_norms(
    history: np.ndarray,
    today: np.ndarray,
    weekdays: np.ndarray,
    weekday: int,
    rule: Rule,
    totals: np.ndarray | None = None,
) -> Norms:
    """Weekday factors from the daily totals (of `history`, unless the totals of a bigger
    population are given) and, when `rule.common`, the market-wide moves of the day and of
    each history day: the median, among the biggest subjects (`biggest`), of their ratio to
    their own level."""
    factors = weekday_factors(_sum(history, axis=0) if totals is None else totals, weekdays)
    if not rule.common or len(history) == 0:
        return Norms(factors)
    sample = biggest(history)
    part = history[sample] / factors[weekdays]
    level = _median(part)
    judged = level * factors[weekday] >= rule.min_volume
    if judged.sum() < rule.min_common:
        return Norms(factors)
    part, level = part[judged], level[judged]
    days = np.clip(np.median(part / level[:, None], axis=0), *FACTOR_RANGE)
    level = _median(part / days)  # once more, with the sale days evened out
    seen = np.asarray(today, dtype=np.float64)[sample][judged]
    shift = float(np.clip(np.median(seen / (level * factors[weekday])), *FACTOR_RANGE))
    return Norms(factors, shift, days)


def biggest(history: np.ndarray, count: int = SAMPLE) -> np.ndarray:
    """The rows the market-wide shift is measured on: the `count` biggest of the last week."""
    if len(history) <= count:
        return np.arange(len(history))
    recent = _sum(history[:, -7:], axis=1)
    return np.sort(np.argpartition(-recent, count)[:count])


def detect(
    history: np.ndarray,
    today: np.ndarray,
    weekdays: np.ndarray,
    weekday: int,
    rule: Rule,
    norms: Norms | None = None,
    among: np.ndarray | None = None,
) -> Detection:
    """Judge `today` (one value per subject) against `history` (subjects × trailing days, NaN
    for a day a subject did not exist), whose columns fall on `weekdays` (0 = Monday); `weekday`
    is today's. `among` limits the judging to those rows (norms still come from every row);
    rows returned are rows of `history`.

    The history is divided by the market's weekday factors; the subject's level is the median
    of its days of today's kind (weekend or weekday, so a creator who sells mostly at weekends
    is judged against their own weekends), and today's expected value is that level times
    today's factor and the market-wide shift."""
    history = np.asarray(history)
    today = np.asarray(today, dtype=np.float64)
    weekdays = np.asarray(weekdays)
    if norms is None:
        norms = estimate_norms(history, today, weekdays, weekday, rule)
    factors = norms.factors[weekdays] * (1.0 if norms.days is None else norms.days)
    scale = norms.factors[weekday] * norms.shift
    same = same_kind(weekdays, weekday)
    part = history if among is None else history[among]
    columns = np.flatnonzero(same)
    floors = rule.min_volume / scale * factors[columns]
    rows = _candidates(part, columns, floors, rule.min_days)
    seasonless = part[rows] / factors
    if among is not None:
        rows = np.asarray(among)[rows]
    expected = _median(seasonless[:, same]) * scale
    keep = expected >= rule.min_volume
    rows, seasonless, expected = rows[keep], seasonless[keep], expected[keep]
    flagged = _flag(rows, seasonless, same, expected, today[rows] / scale, scale, rule)
    return Detection(rows, expected, flagged)


def same_kind(weekdays: np.ndarray, weekday: int, least: int = 4) -> np.ndarray:
    """The history days of today's kind — weekend (Saturday, Sunday) or weekday — or every day
    when the history holds fewer than `least` of that kind."""
    weekend = np.isin(weekdays, WEEKEND)
    same = weekend == (weekday in WEEKEND)
    return same if same.sum() >= least else np.ones(len(weekdays), dtype=bool)


def detect_gated(
    gates: Mapping[str, tuple[np.ndarray, np.ndarray]],
    rules: Mapping[str, Rule],
    weekdays: np.ndarray,
    weekday: int,
    norms: Mapping[str, Norms] | None = None,
    also: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> dict[str, Detection]:
    """Detect several metrics of the same subjects (metric → (history, today)), each with its
    rule. The `gates` metrics come in order, each judged only among the subjects that reached
    the minimum volume of every one before it, so a subject is judged at all only when it is
    big enough on all of them (enough GMV *and* enough orders for its GMV to be steady); the
    `also` metrics are then judged among those subjects without narrowing them further.
    `norms` per metric may be given (by default each metric's own, from every row)."""
    found: dict[str, Detection] = {}
    among: np.ndarray | None = None
    for metric, (history, today) in gates.items():
        given = norms.get(metric) if norms else None
        found[metric] = detect(history, today, weekdays, weekday, rules[metric], given, among)
        among = found[metric].material
    judged = among if among is not None else np.zeros(0, dtype=np.int64)
    found = {metric: _within(detection, judged) for metric, detection in found.items()}
    for metric, (history, today) in (also or {}).items():
        given = norms.get(metric) if norms else None
        found[metric] = detect(history, today, weekdays, weekday, rules[metric], given, judged)
    return found


def _within(detection: Detection, rows: np.ndarray) -> Detection:
    keep = np.isin(detection.material, rows)
    flagged = detection.flagged[detection.flagged["row"].isin(rows)].reset_index(drop=True)
    return Detection(detection.material[keep], detection.expected[keep], flagged)


def _candidates(
    history: np.ndarray, columns: np.ndarray, floors: np.ndarray, min_days: int
) -> np.ndarray:
    """Rows that may have a median of at least `floors` over `columns` (its floor for each
    column): at least half of those days reach it (a cheap pass that spares computing medians
    for the long tail). Only rows with at least `min_days` days in the whole history count."""
    above = np.zeros(len(history), dtype=np.int16)
    for column, floor in zip(columns.tolist(), floors.tolist(), strict=True):
        above += history[:, column] >= floor  # column by column: no copy of the matrix
    if np.issubdtype(history.dtype, np.floating) and bool(np.isnan(history).any()):
        known = ~np.isnan(history)
        days, whole = known[:, columns].sum(axis=1), known.sum(axis=1)
    else:
        days = np.full(len(history), len(columns))
        whole = np.full(len(history), history.shape[1])
    return np.flatnonzero((above >= (days + 1) // 2) & (days > 0) & (whole >= max(min_days, 1)))


def _sum(values: np.ndarray, axis: int) -> np.ndarray:
    """Sums along `axis` as floats, NaN counting as nothing."""
    if np.issubdtype(values.dtype, np.floating):
        return np.asarray(np.nansum(values, axis=axis, dtype=np.float64))
    return np.asarray(values.sum(axis=axis, dtype=np.float64))


def _median(values: np.ndarray) -> np.ndarray:
    """Each row's median, ignoring NaN (NaN for a row without values). Sorting short rows is
    several times quicker than numpy's partition-based median."""
    if values.shape[1] == 0:
        return np.full(len(values), np.nan)
    ordered = np.sort(values, axis=1)  # NaN sorts last
    if np.isnan(ordered[:, -1:]).any():
        valid = (~np.isnan(ordered)).sum(axis=1)
    else:
        valid = np.full(len(ordered), ordered.shape[1])
    low = np.maximum((valid - 1) // 2, 0)[:, None]
    high = np.maximum(valid // 2, 0)[:, None]
    middle = (np.take_along_axis(ordered, low, 1) + np.take_along_axis(ordered, high, 1)) / 2
    return np.where(valid > 0, middle[:, 0], np.nan)


def _flag(
    rows: np.ndarray,
    seasonless: np.ndarray,
    same: np.ndarray,
    expected: np.ndarray,
    observed: np.ndarray,
    scale: float,
    rule: Rule,
) -> pd.DataFrame:
    """The subjects whose day passes the size, score and rarity tests, as FLAGGED_COLUMNS.

    On a log scale, each day's distance from the median of its kind (weekend or weekday) is a
    residual; today's residual over the subject's spread is the score. Rarity counts the
    history days whose residual was as extreme as today's."""
    level = expected / scale
    drop = observed <= rule.drop * level
    spike = observed >= rule.spike * level
    pick = np.flatnonzero((drop | spike) & ~np.isnan(observed))
    residual, centre = _residuals(np.log(seasonless[pick] + rule.offset), same)
    falling = drop[pick]
    typical = _typical_spreads(seasonless, expected, same, rule)
    spread = _pooled(
        _spread(_active(residual, seasonless[pick], rule), rule), expected[pick], typical
    )
    # Today's level is itself estimated from the days of its kind: its error widens the gap's.
    # (Without any history day nothing is picked; the floor only spares a division by zero.)
    spread = spread * np.sqrt(1 + MEDIAN_ERROR / max(int(same.sum()), 1))
    seen = observed[pick]
    gap = np.log(seen + rule.offset) - centre
    score = gap / spread
    # History days count as alike when they came within LIKE_MARGIN spreads of today, or were
    # twice the size of drop (spike) themselves: a creator who now and then skips a stream has
    # such days, and one more is no news.
    low = np.maximum(gap + LIKE_MARGIN * spread, 2 * np.log(rule.drop))[:, None]
    high = np.minimum(gap - LIKE_MARGIN * spread, 2 * np.log(rule.spike))[:, None]
    like = np.where(falling, (residual <= low).sum(axis=1), (residual >= high).sum(axis=1))
    strong = np.where(falling, score <= -rule.min_score, score >= rule.min_score)
    # A day of (next to) nothing is a day off unless days off are rare, for the subject and
    # for subjects like it: a creator who takes days off is not collapsing when they take one.
    off = _days_off_chance(seasonless[pick], typical, rule)
    ordinary_off = falling & (seen < rule.offset) & (off >= OFF_CHANCE)
    hit = strong & (like <= rule.max_like) & ~ordinary_off
    chosen = pick[hit]
    return pd.DataFrame(
        {
            "row": rows[chosen],
            "observed": seen[hit] * scale,
            "expected": expected[chosen],
            "score": score[hit],
            "direction": np.where(falling[hit], DROP, SPIKE),
        },
        columns=FLAGGED_COLUMNS,
    )


def _residuals(logs: np.ndarray, same: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each day's distance from the median of the days of its kind, and the median of today's
    kind (the centre today is measured from)."""
    centre = _median(logs[:, same])
    residual = logs.copy()
    residual[:, same] -= centre[:, None]
    if not same.all():
        residual[:, ~same] -= _median(logs[:, ~same])[:, None]
    return residual, centre


@dataclass(frozen=True)
class Typical:
    """The typical spread of subjects by size: band edges of expected values, a spread each."""

    edges: np.ndarray
    spreads: np.ndarray
    off: float = 0.0  # the share of days off (next to nothing) among them


def _typical_spreads(
    seasonless: np.ndarray, expected: np.ndarray, same: np.ndarray, rule: Rule
) -> Typical | None:
    """The median spread of the judged subjects in each of POOL_BANDS size bands, measured on
    an even sample of them (None when too few subjects to say what is typical)."""
    if len(expected) < POOL_BANDS * 10:
        return None
    sample = np.linspace(0, len(expected) - 1, min(len(expected), POOL_SAMPLE)).astype(np.int64)
    residual, _ = _residuals(np.log(seasonless[sample] + rule.offset), same)
    spread = _spread(_active(residual, seasonless[sample], rule), rule)
    sizes = expected[sample]
    edges = np.quantile(sizes, np.linspace(0, 1, POOL_BANDS + 1)[1:-1])
    band = np.searchsorted(edges, sizes)
    spreads = np.array(
        [np.median(spread[band == b]) if (band == b).any() else np.nan for b in range(POOL_BANDS)]
    )
    # Sizes tied at the top leave the bands above them empty; a subject bigger than every one
    # sampled still lands there: it takes the band below's (the first band is never empty).
    for b in range(1, POOL_BANDS):
        if np.isnan(spreads[b]):
            spreads[b] = spreads[b - 1]
    off = float(
        np.nanmean(np.where(np.isnan(seasonless[sample]), np.nan, seasonless[sample] < rule.offset))
    )
    return Typical(edges, spreads, off)


def _days_off_chance(history: np.ndarray, typical: Typical | None, rule: Rule) -> np.ndarray:
    """The chance of a day off (next to nothing) for each subject: its own share of days off,
    pulled toward the typical share as the spread is."""
    off = (history < rule.offset).sum(axis=1)
    days = (~np.isnan(history)).sum(axis=1)
    prior = typical.off if typical is not None else 0.0
    return (off + PRIOR_WEIGHT * prior) / (days + PRIOR_WEIGHT)


def _pooled(spread: np.ndarray, expected: np.ndarray, typical: Typical | None) -> np.ndarray:
    """Each subject's spread pulled toward the typical spread of subjects of its size: four
    weeks say little about a tail, and a history that happened to be calm must not make an
    ordinary bad day look extraordinary."""
    if typical is None:
        return spread
    prior = typical.spreads[np.searchsorted(typical.edges, expected)]
    mixed = HISTORY_WEIGHT * spread**2 + PRIOR_WEIGHT * prior**2
    return np.sqrt(mixed / (HISTORY_WEIGHT + PRIOR_WEIGHT))


def _active(residual: np.ndarray, seasonless: np.ndarray, rule: Rule) -> np.ndarray:
    """The residuals of the days with something (at least `rule.offset`): a day off is not
    noise around a level, and is judged apart (see `_flag`)."""
    return np.where(seasonless < rule.offset, np.nan, residual)


def _spread(residual: np.ndarray, rule: Rule) -> np.ndarray:
    """Each row's standard deviation of residuals, robustly: from the smallest 90% of them
    (rescaled as for a normal distribution), so two or three outlying days do not inflate it,
    yet steadier than a median absolute deviation over four weeks. At least `rule.min_spread`."""
    if len(residual) == 0:
        return np.zeros(0)
    size = np.abs(np.nan_to_num(residual, nan=np.inf))
    days = (~np.isnan(residual)).sum(axis=1)
    kept = np.maximum(np.floor(days * TRIM).astype(np.int64), 1)
    ordered = np.sort(size, axis=1)
    inside = np.arange(residual.shape[1])[None, :] < kept[:, None]
    squares = np.where(inside, ordered, 0.0) ** 2
    spread = np.sqrt(squares.sum(axis=1) / kept / TRIMMED_VARIANCE)
    return np.maximum(np.nan_to_num(spread, posinf=0.0), rule.min_spread)


def naive(history_last: np.ndarray, today: np.ndarray, min_volume: float) -> np.ndarray:
    """The rule people start with, for comparison: today ±50% against the day before (when the
    day before reached `min_volume`). Returns the flagged rows."""
    before = np.asarray(history_last, dtype=np.float64)
    moved = np.abs(np.asarray(today, dtype=np.float64) - before) >= 0.5 * before
    return np.flatnonzero(moved & (before >= min_volume))
