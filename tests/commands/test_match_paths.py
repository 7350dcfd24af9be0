"""`match` gives the same answer whichever way its figures are read: from the kept match pools,
from the day columns, or by summing the daily table (the reference), on generated worlds and
after a past day is corrected."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands import match
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.registry import commands
from creatorbot.commands.reply import Reply
from creatorbot.commands.router import Router
from creatorbot.storage.demo import DemoSpec, build_world, write_world
from creatorbot.storage.importers import import_file
from creatorbot.storage.matchpools import pool_categories, windows
from creatorbot.storage.models import Creator, DailyMetric, MatchPool
from creatorbot.storage.queries.markets import categories, latest_day
from creatorbot.storage.queries.match_sums import SUMS, match_sums
from creatorbot.storage.queries.matching import match_candidates
from creatorbot.storage.writer import CREATOR_COLUMNS, DAILY_COLUMNS
from tests.commands.conftest import NOW

END = NOW.date() - dt.timedelta(days=1)
ASKED = ("top 1", "top 3", "top 10 export")


def world(sessions: sessionmaker[Session], seed: int) -> None:
    with sessions.begin() as session:
        write_world(
            build_world(DemoSpec(creators=300, days=70, seed=seed, end=END)), session=session
        )


def router(sessions: sessionmaker[Session]) -> Router:
    # Many questions in a row: the per-user limit would answer most of them.
    services = Services(sessions=sessions, clock=lambda: NOW, charts=False, rate_limit_per_minute=0)
    return Router(commands(), services)


def questions(sessions: sessionmaker[Session]) -> list[str]:
    """Every category of every market, and the same kept to each market's busiest CM."""
    with sessions() as session:
        pairs = session.execute(select(Creator.market, Creator.category).distinct()).all()
        busiest = dict(
            session.execute(
                select(Creator.market, Creator.cm)
                .group_by(Creator.market, Creator.cm)
                .order_by(func.count().desc(), Creator.cm)
            ).all()[::-1]
        )
    asked = [f"match {c} {m} {extra}" for m, c in sorted(pairs) for extra in ASKED]
    owned = [f"match {c} {m} 'cm:{busiest[m]}' top 10" for m, c in sorted(pairs)]
    return asked + owned


def answers(sessions: sessionmaker[Session], texts: list[str]) -> dict[str, Reply]:
    bot = router(sessions)
    return {text: bot.handle(CommandRequest(text=text)) for text in texts}


def reference(
    sessions: sessionmaker[Session], texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> dict[str, Reply]:
    """The answers with every figure summed from the daily table, and the categories read
    from the creators."""
    with monkeypatch.context() as patched:
        patched.setattr(match, "match_sums", lambda *args, **kwargs: None)
        patched.setattr(
            match,
            "known_categories",
            lambda market, end, session: categories(market, session=session),
        )
        return answers(sessions, texts)


def sums_agree(sessions: sessionmaker[Session]) -> None:
    """For each market and category, the quick figures are the reference's candidates."""
    with sessions() as session:
        for market in ("IT", "MY"):
            end = latest_day(market, session=session)
            assert end is not None
            (start, _), (prev_start, prev_end) = windows(end)
            names = session.scalars(
                select(Creator.category).where(Creator.market == market).distinct()
            ).all()
            for category in names:
                args = (market, category, start, end, prev_start, prev_end, end)
                quick = match_sums(*args, session=session)
                assert quick is not None
                slow = match_candidates(*args, session=session)
                expected = slow[slow["gmv_30d"] > 0][SUMS].sort_values("creator_id")
                pd.testing.assert_frame_equal(
                    quick.reset_index(drop=True), expected.reset_index(drop=True)
                )


@pytest.mark.parametrize("seed", [3, 11])
def test_every_path_gives_the_reference_answer(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    world(sessions, seed)
    texts = questions(sessions)
    with sessions() as session:
        assert pool_categories("MY", END, session=session) is not None  # the pools are kept
    expected = reference(sessions, texts, monkeypatch)
    assert all(reply.ok for reply in expected.values())
    assert answers(sessions, texts) == expected
    sums_agree(sessions)
    with sessions.begin() as session:
        session.execute(delete(MatchPool))  # now summed from the day columns
    assert answers(sessions, texts) == expected
    sums_agree(sessions)


def test_a_corrected_past_day_is_in_the_answer(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    world(sessions, 5)
    texts = questions(sessions)
    before = answers(sessions, texts)
    corrected = END - dt.timedelta(days=12)
    with sessions() as session:
        rows = session.execute(
            select(Creator.market, Creator.handle, DailyMetric.gmv)
            .join(DailyMetric, DailyMetric.creator_id == Creator.id)
            .where(DailyMetric.date == corrected)
            .order_by(Creator.id)
        ).all()
    path = tmp_path / "correction.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(DAILY_COLUMNS)
        for n, (market, handle, gmv) in enumerate(rows):
            big = gmv * (7 if n % 3 == 0 else 1) + 123_456 * (n % 5)  # minor units
            writer.writerow(
                [corrected.isoformat(), market, handle, f"{big / 100:.2f}", n % 4, n % 4]
                + ["0.00", "0.00", 0, 0, 0, 1000 + n, 0]
            )
    with sessions.begin() as session:
        import_file("daily_metrics", path, session=session)
    with sessions() as session:  # made again by the import, from the boards' window totals
        assert pool_categories("MY", END, session=session) is not None
    after = answers(sessions, texts)
    assert after != before  # the correction moved someone
    assert after == reference(sessions, texts, monkeypatch)
    sums_agree(sessions)


def test_a_category_spelled_two_ways_is_one_category(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    world(sessions, 7)
    with sessions() as session:
        people = session.execute(
            select(Creator).where(Creator.market == "MY", Creator.category == "beauty")
        ).scalars()
        moved = [
            (c.handle, c.display_name, c.market, c.tier, "Beauty", c.followers, c.joined_on)
            for n, c in enumerate(people)
            if n % 2
        ]
    assert moved
    path = tmp_path / "creators.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CREATOR_COLUMNS)
        for handle, name, market, tier, category, followers, joined in moved:
            row = {"handle": handle, "display_name": name, "market": market, "tier": tier}
            row |= {"category": category, "followers": followers, "joined_on": joined}
            writer.writerow([row.get(column, "") for column in CREATOR_COLUMNS])
    with sessions.begin() as session:
        import_file("creators", path, session=session)
        assert pool_categories("MY", END, session=session) is not None
    texts = [f"match {spelling} MY {extra}" for spelling in ("beauty", "BEAUTY") for extra in ASKED]
    expected = reference(sessions, texts, monkeypatch)
    assert answers(sessions, texts) == expected
    sums_agree(sessions)
