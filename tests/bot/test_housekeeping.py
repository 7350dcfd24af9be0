"""The running bot's daily housekeeping, as `creatorbot run` wires it: audit entries kept 365
days by default (or `CREATORBOT_AUDIT_RETENTION_DAYS`), files dropped in chat 24 hours, once a
day at 03:17 UTC; a missed post goes out up to 180 minutes late. Every duration is written
here, not read from the code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from creatorbot.bot.app import App, build
from creatorbot.bot.scheduling import start_scheduler
from creatorbot.bot.settings import Settings
from creatorbot.jobs.scheduler import Scheduler
from creatorbot.storage import staged
from creatorbot.storage.models import AuditEntry, StagedFile

NOW = dt.datetime(2026, 11, 24, 3, 17, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)


def running(tmp_path: Path, **settings: object) -> tuple[App, Scheduler]:
    app = build(
        Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'bot.sqlite3'}", _env_file=None, **settings),
        clock=lambda: NOW,
    )
    return app, start_scheduler(app, {})


@pytest.fixture
def stop() -> Iterator[list[Scheduler]]:
    started: list[Scheduler] = []
    yield started
    for scheduler in started:
        scheduler.shutdown()


def audited(app: App, ages: dict[str, dt.timedelta]) -> None:
    with app.sessions.begin() as session:
        for user, age in ages.items():
            session.add(
                AuditEntry(
                    at=NOW - age,
                    platform="slack",
                    user_id=user,
                    command="help",
                    allowed=True,
                    outcome="answered",
                )
            )


def kept_users(app: App) -> set[str]:
    with app.sessions() as session:
        return set(session.scalars(select(AuditEntry.user_id)))


def test_audit_entries_are_kept_365_days_by_default(tmp_path: Path, stop: list[Scheduler]) -> None:
    app, scheduler = running(tmp_path)
    stop.append(scheduler)
    year = 365 * DAY
    audited(app, {"U-day": DAY, "U-year-1m": year - MINUTE, "U-year+1m": year + MINUTE})
    scheduler.housekeeping()
    assert kept_users(app) == {"U-day", "U-year-1m"}


def test_audit_retention_follows_its_setting(tmp_path: Path, stop: list[Scheduler]) -> None:
    app, scheduler = running(tmp_path, CREATORBOT_AUDIT_RETENTION_DAYS=30)
    stop.append(scheduler)
    month = 30 * DAY
    audited(app, {"U-29d": 29 * DAY, "U-30d-1m": month - MINUTE, "U-30d+1m": month + MINUTE})
    scheduler.housekeeping()
    assert kept_users(app) == {"U-29d", "U-30d-1m"}


def test_files_dropped_in_chat_go_after_24_hours(tmp_path: Path, stop: list[Scheduler]) -> None:
    app, scheduler = running(tmp_path)
    stop.append(scheduler)
    hours = dt.timedelta(hours=24)
    ages = {
        "fresh.csv": dt.timedelta(hours=1),
        "young.csv": hours - MINUTE,
        "old.csv": hours + MINUTE,
    }
    with app.sessions.begin() as session:
        for name, age in ages.items():
            staged.stage(
                platform="slack",
                workspace="T1",
                user=f"U-{name}",
                filename=name,
                kind="daily_metrics",
                content=b"date,market\n",
                now=NOW - age,
                session=session,
            )
    scheduler.housekeeping()
    with app.sessions() as session:
        assert set(session.scalars(select(StagedFile.filename))) == {"fresh.csv", "young.csv"}


def test_housekeeping_runs_once_a_day_at_0317_utc(tmp_path: Path, stop: list[Scheduler]) -> None:
    app, scheduler = running(tmp_path)
    stop.append(scheduler)
    trigger = scheduler.aps.get_job("housekeeping").trigger
    after = dt.datetime(2026, 11, 24, 3, 18, tzinfo=dt.UTC)
    first = trigger.get_next_fire_time(None, after)
    second = trigger.get_next_fire_time(first, first + dt.timedelta(seconds=1))
    assert first == dt.datetime(2026, 11, 25, 3, 17, tzinfo=dt.UTC)
    assert second - first == DAY


def test_a_missed_post_may_go_out_up_to_180_minutes_late_by_default(
    tmp_path: Path, stop: list[Scheduler]
) -> None:
    _, scheduler = running(tmp_path)
    stop.append(scheduler)
    assert scheduler.runner.grace == dt.timedelta(hours=3)
    (tmp_path / "late").mkdir()
    _, late = running(tmp_path / "late", CREATORBOT_JOBS_GRACE_MINUTES=1)
    stop.append(late)
    assert late.runner.grace == MINUTE
