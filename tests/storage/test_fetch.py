"""Bulk reads of integer columns give exactly the values stored, whatever their width."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.fetch import fetch_all, fetch_integers
from creatorbot.storage.models import Tier
from creatorbot.storage.upsert import table_of, upsert_frame


def tiers(count: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "market": ["MY"] * count,
            "tier": [f"t{n:04d}" for n in range(count)],
            "rank": [(-1) ** n * n for n in range(count)],  # a small integer, signed
            "min_gmv_30d": [n * 3_000_000_007 - 2**62 for n in range(count)],  # a big one
        }
    )


def test_integers_read_back_exactly(sessions: sessionmaker[Session]) -> None:
    frame = tiers(3_000)
    with sessions.begin() as session:
        upsert_frame(
            table_of(Tier), frame, tuple(frame.columns), ("market", "tier"), session=session
        )
    query = select(Tier.rank, Tier.min_gmv_30d, func.length(Tier.tier)).order_by(Tier.tier)
    with sessions() as session:
        read = fetch_integers(query, session=session)
        plain = fetch_all(query, session=session)
    assert read.tolist() == [list(row) for row in plain]
    assert read[:, 0].tolist() == frame["rank"].tolist()
    assert read[:, 1].tolist() == frame["min_gmv_30d"].tolist()
    with sessions() as session:
        assert fetch_integers(query.where(Tier.rank > 10**6), session=session).shape == (0, 3)


def test_a_null_is_refused_not_misread(sessions: sessionmaker[Session]) -> None:
    frame = tiers(3)
    with sessions.begin() as session:
        upsert_frame(
            table_of(Tier), frame, tuple(frame.columns), ("market", "tier"), session=session
        )
    query = select(Tier.rank, func.nullif(Tier.rank, 0)).order_by(Tier.tier)
    with sessions() as session, pytest.raises((ValueError, TypeError)):
        fetch_integers(query, session=session)
