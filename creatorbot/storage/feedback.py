"""Feedback: the forms prompts post, saving a response, who owes an answer, the report and the
export."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, insert, select, union
from sqlalchemy.orm import Session

from creatorbot.storage.dialect_insert import insert_of
from creatorbot.storage.models import (
    Campaign,
    Creator,
    Enrollment,
    FeedbackForm,
    FeedbackResponse,
    Run,
    RunStatus,
    Subscription,
)


def save_feedback(
    *,
    platform: str,
    user_id: str,
    rating: int,
    topic: str,
    comment: str,
    language: str,
    creator_id: int | None,
    campaign_id: int | None,
    form_id: int | None = None,
    now: dt.datetime | None = None,
    submission: str | None = None,
    session: Session,
) -> int:
    """Store one response; returns its id once flushed (the caller commits). `submission`
    names the submission it came from: a person's submission is kept once, even when it
    arrives twice at the same moment (one upsert: the second finds the first)."""
    values = {
        "platform": platform,
        "user_id": user_id,
        "rating": rating,
        "topic": topic,
        "comment": comment,
        "language": language,
        "creator_id": creator_id,
        "campaign_id": campaign_id,
        "form_id": form_id,
        "created_at": now or dt.datetime.now(dt.UTC),
        "submission": submission,
    }
    if submission is None:
        added = insert(FeedbackResponse).values(**values).returning(FeedbackResponse.id)
        return session.execute(added).scalar_one()
    statement = insert_of(session)(FeedbackResponse).values(**values)
    kept = session.scalar(
        statement.on_conflict_do_nothing(
            index_elements=["platform", "user_id", "submission"]
        ).returning(FeedbackResponse.id)
    )
    if kept is not None:
        return kept
    query = select(FeedbackResponse.id).where(
        FeedbackResponse.platform == platform,
        FeedbackResponse.user_id == user_id,
        FeedbackResponse.submission == submission,
    )
    return session.execute(query).scalar_one()


STAFF = "staff"  # logged by a team member in chat
CREATOR = "creator"  # the creator's own answer, on the web form by a signed link


def save_link_answer(
    *,
    link_id: int,
    creator_id: int,
    campaign_id: int | None,
    rating: int,
    topic: str,
    comment: str,
    language: str,
    now: dt.datetime,
    submission: str,
    session: Session,
) -> tuple[int, bool]:
    """Store a creator's own answer by link: the link's earlier answer is updated, never
    duplicated, when the caller holds the link (`form_links.hold_link`) from before it read
    that answer. (response id, whether it was new); flushed, not committed."""
    response = session.scalar(select(FeedbackResponse).where(FeedbackResponse.link_id == link_id))
    new = response is None
    if response is None:
        response = FeedbackResponse(
            platform="web", user_id=f"link:{link_id}", source=CREATOR, link_id=link_id
        )
        session.add(response)
    response.creator_id = creator_id
    response.campaign_id = campaign_id
    response.rating = rating
    response.topic = topic
    response.comment = comment
    response.language = language
    response.created_at = now
    response.submission = submission
    session.flush()
    return response.id, new


@dataclass(frozen=True)
class LinkAnswer:
    """What a link's creator answered last, and the form rendering that sent it."""

    rating: int
    topic: str
    comment: str
    at: dt.datetime
    submission: str | None


def link_answer(link_id: int, *, session: Session) -> LinkAnswer | None:
    """The answer given by this link, if any."""
    found = session.scalar(select(FeedbackResponse).where(FeedbackResponse.link_id == link_id))
    if found is None:
        return None
    at = found.created_at if found.created_at.tzinfo else found.created_at.replace(tzinfo=dt.UTC)
    return LinkAnswer(found.rating, found.topic, found.comment or "", at, found.submission)


def already_saved(platform: str, user_id: str, submission: str, *, session: Session) -> bool:
    """Whether this person's `submission` was kept already."""
    query = select(FeedbackResponse.id).where(
        FeedbackResponse.platform == platform,
        FeedbackResponse.user_id == user_id,
        FeedbackResponse.submission == submission,
    )
    return session.scalar(query) is not None


@dataclass(frozen=True)
class Comment:
    """One recent response, as a report lists it."""

    at: dt.datetime
    rating: int
    topic: str
    comment: str
    creator: str | None
    campaign: str | None
    user_id: str
    source: str = STAFF


@dataclass(frozen=True)
class FeedbackSummary:
    """How many responses (and of them, the creators' own), their average rating, topics and
    the latest comments."""

    count: int
    average: float | None
    topics: dict[str, int]
    recent: list[Comment]
    from_creators: int = 0


def _in_markets(markets: Collection[str]) -> ColumnElement[bool]:
    """Responses about a creator or a campaign of one of `markets`."""
    about = (
        select(FeedbackResponse.id)
        .outerjoin(Creator, Creator.id == FeedbackResponse.creator_id)
        .outerjoin(Campaign, Campaign.id == FeedbackResponse.campaign_id)
        .where(func.coalesce(Creator.market, Campaign.market).in_(list(markets)))
    )
    return FeedbackResponse.id.in_(about)


def feedback_summary(
    *,
    session: Session,
    campaign_id: int | None = None,
    recent: int = 5,
    markets: Collection[str] | None = None,
) -> FeedbackSummary:
    """Summarise every response (or those about one campaign; `markets`: only about those)."""
    where = [] if campaign_id is None else [FeedbackResponse.campaign_id == campaign_id]
    if markets is not None:
        where.append(_in_markets(markets))
    count, average, own = session.execute(
        select(
            func.count(),
            func.avg(FeedbackResponse.rating),
            func.count(FeedbackResponse.link_id),
        ).where(*where)
    ).one()
    topics = Counter(
        dict(
            session.execute(
                select(FeedbackResponse.topic, func.count())
                .where(*where)
                .group_by(FeedbackResponse.topic)
            ).all()
        )
    )
    rows = session.execute(
        select(FeedbackResponse, Creator.handle, Campaign.slug)
        .outerjoin(Creator, Creator.id == FeedbackResponse.creator_id)
        .outerjoin(Campaign, Campaign.id == FeedbackResponse.campaign_id)
        .where(*where, FeedbackResponse.comment != "")
        .order_by(FeedbackResponse.created_at.desc(), FeedbackResponse.id.desc())
        .limit(recent)
    ).all()
    comments = [
        Comment(r.created_at, r.rating, r.topic, r.comment, handle, slug, r.user_id, r.source)
        for r, handle, slug in rows
    ]
    return FeedbackSummary(
        int(count),
        float(average) if average is not None else None,
        dict(topics.most_common()),
        comments,
        int(own or 0),
    )


def latest_feedback(creator_id: int, *, session: Session) -> FeedbackResponse | None:
    """The most recent response about a creator."""
    query = (
        select(FeedbackResponse)
        .where(FeedbackResponse.creator_id == creator_id)
        .order_by(FeedbackResponse.created_at.desc(), FeedbackResponse.id.desc())
        .limit(1)
    )
    return session.scalar(query)


# --- prompts --------------------------------------------------------------------------------


def prompt_form(
    *,
    platform: str,
    channel: str,
    market: str,
    period: str,
    campaign_id: int | None,
    now: dt.datetime,
    session: Session,
) -> FeedbackForm:
    """The form of one prompt: found by (platform, channel, market, period) when a post of that
    period was built before (a crash, a retry, another process at the same moment), else
    created."""
    query = select(FeedbackForm).where(
        FeedbackForm.platform == platform,
        FeedbackForm.channel == channel,
        FeedbackForm.market == market,
        FeedbackForm.period == period,
    )
    found = session.scalar(query)
    if found is not None:
        return found
    values = {
        "platform": platform,
        "channel": channel,
        "market": market,
        "campaign_id": campaign_id,
        "period": period,
        "created_at": now,
    }
    session.execute(
        insert_of(session)(FeedbackForm)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["platform", "channel", "market", "period"])
    )
    return session.scalars(query).one()


def form_by_id(form_id: int, *, session: Session) -> FeedbackForm | None:
    """A prompt's form, or None."""
    return session.get(FeedbackForm, form_id)


def posted_prompts(
    subscription_id: int, jobs: Iterable[str], *, since: dt.datetime, session: Session
) -> list[tuple[int, dt.datetime]]:
    """(form id, posted at) of the prompts a subscription's jobs posted since `since`: the run
    ledger says what went out, the form of the same channel, market and period what it was."""
    query = (
        select(FeedbackForm.id, Run.posted_at)
        .join(Subscription, Subscription.id == Run.subscription_id)
        .join(
            FeedbackForm,
            (FeedbackForm.platform == Subscription.platform)
            & (FeedbackForm.channel == Subscription.channel)
            & (FeedbackForm.market == Subscription.market)
            & (FeedbackForm.period == Run.period),
        )
        .where(
            Run.subscription_id == subscription_id,
            Run.job.in_(list(jobs)),
            Run.status == RunStatus.POSTED,
            Run.posted_at >= since,
        )
        .order_by(Run.posted_at, FeedbackForm.id)
    )
    return [(form_id, at) for form_id, at in session.execute(query).all() if at is not None]


def owner_names(
    *,
    session: Session,
    market: str,
    campaign_id: int | None = None,
    answered_since: dt.datetime | None = None,
) -> set[str]:
    """The CM and AM names of a campaign's enrolled creators, or of every creator of a market;
    with `answered_since`, leaving out the creators who answered for themselves since then
    (about that campaign, when there is one): nobody need be asked about them."""
    scope_query = (
        select(Creator.cm.label("name"), Creator.am.label("other"))
        .join(Enrollment, Enrollment.creator_id == Creator.id)
        .where(Enrollment.campaign_id == campaign_id)
        if campaign_id is not None
        else select(Creator.cm.label("name"), Creator.am.label("other")).where(
            Creator.market == market
        )
    )
    if answered_since is not None:
        own = select(FeedbackResponse.creator_id).where(
            FeedbackResponse.source == CREATOR,
            FeedbackResponse.created_at >= answered_since,
            FeedbackResponse.creator_id.is_not(None),
        )
        if campaign_id is not None:
            own = own.where(FeedbackResponse.campaign_id == campaign_id)
        scope_query = scope_query.where(Creator.id.not_in(own))
    scope = scope_query.subquery()
    names = union(select(scope.c.name), select(scope.c.other))
    return {name for (name,) in session.execute(names).all() if name and name.strip()}


def answered_by(form_id: int, platform: str, *, session: Session) -> set[str]:
    """The chat user ids that answered a prompt."""
    query = select(FeedbackResponse.user_id).where(
        FeedbackResponse.form_id == form_id, FeedbackResponse.platform == platform
    )
    return set(session.scalars(query.distinct()))


def campaigns_ended(
    market: str, first: dt.date, last: dt.date, *, session: Session
) -> list[Campaign]:
    """Campaigns of `market` whose last day is between `first` and `last`, by end then slug."""
    query = (
        select(Campaign)
        .where(Campaign.market == market, Campaign.ends_on >= first, Campaign.ends_on <= last)
        .order_by(Campaign.ends_on, Campaign.slug)
    )
    return list(session.scalars(query))


# --- export ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportRow:
    """One response as the export lists it."""

    at: dt.datetime
    user_id: str
    creator: str | None
    campaign: str | None
    rating: int
    topic: str
    language: str
    comment: str
    source: str = STAFF


def feedback_rows(
    *,
    session: Session,
    campaign_id: int | None = None,
    markets: Collection[str] | None = None,
) -> list[ExportRow]:
    """Every response (or those about one campaign; `markets`: only about those), oldest
    first."""
    query = (
        select(FeedbackResponse, Creator.handle, Campaign.slug)
        .outerjoin(Creator, Creator.id == FeedbackResponse.creator_id)
        .outerjoin(Campaign, Campaign.id == FeedbackResponse.campaign_id)
        .order_by(FeedbackResponse.created_at, FeedbackResponse.id)
    )
    if campaign_id is not None:
        query = query.where(FeedbackResponse.campaign_id == campaign_id)
    if markets is not None:
        query = query.where(_in_markets(markets))
    return [
        ExportRow(
            r.created_at,
            r.user_id,
            handle,
            slug,
            r.rating,
            r.topic,
            r.language,
            r.comment or "",
            r.source,
        )
        for r, handle, slug in session.execute(query).all()
    ]
