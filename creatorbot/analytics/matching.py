"""Matchmaking: score a category's creators on GMV, conversion and growth, minus over-booking.

The rules, as the answer states them to users:

- candidates: creators with GMV in the last 30 days and fewer than `EXCLUDE_AT` running
  campaigns;
- conversion: orders per 1,000 video views over the 30 days; a creator without video views
  has no conversion (not an infinite one) and earns no conversion points;
- growth: GMV of the 30 days against the 30 days before, as a ratio (+0.25 = +25%); a
  creator with no GMV before is "new" and counts as `GROWTH_CAP`, and growth above the cap
  counts as the cap;
- each signal becomes a percentile rank among the candidates: the share of candidates (with
  that signal) whose value is at most the creator's, from 1/n up to 1;
- score = GMV_WEIGHT·gmv + CONVERSION_WEIGHT·conversion + GROWTH_WEIGHT·growth percentiles,
  minus `OVERBOOKED_PENALTY` per running campaign beyond the first; highest first, ties by
  handle.
"""

from __future__ import annotations

import pandas as pd

# GMV is what the merchant buys, so it carries half the score; conversion and growth tell a
# proven seller from a big audience and a rising creator from a fading one, a quarter each.
GMV_WEIGHT = 0.5
CONVERSION_WEIGHT = 0.25
GROWTH_WEIGHT = 0.25
# A second running campaign costs as much as falling 30 percentile points in GMV
# (0.5 × 0.30): such a creator can still be proposed, after equally good free ones.
OVERBOOKED_PENALTY = 0.15
# Creators in this many running campaigns have no room for another merchant: left out.
EXCLUDE_AT = 3
# Tripling GMV (+200%) is as good as growth gets here: a tiny previous month, or none at all
# ("new"), must not beat steady growth on a real base by a mile.
GROWTH_CAP = 2.0
VIEWS_PER = 1000  # conversion is orders per this many video views

COLUMNS = ["handle", "gmv_30d", "orders_30d", "views_30d", "gmv_prev", "running"]


def candidates(totals: pd.DataFrame) -> pd.DataFrame:
    """The creators with GMV in the last 30 days (`gmv_30d` > 0)."""
    return totals[totals["gmv_30d"] > 0]


def left_out(totals: pd.DataFrame) -> pd.DataFrame:
    """Candidates booked in `EXCLUDE_AT` or more running campaigns."""
    found = candidates(totals)
    return found[found["running"] >= EXCLUDE_AT]


def signals(totals: pd.DataFrame) -> pd.DataFrame:
    """Add `conversion` (NaN without views), `growth` (NaN when new), `new` and the capped
    `growth_signal` the score uses."""
    out = totals.copy()
    views = out["views_30d"].where(out["views_30d"] > 0)
    out["conversion"] = out["orders_30d"] * VIEWS_PER / views
    before = out["gmv_prev"].where(out["gmv_prev"] > 0)
    out["growth"] = (out["gmv_30d"] - out["gmv_prev"]) / before
    out["new"] = out["gmv_prev"] <= 0
    out["growth_signal"] = out["growth"].clip(upper=GROWTH_CAP).fillna(GROWTH_CAP)
    return out


def percentile(values: pd.Series) -> pd.Series:
    """Share of the non-missing values at most each value (1/n … 1); missing stays missing."""
    return values.rank(method="max", pct=True)


def rank_matches(totals: pd.DataFrame) -> pd.DataFrame:
    """Score and rank the candidates in `totals` (one row per creator, with at least
    `COLUMNS`); returns them best first with `rank`, the signals, their percentiles and
    `score`. Creators without GMV or with `EXCLUDE_AT`+ running campaigns are not in it."""
    return order(score(totals))


def score(totals: pd.DataFrame) -> pd.DataFrame:
    """The candidates in `totals` with their signals, percentiles and `score`, unordered.
    Handles are not needed (every column of `COLUMNS` but `handle` is)."""
    found = candidates(totals)
    scored = signals(found[found["running"] < EXCLUDE_AT])
    scored["gmv_pct"] = percentile(scored["gmv_30d"].astype("float64"))
    scored["conversion_pct"] = percentile(scored["conversion"]).fillna(0.0)
    scored["growth_pct"] = percentile(scored["growth_signal"])
    overbooked = (scored["running"] - 1).clip(lower=0)
    scored["score"] = (
        GMV_WEIGHT * scored["gmv_pct"]
        + CONVERSION_WEIGHT * scored["conversion_pct"]
        + GROWTH_WEIGHT * scored["growth_pct"]
        - OVERBOOKED_PENALTY * overbooked
    )
    return scored


def contenders(scored: pd.DataFrame, places: int) -> pd.DataFrame:
    """The scored rows that can be among the first `places` once ties are broken by handle:
    every row scoring at least the `places`-th best score (all rows when there are fewer)."""
    if len(scored) <= places:
        return scored
    cut = scored["score"].nlargest(places).iloc[-1]
    return scored[scored["score"] >= cut]


def order(scored: pd.DataFrame) -> pd.DataFrame:
    """Scored rows (with `handle`) best first, ties by handle, numbered from 1 in `rank`."""
    ranked = scored.sort_values(["score", "handle"], ascending=[False, True], kind="mergesort")
    ranked = ranked.reset_index(drop=True)
    ranked["rank"] = range(1, len(ranked) + 1)
    return ranked
