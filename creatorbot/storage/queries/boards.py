"""Reading a precomputed board: its top rows with the creators' names, in two indexed reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.boards.compute import TOP
from creatorbot.storage.models import Board, BoardRow, Creator

COLUMNS = ["rank", "creator_id", "handle", "display_name", "tier", "value", "previous_rank"]


@dataclass(frozen=True)
class BoardRead:
    """A stored board: its top rows (`COLUMNS`, best first; previous_rank missing for new
    entries), how many creators it ranks in all and their total."""

    rows: pd.DataFrame
    ranked: int
    total: int


def read_board(
    market: str, metric: str, period: str, scope: str, end: dt.date, *, session: Session
) -> BoardRead | None:
    """The board for the window of `period` ending on `end`, or None when there is none for
    that day (missing, or computed for another latest day: a reader then ranks the raw rows)."""
    head = session.execute(
        select(Board.end_day, Board.ranked, Board.total).where(
            Board.market == market,
            Board.metric == metric,
            Board.period == period,
            Board.scope == scope,
        )
    ).first()
    if head is None or head.end_day != end:
        return None
    query = (
        select(
            BoardRow.rank,
            BoardRow.creator_id,
            Creator.handle,
            Creator.display_name,
            Creator.tier,
            BoardRow.value,
            BoardRow.previous_rank,
        )
        .join(Creator, Creator.id == BoardRow.creator_id)
        .where(
            BoardRow.market == market,
            BoardRow.metric == metric,
            BoardRow.period == period,
            BoardRow.scope == scope,
        )
        .order_by(BoardRow.rank)
    )
    rows = pd.DataFrame([tuple(row) for row in session.execute(query)], columns=COLUMNS)
    if len(rows) != min(head.ranked, TOP):
        return None  # rows went missing (their creators were deleted): not to be trusted
    rows = rows.astype({"rank": "int64", "creator_id": "int64", "value": "int64"})
    rows["previous_rank"] = rows["previous_rank"].astype("Int64")
    return BoardRead(rows, int(head.ranked), int(head.total))
