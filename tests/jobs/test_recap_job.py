"""The campaign recap job under an injected clock: posted once to the campaign's channel the day
after its last day, only once that day's data is in — never before, never twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import Services
from creatorbot.jobs.catalog import jobs
from creatorbot.jobs.posting import Posters
from creatorbot.jobs.runner import Runner
from creatorbot.storage import writer
from creatorbot.storage.models import Campaign, Run, RunStatus, Subscription, SubscriptionKind
from tests.commands import recap_world as w
from tests.commands.conftest import metric_row
from tests.fakes.poster import RecordingPoster
from tests.jobs.conftest import GRACE, every, utc

KL = ZoneInfo("Asia/Kuala_Lumpur")
STEP = dt.timedelta(minutes=30)


@pytest.fixture
def runner(sessions: sessionmaker[Session], poster: RecordingPoster) -> Runner:
    w.build(sessions)
    # The recap alone: a campaign's channel also gets its start and last-days posts (their own
    # tests are in test_campaign_jobs.py).
    recap = {"campaign-recap": jobs()["campaign-recap"]}
    assert recap["campaign-recap"].kind is SubscriptionKind.CAMPAIGN
    return Runner(
        Services(sessions=sessions), Posters({"slack": poster}), recap, worker="w1", grace=GRACE
    )


@pytest.fixture
def follow(
    sessions: sessionmaker[Session], add_subscription: Callable[..., Subscription]
) -> Callable[[str, str], int]:
    """Subscribe a channel to one campaign (as `campaign` subscriptions are made elsewhere)."""

    def make(channel: str, slug: str) -> int:
        subscription = add_subscription(
            channel, "MY", "09:00", since=utc(2026, 11, 1), kind=SubscriptionKind.CAMPAIGN
        )
        with sessions.begin() as session:
            campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
            row = session.get(Subscription, subscription.id)
            assert campaign is not None and row is not None
            row.campaign_id = campaign.id
        return subscription.id

    return make


def run(runner: Runner, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Tick from start to end; when something was posted (in Kuala Lumpur time)."""
    return [m.astimezone(KL) for m in every(start, end, STEP) if runner.tick(m).posted]


def recaps(poster: RecordingPoster) -> list[str]:
    return [render(p.reply) for p in poster.posted]


def test_posted_once_the_day_after_the_end_at_the_channels_time(
    runner: Runner, follow: Callable[[str, str], int], poster: RecordingPoster
) -> None:
    follow("C1", "payday")  # ends 20 Nov; the data reaches 20 Nov
    when = run(runner, utc(2026, 11, 19), utc(2026, 11, 23))
    assert when == [dt.datetime(2026, 11, 21, 9, tzinfo=KL)]  # not before the day after
    (seen,) = recaps(poster)
    assert "Recap · Payday · MY" in seen and "What it was worth" in seen


def test_not_posted_before_the_end(
    runner: Runner, follow: Callable[[str, str], int], poster: RecordingPoster
) -> None:
    follow("C1", "later")  # runs until 27 Nov
    assert run(runner, utc(2026, 11, 19), utc(2026, 11, 24, 12)) == []


def test_posted_only_when_the_last_days_data_is_in_and_never_twice(
    runner: Runner,
    follow: Callable[[str, str], int],
    poster: RecordingPoster,
    sessions: sessionmaker[Session],
) -> None:
    subscription = follow("C1", "waiting")  # ends 22 Nov; the data stops at 20 Nov
    assert run(runner, utc(2026, 11, 21), utc(2026, 11, 25)) == []
    late = [dt.date(2026, 11, 21), dt.date(2026, 11, 22)]
    rows = [metric_row(day, h, w.daily_gmv(h, day)) for day in late for h in w.HANDLES]
    with sessions.begin() as session:
        writer.write_daily_metrics(pd.DataFrame(rows), session=session)
    # the data came in on the 25th at midday: the next tick posts it, once
    assert run(runner, utc(2026, 11, 25, 4), utc(2026, 11, 26, 12)) == [
        dt.datetime(2026, 11, 25, 12, tzinfo=KL)
    ]
    assert run(runner, utc(2026, 11, 25, 4), utc(2026, 11, 27)) == []  # a rerun: nothing new
    (seen,) = recaps(poster)
    assert "Recap · Waiting · MY" in seen
    with sessions.begin() as session:
        runs = session.scalars(select(Run).where(Run.subscription_id == subscription)).all()
        assert [(r.job, r.status, r.data_day) for r in runs] == [
            ("campaign-recap", RunStatus.POSTED, dt.date(2026, 11, 22))
        ]


def test_each_following_channel_gets_its_own_and_others_none(
    runner: Runner, follow: Callable[[str, str], int], poster: RecordingPoster
) -> None:
    follow("C1", "payday")
    follow("C2", "race")
    follow("C3", "later")
    run(runner, utc(2026, 11, 20), utc(2026, 11, 22))
    channels = sorted((p.target.channel, render(p.reply).splitlines()[0]) for p in poster.posted)
    assert channels == [("C1", "Recap · Payday · MY"), ("C2", "Recap · Race · MY")]
