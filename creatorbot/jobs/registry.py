"""Jobs are declared once with `@job(...)`; `catalog.jobs()` imports them all in one place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from creatorbot.commands.core import Call
from creatorbot.commands.reply import Reply
from creatorbot.jobs.periods import Period
from creatorbot.storage.models import Subscription, SubscriptionKind


@dataclass(frozen=True)
class Post:
    """What a job wants posted for one period: a Reply, or None when there is nothing new;
    `data_day` is the day of data it showed (the ledger remembers it)."""

    reply: Reply | None
    data_day: dt.date | None = None
    # Called with the message's reference in the unit of work that records the post.
    after: Callable[[str, Session], None] | None = None


@dataclass(frozen=True)
class JobRun:
    """One job building one period's post for one subscription."""

    subscription: Subscription
    period: Period
    call: Call


class ExtraPeriods(Protocol):
    """Periods a job adds beyond its cadence (a campaign that ended, a reminder due)."""

    def __call__(
        self,
        subscription: Subscription,
        start: dt.datetime,
        end: dt.datetime,
        session: Session,
    ) -> list[Period]: ...


@dataclass(frozen=True)
class JobSpec:
    """A job: which subscriptions run it, how often, and the function building its post."""

    name: str
    kind: SubscriptionKind
    build: Callable[[JobRun], Post]
    cadence: str | None = "daily"  # "daily", "weekly", or None: only its extra periods
    war_room: bool = False  # hourly on mega-sale days for subscriptions that ask for it
    extra: ExtraPeriods | None = None


JOBS: dict[str, JobSpec] = {}


def job(
    name: str,
    kind: SubscriptionKind,
    *,
    cadence: str | None = "daily",
    war_room: bool = False,
    extra: ExtraPeriods | None = None,
) -> Callable[[Callable[[JobRun], Post]], Callable[[JobRun], Post]]:
    """Declare a job: `@job("snapshot", SubscriptionKind.SNAPSHOT, war_room=True)`."""

    def register(build: Callable[[JobRun], Post]) -> Callable[[JobRun], Post]:
        if name in JOBS and JOBS[name].build is not build:
            raise ValueError(f"job {name!r} is declared twice")
        JOBS[name] = JobSpec(name, kind, build, cadence, war_room, extra)
        return build

    return register
