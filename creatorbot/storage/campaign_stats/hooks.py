"""When campaign stats are brought up to date besides daily metrics: after campaigns or
enrollments are written, after a demo world is written, and at upgrade for stale ones."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from creatorbot.storage.campaign_stats.enrolled import add_new_enrollees
from creatorbot.storage.campaign_stats.fresh import specs, stale_campaigns, stale_of
from creatorbot.storage.campaign_stats.recompute import recompute
from creatorbot.storage.campaign_stats.standings import restand
from creatorbot.storage.changes import lock_markets
from creatorbot.storage.queries.markets import latest_day


def after_campaigns(ids: Iterable[int], *, session: Session) -> None:
    """Campaigns were written: recompute those whose window or metric changed (or new ones);
    re-importing the same campaigns costs a lookup."""
    campaigns = specs(ids=ids, session=session)
    lock_markets({spec.market for spec in campaigns}, session=session)
    recompute(stale_of(campaigns, session=session), session=session)


def after_enrollments(ids: Iterable[int], *, session: Session) -> None:
    """Enrollments of these campaigns were written: add the new enrollees to up-to-date stats,
    recompute the others."""
    campaigns = specs(ids=ids, session=session)
    lock_markets({spec.market for spec in campaigns}, session=session)
    stale = stale_of(campaigns, session=session)
    for spec in campaigns:
        if spec in stale:
            continue
        if add_new_enrollees(spec, session=session):
            restand(spec, None, latest_day(spec.market, session=session), session=session)
    recompute(stale, session=session)


def after_unenrollments(ids: Iterable[int], *, session: Session) -> None:
    """Creators were taken out of these campaigns: recompute their stats."""
    campaigns = specs(ids=ids, session=session)
    lock_markets({spec.market for spec in campaigns}, session=session)
    recompute(campaigns, session=session)


def after_world(*, session: Session) -> None:
    """A demo world was written (its daily metrics in bulk, past the write path): recompute
    every campaign."""
    recompute(specs(session=session), session=session)


def refresh_stale(*, session: Session) -> list[int]:
    """Recompute every stale campaign's stats; the ids of those recomputed."""
    stale = stale_campaigns(session=session)
    recompute(stale, session=session)
    return [spec.id for spec in stale]
