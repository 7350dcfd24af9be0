"""Reading a precomputed board: its top rows with the creators' names, in two indexed reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.boards.scopes import TOP
from creatorbot.storage.models import Board, BoardRow, Creator

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ["rank", "creator_id", "handle", "display_name", "tier", "value", "previous_rank"]


@dataclass(frozen=True)
class BoardRead:
    """A stored board: its top rows as read (`COLUMNS`, best first; previous_rank None for new
    entries), how many creators it ranks in all and their total."""

    records: tuple[tuple[Any, ...], ...]
    ranked: int
    total: int

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The top rows as a frame (previous_rank missing for new entries). pandas is imported
        here: the stored leaderboard's answer reads `records`."""
        import pandas as pd

        rows = pd.DataFrame(list(self.records), columns=COLUMNS)
        rows = rows.astype({"rank": "int64", "creator_id": "int64", "value": "int64"})
        rows["previous_rank"] = rows["previous_rank"].astype("Int64")
        return rows


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
    records = tuple(tuple(row) for row in session.execute(query))
    if len(records) != min(head.ranked, TOP):
        return None  # rows went missing (their creators were deleted): not to be trusted
    return BoardRead(records, int(head.ranked), int(head.total))
