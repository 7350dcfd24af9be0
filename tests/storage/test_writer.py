"""The write path's upsert, large enough to take PostgreSQL's COPY route: inserts, then
updates in place, never doubles."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage import upsert, writer
from creatorbot.storage.models import Creator, DailyMetric
from tests.commands.conftest import creator_row, metric_row

N = 3_000  # above upsert.COPY_FROM
DAY = dt.date(2026, 11, 23)


def test_a_large_upsert_inserts_then_updates(sessions: sessionmaker[Session]) -> None:
    assert N >= upsert.COPY_FROM
    creators = pd.DataFrame([creator_row(f"c{n:05d}", followers=n) for n in range(N)])
    metrics = pd.DataFrame([metric_row(DAY, f"c{n:05d}", n * 100) for n in range(N)])
    with sessions.begin() as session:
        writer.write_creators(creators, session=session)
        writer.write_daily_metrics(metrics, session=session)
    changed = metrics.assign(gmv=metrics["gmv"] + 1)
    seen: list[int] = []
    with sessions.begin() as session:
        writer.write_creators(creators.assign(tier="platinum"), session=session)
        writer.write_daily_metrics(changed, session=session, progress=seen.append)
    assert sum(seen) == N
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Creator)) == N
        assert session.scalar(select(func.count()).select_from(DailyMetric)) == N
        assert session.scalar(select(func.sum(DailyMetric.gmv))) == sum(
            n * 100 + 1 for n in range(N)
        )
        tiers = set(session.scalars(select(Creator.tier).distinct()))
        assert tiers == {"platinum"}
        assert session.scalar(select(Creator.followers).where(Creator.handle == "c02999")) == 2999
