"""The App Home portfolio: every owned creator with its 7-day GMV and rank, even far down."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.portfolio import Owner, portfolio
from creatorbot.commands.registry import commands
from creatorbot.commands.reply import Table
from creatorbot.commands.router import Router
from creatorbot.storage.boards import refresh_boards
from tests.commands.conftest import creator_row, metric_row, seed

END = dt.date(2026, 11, 23)


def test_a_creator_beyond_the_top_fifty_keeps_its_rank(sessions: sessionmaker[Session]) -> None:
    handles = [f"c{n:02d}" for n in range(60)]
    creators = [
        creator_row(h, cm="farah@example.com" if h == "c54" else "Someone") for h in handles
    ]
    metrics = [metric_row(END, h, 100_000 - n * 1_000) for n, h in enumerate(handles)]
    seed(sessions, creators, metrics)
    with sessions.begin() as session:
        refresh_boards(["MY"], session=session)  # so the leaderboard itself is served by boards
    router = Router(commands(), Services(sessions=sessions))
    request = CommandRequest(text="home", user="U1")
    reply = router.run(request, lambda call: portfolio(Owner(email="farah@example.com"), call))
    table = next(b for b in reply.blocks if isinstance(b, Table))
    # c54 sold RM460.00 and is 55th of 60 by 7-day GMV (a new entry: nothing the week before)
    assert table.rows == (("C54 (@c54)", "RM460.00", "#55 new", "0"),)
