"""Reading each market's creators and latest day columns into the ranking cache in the
background once the bot is ready, so the first leaderboard the stored boards do not hold is not
the one that waits."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.analytics.windows import Window
from creatorbot.storage.db import SQLITE_MMAP_BYTES
from creatorbot.storage.models import Market
from creatorbot.storage.queries.markets import latest_day
from creatorbot.storage.ranking.cache import CACHE
from creatorbot.storage.ranking.days import Days
from creatorbot.storage.ranking.people import People, people

logger = logging.getLogger(__name__)

# The day columns read ahead: the default metric over the latest 30-day window and the one
# before it (every window up to 30 days, as-of a day in it, and their movement), newest first.
METRIC = "gmv"
DAYS = 60
# The share of the cache the read-ahead may fill, leaving room for what questions bring.
SHARE = 0.75


def warm(sessions: Callable[[], Session], markets: Iterable[str] | None = None) -> list[str]:
    """Read the creators of `markets` (default: every market) into the cache, each in a session
    of its own, then their latest days' columns (`warm_days`); the markets whose creators are
    now cached. A market that fails is logged and skipped: warming only saves time, it never
    stops the bot."""
    if CACHE.limit <= 0:
        return []  # CREATORBOT_RANKING_CACHE_MB=0: nothing read would be kept
    try:
        codes = list(markets) if markets is not None else _markets(sessions)
    except Exception:
        logger.warning("ranking warm-up could not list the markets", exc_info=True)
        return []
    groups: dict[str, People] = {}
    for code in codes:
        started = time.perf_counter()
        try:
            with sessions() as session:
                groups[code] = people(code, session=session)
                _unmap(session)
        except Exception:
            logger.warning("ranking warm-up failed", extra={"market": code}, exc_info=True)
            continue
        logger.info(
            "ranking warm-up",
            extra={
                "market": code,
                "creators": len(groups[code].ids),
                "seconds": round(time.perf_counter() - started, 3),
            },
        )
    warm_days(sessions, groups)
    return list(groups)


def warm_days(sessions: Callable[[], Session], groups: dict[str, People]) -> int:
    """Read the `METRIC` and placement columns of each market's latest `DAYS` days into the
    cache, one day of every market at a time from the newest, until the cache holds `SHARE` of
    its bound; how many market-days were read. A market that fails is logged and left."""
    started = time.perf_counter()
    latest: dict[str, dt.date] = {}
    for code in groups:
        try:
            with sessions() as session:
                day = latest_day(code, session=session)
        except Exception:
            logger.warning("ranking warm-up failed", extra={"market": code}, exc_info=True)
            continue
        if day is not None:
            latest[code] = day
    read = 0
    for back in range(DAYS):
        for code, last in list(latest.items()):
            if CACHE.held >= CACHE.limit * SHARE:
                return _done(read, started)
            day = last - dt.timedelta(days=back)
            try:
                with sessions() as session:
                    Days(code, Window(day, day), groups[code], session=session).read(METRIC)
                    _unmap(session)
            except Exception:
                logger.warning("ranking warm-up failed", extra={"market": code}, exc_info=True)
                del latest[code]
                continue
            read += 1
    return _done(read, started)


def _done(read: int, started: float) -> int:
    logger.info(
        "ranking warm-up of day columns",
        extra={
            "days": read,
            "megabytes": CACHE.held >> 20,
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
    return read


def _unmap(session: Session) -> None:
    """On SQLite, drop the connection's memory map of the pages the read touched (a market's
    whole creators table, hundreds of MB at a million creators, which would otherwise stay
    resident in an idle bot), then map again on demand as before."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA mmap_size=0")
        connection.exec_driver_sql(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")


def _markets(sessions: Callable[[], Session]) -> list[str]:
    with sessions() as session:
        return sorted(session.scalars(select(Market.code)))


def start_warming(sessions: Callable[[], Session]) -> threading.Thread:
    """`warm` every market in a daemon thread (the caller may join it); returns at once."""
    thread = threading.Thread(target=warm, args=(sessions,), name="ranking-warm", daemon=True)
    thread.start()
    return thread
