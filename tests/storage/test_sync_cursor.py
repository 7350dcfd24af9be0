"""A warehouse read on the driver's own cursor: what it refuses is said in one plain line, and
the chunks are those a database read through its SQLAlchemy dialect gives."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.sync import SyncFailed, sync_source
from creatorbot.storage.sync import cursor as sync_cursor
from creatorbot.storage.sync.stream import chunks
from tests.storage.test_sync import source_for
from tests.storage.test_sync import warehouse as warehouse  # noqa: F401  (the fixture)
from tests.storage.warehouse import DAY, creator_days, seed_creators


def test_a_query_the_warehouse_refuses_is_a_plain_error(
    sqlite_sessions: sessionmaker[Session], warehouse: object, tmp_path: Path
) -> None:
    rows = creator_days(3)
    seed_creators(sqlite_sessions, tmp_path, rows)
    url, table = warehouse(rows)  # type: ignore[operator]
    source = source_for(url, table)
    query = source.queries["daily_metrics"]
    broken = type(query)(query.sql.replace("new_followers", "followers_gained"), query.columns)
    source = type(source)(source.name, url, {"daily_metrics": broken}, markets=("MY",))

    with pytest.raises(SyncFailed) as failed, sqlite_sessions.begin() as session:
        sync_source(source, "daily_metrics", market="MY", day=DAY, session=session)

    said = str(failed.value)
    assert said.startswith("dwh-my daily_metrics: the warehouse could not be read")
    assert "followers_gained" in said and "\n" not in said


def test_the_chunks_are_those_of_a_read_through_the_dialect(
    warehouse: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = source_for(*warehouse(creator_days(7)), chunk_rows=3)  # type: ignore[operator]
    params = {"day": DAY, "market": "MY"}
    query = source.queries["daily_metrics"]
    direct = list(chunks(source, query, params, label="x"))
    monkeypatch.setattr(sync_cursor, "DIRECT", set())  # as any other database is read

    through = list(chunks(source, query, params, label="x"))

    assert [len(t.frame) for t in direct] == [3, 3, 1]
    assert [t.header for t in through] == [t.header for t in direct]
    for ours, theirs in zip(direct, through, strict=True):
        pd.testing.assert_frame_equal(ours.frame, theirs.frame)
