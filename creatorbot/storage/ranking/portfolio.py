"""A portfolio's figures: for each creator an owner has in a market, 7-day GMV against the week
before, 30-day GMV (kept with the segments when they describe the day asked about, else summed
from the day columns), and their stored segments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy.orm import Session

from creatorbot.analytics.segments import SEGMENTS
from creatorbot.analytics.windows import Window
from creatorbot.storage.ranking.cache import CACHE
from creatorbot.storage.ranking.days import Days
from creatorbot.storage.ranking.kept import kept_in_place
from creatorbot.storage.ranking.owned import owned_mask
from creatorbot.storage.ranking.people import in_segment, people
from creatorbot.storage.ranking.segments import members as stored
from creatorbot.storage.ranking.state import MarketState, market_state

KEPT = ("gmv_7d", "gmv_prev_7d", "gmv_30d")


@dataclass(frozen=True)
class Owned:
    """An owner's creators of one market, aligned: ids, GMV of the last 7 days, of the 7 before
    and of the last 30, and per segment whether each is in it."""

    ids: np.ndarray
    gmv_7d: np.ndarray
    gmv_prev_7d: np.ndarray
    gmv_30d: np.ndarray
    segments: dict[str, np.ndarray]
    # Orders already worked out, by segment priority (kept with the figures in the cache).
    _orders: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def ranked(self, priority: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Each creator's place in `priority` (the first of its segments there; creators in
        none after all), and the positions ordered by that place, GMV of the last 7 days
        descending, then id: worked out once per figures, a portfolio asked again only merges
        in its open alerts."""
        key = tuple(priority)
        found = self._orders.get(key)
        if found is None:
            place = np.full(len(self.ids), len(key), dtype=np.int64)
            for rank, name in reversed(list(enumerate(key))):
                place[self.segments[name]] = rank
            found = (place, np.lexsort((self.ids, -self.gmv_7d, place)))
            self._orders[key] = found
        return found


def owned_figures(
    market: str,
    end: dt.date,
    names: Sequence[str],
    *,
    session: Session,
    state: MarketState | None = None,
) -> Owned | None:
    """The owner's creators' figures up to `end`; None when a day the windows need has rows but
    no day columns. `state`: the market's, when the caller has read it."""
    if state is None:
        state = market_state(market, session=session)
    run = state.run
    # Kept figures that still describe `end` are cached with what is picked out of them, under
    # every stamp they depend on: the creators', the segments' and their days'.
    wanted = tuple(sorted({name.strip().lower() for name in names if name.strip()}))
    key = ("portfolio", market, wanted)
    stamp = None
    if state.people is not None and run is not None and run.current and run.end_day == end:
        stamp = (state.people, run.stamp, run.days_now)
        found = CACHE.get(key, stamp)
        if found is not None:
            return found
    owned = _figures(market, end, names, state, session=session)
    if owned is not None and stamp is not None:
        CACHE.put(key, stamp, owned)
    return owned


def _figures(
    market: str, end: dt.date, names: Sequence[str], state: MarketState, *, session: Session
) -> Owned | None:
    group = people(market, session=session, stamp=state.people)
    members = np.flatnonzero(owned_mask(market, names, group, session=session))
    # Every segment's members read at once (and cached), not one read per segment.
    found = {} if state.run is None else stored(market, SEGMENTS, state.run.stamp, session=session)
    segments = {
        name: in_segment(
            market,
            name,
            group,
            session=session,
            stamp=state.segments,
            members=found[name].ids if name in found else np.zeros(0, dtype=np.int64),
        )[members]
        for name in SEGMENTS
    }
    ids = group.ids[members]
    kept = kept_in_place(market, end, KEPT, group, session=session, run=state.run)
    if kept is not None:
        last_7d, prev_7d, last_30d = (values[members] for values in kept)
        return Owned(ids, last_7d, prev_7d, last_30d, segments=segments)
    month = Window(end - dt.timedelta(days=29), end)
    days = Days(market, month, group, session=session)
    if not days.complete:
        return None
    week = Window(end - dt.timedelta(days=6), end)
    before = week.previous()
    # Summed for every creator, then picked: adding a day's column whole is quicker than
    # spreading it to pick a portfolio's creators out, and the three windows share the days.
    gmv_7d = days.total("gmv", week)[members]
    gmv_prev_7d = days.total("gmv", before)[members]
    rest = days.total("gmv", Window(month.start, before.start - dt.timedelta(days=1)))[members]
    return Owned(ids, gmv_7d, gmv_prev_7d, gmv_7d + gmv_prev_7d + rest, segments=segments)
