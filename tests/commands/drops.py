"""Files dropped in chat for the drop tests, and the figures read back from them and from the
database, each computed on its own (csv module and Decimal; SQL), never by the importer."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.models import Creator, DailyMetric
from tests.commands.hostile import METRICS_HEADER

CANONICAL = METRICS_HEADER
EXTRA = ["notes", "source", "region"]  # columns the importer does not read
Key = tuple[dt.date, str, str]
Figures = dict[Key, tuple[Decimal, int]]


def metrics_file(rows: list[tuple[str, str, str, str]]) -> bytes:
    """A canonical daily_metrics CSV with three extra columns; rows are (date, market, handle,
    gmv), the other figures derived from the row's position."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CANONICAL + EXTRA)
    for n, (day, market, handle, gmv) in enumerate(rows, start=1):
        half = (Decimal(gmv) / 2).quantize(Decimal("0.01"))
        writer.writerow(
            [day, market, handle, gmv, 10 + n, 12 + n, half, Decimal(gmv) - half]
            + [1, 60, 2, 1000 * n, n, f"row {n}", "seller center", "south"]
        )
    return out.getvalue().encode()


def figures_of(content: bytes) -> Figures:
    """(day, market, handle) → (gmv, orders) as the file states them."""
    reader = csv.DictReader(io.StringIO(content.decode()))
    return {
        (dt.date.fromisoformat(r["date"]), r["market"], r["handle"]): (
            Decimal(r["gmv"]),
            int(r["orders"]),
        )
        for r in reader
    }


def stored(
    sessions: sessionmaker[Session], days: set[dt.date] | None = None, market: str | None = None
) -> Figures:
    """(day, market, handle) → (gmv, orders) as stored, optionally for some days (and one
    market) only."""
    with sessions() as session:
        rows = session.execute(
            select(
                DailyMetric.date,
                DailyMetric.market,
                Creator.handle,
                DailyMetric.gmv,
                DailyMetric.orders,
            ).join(Creator, Creator.id == DailyMetric.creator_id)
        ).all()
    return {
        (day, row_market, handle): (Decimal(gmv) / 100, orders)
        for day, row_market, handle, gmv, orders in rows
        if (days is None or day in days) and market in (None, row_market)
    }
