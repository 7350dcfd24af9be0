"""The small world the end-to-end platform tests share: three creators over one week, a campaign
that ended yesterday, and the runner that posts scheduled jobs through the running platforms."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from creatorbot.bot.app import App
from creatorbot.jobs.catalog import jobs
from creatorbot.jobs.posting import Poster, Posters
from creatorbot.jobs.runner import Runner
from creatorbot.storage import writer
from creatorbot.storage.grants import grant
from creatorbot.storage.models import Role, SubscriptionKind
from creatorbot.storage.subscriptions import subscribe

NOW = dt.datetime(2026, 11, 24, 1, 30, tzinfo=dt.UTC)
END = dt.date(2026, 11, 23)
# The team the end-to-end tests speak as, granted admin in every market by `seed_world` (the
# access tests speak as people outside it).
TEAM = {
    "slack": ("U1", "U2", "U0LEAD", "U404"),
    "lark": ("ou_1", "ou_7", "ou_ana", "ou_farah", "ou_marco", "ou_new", "ou_old", "ou_someone"),
}


def seed_world(app: App) -> None:
    """Two MY creators owned by Farah (by email) over a week, one IT creator, and the TEAM."""
    creators = pd.DataFrame(
        [
            {
                "market": "MY",
                "handle": "amir",
                "display_name": "Amir <!channel>",
                "tier": "gold",
                "category": "beauty",
                "followers": 10,
                "cm": "farah@example.com",
                "am": None,
                "joined_on": None,
            },
            {
                "market": "MY",
                "handle": "bella",
                "display_name": "Bella Tan",
                "tier": "gold",
                "category": "beauty",
                "followers": 10,
                "cm": "Farah Aziz",
                "am": None,
                "joined_on": None,
            },
            {
                "market": "IT",
                "handle": "giulia",
                "display_name": "Giulia Rossi",
                "tier": "oro",
                "category": "moda",
                "followers": 10,
                "cm": None,
                "am": None,
                "joined_on": None,
            },
        ]
    )
    rows = []
    for offset in range(7):
        day = END - dt.timedelta(days=offset)
        for market, handle, gmv in (
            ("MY", "amir", 25_000),
            ("MY", "bella", 12_000),
            ("IT", "giulia", 9_999),
        ):
            rows.append(
                {
                    "date": day,
                    "market": market,
                    "handle": handle,
                    "gmv": gmv,
                    "orders": 2,
                    "items_sold": 3,
                    "live_gmv": gmv,
                    "video_gmv": 0,
                    "live_sessions": 1,
                    "live_minutes": 30,
                    "video_posts": 0,
                    "video_views": 0,
                    "new_followers": 1,
                }
            )
    with app.sessions.begin() as session:
        writer.write_creators(creators, session=session)
        writer.write_daily_metrics(pd.DataFrame(rows), session=session)
        for platform, people in TEAM.items():
            for person in people:
                grant(platform, person, Role.ADMIN, [None], by="setup", now=NOW, session=session)


def job_runner(app: App, posters: dict[str, Poster]) -> Runner:
    """The scheduler's runner over every job, posting through `posters`."""
    return Runner(
        app.services, Posters(posters), jobs(), worker="test", grace=dt.timedelta(hours=3)
    )


def subscribe_channels(
    app: App,
    platform: str,
    workspace: str,
    channels: tuple[str, ...],
    *,
    kind: SubscriptionKind = SubscriptionKind.SNAPSHOT,
    by: str = "setup",
) -> None:
    """Each channel subscribed yesterday to MY's posts of `kind` (the snapshot unless told) at
    09:00: due at NOW (09:30 MYT)."""
    with app.sessions.begin() as session:
        for channel in channels:
            subscribe(
                platform=platform,
                workspace=workspace,
                channel=channel,
                kind=kind,
                market="MY",
                at_time="09:00",
                locale="en",
                created_by=by,
                now=NOW - dt.timedelta(days=1),
                session=session,
            )


def ended_campaign_with_feedback_prompts(
    app: App, *, platform: str, workspace: str, channel: str
) -> None:
    """The 11.11 Mega Sale (MY) ended yesterday, and `channel` is subscribed to feedback
    prompts at 09:00: this morning's tick posts the campaign's prompt there."""
    campaign = {
        "slug": "my-1111",
        "name": "11.11 Mega Sale",
        "market": "MY",
        "kind": "mega_sale",
        "starts_on": END - dt.timedelta(days=6),
        "ends_on": END,
        "metric": "gmv",
        "gmv_target": None,
        "creator_target": None,
        "reward_tiers": [],
    }
    with app.sessions.begin() as session:
        writer.write_campaigns(pd.DataFrame([campaign]), session=session)
    subscribe_channels(
        app, platform, workspace, (channel,), kind=SubscriptionKind.FEEDBACK, by="U1"
    )


LIST_SPRINT = "my-list-sprint"


def add_list_sprint(app: App) -> None:
    """A MY competition running from `END` for ten days, with nobody enrolled: what the tests of
    enrolment from a list file enrol into."""
    campaign = {
        "slug": LIST_SPRINT,
        "name": "List Sprint",
        "market": "MY",
        "kind": "competition",
        "starts_on": END,
        "ends_on": END + dt.timedelta(days=10),
        "metric": "gmv",
        "gmv_target": None,
        "creator_target": None,
        "reward_tiers": [],
    }
    with app.sessions.begin() as session:
        writer.write_campaigns(pd.DataFrame([campaign]), session=session)
