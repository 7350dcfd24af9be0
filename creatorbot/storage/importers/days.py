"""The latest day a file may hold figures for: tomorrow in the row's market's time zone, so a
year typed as 9999 never becomes a market's latest day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.analytics.windows import FIRST_DAY
from creatorbot.storage.importers import messages, references
from creatorbot.storage.importers.errors import ErrorLog
from creatorbot.storage.importers.kinds import Kind
from creatorbot.storage.models import Market
from creatorbot.storage.roster import once


def utc_now() -> dt.datetime:
    """The clock imports are checked against."""
    return dt.datetime.now(dt.UTC)


def latest_days(zones: Mapping[str, str], now: dt.datetime) -> dict[str, dt.date]:
    """Each market's tomorrow at `now` (an aware datetime): a file written late at night, or in a
    zone ahead of the market's, may already hold it."""
    return {
        market: now.astimezone(ZoneInfo(zone)).date() + dt.timedelta(days=1)
        for market, zone in zones.items()
    }


def not_after_tomorrow(
    kind: Kind,
    typed: pd.DataFrame,
    raw: pd.DataFrame,
    log: ErrorLog,
    session: Session,
    now: dt.datetime | None = None,
) -> None:
    """Every recent date (`Field.recent`) of a row is no later than its market's tomorrow."""
    fields = [field.name for field in kind.fields if field.recent and field.name in typed]
    if not fields:
        return
    query = select(Market.code, Market.timezone)
    zones = once(
        "time zones", lambda: {code: zone for code, zone in session.execute(query)}, session=session
    )
    latest = latest_days(zones, now or utc_now())
    market = _markets(typed, session)
    last = pd.to_datetime(market.map(latest))  # NaT for a market unknown (reported already)
    for name in fields:
        late = (typed[name] > last).fillna(False).astype(bool)

        def problem(row: int) -> str:
            code = market[row]
            return messages.DATE_IN_FUTURE.format(
                first=FIRST_DAY, last=latest[code], zone=zones[code]
            )

        log.add_rows(late, name, raw[name], problem)


def _markets(typed: pd.DataFrame, session: Session) -> pd.Series:
    """Each row's market: its own, or its campaign's for an enrollment."""
    if "market" in typed:
        return typed["market"]
    slugs = typed["campaign"]
    return slugs.map(references.campaign_markets(slugs.dropna().unique(), session=session))
