"""A market's creators as the fast ranking needs them: ids ascending (the position space every
day's columns are summed into), the handle tie-break, tier and category codes, and campaign
enrolments as masks; cached under the market's people stamp."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.boards.compute import handle_tiebreak
from creatorbot.storage.fetch import fetch_all
from creatorbot.storage.models import Creator, Enrollment
from creatorbot.storage.ranking.cache import CACHE
from creatorbot.storage.segments.read import segment_members, segment_stamp
from creatorbot.storage.stamps import people_stamp


@dataclass(frozen=True)
class People:
    """One market's creators, by position (ids ascending)."""

    stamp: str | None  # None: never stamped, not to be cached
    ids: np.ndarray  # int64, ascending
    later: np.ndarray  # int64: how many handles sort after each one's (ties: higher first)
    tiers: np.ndarray  # int16 code into `tier_names`, -1 for none
    tier_names: tuple[str, ...]  # lowercased, sorted
    categories: np.ndarray  # int16 code into `category_names`, -1 for none
    category_names: tuple[str, ...]  # lowercased, sorted
    category_raw: tuple[str, ...]  # the names as the creators spell them

    def tier_mask(self, tier: str) -> np.ndarray:
        """Creators in `tier` (any case)."""
        return _mask(self.tiers, self.tier_names, tier)

    def category_mask(self, category: str) -> np.ndarray:
        """Creators in `category` (any case)."""
        return _mask(self.categories, self.category_names, category)

    def mask_of(self, ids: np.ndarray | None) -> np.ndarray:
        """Which creators are among `ids` (None: none)."""
        mask = np.zeros(len(self.ids), dtype=bool)
        if ids is None or not len(ids):
            return mask
        place = np.searchsorted(self.ids, ids)
        inside = place < len(self.ids)
        inside[inside] = self.ids[place[inside]] == ids[inside]
        mask[place[inside]] = True
        return mask


def _mask(codes: np.ndarray, names: tuple[str, ...], name: str) -> np.ndarray:
    wanted = name.lower()
    if wanted not in names:
        return np.zeros(len(codes), dtype=bool)
    return codes == names.index(wanted)


def people(market: str, *, session: Session, stamp: str | None | bool = True) -> People:
    """The market's creators, from the cache when its stamp still matches the database's
    (`stamp`: the people stamp when the caller has read it, True to read it here)."""
    if isinstance(stamp, bool):
        stamp = people_stamp(market, session=session)
    key = ("people", market)
    if stamp is not None:
        found = CACHE.get(key, stamp)
        if found is not None:
            return found
    read = _read(market, stamp, session=session)
    if stamp is not None:
        CACHE.put(key, stamp, read)
    return read


def _read(market: str, stamp: str | None, *, session: Session) -> People:
    # One pass over the market's creators (the roster's reads serve every market at once).
    query = select(Creator.id, Creator.handle, Creator.tier, Creator.category).where(
        Creator.market == market
    )
    rows = fetch_all(query, session=session)
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    later = handle_tiebreak(pd.Series([row[1] for row in rows], dtype=object))
    tiers, tier_names, _ = _codes(pd.Series([row[2] for row in rows], dtype=object))
    categories, category_names, raw = _codes(pd.Series([row[3] for row in rows], dtype=object))
    del rows
    order = np.argsort(ids, kind="stable")
    return People(
        stamp=stamp,
        ids=ids[order],
        later=later[order],
        tiers=tiers[order],
        tier_names=tier_names,
        categories=categories[order],
        category_names=category_names,
        category_raw=raw,
    )


def _codes(values: pd.Series) -> tuple[np.ndarray, tuple[str, ...], tuple[str, ...]]:
    """Each value's code among the lowercased names (lowercasing the few names, not every
    value), the lowercased names, and the names as spelled."""
    raw_codes, raw_names = pd.factorize(values)
    if not len(raw_names):
        return np.full(len(values), -1, dtype=np.int16), (), ()
    lowered, names = pd.factorize(pd.Index(raw_names).str.lower(), sort=True)
    codes = np.where(raw_codes >= 0, lowered[np.maximum(raw_codes, 0)], -1).astype(np.int16)
    spelled = tuple(str(name) for name in raw_names)
    return codes, tuple(str(name) for name in names), spelled


def enrolled(market: str, campaign_id: int, group: People, *, session: Session) -> np.ndarray:
    """Which of the market's creators are enrolled in the campaign (cached like the people)."""
    key = ("enrolled", market, campaign_id)
    if group.stamp is not None:
        found = CACHE.get(key, group.stamp)
        if found is not None:
            return found
    query = select(Enrollment.creator_id).where(Enrollment.campaign_id == campaign_id)
    ids = np.array([row[0] for row in fetch_all(query, session=session)], dtype=np.int64)
    place = np.searchsorted(group.ids, ids)
    inside = place < len(group.ids)
    inside[inside] = group.ids[place[inside]] == ids[inside]
    mask = np.zeros(len(group.ids), dtype=bool)
    mask[place[inside]] = True
    if group.stamp is not None:
        CACHE.put(key, group.stamp, mask)
    return mask


def in_segment(
    market: str,
    segment: str,
    group: People,
    *,
    session: Session,
    stamp: tuple[dt.date, str] | None | bool = True,
    members: np.ndarray | None = None,
) -> np.ndarray:
    """Which of the market's creators are in its stored `segment` (none when it has no stored
    segments), cached under the stamp of the segments' computation and the people's (`stamp`:
    that stamp when the caller has read it, True to read it here; `members`: the segment's
    creator ids when the caller has read them)."""
    if stamp is True:
        stamp = segment_stamp(market, session=session)
    if stamp is None:
        return np.zeros(len(group.ids), dtype=bool)
    key = ("segment", market, segment)
    both = (stamp, group.stamp)
    found = CACHE.get(key, both) if group.stamp is not None else None
    if found is not None:
        return found
    if members is None:
        members = segment_members(market, segment, session=session)
    mask = group.mask_of(np.sort(members))
    if group.stamp is not None:
        CACHE.put(key, both, mask)
    return mask


def category_names(market: str, *, session: Session) -> tuple[str, ...]:
    """The categories the market's creators are in, as they spell them (cached)."""
    return people(market, session=session).category_raw
