"""Warming the ranking cache: every market's creators are cached under their current stamp,
so the first leaderboard reads none; a failure is logged and skipped, never raised."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.analytics.windows import Window
from creatorbot.storage.daycolumns import read_named
from creatorbot.storage.demo import DemoSpec, build_world, write_world
from creatorbot.storage.models import Creator, Market
from creatorbot.storage.ranking import days as days_module
from creatorbot.storage.ranking.board import rank_window
from creatorbot.storage.ranking.cache import CACHE, DEFAULT_MB
from creatorbot.storage.ranking.people import people
from creatorbot.storage.ranking.warm import SHARE, start_warming, warm
from creatorbot.storage.stamps import people_stamp

SPEC = DemoSpec(creators=60, days=3, seed=11, end=dt.date(2026, 11, 23))


@pytest.fixture
def stored(sessions: sessionmaker[Session]) -> Iterator[sessionmaker[Session]]:
    with sessions.begin() as session:
        write_world(build_world(SPEC), session=session)
    CACHE.clear()
    yield sessions
    CACHE.resize(DEFAULT_MB << 20)
    CACHE.clear()


def cached_ids(sessions: sessionmaker[Session], market: str) -> np.ndarray | None:
    """The ids the cache holds for `market` under the database's stamp now, else None."""
    with sessions() as session:
        stamp = people_stamp(market, session=session)
    found = CACHE.get(("people", market), stamp)
    return None if found is None else found.ids


def creator_ids(sessions: sessionmaker[Session], market: str) -> list[int]:
    with sessions() as session:
        query = select(Creator.id).where(Creator.market == market).order_by(Creator.id)
        return list(session.scalars(query))


def test_every_market_is_cached_under_its_stamp(stored: sessionmaker[Session]) -> None:
    with stored() as session:
        markets = sorted(session.scalars(select(Market.code)))
    with_creators = [m for m in markets if creator_ids(stored, m)]
    assert len(with_creators) >= 2
    assert all(cached_ids(stored, m) is None for m in markets)
    assert warm(stored) == markets
    for market in with_creators:
        ids = cached_ids(stored, market)
        assert ids is not None and ids.tolist() == creator_ids(stored, market)


def test_the_thread_warms_and_can_be_joined(stored: sessionmaker[Session]) -> None:
    thread = start_warming(stored)
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert cached_ids(stored, "MY") is not None


def test_a_failing_market_is_logged_and_skipped(
    stored: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    calls = 0

    def flaky() -> Session:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("database gone for a moment")
        return stored()

    with caplog.at_level(logging.WARNING, logger="creatorbot.storage.ranking.warm"):
        assert warm(flaky, ["IT", "MY"]) == ["MY"]
    assert cached_ids(stored, "IT") is None and cached_ids(stored, "MY") is not None
    assert [r.message for r in caplog.records] == ["ranking warm-up failed"]


def test_no_markets_listed_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> Session:
        raise RuntimeError("no database")

    with caplog.at_level(logging.WARNING, logger="creatorbot.storage.ranking.warm"):
        assert warm(broken) == []
    assert len(caplog.records) == 1


def test_nothing_is_read_without_a_cache(stored: sessionmaker[Session]) -> None:
    CACHE.resize(0)

    def untouchable() -> Session:
        raise AssertionError("no session should be opened")

    assert warm(untouchable) == []


LONGER = DemoSpec(creators=60, days=20, seed=11, end=dt.date(2026, 11, 23))


@pytest.fixture
def weeks(sessions: sessionmaker[Session]) -> Iterator[sessionmaker[Session]]:
    """Twenty days of a small world: enough for a 7-day window and the one before."""
    with sessions.begin() as session:
        write_world(build_world(LONGER), session=session)
    CACHE.clear()
    yield sessions
    CACHE.resize(DEFAULT_MB << 20)
    CACHE.clear()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, list[dt.date]]]:
    """Every read of stored day columns: (market, column, the days asked for)."""
    seen: list[tuple[str, str, list[dt.date]]] = []

    def recording(market: str, name: str, days: Iterable[dt.date], *, session: Session) -> Any:
        wanted = sorted(days)
        seen.append((market, name, wanted))
        return read_named(market, name, wanted, session=session)

    monkeypatch.setattr(days_module, "read_named", recording)
    return seen


def test_the_first_leaderboard_after_warming_reads_no_day(
    weeks: sessionmaker[Session], reads: list[tuple[str, str, list[dt.date]]]
) -> None:
    warm(weeks)
    reads.clear()
    end = LONGER.end
    with weeks() as session:
        for window in (Window(end - dt.timedelta(days=6), end), Window(end, end)):
            ranked = rank_window("MY", "gmv", window, session=session, top=10)
            assert ranked is not None and ranked.ranked > 0
    assert [days for _market, _name, days in reads if days] == []


def test_the_days_read_ahead_stop_at_the_share_of_the_bound(
    weeks: sessionmaker[Session], reads: list[tuple[str, str, list[dt.date]]]
) -> None:
    warm(weeks)
    full = CACHE.held  # every market's creators and every day
    CACHE.clear()
    with weeks() as session:
        markets = sorted(session.scalars(select(Market.code)))
    for market in markets:  # the creators alone
        with weeks() as session:
            people(market, session=session)
    creators = CACHE.held
    CACHE.clear()
    reads.clear()
    bound = int((creators + (full - creators) // 3) / SHARE)  # about a third of the days
    CACHE.resize(bound)
    warm(weeks)
    assert creators < CACHE.held <= bound * SHARE + (full - creators) // 10
    read_days = [days[0] for market, name, days in reads if market == "MY" and name == "gmv"]
    newest_first = sorted(read_days, reverse=True)
    assert read_days == newest_first and read_days[0] == LONGER.end
    assert LONGER.end - dt.timedelta(days=LONGER.days - 1) not in read_days
