"""Helpers of the native export tests: creators to import into, and stored daily metrics read
back as plain rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.importers import import_file
from creatorbot.storage.models import Creator, DailyMetric
from tests.storage.native_exports import METRICS


def add_creators(
    sessions: sessionmaker[Session], folder: Path, market: str, handles: list[str]
) -> None:
    """Store `handles` as creators of `market` through a canonical creators file."""
    path = folder / f"creators-{market}.csv"
    lines = ["handle,display_name,market,tier,category,followers,cm,am,joined_on"]
    lines += [f"{h},{h.title()},{market},gold,beauty,100,,," for h in handles]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with sessions.begin() as session:
        import_file("creators", path, session=session)


def stored(session: Session) -> list[dict[str, Any]]:
    """Every stored daily metric as (date, market, handle, metrics…), in a fixed order."""
    columns = [getattr(DailyMetric, name) for name in METRICS]
    query = (
        select(DailyMetric.date, DailyMetric.market, Creator.handle, *columns)
        .join(Creator, Creator.id == DailyMetric.creator_id)
        .order_by(DailyMetric.date, Creator.handle)
    )
    names = ["date", "market", "handle", *METRICS]
    return [dict(zip(names, row, strict=True)) for row in session.execute(query)]
