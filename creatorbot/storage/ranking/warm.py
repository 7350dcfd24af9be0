"""Reading each market's creators into the ranking cache in the background once the bot is
ready, so the first leaderboard the stored boards do not hold is not the one that waits."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.db import SQLITE_MMAP_BYTES
from creatorbot.storage.models import Market
from creatorbot.storage.ranking.cache import CACHE
from creatorbot.storage.ranking.people import people

logger = logging.getLogger(__name__)


def warm(sessions: Callable[[], Session], markets: Iterable[str] | None = None) -> list[str]:
    """Read the creators of `markets` (default: every market) into the cache,
    each in a session of its own; the markets now cached. A market that fails is logged and
    skipped: warming only saves time, it never stops the bot."""
    if CACHE.limit <= 0:
        return []  # CREATORBOT_RANKING_CACHE_MB=0: nothing read would be kept
    warmed: list[str] = []
    try:
        codes = list(markets) if markets is not None else _markets(sessions)
    except Exception:
        logger.warning("ranking warm-up could not list the markets", exc_info=True)
        return warmed
    for code in codes:
        started = time.perf_counter()
        try:
            with sessions() as session:
                group = people(code, session=session)
                _unmap(session)
        except Exception:
            logger.warning("ranking warm-up failed", extra={"market": code}, exc_info=True)
            continue
        logger.info(
            "ranking warm-up",
            extra={
                "market": code,
                "creators": len(group.ids),
                "seconds": round(time.perf_counter() - started, 3),
            },
        )
        warmed.append(code)
    return warmed


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
