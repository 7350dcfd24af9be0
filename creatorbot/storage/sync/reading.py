"""How a sync reads its warehouse: for a market of many creators, in a process of its own
(`apart`), whose start (about a second) the reading of a large day repays many times; for a
small one, on a thread (`ahead`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.storage.importers.kinds import BY_NAME
from creatorbot.storage.importers.read import Table
from creatorbot.storage.models import Creator
from creatorbot.storage.sync.ahead import read_ahead
from creatorbot.storage.sync.apart import read_apart
from creatorbot.storage.sync.sources import Source
from creatorbot.storage.sync.stream import chunks
from creatorbot.storage.sync.typed import typed_chunks

APART_FROM = 100_000  # creators in the market: from two chunks of a day's rows


def reading(
    source: Source,
    kind: str,
    params: Mapping[str, Any],
    *,
    label: str,
    units: Mapping[str, int],
    session: Session,
) -> AbstractContextManager[Iterator[Table]]:
    """The chunks of `kind` from `source` for `params["market"]`, typed where plain, read one
    ahead of their consumer by a process or a thread."""
    query = source.queries[kind]
    if _creators(str(params["market"]), session=session) >= APART_FROM:
        return read_apart(source, query, params, label=label, kind=kind, units=units)
    read = chunks(source, query, params, label=label)
    return read_ahead(typed_chunks(BY_NAME[kind], read, units))


def _creators(market: str, *, session: Session) -> int:
    # Counted from the (market, handle) index alone.
    count = select(func.count()).select_from(Creator).where(Creator.market == market)
    return int(session.scalar(count) or 0)
