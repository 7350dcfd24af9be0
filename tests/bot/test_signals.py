"""What Prometheus reads from a running bot beyond requests: the process's CPU and memory, the
worker pool's tasks, and figures from the database (scheduled posts by outcome, the last
successful sync and import, each market's data freshness)."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.request import urlopen

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from creatorbot.bot.signals import DatabaseSignals
from creatorbot.storage.models import (
    AuditEntry,
    Run,
    RunStatus,
    SubscriptionKind,
    SyncOutcome,
    SyncRun,
)
from creatorbot.storage.subscriptions import subscribe
from tests.bot.slack_harness import SlackBot, running_bot
from tests.bot.world import NOW

ROOT = Path(__file__).resolve().parents[2]
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(bot: SlackBot) -> Samples:
    """Every sample of `/metrics`, keyed by name and sorted labels."""
    with urlopen(bot.url.removesuffix("/slack/events") + "/metrics", timeout=5) as answer:
        exposition = answer.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def families(bot: SlackBot) -> set[str]:
    """The names `/metrics` declares (a counter's also with `_total`), samples or not."""
    with urlopen(bot.url.removesuffix("/slack/events") + "/metrics", timeout=5) as answer:
        exposition = answer.read().decode()
    names = set()
    for family in text_string_to_metric_families(exposition):
        names.add(family.name)
        if family.type == "counter":
            names.add(f"{family.name}_total")
    return names


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[SlackBot]:
    with running_bot(tmp_path) as running:
        yield running


def test_the_process_cpu_and_memory_are_exported(bot: SlackBot) -> None:
    samples = scrape(bot)
    assert samples[("process_resident_memory_bytes", ())] > 10 * 1024 * 1024
    assert samples[("process_cpu_seconds_total", ())] > 0


def test_the_pool_shows_running_and_queued_answers(bot: SlackBot) -> None:
    release = threading.Event()
    workers = bot.running.pool.workers
    futures = [bot.running.pool.submit(release.wait, 10) for _ in range(workers + 3)]
    try:
        samples = scrape(bot)
        assert samples[("creatorbot_pool_tasks", (("state", "running"),))] == workers
        assert samples[("creatorbot_pool_tasks", (("state", "queued"),))] == 3
    finally:
        release.set()
        for future in futures:
            future.result(timeout=10)
    assert bot.running.pool.queued() == 0 and bot.running.pool.running() == 0


def test_database_figures_scheduled_posts_syncs_imports_and_freshness(bot: SlackBot) -> None:
    synced_at = dt.datetime(2026, 11, 24, 0, 15, tzinfo=dt.UTC)
    imported_at = dt.datetime(2026, 11, 23, 22, 0, tzinfo=dt.UTC)
    with bot.app.sessions.begin() as session:
        subscription = subscribe(
            platform="slack",
            workspace="T1",
            channel="C1",
            kind=SubscriptionKind.SNAPSHOT,
            market="MY",
            at_time="09:00",
            locale="en",
            created_by="U1",
            now=NOW,
            session=session,
        )
        statuses = [RunStatus.POSTED] * 3 + [RunStatus.FAILED, RunStatus.SKIPPED]
        for n, status in enumerate(statuses):
            attempts = 2 if n in (0, 3) else 1
            session.add(
                Run(
                    job="snapshot",
                    subscription_id=subscription.id,
                    period=f"2026-11-{n + 10}",
                    status=status,
                    attempts=attempts,
                )
            )
        for finished, outcome in ((synced_at, SyncOutcome.OK), (NOW, SyncOutcome.FAILED)):
            session.add(
                SyncRun(
                    source="dwh",
                    kind="daily_metrics",
                    market="MY",
                    day=dt.date(2026, 11, 23),
                    started_at=finished - dt.timedelta(minutes=1),
                    finished_at=finished,
                    outcome=outcome,
                )
            )
        for at, arguments, outcome in (
            (imported_at, "creators creators.csv", "answered"),
            (NOW, "creators later.csv", "refused"),  # wrote nothing: not a success
        ):
            session.add(
                AuditEntry(
                    at=at,
                    platform="console",
                    user_id="",
                    command="import",
                    arguments=arguments,
                    allowed=True,
                    outcome=outcome,
                )
            )
    with bot.app.engine.connect() as connection:  # the latest day of each market, read plainly
        latest = dict(
            connection.execute(
                text("SELECT market, MAX(date) FROM daily_metrics GROUP BY market")
            ).all()
        )

    samples = scrape(bot)

    assert samples[("creatorbot_signals_up", ())] == 1
    runs = {
        labels: value
        for (name, labels), value in samples.items()
        if name == "creatorbot_scheduled_runs"
    }
    assert runs == {
        (("job", "snapshot"), ("status", "posted")): 3,
        (("job", "snapshot"), ("status", "failed")): 1,
        (("job", "snapshot"), ("status", "skipped")): 1,
    }
    assert samples[("creatorbot_scheduled_runs_retried", (("job", "snapshot"),))] == 2
    key = (("kind", "daily_metrics"), ("market", "MY"))
    assert samples[("creatorbot_last_sync_success_timestamp_seconds", key)] == synced_at.timestamp()
    assert (
        samples[("creatorbot_last_import_success_timestamp_seconds", (("kind", "creators"),))]
        == imported_at.timestamp()
    )
    for market, day in latest.items():
        day = dt.date.fromisoformat(str(day))
        # NOW is 09:30 in Kuala Lumpur and 02:30 in Rome: the 24th in both.
        assert (
            samples[("creatorbot_data_age_days", (("market", market),))]
            == (dt.date(2026, 11, 24) - day).days
        )
        midnight = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()
        assert (
            samples[("creatorbot_data_latest_day_timestamp_seconds", (("market", market),))]
            == midnight
        )
    assert set(latest) == {"MY", "IT"}


def test_figures_are_read_once_a_minute_and_a_failed_read_says_so(bot: SlackBot) -> None:
    reads: list[int] = []
    ticks = iter([0.0, 30.0, 61.0])

    def sessions() -> object:
        reads.append(1)
        raise OSError("database gone")

    collector = DatabaseSignals(sessions, lambda: NOW, monotonic=lambda: next(ticks))  # type: ignore[arg-type]

    for _ in range(3):
        (up,) = collector.collect()
        assert up.name == "creatorbot_signals_up"
        assert up.samples[0].value == 0
    assert len(reads) == 2  # at 0 s and at 61 s; at 30 s the last read stood


def test_the_alert_rules_name_only_figures_the_bot_exports(bot: SlackBot) -> None:
    rules = yaml.safe_load((ROOT / "deploy" / "prometheus-alerts.yml").read_text())
    (group,) = rules["groups"]
    exported = families(bot)
    named = {
        name
        for rule in group["rules"]
        for name in re.findall(r"\b(?:creatorbot|process)_[a-z_]+", rule["expr"])
    }
    assert {"creatorbot_scheduled_runs", "creatorbot_data_age_days"} <= named
    assert named <= exported, f"not exported: {sorted(named - exported)}"
    for rule in group["rules"]:
        assert rule["alert"].startswith("Creatorbot")
        assert rule["annotations"]["summary"]


def test_the_dashboard_charts_only_figures_the_bot_exports(bot: SlackBot) -> None:
    dashboard = json.loads((ROOT / "deploy" / "grafana-dashboard.json").read_text())
    exported = families(bot)
    named = {
        re.sub(r"_(bucket|count|sum)$", "", name)
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"\b(?:creatorbot|process)_[a-z_]+", target["expr"])
    }
    assert {"creatorbot_pool_tasks", "process_resident_memory_bytes"} <= named
    assert named <= exported, f"not exported: {sorted(named - exported)}"
