"""Creators' form links: issued (one live link per creator and campaign is reused), read back
by id for the web form, revoked; and the creators a campaign's links are for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from creatorbot.storage.hold import hold_name, hold_row
from creatorbot.storage.models import Campaign, Creator, Enrollment, FormLink, Market
from creatorbot.storage.queries.creators import owner_clause


def utc(moment: dt.datetime) -> dt.datetime:
    """A stored time as an aware UTC time (SQLite gives it back naive, in UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


@dataclass(frozen=True)
class Issued:
    """A link as it is handed out: its id and expiry."""

    link_id: int
    expires_at: dt.datetime


def issue_links(
    creator_ids: Collection[int],
    campaign_id: int | None,
    *,
    now: dt.datetime,
    expires_at: dt.datetime,
    reuse_after: dt.datetime,
    created_by: str,
    session: Session,
) -> dict[int, Issued]:
    """A link per creator about `campaign_id` (None: about no campaign): the live one that
    still works after `reuse_after` (so a list sent twice gives the same addresses), else a
    new one expiring at `expires_at`. Flushed, not committed. Two issuing at once about one
    campaign take turns, so the second reuses the first's links."""
    hold_name(f"form_links:{campaign_id or '-'}", session=session)
    wanted = set(creator_ids)
    query = select(FormLink.creator_id, FormLink.id, FormLink.expires_at).where(
        FormLink.revoked_at.is_(None),
        FormLink.expires_at > reuse_after,
        FormLink.campaign_id.is_(None)
        if campaign_id is None
        else FormLink.campaign_id == campaign_id,
    )
    if len(wanted) <= 500:  # a few: an index probe each; a campaign's thousands: one scan
        query = query.where(FormLink.creator_id.in_(wanted))
    found: dict[int, Issued] = {}
    for creator_id, link_id, expires in session.execute(query.order_by(FormLink.id)).all():
        if creator_id in wanted:
            found[creator_id] = Issued(link_id, utc(expires))  # the newest wins
    missing = sorted(wanted - found.keys())
    if missing:
        made = _insert(missing, campaign_id, now, expires_at, created_by[:64], session)
        found.update({creator_id: Issued(link_id, expires_at) for creator_id, link_id in made})
    return found


def _insert(
    creator_ids: list[int],
    campaign_id: int | None,
    now: dt.datetime,
    expires_at: dt.datetime,
    created_by: str,
    session: Session,
) -> list[tuple[int, int]]:
    """(creator id, link id) of new links. On PostgreSQL one statement over an array of ids
    (a campaign's 10,000 in one round trip, not 10 batches of rows); elsewhere, rows."""
    if session.get_bind().dialect.name == "postgresql":
        statement = text(
            "INSERT INTO form_links (creator_id, campaign_id, created_at, created_by, expires_at) "
            "SELECT unnest(CAST(:ids AS integer[])), :campaign, :now, :by, :expires "
            "RETURNING creator_id, id"
        )
        values = {
            "ids": creator_ids,
            "campaign": campaign_id,
            "now": now,
            "by": created_by,
            "expires": expires_at,
        }
        return [(c, i) for c, i in session.execute(statement, values).all()]
    rows = [
        {
            "creator_id": creator_id,
            "campaign_id": campaign_id,
            "created_at": now,
            "created_by": created_by,
            "expires_at": expires_at,
        }
        for creator_id in creator_ids
    ]
    made = session.execute(insert(FormLink).returning(FormLink.creator_id, FormLink.id), rows)
    return [(c, i) for c, i in made.all()]


@dataclass(frozen=True)
class LinkView:
    """A link as the web form needs it: whom and what it is about, and whether it works."""

    link_id: int
    creator_id: int
    handle: str
    display_name: str
    market: str
    languages: tuple[str, ...]  # the market's, its default first
    campaign_id: int | None
    campaign_name: str | None
    campaign_slug: str | None
    expires_at: dt.datetime
    revoked: bool


def link_view(link_id: int, *, session: Session) -> LinkView | None:
    """The link with this id, or None (never issued, or its creator deleted)."""
    row = session.execute(
        select(FormLink, Creator, Market.locales, Campaign.name, Campaign.slug)
        .join(Creator, Creator.id == FormLink.creator_id)
        .join(Market, Market.code == Creator.market)
        .outerjoin(Campaign, Campaign.id == FormLink.campaign_id)
        .where(FormLink.id == link_id)
    ).first()
    if row is None:
        return None
    link, creator, locales, campaign_name, campaign_slug = row
    return LinkView(
        link.id,
        creator.id,
        creator.handle,
        creator.display_name,
        creator.market,
        tuple(part.strip() for part in (locales or "").split(",") if part.strip()),
        link.campaign_id,
        campaign_name,
        campaign_slug,
        utc(link.expires_at),
        link.revoked_at is not None,
    )


def hold_link(link_id: int, *, session: Session) -> bool:
    """Lock the link until the transaction ends, before reading what it was answered: two
    submits of one link take turns. Whether the link exists."""
    return hold_row(FormLink.id, link_id, session=session)


def revoke_links(
    creator_id: int, campaign_id: int | None, *, now: dt.datetime, session: Session
) -> int:
    """Revoke the creator's links that still work (about one campaign, or all of them when
    `campaign_id` is None); how many."""
    query = update(FormLink).where(
        FormLink.creator_id == creator_id,
        FormLink.revoked_at.is_(None),
        FormLink.expires_at > now,
    )
    if campaign_id is not None:
        query = query.where(FormLink.campaign_id == campaign_id)
    result = session.execute(
        query.values(revoked_at=now).execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class Enrolled:
    """A creator enrolled in a campaign, as a list of links shows them (no contact details)."""

    creator_id: int
    handle: str
    display_name: str
    market: str
    cm: str | None
    am: str | None


def enrolled_creators(
    campaign_id: int, *, owners: Iterable[str] | None = None, session: Session
) -> list[Enrolled]:
    """The campaign's enrolled creators (only those a CM or AM of `owners` owns, when given),
    by handle."""
    query = (
        select(
            Creator.id, Creator.handle, Creator.display_name, Creator.market, Creator.cm, Creator.am
        )
        .join(Enrollment, Enrollment.creator_id == Creator.id)
        .where(Enrollment.campaign_id == campaign_id)
        .order_by(Creator.handle, Creator.id)
    )
    if owners is not None:
        query = query.where(owner_clause(owners))
    return [Enrolled(*row) for row in session.execute(query).all()]
