"""A followed campaign's posts under an injected clock: one on its first day, one on each of its
last `remind_days` days (standings and who is close to the next tier), each once, none for a
campaign without reminders, and nothing for a channel that follows it after it started."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import Services
from creatorbot.jobs.catalog import jobs
from creatorbot.jobs.posting import Posters
from creatorbot.jobs.runner import Runner
from creatorbot.storage.models import Campaign, Subscription, SubscriptionKind
from tests.commands.conftest import creator_row, metric_row, seed
from tests.fakes.poster import RecordingPoster
from tests.jobs.conftest import GRACE, every, utc

KL = ZoneInfo("Asia/Kuala_Lumpur")
HOUR = dt.timedelta(hours=1)
START, END = dt.date(2026, 11, 10), dt.date(2026, 11, 14)
SPRINT = {
    "slug": "my-sprint",
    "name": "Payday Sprint",
    "market": "MY",
    "kind": "incentive",
    "starts_on": START,
    "ends_on": END,
    "metric": "gmv",
    "gmv_target": 1_000_000,
    "creator_target": None,
    "reward_tiers": [(50_000, 5_000), (200_000, 15_000)],  # RM500 → RM50, RM2,000 → RM150
    "remind_days": 2,
    "budget_cap": 50_000,
}
QUIET = {**SPRINT, "slug": "my-quiet", "name": "Quiet", "remind_days": None}


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> None:
    """amir sells RM1,900 in the first three days (RM100 from the RM2,000 tier), bella RM300;
    both are in both campaigns."""
    days = [START + dt.timedelta(days=n) for n in range(3)]
    sales = [metric_row(d, "amir", 190_000 // 3 + (1 if i == 0 else 0)) for i, d in enumerate(days)]
    sales += [metric_row(d, "bella", 10_000) for d in days]
    seed(
        sessions,
        [creator_row("amir"), creator_row("bella")],
        sales,
        [SPRINT, QUIET],
        [
            {"campaign": slug, "handle": h, "enrolled_on": dt.date(2026, 11, 1)}
            for slug in ("my-sprint", "my-quiet")
            for h in ("amir", "bella")
        ],
    )


def follow(
    sessions: sessionmaker[Session],
    add_subscription: Callable[..., Subscription],
    slug: str,
    channel: str,
    since: dt.datetime,
) -> None:
    subscription = add_subscription(
        channel, "MY", "09:00", since=since, kind=SubscriptionKind.CAMPAIGN
    )
    with sessions.begin() as session:
        found = session.get(Subscription, subscription.id)
        assert found is not None
        found.campaign_id = session.query(Campaign.id).filter(Campaign.slug == slug).scalar()


def campaign_runner(sessions: sessionmaker[Session], poster: RecordingPoster) -> Runner:
    mine = {n: s for n, s in jobs().items() if n in ("campaign-start", "campaign-reminder")}
    assert len(mine) == 2
    return Runner(
        Services(sessions=sessions), Posters({"slack": poster}), mine, worker="w1", grace=GRACE
    )


def run(runner: Runner, start: dt.datetime, end: dt.datetime) -> dict[str, dt.datetime]:
    posted: dict[str, dt.datetime] = {}
    for moment in every(start, end, HOUR):
        for key in runner.tick(moment).posted:
            posted[key] = moment
    return posted


def test_the_start_and_the_last_days_are_posted_once_each(
    world: None,
    sessions: sessionmaker[Session],
    poster: RecordingPoster,
    add_subscription: Callable[..., Subscription],
) -> None:
    follow(sessions, add_subscription, "my-sprint", "C1", utc(2026, 11, 8))
    follow(sessions, add_subscription, "my-quiet", "C2", utc(2026, 11, 8))
    follow(sessions, add_subscription, "my-sprint", "C3", utc(2026, 11, 11))  # after the start
    runner = campaign_runner(sessions, poster)
    posted = run(runner, utc(2026, 11, 8), utc(2026, 11, 17))
    when = sorted(
        (p.target.channel, p.key.split(":", 3)[1], moment.astimezone(KL).strftime("%d %H:%M"))
        for p in poster.posted
        for key, moment in posted.items()
        if key == p.key
    )
    assert when == [
        ("C1", "campaign-reminder", "13 09:00"),
        ("C1", "campaign-reminder", "14 09:00"),
        ("C1", "campaign-start", "10 09:00"),
        ("C2", "campaign-start", "10 09:00"),
        ("C3", "campaign-reminder", "13 09:00"),
        ("C3", "campaign-reminder", "14 09:00"),
    ]
    again = campaign_runner(sessions, poster)
    assert run(again, utc(2026, 11, 8), utc(2026, 11, 17)) == {}  # the ledger has them

    start = render(next(p.reply for p in poster.posted if "campaign-start" in p.key))
    assert "Payday Sprint starts today" in start
    assert "Reach RM500.00: RM50.00" in start and "Reach RM2,000.00: RM150.00" in start
    assert "RM10,000.00" in start  # the GMV target
    assert "RM500.00" in start.split("Budget cap")[1]

    first, last = [
        render(p.reply)
        for p in poster.posted
        if p.target.channel == "C1" and "campaign-reminder" in p.key
    ]
    assert "Payday Sprint: 1 day left" in first
    assert "Payday Sprint: final day" in last
    nudge = first.split("worth a nudge")[1]
    assert "@amir" in nudge and "@bella" not in nudge  # RM100 from RM2,000; bella RM200 from RM500
    assert "RM2,200.00" in first  # GMV to date: RM1,900 + RM300
