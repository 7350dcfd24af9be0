"""Prometheus figures read from the database at scrape time (so every replica reports the same):
scheduled posts by outcome, the last successful sync and import, data freshness per market.
Read at most once a minute: a scrape every few seconds costs the database nothing more."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.queries import signals

logger = logging.getLogger(__name__)

TTL_SECONDS = 60.0
IMPORT_WINDOW = dt.timedelta(days=35)  # an import older than this shows as none


class DatabaseSignals(Collector):
    """The collector; a failed read gives `creatorbot_signals_up 0` and no other figures."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], dt.datetime],
        ttl: float = TTL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.ttl = ttl
        self.monotonic = monotonic
        self._lock = threading.Lock()
        self._read_at: float | None = None
        self._families: list[Metric] = []

    def describe(self) -> Iterable[Metric]:
        """The names, without a read (the registry asks once, when the collector joins it)."""
        up = GaugeMetricFamily("creatorbot_signals_up", "")
        return [up, *(family for _name, family in _empty_by_name())]

    def collect(self) -> Iterator[Metric]:
        with self._lock:
            now = self.monotonic()
            if self._read_at is None or now - self._read_at >= self.ttl:
                self._families = self._read()
                self._read_at = now
            families = list(self._families)
        yield from families

    def _read(self) -> list[Metric]:
        up = GaugeMetricFamily(
            "creatorbot_signals_up", "Whether the database figures below could be read."
        )
        try:
            families = self._figures()
        except Exception as exc:
            logger.warning(
                "metrics: database figures not read", extra={"error": type(exc).__name__}
            )
            up.add_metric([], 0)
            return [up]
        up.add_metric([], 1)
        return [up, *families]

    def _figures(self) -> list[Metric]:
        from creatorbot.storage.importers import KINDS  # here: a bot starts without the import path

        empty = dict(_empty_by_name())
        runs, retried, synced, imported, age, latest = (
            empty[name]
            for name in (
                "creatorbot_scheduled_runs",
                "creatorbot_scheduled_runs_retried",
                "creatorbot_last_sync_success_timestamp_seconds",
                "creatorbot_last_import_success_timestamp_seconds",
                "creatorbot_data_age_days",
                "creatorbot_data_latest_day_timestamp_seconds",
            )
        )
        now = self.clock()
        with self.sessions() as session:
            for job, status, count in signals.runs_by_status(session=session):
                runs.add_metric([job, status], count)
            for job, count in signals.retried_runs(session=session):
                retried.add_metric([job], count)
            for kind, market, at in signals.last_syncs(session=session):
                synced.add_metric([kind, market], at.timestamp())
            since = now - IMPORT_WINDOW
            for kind, at in sorted(
                signals.last_imports(since, frozenset(KINDS), session=session).items()
            ):
                imported.add_metric([kind], at.timestamp())
            for fresh in signals.freshness(now, session=session):
                if fresh.latest is None:
                    continue
                age.add_metric([fresh.market], (fresh.today - fresh.latest).days)
                midnight = dt.datetime.combine(fresh.latest, dt.time(), dt.UTC)
                latest.add_metric([fresh.market], midnight.timestamp())
        return [runs, retried, synced, imported, age, latest]


def _empty_by_name() -> list[tuple[str, GaugeMetricFamily]]:
    """A fresh, empty family of each figure, by name."""
    specs = [
        (
            "creatorbot_scheduled_runs",
            "Scheduled posts in the run ledger, by job and status "
            "(posted, quiet, failed, skipped, pending, claimed).",
            ["job", "status"],
        ),
        (
            "creatorbot_scheduled_runs_retried",
            "Scheduled posts that needed more than one attempt, by job.",
            ["job"],
        ),
        (
            "creatorbot_last_sync_success_timestamp_seconds",
            "When the last successful warehouse sync of a kind and market finished.",
            ["kind", "market"],
        ),
        (
            "creatorbot_last_import_success_timestamp_seconds",
            "When the last import of a kind that wrote its rows ended (last 35 days).",
            ["kind"],
        ),
        (
            "creatorbot_data_age_days",
            "Days from a market's latest day with data to its local today (1: yesterday's in).",
            ["market"],
        ),
        (
            "creatorbot_data_latest_day_timestamp_seconds",
            "A market's latest day with data, as 00:00 UTC of that day.",
            ["market"],
        ),
    ]
    return [(name, GaugeMetricFamily(name, text, labels=labels)) for name, text, labels in specs]
