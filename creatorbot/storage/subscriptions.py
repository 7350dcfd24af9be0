"""Subscriptions: which channel gets which digest, for which market, at what local time."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.models import Subscription, SubscriptionKind


def subscribe(
    *,
    platform: str,
    workspace: str,
    channel: str,
    kind: SubscriptionKind,
    market: str,
    at_time: str,
    locale: str,
    created_by: str,
    now: dt.datetime,
    session: Session,
) -> Subscription:
    """A new subscription, effective from `now` (no period before it is ever posted)."""
    subscription = Subscription(
        platform=platform,
        workspace=workspace,
        channel=channel,
        kind=kind,
        market=market,
        at_time=at_time,
        locale=locale,
        created_by=created_by,
        created_at=now,
        paused=False,
        war_room=False,
    )
    session.add(subscription)
    session.flush()
    return subscription


def channel_subscriptions(
    platform: str, workspace: str, channel: str, *, session: Session
) -> list[Subscription]:
    """A channel's subscriptions, oldest first."""
    query = (
        select(Subscription)
        .where(
            Subscription.platform == platform,
            Subscription.workspace == workspace,
            Subscription.channel == channel,
        )
        .order_by(Subscription.id)
    )
    return list(session.scalars(query))


def all_subscriptions(*, session: Session, active_only: bool = False) -> list[Subscription]:
    """Every subscription (only those not paused when `active_only`), oldest first."""
    query = select(Subscription).order_by(Subscription.id)
    if active_only:
        query = query.where(Subscription.paused.is_(False))
    return list(session.scalars(query))
