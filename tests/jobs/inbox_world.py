"""Files to drop in an inbox, the figures they must leave in the database (computed here, from
the rows written, not by the importer), and how to read back what was stored and audited."""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.models import AuditEntry, Creator, DailyMetric

DAY = dt.date(2026, 12, 1)
NOW = dt.datetime(2026, 12, 6, 9, 30, tzinfo=dt.UTC)
CREATORS_HEADER = ["handle", "display_name", "market", "tier", "category", "followers", "cm"]
CREATORS_HEADER += ["am", "joined_on"]
DAILY_HEADER = ["date", "market", "handle", "gmv", "orders", "items_sold", "live_gmv"]
DAILY_HEADER += ["video_gmv", "live_sessions", "live_minutes", "video_posts", "video_views"]
DAILY_HEADER += ["new_followers"]

Figures = dict[str, tuple[int, int]]  # handle → (gmv in sen, orders)


def clock() -> dt.datetime:
    return NOW


def creators_file(path: Path, count: int, *, age: float = 120) -> Path:
    """`count` creators in MY, c000…; modified `age` seconds ago (older files go first)."""
    rows = [
        [f"c{n:03d}", f"Creator {n}", "MY", "gold", "beauty", str(100 + n), "", "", ""]
        for n in range(count)
    ]
    _write(path, CREATORS_HEADER, rows, age)
    return path


def daily_file(
    path: Path, count: int, *, seed: int = 1, day: dt.date = DAY, age: float = 60
) -> Figures:
    """One day of figures for c000… and what each creator's GMV (in sen) and orders must be."""
    pick = random.Random(seed)
    rows, expected = [], {}
    for n in range(count):
        live, video = Decimal(pick.randint(0, 10**6)) / 100, Decimal(pick.randint(0, 10**6)) / 100
        gmv, orders = live + video, pick.randint(0, 500)
        handle = f"c{n:03d}"
        rows.append(
            [day.isoformat(), "MY", handle, f"{gmv:.2f}", str(orders), str(orders + 1)]
            + [f"{live:.2f}", f"{video:.2f}", "1", "30", "2", "1000", "5"]
        )
        expected[handle] = (int(gmv * 100), orders)
    _write(path, DAILY_HEADER, rows, age)
    return expected


def _write(path: Path, header: list[str], rows: list[list[str]], age: float) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    past = path.stat().st_mtime - age
    os.utime(path, (past, past))


def stored(sessions: sessionmaker[Session], day: dt.date = DAY) -> Figures:
    """Each creator's stored GMV (sen) and orders on `day`, as the database has them."""
    with sessions() as session:
        rows = session.execute(
            select(Creator.handle, DailyMetric.gmv, DailyMetric.orders)
            .join(Creator, Creator.id == DailyMetric.creator_id)
            .where(DailyMetric.date == day)
        )
        return {handle: (int(gmv), int(orders)) for handle, gmv, orders in rows}


def audited(sessions: sessionmaker[Session]) -> list[tuple[str, str, str, str, int | None]]:
    """The audit log's imports: (platform, user, arguments, outcome, rows), in order."""
    with sessions() as session:
        rows = session.execute(
            select(
                AuditEntry.platform,
                AuditEntry.user_id,
                AuditEntry.arguments,
                AuditEntry.outcome,
                AuditEntry.rows,
            )
            .where(AuditEntry.command == "import")
            .order_by(AuditEntry.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def names(folder: Path) -> list[str]:
    """The files directly in `folder`, sorted."""
    return sorted(p.name for p in folder.iterdir() if p.is_file())


def database_url(engine: Engine) -> str:
    """A DATABASE_URL another process can use to reach the same database (and on PostgreSQL the
    test's own schema)."""
    if engine.dialect.name == "sqlite":
        return engine.url.render_as_string(hide_password=False)
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    url = engine.url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)
