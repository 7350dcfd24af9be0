"""Each market's creators as the write path needs them (ids by handle, tiers, categories), read
once per import when the import `shares` them among validation, the writer and the boards."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from creatorbot.storage.fetch import fetch_all
from creatorbot.storage.models import Creator

CREATOR_ID = "creator_id"  # also what validation adds to rows whose creators it found
COLUMNS = [CREATOR_ID, "handle", "tier", "category"]
_SHARED = "creatorbot.rosters"  # session.info key of what a `shared` block has read
T = TypeVar("T")


class Roster:
    """One market's creators: their ids and handles, in the order of the (market, handle)
    index. Handles read that way mostly ascend, and looking up ascending handles takes pandas'
    quick path."""

    def __init__(self, ids: np.ndarray, handles: pd.Index) -> None:
        self.ids = ids
        self.handles = handles

    def ids_of(self, handles: pd.Series) -> np.ndarray:
        """The creator id of each handle; -1 where the market has no such creator."""
        ids = np.append(self.ids, -1)
        # As objects, like the roster's: text of another dtype (pandas' "string") would have
        # the roster's whole index converted and hashed again on every look-up.
        wanted = pd.Index(np.asarray(handles, dtype=object))
        return ids[self.handles.get_indexer(wanted)]  # -1 picks the -1 appended

    def handles_of(self, ids: pd.Index) -> np.ndarray:
        """The handle of each creator id; "" where the market has no such creator."""
        handles = np.append(self.handles.to_numpy(dtype=object), "")
        return handles[self._by_id.get_indexer(ids)]  # -1 picks the "" appended

    @cached_property
    def _by_id(self) -> pd.Index:
        return pd.Index(self.ids)


@dataclass
class _Read:
    """What a `shared` block has read so far."""

    rosters: dict[str, Roster] = field(default_factory=dict)
    details: dict[str, pd.DataFrame] = field(default_factory=dict)  # tiers and categories
    # What the write path stored inside the block, by its own keys: reused, not read back.
    written: dict[Any, Any] = field(default_factory=dict)
    kept: dict[str, Any] = field(default_factory=dict)  # what `once` read, by its key


@contextmanager
def shared(*, session: Session) -> Iterator[None]:
    """Inside the block each market's creators are read once, and kept until the block ends or
    creators are written (`forget`)."""
    owner = _SHARED not in session.info  # an inner block leaves the outer one's reads alone
    if owner:
        session.info[_SHARED] = _Read()
    try:
        yield
    finally:
        if owner:
            session.info.pop(_SHARED, None)


def sharing(*, session: Session) -> bool:
    """Whether a `shared` block is open: creators read now are read once for the block."""
    return _SHARED in session.info


def forget(*, session: Session) -> None:
    """Creators were written: what a `shared` block read no longer describes them."""
    if _SHARED in session.info:
        session.info[_SHARED] = _Read()


def recheck(*, session: Session) -> None:
    """Keep what a `shared` block read only while it still holds: once the import lock is
    taken, a market's roster read before it is dropped when creators were added since (the
    product never deletes a creator nor changes a handle, so an unchanged count is an unchanged
    roster); tiers and categories, which a creators file may change, are read again."""
    read = session.info.get(_SHARED)
    if read is None:
        return
    read.details = {}
    for market, kept in list(read.rosters.items()):
        query = select(func.count()).select_from(Creator).where(Creator.market == market)
        if session.scalar(query) != len(kept.ids):
            del read.rosters[market]


def once(key: str, read: Callable[[], T], *, session: Session) -> T:
    """`read()`, kept to the end of a `shared` block under `key` (read each time outside one):
    for what no import changes, such as the markets and their time zones. A block's checks then
    leave the connection alone, for a write still finishing on it (`storage.behind`)."""
    found = session.info.get(_SHARED)
    if found is None:
        return read()
    if key not in found.kept:
        found.kept[key] = read()
    kept: T = found.kept[key]
    return kept


def written(*, session: Session) -> dict[Any, Any] | None:
    """Where the write path keeps what it stored inside a `shared` block, for later steps of
    the same write to reuse instead of reading it back; None outside a block."""
    read = session.info.get(_SHARED)
    return read.written if read is not None else None


def roster(market: str, *, session: Session) -> Roster:
    """The market's creators (none for a market without creators)."""
    read = session.info.get(_SHARED)
    if read is None:
        return _roster(market, session=session)
    if market not in read.rosters:
        read.rosters[market] = _roster(market, session=session)
    return read.rosters[market]


def creator_ids(markets: pd.Series, handles: pd.Series, *, session: Session) -> np.ndarray:
    """The creator id of each row's (market, handle); -1 where there is no such creator (or no
    market)."""
    ids = np.full(len(handles), -1, dtype=np.int64)
    codes, names = pd.factorize(markets)
    for code, market in enumerate(names):
        mine = codes == code
        ids[mine] = roster(market, session=session).ids_of(handles[mine])
    return ids


def creators(markets: Iterable[str], *, session: Session) -> dict[str, pd.DataFrame]:
    """Every creator of each market with COLUMNS: the boards' scopes are tiers and categories."""
    read = session.info.get(_SHARED)
    found = {}
    for market in markets:
        if read is None:
            details = _details(market, session=session)
        else:
            if market not in read.details:
                read.details[market] = _details(market, session=session)
            details = read.details[market]
        found[market] = _joined(roster(market, session=session), details)
    return found


def _roster(market: str, *, session: Session) -> Roster:
    # Served by the (market, handle) index alone: no table row is read.
    query = select(Creator.handle, Creator.id).where(Creator.market == market)
    rows = np.array(fetch_all(query, session=session), dtype=object).reshape(-1, 2)
    return Roster(rows[:, 1].astype(np.int64), pd.Index(rows[:, 0]))


def _details(market: str, *, session: Session) -> pd.DataFrame:
    """Every creator's tier and category in `market` (categorical: a few names, each held
    once), by id; read as the ids of each (tier, category), a few dozen rows of text, from the
    (market, tier, category, id) index alone: a million rows of three values each, or a pass
    over the whole table, cost the database and the driver several times more."""
    if session.get_bind().dialect.name == "postgresql":
        ids = func.string_agg(cast(Creator.id, Text), ",")
    else:
        ids = func.group_concat(Creator.id)
    query = (
        select(Creator.tier, Creator.category, ids)
        .where(Creator.market == market)
        .group_by(Creator.tier, Creator.category)
    )
    groups = [
        (tier, category, np.array(text.split(","), dtype=np.int64))
        for tier, category, text in session.execute(query)
    ]
    tiers = sorted({tier for tier, _, _ in groups})
    categories = sorted({category for _, category, _ in groups})
    sizes = [len(members) for _, _, members in groups]
    tier_codes = np.repeat(np.array([tiers.index(t) for t, _, _ in groups], dtype=np.int64), sizes)
    category_codes = np.repeat(
        np.array([categories.index(c) for _, c, _ in groups], dtype=np.int64), sizes
    )
    return pd.DataFrame(
        {
            "tier": pd.Categorical.from_codes(tier_codes, dtype=pd.CategoricalDtype(tiers)),
            "category": pd.Categorical.from_codes(
                category_codes, dtype=pd.CategoricalDtype(categories)
            ),
        },
        index=pd.Index(
            np.concatenate([members for _, _, members in groups])
            if groups
            else np.empty(0, dtype=np.int64)
        ),
    )


def _joined(roster: Roster, details: pd.DataFrame) -> pd.DataFrame:
    at = details.index.get_indexer(pd.Index(roster.ids))
    known = at >= 0  # a creator deleted between the two reads has no details
    return pd.DataFrame(
        {
            "creator_id": roster.ids[known],
            "handle": roster.handles[known],
            "tier": details["tier"].array.take(at[known]),
            "category": details["category"].array.take(at[known]),
        },
        columns=COLUMNS,
    )
