"""The anomaly alert job: each morning, yesterday's anomalies of the subscribed market in one
message (or the data freshness alert while yesterday's data is missing)."""

from __future__ import annotations

from creatorbot.commands.alerts import alert_post
from creatorbot.jobs.registry import JobRun, Post, job
from creatorbot.storage.models import SubscriptionKind


@job("alerts", SubscriptionKind.ALERTS)
def alerts(run: JobRun) -> Post:
    """The market's alerts for the day before the period's local day. Each scheduled period
    covers its own data day, and an anomaly continuing from the days before is not posted
    again, so nothing is alerted twice; a run on demand posts the same day's message again."""
    post = alert_post(run.subscription.market, run.call, local_today=run.period.local_day)
    return Post(post.reply, post.data_day)
