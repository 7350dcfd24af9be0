"""The market's state read in one statement tells what the separate reads tell: the stamps of
the stored segments' sixty days (across a month's end, on both backends), and the tiers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session, sessionmaker

from creatorbot.analytics.segments import HISTORY
from creatorbot.storage.demo import DemoSpec, build_world, write_world
from creatorbot.storage.queries.markets import market_tiers
from creatorbot.storage.ranking.state import market_state
from creatorbot.storage.segments.figures import days_digest
from creatorbot.storage.stamps import day_key, restamp

END = dt.date(2026, 11, 20)  # its sixty days start in September
MARKET = "MY"


def test_the_state_knows_when_a_day_of_the_segments_was_written_since(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        write_world(build_world(DemoSpec(creators=60, days=70, seed=3, end=END)), session=session)
    with sessions() as session:
        state = market_state(MARKET, session=session, tiers=True)
        assert state.run is not None and state.run.end_day == END
        assert state.run.days_now == days_digest(MARKET, END, session=session)
        assert state.run.current is True
        tiers = [(t.tier, t.rank, t.min_gmv_30d) for t in market_tiers(MARKET, session=session)]
        assert tiers and [(t.tier, t.rank, t.min_gmv_30d) for t in state.tiers or ()] == tiers
    oldest = END - dt.timedelta(days=HISTORY - 1)
    with sessions.begin() as session:  # a day just before the sixty: nothing they read
        restamp([day_key(MARKET, oldest - dt.timedelta(days=1))], session=session)
    with sessions() as session:
        run = market_state(MARKET, session=session).run
        assert run is not None and run.current is True
    with sessions.begin() as session:  # the first of the sixty days, corrected
        restamp([day_key(MARKET, oldest)], session=session)
    with sessions() as session:
        run = market_state(MARKET, session=session).run
        assert run is not None and run.current is False
        assert run.days_now == days_digest(MARKET, END, session=session)
