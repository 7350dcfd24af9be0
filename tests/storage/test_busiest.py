"""The busiest creators a form offers: the kept board's answer and the daily rows' answer are
the same list, the most 7-day GMV first, each equal to a sum over the world's own frame."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.demo import DemoSpec, build_world, write_world
from creatorbot.storage.models import Board
from creatorbot.storage.queries.boards import read_board
from creatorbot.storage.queries.busiest import busiest_creators

END = dt.date(2026, 11, 23)
SPEC = DemoSpec(creators=300, days=14, seed=5, end=END)


def test_the_board_and_the_daily_rows_give_the_busiest_in_the_same_order(
    sessions: sessionmaker[Session],
) -> None:
    world = build_world(SPEC)
    with sessions.begin() as session:
        write_world(world, session=session)
    daily = world.daily_metrics
    week = daily[daily["date"] > END - dt.timedelta(days=7)]
    sums = week.groupby(["market", "handle"])["gmv"].sum()
    expected = sorted(
        ((market, handle, int(v)) for (market, handle), v in sums.items()),
        key=lambda row: (-row[2], row[1], row[0]),
    )
    ends = {"MY": END, "IT": END}
    with sessions() as session:
        assert read_board("MY", "gmv", "7d", "all", END, session=session) is not None
        kept = [(c.market, c.handle, gmv) for c, gmv in busiest_creators(ends, 40, session=session)]
    with sessions.begin() as session:
        session.execute(delete(Board))  # no board: the daily rows are summed
    with sessions() as session:
        raw = [(c.market, c.handle, gmv) for c, gmv in busiest_creators(ends, 40, session=session)]
    assert kept == raw
    assert [gmv for _, _, gmv in kept] == [gmv for _, _, gmv in expected[:40]]
    assert {(m, h) for m, h, _ in kept} <= {(m, h) for m, h, _ in expected}
