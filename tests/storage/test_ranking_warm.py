"""Warming the ranking cache: every market's creators are cached under their current stamp,
so the first leaderboard reads none; a failure is logged and skipped, never raised."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.demo import DemoSpec, build_world, write_world
from creatorbot.storage.models import Creator, Market
from creatorbot.storage.ranking.cache import CACHE, DEFAULT_MB
from creatorbot.storage.ranking.warm import start_warming, warm
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
