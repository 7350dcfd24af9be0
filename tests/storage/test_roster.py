"""The creators the write path reads: the same as the table says, once per `shared` block, and
never stale after creators are written inside it."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage import fetch, writer
from creatorbot.storage.models import Creator
from creatorbot.storage.roster import COLUMNS, creator_ids, creators, recheck, roster, shared
from tests.commands.conftest import creator_row

# Code-point order differs from a linguistic collation's (upper case, "_", ".").
HANDLES = {"MY": ["amir", "Bella", "_chen", "farah.k"], "IT": ["giulia", "Marco"]}


def write(session: Session, rows: list[dict[str, object]]) -> None:
    writer.write_creators(pd.DataFrame(rows), session=session)


@pytest.mark.parametrize("batch", [fetch.BATCH, 2], ids=["one-batch", "batches"])
def test_creators_are_the_tables(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(fetch, "BATCH", batch)  # creators' tiers and categories read in batches
    rows = [
        creator_row(handle, market, tier=f"Tier{n % 2}", category=f"cat{n % 3}")
        for market, handles in HANDLES.items()
        for n, handle in enumerate(handles)
    ]
    with sessions.begin() as session:
        write(session, rows)
    with sessions() as session, shared(session=session):
        found = creators(["MY", "IT", "ID"], session=session)
        table = session.execute(
            select(Creator.market, Creator.id, Creator.handle, Creator.tier, Creator.category)
        ).all()
    for market in ("MY", "IT", "ID"):
        wanted = sorted(tuple(row[1:]) for row in table if row[0] == market)
        got = found[market]
        assert list(got.columns) == COLUMNS
        assert sorted(zip(*(got[name].tolist() for name in COLUMNS), strict=True)) == wanted
    assert found["ID"].empty  # a market without creators


def test_a_shared_read_sees_creators_written_inside_it(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session, shared(session=session):
        write(session, [creator_row("amir")])
        markets, handles = pd.Series(["MY", "MY", "IT"]), pd.Series(["amir", "bella", "amir"])
        first = creator_ids(markets, handles, session=session)
        assert first[0] > 0 and list(first[1:]) == [-1, -1]
        write(session, [creator_row("bella"), creator_row("amir", "IT")])
        again = creator_ids(markets, handles, session=session)
        ids = dict(session.execute(select(Creator.market + ":" + Creator.handle, Creator.id)).all())
    assert list(again) == [ids["MY:amir"], ids["MY:bella"], ids["IT:amir"]]


def test_a_roster_read_before_the_lock_is_dropped_once_another_import_adds_creators(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        write(session, [creator_row("amir"), creator_row("giulia", "IT")])
    markets, handles = pd.Series(["MY", "MY", "IT"]), pd.Series(["amir", "bella", "giulia"])
    with sessions() as session, shared(session=session):
        before = creator_ids(markets, handles, session=session)
        assert list(before[1:2]) == [-1]
        with sessions.begin() as other:  # another import, between a prepare and its write
            write(other, [creator_row("bella")])
        recheck(session=session)
        after = creator_ids(markets, handles, session=session)
        ids = dict(session.execute(select(Creator.market + ":" + Creator.handle, Creator.id)).all())
    assert list(after) == [ids["MY:amir"], ids["MY:bella"], ids["IT:giulia"]]


def test_an_unchanged_roster_is_kept_through_recheck(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        write(session, [creator_row("amir")])
    with sessions() as session, shared(session=session):
        first = roster("MY", session=session)
        recheck(session=session)
        assert roster("MY", session=session) is first
