"""Why a day's data is late, when a warehouse sync says: the source whose last run failed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from creatorbot.commands.i18n import Lang
from creatorbot.storage.models import Market, SyncOutcome
from creatorbot.storage.sync.runs import last_run

SHOWN_ERROR = 200  # characters of the driver's message in a chat post


def failed_sync(market: Market, day: dt.date, lang: Lang, *, session: Session) -> str | None:
    """A sentence naming the source whose last sync of the market's `day` failed, when and
    why; None when no sync of that day has failed last."""
    run = last_run(market.code, day, "daily_metrics", session=session)
    if run is None or run.outcome is not SyncOutcome.FAILED:
        return None
    finished = run.finished_at or run.started_at
    if finished.tzinfo is None:  # SQLite hands timestamps back without their zone: UTC
        finished = finished.replace(tzinfo=dt.UTC)
    at = finished.astimezone(ZoneInfo(market.timezone)).strftime("%H:%M")
    error = (run.error or "").strip()
    error = error if len(error) <= SHOWN_ERROR else error[: SHOWN_ERROR - 1] + "…"
    return lang._("The last sync from `{source}` failed at {time}: {error}").format(
        source=run.source, time=at, error=error
    )
