"""The anomaly alert job: each morning, yesterday's anomalies of the subscribed market in one
message (or the data freshness alert while yesterday's data is missing); for a personal
subscription, the anomalies of the owner's own creators, by DM, from their own floor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session

from creatorbot.commands.alerts import alert_post
from creatorbot.commands.reply import Reply
from creatorbot.commands.reply_codec import encode
from creatorbot.jobs.registry import JobRun, Post, job
from creatorbot.storage.alert_messages import remember_message
from creatorbot.storage.models import Subscription, SubscriptionKind
from creatorbot.storage.queries.anomaly_scan import Floor, floor_of
from creatorbot.storage.queries.markets import all_markets


@job("alerts", SubscriptionKind.ALERTS)
def alerts(run: JobRun) -> Post:
    """The market's alerts for the day before the period's local day. Each scheduled period
    covers its own data day, and an anomaly continuing from the days before is not posted
    again, so nothing is alerted twice; a run on demand posts the same day's message again.
    The message is kept with the alerts it carries, so that an acknowledgement anywhere
    updates it in place."""
    subscription = run.subscription
    floor = subscription_floor(subscription, run.call.session)
    post = alert_post(
        subscription.market,
        run.call,
        local_today=run.period.local_day,
        floor=floor,
        owner=subscription.owner,
    )
    if post.reply is None or not post.alerts:
        return Post(post.reply, post.data_day)
    now = run.call.services.clock()
    keep = _keeper(subscription, post.reply, post.alerts, now)
    return Post(post.reply, post.data_day, after=keep)


def subscription_floor(subscription: Subscription, session: Session) -> Floor | None:
    """The subscription's floor (`floor_of`); None when it sets none."""
    market = all_markets(session=session)[subscription.market]
    return floor_of(market, subscription.min_orders, subscription.min_gmv)


def _keeper(
    subscription: Subscription, reply: Reply, alert_ids: tuple[int, ...], now: dt.datetime
) -> Callable[[str, Session], None]:
    """What keeps the message once posted (its reference is known only then)."""
    platform, workspace = subscription.platform, subscription.workspace
    channel, locale = subscription.channel, subscription.locale
    content = encode(reply)

    def keep(ref: str, session: Session) -> None:
        remember_message(
            platform=platform,
            workspace=workspace,
            channel=channel,
            message_ref=ref,
            locale=locale,
            content=content,
            alert_ids=alert_ids,
            now=now,
            session=session,
        )

    return keep
