"""An import keeps the anomaly verdict of each market's latest day current: after a new day or
a correction of a past one arrives, the stored verdict is valid for the day columns' stamps, and
the first `alerts` of any process reads it instead of making it — answering as a fresh scan."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.demo import DemoSpec, World, build_world, write_world
from creatorbot.storage.importers import import_file
from creatorbot.storage.queries import anomaly_scan
from creatorbot.storage.queries.anomaly_scan import HISTORY_DAYS, DayScan, scan_day
from creatorbot.storage.queries.anomaly_verdict import load, validity
from creatorbot.storage.queries.markets import all_markets, latest_day
from creatorbot.storage.queries.scan_stamps import span_stamp
from creatorbot.storage.ranking.cache import CACHE, Cache
from tests.storage.test_boards import daily_csv, day_rows

END = dt.date(2026, 11, 23)
SPEC = DemoSpec(creators=300, days=33, seed=5, end=END)


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(SPEC)


@pytest.fixture
def stored(world: World, sessions: sessionmaker[Session]) -> World:
    CACHE.clear()
    with sessions.begin() as session:
        write_world(world, session=session)
    return world


def current(sessions: sessionmaker[Session], market: str = "MY") -> bool:
    """Whether the database holds the verdict of the market's latest day, made from its day
    columns as they are now."""
    with sessions() as session:
        place = all_markets(session=session)[market]
        day = latest_day(market, session=session)
        assert day is not None
        span = span_stamp(market, day - dt.timedelta(days=HISTORY_DAYS), day, session=session)
        assert span is not None
        return load(market, day, validity(place.currency, span), session=session) is not None


def first_alerts(sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch) -> DayScan:
    """The first scan of MY's latest day in a process that has kept nothing: it must not read
    the day columns to make the verdict."""
    CACHE.clear()
    with monkeypatch.context() as patch:

        def refused(*args: object, **kwargs: object) -> object:
            raise AssertionError("the verdict was made by the reader")

        patch.setattr(anomaly_scan, "creator_matrix", refused)
        with sessions.begin() as session:
            day = latest_day("MY", session=session)
            assert day is not None
            return scan_day(all_markets(session=session)["MY"], day, session=session)


def fresh(sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch) -> DayScan:
    """The oracle: a scan made with no cache and no stored copy."""
    with monkeypatch.context() as patch:
        patch.setattr(anomaly_scan, "CACHE", Cache(0))
        patch.setattr(anomaly_scan, "load", lambda *args, **kwargs: None)
        patch.setattr(anomaly_scan, "save", lambda *args, **kwargs: None)
        with sessions.begin() as session:
            day = latest_day("MY", session=session)
            assert day is not None
            return scan_day(all_markets(session=session)["MY"], day, session=session)


def test_a_new_day_imported_has_its_verdict_stored(
    stored: World, sessions: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nxt = END + dt.timedelta(days=1)
    rows = [{**r, "date": nxt} for r in day_rows(stored, "MY", END).to_dict("records")]
    with sessions.begin() as session:
        import_file("daily_metrics", daily_csv(tmp_path / "next.csv", rows), session=session)
    assert current(sessions)
    assert first_alerts(sessions, monkeypatch) == fresh(sessions, monkeypatch)


def test_a_corrected_past_day_has_the_latest_verdict_remade(
    stored: World, sessions: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = fresh(sessions, monkeypatch)
    past = END - dt.timedelta(days=7)
    rows = day_rows(stored, "MY", past).sort_values(["gmv", "handle"]).tail(30)
    corrected = rows.assign(gmv=rows["gmv"] * 50, orders=rows["orders"] * 50)
    with sessions.begin() as session:
        import_file(
            "daily_metrics",
            daily_csv(tmp_path / "fix.csv", corrected.to_dict("records")),
            session=session,
        )
    assert current(sessions)
    after = first_alerts(sessions, monkeypatch)
    assert after == fresh(sessions, monkeypatch)
    assert after != before


def test_an_import_after_one_rolled_back_still_stores_the_verdict(
    stored: World, sessions: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nxt = END + dt.timedelta(days=1)
    rows = [{**r, "date": nxt} for r in day_rows(stored, "MY", END).to_dict("records")]
    path = daily_csv(tmp_path / "next.csv", rows)
    with pytest.raises(RuntimeError), sessions.begin() as session:
        import_file("daily_metrics", path, session=session)
        raise RuntimeError("the transaction fails after the upkeep (e.g. at commit)")
    with sessions() as session:
        assert latest_day("MY", session=session) == END  # nothing of it was kept
    with sessions.begin() as session:  # the same day again: the process holds its verdict
        import_file("daily_metrics", path, session=session)
    assert current(sessions)
    assert first_alerts(sessions, monkeypatch) == fresh(sessions, monkeypatch)
