"""The daily ranking snapshot: the `snapshot` Reply for the subscribed market, every morning, or
every hour of a mega sale for channels in war-room mode."""

from __future__ import annotations

from creatorbot.commands.snapshot import build_snapshot
from creatorbot.jobs.registry import JobRun, Post, job
from creatorbot.storage.models import SubscriptionKind
from creatorbot.storage.queries.markets import latest_day


@job("snapshot", SubscriptionKind.SNAPSHOT, war_room=True)
def snapshot(run: JobRun) -> Post:
    """The market's snapshot through its latest day of data."""
    market = run.subscription.market
    reply = build_snapshot(market, run.call, hourly=run.period.hourly)
    return Post(reply, data_day=latest_day(market, session=run.call.session))
