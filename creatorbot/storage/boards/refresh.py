"""`refresh_boards`: recompute a market's boards from its raw daily metrics and store them."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from creatorbot.storage.advisory import xact_lock
from creatorbot.storage.boards.compute import (
    ROW_COLUMNS,
    Boards,
    Summed,
    handle_tiebreak,
    rank_boards,
)
from creatorbot.storage.boards.spans import Spans
from creatorbot.storage.models import Board, BoardRow
from creatorbot.storage.queries.markets import latest_day
from creatorbot.storage.queries.metrics import RANKABLE
from creatorbot.storage.roster import creators
from creatorbot.storage.upsert import insert_frame, table_of

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Kept:
    """What a market's refresh kept for the upkeep after it: the window totals asked for (see
    `rank_boards`), per creator of `ids` (ascending), and the rows its latest day has in the
    day columns."""

    ids: np.ndarray
    totals: dict[Summed, np.ndarray]
    rows_on_end: int


Then = Callable[[str, Kept | None], None]


def refresh_boards(
    markets: Iterable[str],
    *,
    session: Session,
    progress: Progress | None = None,
    keep: Collection[Summed] = (),
    then: Then | None = None,
) -> None:
    """Recompute each market's boards from its daily metrics up to its latest day and store
    them where they changed (a market without any loses its boards). Runs in the caller's
    transaction, never commits; `progress(n)` is told as a market's n board rows are written.
    `then(market, kept)` is called as each market is ranked, with the totals `keep` asks for
    (None for a market without data): one market's are held at a time."""
    wanted = sorted(set(markets))
    people = creators(wanted, session=session)
    for market in wanted:
        started = time.perf_counter()
        _lock(market, session=session)
        end = latest_day(market, session=session)
        if end is None:
            _delete(market, session=session)
            if then is not None:
                then(market, None)
            continue
        mine, later = _in_id_order(people[market])
        spans = Spans(market, end, mine["creator_id"].to_numpy(), session=session)
        boards = rank_boards(mine, spans, end, RANKABLE, keep=keep, later=later)
        rows_on_end = spans.rows_on(end)
        del spans  # where each day's rows go: let go before `then` makes what it makes
        if then is not None:
            ids = mine["creator_id"].to_numpy(dtype=np.int64)
            then(market, Kept(ids, boards.totals, rows_on_end))
        boards.totals.clear()  # let go before the next market is ranked
        if _stored(market, session=session) == _content(end, boards):
            continue  # re-importing the same rows leaves the database exactly as it was
        _delete(market, session=session)
        _store(market, end, boards, session=session)
        if progress:
            progress(len(boards.rows))
        logger.info(
            "boards refreshed",
            extra={
                "market": market,
                "end": end.isoformat(),
                "boards": len(boards.boards),
                "rows": len(boards.rows),
                "seconds": round(time.perf_counter() - started, 3),
            },
        )


def _in_id_order(people: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The creators by ascending id, as day columns hold them: their spans are then summed
    where they lie, with no reordering of every metric's sums (the ranking does not depend on
    the order of the rows); and each one's `handle_tiebreak`, found before the reordering:
    SQLite reads creators in the order of their handles' index, where it takes no sort."""
    later = handle_tiebreak(people["handle"])
    ids = people["creator_id"].to_numpy()
    if bool((ids[1:] > ids[:-1]).all()):
        return people, later
    order = np.argsort(ids, kind="stable")
    return people.iloc[order], later[order]


def _lock(market: str, *, session: Session) -> None:
    # Two imports refreshing one market at once would both delete, then clash on insert.
    xact_lock(f"boards:{market}", session=session)


def _delete(market: str, *, session: Session) -> None:
    for model in (BoardRow, Board):
        session.execute(delete(model).where(model.market == market))


# A market's boards and board rows as sets of plain tuples, for comparing stored with computed.
Content = tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]
HEAD_COLUMNS = ["metric", "period", "scope", "end_day", "ranked", "total"]


def _stored(market: str, *, session: Session) -> Content:
    boards, rows = table_of(Board), table_of(BoardRow)
    heads = select(*(boards.c[name] for name in HEAD_COLUMNS)).where(boards.c.market == market)
    body = select(*(rows.c[name] for name in ROW_COLUMNS)).where(rows.c.market == market)
    connection = session.connection()
    return (
        {tuple(row) for row in connection.execute(heads)},
        {tuple(row) for row in connection.execute(body)},
    )


def _content(end: dt.date, boards: Boards) -> Content:
    heads = boards.boards.assign(end_day=end)[HEAD_COLUMNS]
    return set(_plain(heads)), set(_plain(boards.rows[ROW_COLUMNS]))


def _store(market: str, end: dt.date, boards: Boards, *, session: Session) -> None:
    _insert(table_of(Board), boards.boards.assign(market=market, end_day=end), session=session)
    _insert(table_of(BoardRow), boards.rows.assign(market=market), session=session)


def _insert(table: Table, frame: pd.DataFrame, *, session: Session) -> None:
    insert_frame(table, frame, [str(name) for name in frame.columns], session=session)


def _plain(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """Rows as tuples of plain Python values (None for missing), converted column by column."""
    columns = [
        [None if pd.isna(v) else v for v in frame[name].tolist()]
        if frame[name].hasnans
        else frame[name].tolist()
        for name in frame.columns
    ]
    return list(zip(*columns, strict=True))
