"""A warehouse for the sync tests: seeded creator-days in a SQLite file or a PostgreSQL schema
of their own, with the team's own column names, and the figures they must become."""

from __future__ import annotations

import csv
import datetime as dt
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.importers import import_file
from creatorbot.storage.models import Creator, DailyMetric

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DAY = dt.date(2026, 12, 5)
MONEY = ("gmv", "live_gmv", "video_gmv")
COUNTS = (
    "orders",
    "items_sold",
    "live_sessions",
    "live_minutes",
    "video_posts",
    "video_views",
    "new_followers",
)
CANONICAL = ("date", "market", "handle", "gmv", "orders", "items_sold", "live_gmv", "video_gmv")
CANONICAL += ("live_sessions", "live_minutes", "video_posts", "video_views", "new_followers")
# The warehouse's own names: two of them differ from the canonical ones (mapped in the
# sources file), the rest are aliased in the query.
SELECT = (
    "SELECT stat_day AS date, market_code AS market, creator, gmv_total AS gmv, orders, "
    "items_sold, live_gmv, video_gmv, live_sessions, live_minutes, video_posts, views, "
    "new_followers FROM {table} WHERE stat_day = :day AND market_code = :market ORDER BY creator"
)
COLUMNS = {"creator": "handle", "views": "video_views"}


def creator_days(count: int, *, seed: int = 11, day: dt.date = DAY) -> list[dict[str, Any]]:
    """`count` creator-days of MY with exact money (Decimal, two places) and counts."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(count):
        live = Decimal(int(rng.integers(0, 500_000))) / 100
        video = Decimal(int(rng.integers(0, 300_000))) / 100
        row: dict[str, Any] = {"date": day, "market": "MY", "handle": f"c{i:04d}"}
        row |= {"gmv": live + video, "live_gmv": live, "video_gmv": video}
        row |= {name: int(rng.integers(0, 5_000)) for name in COUNTS}
        rows.append(row)
    return rows


def seed_creators(
    sessions: sessionmaker[Session], folder: Path, rows: list[dict[str, Any]]
) -> None:
    """Import the creators the rows name, through the canonical file import."""
    path = folder / "creators.csv"
    header = ["handle", "display_name", "market", "tier", "category", "followers", "cm", "am"]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([*header, "joined_on"])
        for row in rows:
            name = row["handle"].upper()
            writer.writerow([row["handle"], name, "MY", "gold", "beauty", 1000, "", "", ""])
    with sessions.begin() as session:
        import_file("creators", path, session=session)


def canonical_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    """The same rows as a canonical daily_metrics file."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CANONICAL)
        for row in rows:
            writer.writerow([str(row[name]) for name in CANONICAL])
    return path


def expected(rows: list[dict[str, Any]]) -> dict[str, tuple[int, ...]]:
    """Each handle's stored figures: money in minor units (sen), counts as they are."""
    return {
        row["handle"]: (
            *(int(row[name] * 100) for name in MONEY),
            *(row[name] for name in COUNTS),
        )
        for row in rows
    }


def stored(session: Session, day: dt.date = DAY) -> dict[str, tuple[int, ...]]:
    """What the database holds for `day`, in the order of `expected`."""
    columns = [getattr(DailyMetric, name) for name in (*MONEY, *COUNTS)]
    query = (
        select(Creator.handle, *columns)
        .join(Creator, Creator.id == DailyMetric.creator_id)
        .where(DailyMetric.date == day)
    )
    return {handle: tuple(values) for handle, *values in session.execute(query)}


_DDL = (
    "CREATE TABLE {table} (stat_day DATE, market_code VARCHAR(8), creator VARCHAR(64), "
    "gmv_total NUMERIC(14, 2), orders INTEGER, items_sold INTEGER, live_gmv NUMERIC(14, 2), "
    "video_gmv NUMERIC(14, 2), live_sessions INTEGER, live_minutes INTEGER, "
    "video_posts INTEGER, views BIGINT, new_followers INTEGER)"
)
_INSERT = (
    "INSERT INTO {table} VALUES (:date, :market, :handle, :gmv, :orders, :items_sold, "
    ":live_gmv, :video_gmv, :live_sessions, :live_minutes, :video_posts, :video_views, "
    ":new_followers)"
)


def _as_sqlite(row: dict[str, Any]) -> dict[str, Any]:
    # SQLite has no exact decimal: the warehouse keeps dates and amounts as text.
    return {k: str(v) if isinstance(v, (Decimal, dt.date)) else v for k, v in row.items()}


def sqlite_warehouse(path: Path, rows: list[dict[str, Any]]) -> tuple[str, str]:
    """A SQLite warehouse file holding `rows`: (its URL, the table to select from)."""
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(_DDL.format(table="creator_day")))
        if rows:
            conn.execute(text(_INSERT.format(table="creator_day")), [_as_sqlite(r) for r in rows])
    engine.dispose()
    return url, "creator_day"


@contextmanager
def postgres_warehouse(rows: list[dict[str, Any]]) -> Iterator[tuple[str, str]]:
    """A schema of its own in the test PostgreSQL holding `rows`: (URL, table); dropped after."""
    url = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)
    schema = f"warehouse_{uuid.uuid4().hex[:8]}"
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as exc:
        engine.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI and is not reachable at {url}: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {url}")
    table = f"{schema}.creator_day"
    try:
        with engine.begin() as conn:
            conn.execute(text(_DDL.format(table=table)))
            if rows:
                conn.execute(text(_INSERT.format(table=table)), rows)
        yield url, table
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()
