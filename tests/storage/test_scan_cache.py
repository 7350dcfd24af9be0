"""The anomaly scan kept between questions (in the process, and in the database for other
processes) answers as a fresh scan does — one made with no cache and no stored copy — on both
backends, after a past day is corrected, an enrolment is added and a slot's traffic changes;
the change is seen through the stamps in the database, not through anything the writer did in
this process; another process reads the stored copy instead of the day columns."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage import writer
from creatorbot.storage.demo import DemoSpec, World, build_world, write_world
from creatorbot.storage.queries import anomaly_scan
from creatorbot.storage.queries.anomaly_scan import HISTORY_DAYS, DayScan, scan_day
from creatorbot.storage.queries.markets import all_markets
from creatorbot.storage.queries.scan_stamps import span_stamp
from creatorbot.storage.ranking.cache import CACHE, Cache

END = dt.date(2026, 11, 23)
SPEC = DemoSpec(creators=400, days=35, seed=3, end=END)


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(SPEC)


@pytest.fixture
def stored(world: World, sessions: sessionmaker[Session]) -> World:
    CACHE.clear()
    with sessions.begin() as session:
        write_world(world, session=session)
    return world


def asked(sessions: sessionmaker[Session]) -> DayScan:
    """The scan as a question gets it (committed, as the router does): through the cache."""
    with sessions.begin() as session:
        return scan_day(all_markets(session=session)["MY"], END, session=session)


def fresh(sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch) -> DayScan:
    """The oracle: the scan made with a cache that keeps nothing and no stored copy."""
    with monkeypatch.context() as patch:
        patch.setattr(anomaly_scan, "CACHE", Cache(0))
        patch.setattr(anomaly_scan, "load", lambda *args, **kwargs: None)
        patch.setattr(anomaly_scan, "save", lambda *args, **kwargs: None)
        return asked(sessions)


def stamps(sessions: sessionmaker[Session]) -> object:
    """The stamps of the days MY's scan of END reads, as the database holds them now."""
    with sessions() as session:
        return span_stamp("MY", END - dt.timedelta(days=HISTORY_DAYS), END, session=session)


def kept(sessions: sessionmaker[Session], stamp: object = None) -> object:
    """The verdict the process keeps for MY's END under `stamp` (default: the stamps now)."""
    key = ("anomaly verdict", "MY", "MYR", END)
    return CACHE.get(key, stamp if stamp is not None else stamps(sessions))


def test_a_kept_scan_answers_as_a_fresh_one_after_each_change(
    stored: World, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = asked(sessions)
    before = stamps(sessions)
    assert (
        before is not None and kept(sessions) is not None
    )  # the next question is served from the cache
    assert asked(sessions) == first == fresh(sessions, monkeypatch)
    assert first.findings  # the world has anomalies to compare

    # A past day corrected: the leaders of a day in the baseline sold far more.
    past = END - dt.timedelta(days=7)
    daily = stored.daily_metrics
    rows = daily[(daily["market"] == "MY") & (daily["date"] == past)]
    top = rows.sort_values(["gmv", "handle"]).tail(40)
    with sessions.begin() as session:
        writer.write_daily_metrics(
            top.assign(gmv=top["gmv"] * 50, orders=top["orders"] * 50), session=session
        )
    # The writer left this process's cache alone, as a writer in another process would: the
    # verdict is still held, under the old stamps, and the new stamps in the database miss it.
    assert kept(sessions, before) is not None
    assert kept(sessions) is None
    corrected = asked(sessions)
    assert corrected == fresh(sessions, monkeypatch)
    assert corrected != first

    # A creator enrolled in a running campaign, and a slot's traffic on the day changed.
    campaigns = stored.campaigns
    running = campaigns[
        (campaigns["market"] == "MY")
        & (pd.to_datetime(campaigns["starts_on"]).dt.date <= END)
        & (pd.to_datetime(campaigns["ends_on"]).dt.date >= END)
    ]
    assert len(running)
    enrolled = set(
        stored.enrollments["handle"][stored.enrollments["campaign"] == running.iloc[0]["slug"]]
    )
    newcomer = top[~top["handle"].isin(enrolled)].iloc[-1]["handle"]
    slots = stored.slot_metrics
    latest_slots = slots[(slots["market"] == "MY") & (pd.to_datetime(slots["date"]).dt.date == END)]
    assert len(latest_slots)
    with sessions.begin() as session:
        writer.write_enrollments(
            pd.DataFrame(
                {"campaign": [running.iloc[0]["slug"]], "handle": [newcomer], "enrolled_on": [past]}
            ),
            session=session,
        )
        slot = latest_slots.head(1)
        writer.write_slot_metrics(slot.assign(clicks=slot["impressions"] // 2), session=session)
    changed = asked(sessions)
    assert changed == fresh(sessions, monkeypatch)
    assert changed != corrected


def test_another_process_reads_the_stored_copy_until_a_day_changes(
    stored: World, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = asked(sessions)
    CACHE.clear()  # another process: nothing kept in memory
    read: list[str] = []
    reading = anomaly_scan.creator_matrix

    def counted(*args: object, **kwargs: object) -> object:
        read.append("columns")
        return reading(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(anomaly_scan, "creator_matrix", counted)
    assert asked(sessions) == first
    assert read == []  # the stored verdict, not the day columns
    past = END - dt.timedelta(days=3)
    daily = stored.daily_metrics
    rows = daily[(daily["market"] == "MY") & (daily["date"] == past)].head(30)
    with sessions.begin() as session:
        writer.write_daily_metrics(rows.assign(gmv=rows["gmv"] * 40 + 10**7), session=session)
    CACHE.clear()
    again = asked(sessions)
    assert read == ["columns"]  # the stored copy no longer matches the day's stamp
    assert again == fresh(sessions, monkeypatch)
    assert again != first
