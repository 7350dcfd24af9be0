"""`daily_changes`: what a write of daily metrics changes, per creator and day, new − stored."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage import writer
from creatorbot.storage.changes import daily_changes
from creatorbot.storage.models import Creator
from creatorbot.storage.queries.metrics import RANKABLE
from tests.commands.conftest import creator_row, metric_row

DAY = dt.date(2026, 11, 20)


def rows_of(session: Session, metrics: list[dict[str, object]]) -> pd.DataFrame:
    """The rows as the writer hands them over: with creator ids."""
    frame = pd.DataFrame(metrics)
    ids = dict(session.execute(select(Creator.handle, Creator.id)).all())
    return frame.assign(creator_id=frame["handle"].map(ids))


def test_changes_are_new_minus_stored(sessions: sessionmaker[Session]) -> None:
    handles = ["amir", "bella", "chen"]
    first = [metric_row(DAY, h, 10_000) for h in handles]
    with sessions.begin() as session:
        writer.write_creators(pd.DataFrame([creator_row(h) for h in handles]), session=session)
        new = daily_changes(rows_of(session, first), session=session)
        assert sorted(new["gmv"].tolist()) == [10_000] * 3  # nothing stored yet: all of it
        writer.write_daily_metrics(pd.DataFrame(first), session=session)
    with sessions.begin() as session:
        same = daily_changes(rows_of(session, first), session=session)
        assert same.empty  # identical rows change nothing
        corrected = [
            metric_row(DAY, "amir", 12_000),  # +2,000
            metric_row(DAY, "bella", 10_000, video_views=150),  # views only
            metric_row(DAY + dt.timedelta(days=1), "chen", 500),  # a new day
        ]
        changes = daily_changes(rows_of(session, corrected), session=session)
    ids = dict(zip(changes["creator_id"], changes.to_dict("records"), strict=True))
    with sessions() as session:
        by_handle = {
            h: ids.get(session.scalar(select(Creator.id).where(Creator.handle == h)))
            for h in handles
        }
    assert list(changes.columns) == ["creator_id", "date", "market", *RANKABLE]
    assert by_handle["amir"] is not None and by_handle["amir"]["gmv"] == 2_000
    assert by_handle["amir"]["orders"] == 12_000 // 5000 - 10_000 // 5000
    assert by_handle["bella"] is not None and by_handle["bella"]["video_views"] == 50
    assert by_handle["bella"]["gmv"] == 0
    assert by_handle["chen"] is not None and by_handle["chen"]["gmv"] == 500
    assert by_handle["chen"]["date"] == pd.Timestamp(DAY + dt.timedelta(days=1))
