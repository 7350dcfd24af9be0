"""Subscriptions: which channel gets which digest, for which market, at what local time."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from creatorbot.storage.models import Subscription, SubscriptionKind, SuspendReason


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
    owner: str | None = None,
    min_orders: int | None = None,
    min_gmv: int | None = None,
) -> Subscription:
    """A new subscription, effective from `now` (no period before it is ever posted); with an
    `owner`, a personal one (its channel is where they read it), and its alert floor."""
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
        owner=owner,
        min_orders=min_orders,
        min_gmv=min_gmv,
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


def owner_subscriptions(
    platform: str, workspace: str, owner: str, *, session: Session
) -> list[Subscription]:
    """A user's personal subscriptions, oldest first."""
    query = (
        select(Subscription)
        .where(
            Subscription.platform == platform,
            Subscription.workspace == workspace,
            Subscription.owner == owner,
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


def suspend_workspace(
    platform: str, workspace: str, reason: SuspendReason, *, now: dt.datetime, session: Session
) -> int:
    """Stop the scheduled posts of every subscription of a workspace that no longer takes the
    app's posts; those already suspended keep their first date and reason. How many stopped."""
    statement = (
        update(Subscription)
        .where(
            Subscription.platform == platform,
            Subscription.workspace == workspace,
            Subscription.suspended_at.is_(None),
        )
        .values(suspended_at=now, suspended_reason=reason.value)
        .execution_options(synchronize_session=False)
    )
    return int(session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]


def lift_suspension(platform: str, workspace: str, *, now: dt.datetime, session: Session) -> int:
    """Let a workspace's suspended subscriptions post again from `now` (nothing due while
    they were suspended is posted late). How many started again."""
    statement = (
        update(Subscription)
        .where(
            Subscription.platform == platform,
            Subscription.workspace == workspace,
            Subscription.suspended_at.is_not(None),
        )
        .values(suspended_at=None, suspended_reason=None, resumed_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]
