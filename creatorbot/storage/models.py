"""Typed SQLAlchemy 2.0 models for every entity creatorbot stores.

Money columns hold integer minor units (cents, sen) of the market's currency: exact on every
database and cheap to sum. `storage.money` converts to and from `Decimal`.

No `from __future__ import annotations` here: SQLAlchemy would then evaluate each `Mapped[...]`
string when mapping, a tenth of the models' import, which every command pays (the forward
references are quoted instead).
"""

import datetime as dt
import enum

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations name constraints stably."""

    metadata = MetaData(naming_convention=NAMING)


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings (no native PostgreSQL enum): adding a value needs no migration dance.
    return Enum(cls, name=name, native_enum=False, length=24, values_callable=_values)


def _values(cls: type[enum.Enum]) -> list[str]:
    return [member.value for member in cls]


class CampaignKind(enum.StrEnum):
    """The four kinds of campaign a market runs."""

    MEGA_SALE = "mega_sale"
    IP_EVENT = "ip_event"
    COMPETITION = "competition"
    INCENTIVE = "incentive"


class SubscriptionKind(enum.StrEnum):
    """What a channel subscribes to."""

    SNAPSHOT = "snapshot"
    ALERTS = "alerts"
    FEEDBACK = "feedback"
    PORTFOLIO = "portfolio"
    CAMPAIGN = "campaign"  # one campaign's start, last days and recap (`campaign_id`)


class SuspendReason(enum.StrEnum):
    """Why a workspace takes no scheduled posts from the app."""

    UNINSTALLED = "uninstalled"  # the platform said the app was removed from it
    REVOKED = "revoked"  # the app's token for it was revoked, or refused on a post


class RunStatus(enum.StrEnum):
    """The life of one (job, subscription, period) row in the run ledger."""

    PENDING = "pending"  # asked for (`digest run`), not claimed yet
    CLAIMED = "claimed"
    POSTED = "posted"
    QUIET = "quiet"  # ran, and had nothing to post (e.g. no new anomalies)
    FAILED = "failed"
    SKIPPED = "skipped"  # missed beyond the grace window: visible, never posted late


class AlertStatus(enum.StrEnum):
    """Where an alert stands with the team."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    SNOOZED = "snoozed"


class Role(enum.StrEnum):
    """Roles, each granted per market (or for every market)."""

    ADMIN = "admin"
    LEAD = "lead"
    CM = "cm"
    AM = "am"
    VIEWER = "viewer"


class Market(Base):
    """A TikTok Shop market: its currency, timezone and the languages its teams use."""

    __tablename__ = "markets"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    minor_units: Mapped[int] = mapped_column(SmallInteger, default=2)
    timezone: Mapped[str] = mapped_column(String(64))
    locales: Mapped[str] = mapped_column(String(64), doc="comma-separated, first is the default")


class Creator(Base):
    """A creator in one market. Contact details are stored for operations, never shown."""

    __tablename__ = "creators"
    __table_args__ = (UniqueConstraint("market", "handle"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    market: Mapped[str] = mapped_column(ForeignKey("markets.code"))
    handle: Mapped[str] = mapped_column(String(64))
    # The handle up to case, Unicode form and invisible characters (storage/handles.py): two
    # creators a reader cannot tell apart share it, so look-ups find both.
    handle_key: Mapped[str] = mapped_column(
        Text().with_variant(Text(collation="C"), "postgresql"), server_default=""
    )
    display_name: Mapped[str] = mapped_column(String(128))
    # The display name without accents, case or extra spaces (storage/handles.py), for search;
    # in byte order on PostgreSQL so that a prefix is a range of its index.
    name_key: Mapped[str] = mapped_column(
        Text().with_variant(Text(collation="C"), "postgresql"), server_default=""
    )
    tier: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(64))
    followers: Mapped[int] = mapped_column(BigInteger, default=0)
    cm: Mapped[str | None] = mapped_column(String(128))
    am: Mapped[str | None] = mapped_column(String(128))
    joined_on: Mapped[dt.date | None] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(64))


class Tier(Base):
    """A creator tier of a market and the 30-day GMV it takes to reach it."""

    __tablename__ = "tiers"

    market: Mapped[str] = mapped_column(ForeignKey("markets.code"), primary_key=True)
    tier: Mapped[str] = mapped_column(String(32), primary_key=True)
    rank: Mapped[int] = mapped_column(SmallInteger)
    min_gmv_30d: Mapped[int] = mapped_column(BigInteger, doc="minor units")


# `creator NAME` matches handles and display names case-insensitively: an index each, so a
# look-up among a million creators is a probe, not a scan.
Index("ix_creators_lower_handle", func.lower(Creator.handle))
Index("ix_creators_handle_key", Creator.handle_key)
Index("ix_creators_name_key", Creator.name_key)
# What the boards read of a market's creators, from the index alone: ids by tier and category.
Index(
    "ix_creators_market_tier_category", Creator.market, Creator.tier, Creator.category, Creator.id
)
# A portfolio is the creators whose CM or AM is the owner: a probe each, never a scan.
Index("ix_creators_lower_cm", func.lower(Creator.cm))
Index("ix_creators_lower_am", func.lower(Creator.am))


class DailyMetric(Base):
    """One creator's numbers for one local day of their market."""

    __tablename__ = "daily_metrics"
    __table_args__ = (Index("ix_daily_metrics_market_date", "market", "date"),)

    # No foreign key: checking one locked the creator's row for every row written (half the
    # time of a day's write on PostgreSQL). The write path writes only creators it looked up,
    # and a trigger on creators deletes their rows with them (migration 0018), as it does
    # board rows' and segment members'.
    creator_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    market: Mapped[str] = mapped_column(String(8))
    gmv: Mapped[int] = mapped_column(BigInteger, doc="minor units")
    orders: Mapped[int] = mapped_column(Integer)
    items_sold: Mapped[int] = mapped_column(Integer)
    live_gmv: Mapped[int] = mapped_column(BigInteger, doc="minor units")
    video_gmv: Mapped[int] = mapped_column(BigInteger, doc="minor units")
    live_sessions: Mapped[int] = mapped_column(Integer)
    live_minutes: Mapped[int] = mapped_column(Integer)
    video_posts: Mapped[int] = mapped_column(Integer)
    video_views: Mapped[int] = mapped_column(BigInteger)
    new_followers: Mapped[int] = mapped_column(Integer)


class Campaign(Base):
    """A mega sale, IP event, competition or incentive program in one market."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    market: Mapped[str] = mapped_column(ForeignKey("markets.code"))
    kind: Mapped[CampaignKind] = mapped_column(_enum(CampaignKind, "campaign_kind"))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    metric: Mapped[str] = mapped_column(String(32), default="gmv")
    gmv_target: Mapped[int | None] = mapped_column(BigInteger, doc="minor units")
    creator_target: Mapped[int | None] = mapped_column(Integer)
    budget_cap: Mapped[int | None] = mapped_column(
        BigInteger, doc="minor units: the most the rewards may cost in all (None: no cap)"
    )
    remind_days: Mapped[int | None] = mapped_column(
        SmallInteger, doc="remind the subscribers on each of the last N days (None: never)"
    )

    reward_tiers: Mapped[list["RewardTier"]] = relationship(
        back_populates="campaign",
        cascade="all, delete-orphan",
        order_by="RewardTier.threshold",
    )
    reward_bands: Mapped[list["RewardBand"]] = relationship(
        back_populates="campaign",
        cascade="all, delete-orphan",
        order_by="RewardBand.rank_from",
    )


class RewardTier(Base):
    """One rung of an incentive program: reach `threshold` of the metric, earn `reward`."""

    __tablename__ = "reward_tiers"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    threshold: Mapped[int] = mapped_column(
        BigInteger,
        primary_key=True,
        doc="in the metric's unit: minor units for money, else a count",
    )
    reward: Mapped[int] = mapped_column(BigInteger, doc="minor units")

    campaign: Mapped[Campaign] = relationship(back_populates="reward_tiers")


class RewardBand(Base):
    """One prize of a competition: finish between `rank_from` and `rank_to`, earn `reward`."""

    __tablename__ = "reward_bands"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    rank_from: Mapped[int] = mapped_column(Integer, primary_key=True)
    rank_to: Mapped[int] = mapped_column(Integer, doc="inclusive")
    reward: Mapped[int] = mapped_column(BigInteger, doc="minor units, to each creator in the band")

    campaign: Mapped[Campaign] = relationship(back_populates="reward_bands")


class Enrollment(Base):
    """A creator taking part in a campaign."""

    __tablename__ = "enrollments"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    creator_id: Mapped[int] = mapped_column(
        ForeignKey("creators.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    enrolled_on: Mapped[dt.date] = mapped_column(Date)


class SlotMetric(Base):
    """One affiliate resource slot's traffic for one day (EC Center banner, landing page, …)."""

    __tablename__ = "slot_metrics"

    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    market: Mapped[str] = mapped_column(ForeignKey("markets.code"), primary_key=True)
    slot: Mapped[str] = mapped_column(String(64), primary_key=True)
    surface: Mapped[str] = mapped_column(String(64))
    impressions: Mapped[int] = mapped_column(BigInteger)
    clicks: Mapped[int] = mapped_column(BigInteger)
    conversions: Mapped[int] = mapped_column(BigInteger)


class FeedbackForm(Base):
    """A feedback prompt posted to a channel, optionally about one campaign; `period` is the
    ledger period of the post, so a post rebuilt after a crash finds the same form."""

    __tablename__ = "feedback_forms"
    __table_args__ = (UniqueConstraint("platform", "channel", "market", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(64))
    market: Mapped[str | None] = mapped_column(ForeignKey("markets.code"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    period: Mapped[str | None] = mapped_column(String(32))
    message_ref: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class FeedbackResponse(Base):
    """What one team member logged about a creator or a campaign."""

    __tablename__ = "feedback_responses"
    __table_args__ = (
        Index("ix_feedback_responses_submission", "platform", "user_id", "submission", unique=True),
        Index("ix_feedback_responses_link_id", "link_id", unique=True),
        # A creator's latest response (`creator`, the feedback summary): no scan of them all.
        Index("ix_feedback_responses_creator_created", "creator_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_forms.id", ondelete="SET NULL"), index=True
    )
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    creator_id: Mapped[int | None] = mapped_column(ForeignKey("creators.id", ondelete="SET NULL"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    rating: Mapped[int] = mapped_column(SmallInteger)
    topic: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    submission: Mapped[str | None] = mapped_column(
        String(64), doc="one submission of one form with these answers: sent again, kept once"
    )
    # Who gave the answer: `staff` (logged in chat) or `creator` (the creator's own, on the web
    # form by a signed link, whose answer `link_id` names: sent again, it is updated).
    source: Mapped[str] = mapped_column(String(16), default="staff", server_default="staff")
    link_id: Mapped[int | None] = mapped_column(ForeignKey("form_links.id", ondelete="SET NULL"))


class FormLink(Base):
    """A signed link that lets one creator answer the feedback form on the web, optionally
    about one campaign; the token names only its id and expiry. Revoked links stay, refused."""

    __tablename__ = "form_links"
    __table_args__ = (Index("ix_form_links_creator", "creator_id", "campaign_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("creators.id", ondelete="CASCADE"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64), default="")
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Subscription(Base):
    """A channel's standing order for a digest: snapshot, alerts or feedback prompts."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(64), default="")
    channel: Mapped[str] = mapped_column(String(64))
    kind: Mapped[SubscriptionKind] = mapped_column(_enum(SubscriptionKind, "subscription_kind"))
    market: Mapped[str] = mapped_column(ForeignKey("markets.code"))
    at_time: Mapped[str] = mapped_column(String(5), doc="HH:MM in the market's timezone")
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    war_room: Mapped[bool] = mapped_column(Boolean, default=False)
    locale: Mapped[str] = mapped_column(String(8), default="en")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    # Set while the workspace takes no posts from the app (SuspendReason); not the channel's
    # own pause: lifting one leaves the other as it was.
    suspended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    suspended_reason: Mapped[str | None] = mapped_column(String(16))
    resumed_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), doc="posting started again after a suspension: nothing due before"
    )
    # A personal subscription (`… me`): the chat user whose own creators it covers; its
    # channel is their direct messages. None: a channel's subscription, all the market.
    owner: Mapped[str | None] = mapped_column(String(64))
    # The alert floor: a creator's usual day must reach both to be judged (None: the default).
    min_orders: Mapped[int | None] = mapped_column(Integer)
    min_gmv: Mapped[int | None] = mapped_column(BigInteger, doc="minor units a day")
    # A campaign subscription (SubscriptionKind.CAMPAIGN): the campaign it follows.
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )


class Run(Base):
    """The run ledger: one row per (job, subscription, period), claimed before it is posted."""

    __tablename__ = "runs"
    __table_args__ = (UniqueConstraint("job", "subscription_id", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(32))
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(32))
    status: Mapped[RunStatus] = mapped_column(_enum(RunStatus, "run_status"), index=True)
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    posted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    message_ref: Mapped[str | None] = mapped_column(String(128))
    error: Mapped[str | None] = mapped_column(Text)
    data_day: Mapped[dt.date | None] = mapped_column(Date, doc="the data day the post showed")


class Alert(Base):
    """An anomaly found for a creator, campaign, slot or market on one day."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("market", "subject_kind", "subject_key", "metric", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    market: Mapped[str] = mapped_column(ForeignKey("markets.code"))
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_key: Mapped[str] = mapped_column(String(64))
    metric: Mapped[str] = mapped_column(String(32))
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    observed: Mapped[int] = mapped_column(BigInteger)
    expected: Mapped[int] = mapped_column(BigInteger)
    impact: Mapped[int] = mapped_column(BigInteger, doc="money at stake, minor units")
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[AlertStatus] = mapped_column(_enum(AlertStatus, "alert_status"))
    snoozed_until: Mapped[dt.date | None] = mapped_column(Date)
    handled_by: Mapped[str | None] = mapped_column(String(64))
    handled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class ChatPerson(Base):
    """A CM's or AM's email as a chat user of a workspace (None: no such user), as the platform
    answered at `checked_at`; asked again once the answer is old."""

    __tablename__ = "chat_people"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[str | None] = mapped_column(String(64))
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ChatLocale(Base):
    """The language a chat user's own client last said it reads (a Lark locale, `it_IT`), kept
    so that a restart still answers them in it."""

    __tablename__ = "chat_locales"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    locale: Mapped[str] = mapped_column(String(16))
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class RateHit(Base):
    """How often one subject (a chat user, a web address, a form link) was let through in the
    current minute and the one before, per limit: counted here so that every process and
    replica on the database shares the count. Rows of earlier minutes are pruned. UNLOGGED on
    PostgreSQL (migration 0027): a crash forgets a minute of counts, a hit never waits on disk."""

    __tablename__ = "rate_hits"
    __table_args__ = (Index("ix_rate_hits_bucket", "bucket"),)

    scope: Mapped[str] = mapped_column(String(32), primary_key=True)  # the limit and platform
    subject: Mapped[str] = mapped_column(String(128), primary_key=True)
    bucket: Mapped[int] = mapped_column(Integer)  # the minute: seconds since 1970 // 60
    hits: Mapped[int] = mapped_column(Integer)  # let through in that minute
    earlier: Mapped[int] = mapped_column(Integer)  # let through in the minute before
    allowed: Mapped[int] = mapped_column(SmallInteger)  # the last hit's verdict, 1 or 0


class AlertMessage(Base):
    """A posted alert message (a channel's or an owner's DM) and what it showed, so that an
    acknowledgement anywhere updates it in place."""

    __tablename__ = "alert_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(64), default="")
    channel: Mapped[str] = mapped_column(String(64))
    message_ref: Mapped[str] = mapped_column(String(128))
    locale: Mapped[str] = mapped_column(String(8), default="en")
    content: Mapped[str] = mapped_column(Text, doc="the post as shown, JSON")
    posted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AlertMessageItem(Base):
    """Which alerts an alert message carries."""

    __tablename__ = "alert_message_items"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("alert_messages.id", ondelete="CASCADE"), primary_key=True
    )
    alert_id: Mapped[int] = mapped_column(
        ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class AlertNotice(Base):
    """An acknowledgement or snooze still to be shown on the messages that carry the alert
    (`pending` until the posting floor has updated them and noted it in their threads; a try
    that failed is made again from `due_at`, a few times; a claim ends at `due_at`)."""

    __tablename__ = "alert_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class RoleGrant(Base):
    """A role given to a chat user, or to a group of them (user_id `group:S…` for a Slack user
    group, `dept:od-…` for a Lark department), for one market or (market NULL) for all."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("platform", "user_id", "role", "market"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    market: Mapped[str | None] = mapped_column(ForeignKey("markets.code"))
    granted_by: Mapped[str] = mapped_column(String(64))
    granted_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    # A group's name as the platform showed it when the role was granted (`@cm-my`), if it did.
    name: Mapped[str | None] = mapped_column(String(128))


class AuditEntry(Base):
    """The append-only audit log: who did what, where, whether it was allowed, how long it took."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(64), default="")
    channel: Mapped[str] = mapped_column(String(64), default="")
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    command: Mapped[str] = mapped_column(String(32))
    arguments: Mapped[str] = mapped_column(Text, default="")
    allowed: Mapped[bool] = mapped_column(Boolean)
    outcome: Mapped[str] = mapped_column(String(16))
    rows: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int | None] = mapped_column(Integer)


class SeenEvent(Base):
    """A platform delivery already handled (Slack event_id, Lark event_id): retries are dropped."""

    __tablename__ = "seen_events"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class Meta(Base):
    """Small key/value facts about the database itself (e.g. which demo world it holds)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Board(Base):
    """A precomputed standard leaderboard of a market's latest day: one metric, period and scope
    (`all`, `tier:<name>`, `category:<name>`; names lowercased), with its totals."""

    __tablename__ = "boards"

    market: Mapped[str] = mapped_column(String(8), primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    scope: Mapped[str] = mapped_column(String(96), primary_key=True)
    end_day: Mapped[dt.date] = mapped_column(Date, doc="the latest day when it was computed")
    ranked: Mapped[int] = mapped_column(Integer, doc="creators ranked, beyond the stored rows")
    total: Mapped[int] = mapped_column(BigInteger, doc="the metric summed over every ranked one")
    computed_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class BoardRow(Base):
    """One of the top rows of a `Board`, with the creator's rank in the window before."""

    __tablename__ = "board_rows"

    market: Mapped[str] = mapped_column(String(8), primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    scope: Mapped[str] = mapped_column(String(96), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Indexed so deleting creators (a demo rebuild) deletes their rows without scanning every
    # board. No foreign key: a trigger on creators deletes them (as for daily metrics).
    creator_id: Mapped[int] = mapped_column(Integer, index=True)
    value: Mapped[int] = mapped_column(BigInteger)
    previous_rank: Mapped[int | None] = mapped_column(Integer, doc="NULL for a new entry")


class DayColumn(Base):
    """One column of a market's day of daily metrics (the creator ids, or one rankable metric of
    each of them, in the same order) as a packed numpy array: what boards are ranked from,
    kept by the write path beside the rows so a refresh never scans the daily table."""

    __tablename__ = "day_columns"

    market: Mapped[str] = mapped_column(String(8), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    rows: Mapped[int] = mapped_column(Integer, doc="the day's rows in the daily table")
    data: Mapped[bytes] = mapped_column(LargeBinary, doc="numpy .npy bytes")


class MatchPool(Base):
    """One column of a category's matchmaking candidates in a market (the creator ids, or one of
    their 30-day figures, in the same order) as a packed numpy array, for the window ending on
    `end_day`: kept by the import path so `match` never sums a month of rows per question."""

    __tablename__ = "match_pools"

    market: Mapped[str] = mapped_column(String(8), primary_key=True)
    category: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    end_day: Mapped[dt.date] = mapped_column(Date, doc="the market's latest day when computed")
    data: Mapped[bytes] = mapped_column(LargeBinary, doc="numpy .npy bytes")


class CampaignStandingPack(Base):
    """A campaign's standings, kept by the write path as one row of packed numpy arrays
    (`campaign_stats.packs`): every enrolled creator's id (ascending), the campaign's metric
    (`value`, gmv if unrankable) summed over its window, GMV, orders, and the rank by `value`
    (highest first, then handle; 0 at value 0). A day's import moves nearly every rank, so the
    standings are rewritten whole — a few megabytes — never a row per creator."""

    __tablename__ = "campaign_standing_packs"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    creator_id: Mapped[bytes] = mapped_column(LargeBinary, doc="numpy .npy bytes")
    value: Mapped[bytes] = mapped_column(LargeBinary, doc="numpy .npy bytes")
    gmv: Mapped[bytes] = mapped_column(LargeBinary, doc="numpy .npy bytes; minor units")
    orders: Mapped[bytes] = mapped_column(LargeBinary, doc="numpy .npy bytes")
    rank: Mapped[bytes] = mapped_column(LargeBinary, doc="numpy .npy bytes; 0: unranked")


class CampaignDay(Base):
    """One day of a campaign's window: what its enrolled creators sold (days summing to zero are
    absent)."""

    __tablename__ = "campaign_days"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    gmv: Mapped[int] = mapped_column(BigInteger, doc="minor units")
    orders: Mapped[int] = mapped_column(BigInteger)
    value: Mapped[int] = mapped_column(BigInteger)


class CampaignTotal(Base):
    """A campaign's totals over its window, and what they were computed for: the window and
    metric, and the market's latest day (`through`). Stats whose `through` is not the market's
    latest day are stale and are not read."""

    __tablename__ = "campaign_totals"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    metric: Mapped[str] = mapped_column(String(32))
    enrolled: Mapped[int] = mapped_column(Integer)
    active: Mapped[int] = mapped_column(Integer, doc="enrolled creators with GMV > 0")
    ranked: Mapped[int] = mapped_column(Integer, doc="enrolled creators with value > 0")
    gmv: Mapped[int] = mapped_column(BigInteger, doc="minor units")
    orders: Mapped[int] = mapped_column(BigInteger)
    value: Mapped[int] = mapped_column(BigInteger)
    through: Mapped[dt.date | None] = mapped_column(
        Date, doc="the market's latest day when computed (NULL: it had none)"
    )


class StagedFile(Base):
    """A file dropped in a chat with the bot, kept until its Import or Cancel button is clicked
    (or it expires): whichever replica gets the click finds it here."""

    __tablename__ = "staged_files"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)  # what the buttons carry
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(64), default="")
    user_id: Mapped[str] = mapped_column(String(64))  # the uploader: only they may click
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32))  # as the preview recognised it
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)  # emptied once imported or cancelled
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    state: Mapped[str] = mapped_column(String(16))  # staged, importing, imported, cancelled, failed


class SyncOutcome(enum.StrEnum):
    """How a warehouse sync run ended (`running` while it runs, or if its process died)."""

    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"


class SyncRun(Base):
    """One run of a warehouse source for one kind, market and day. A scheduled run carries its
    `attempt` number, unique per (source, kind, market, day): inserting it is the claim, so two
    processes never run the same attempt; a run asked for by hand has none."""

    __tablename__ = "sync_runs"
    __table_args__ = (UniqueConstraint("source", "kind", "market", "day", "attempt"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    market: Mapped[str] = mapped_column(String(8))
    day: Mapped[dt.date] = mapped_column(Date)
    attempt: Mapped[int | None] = mapped_column(SmallInteger)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    rows: Mapped[int | None] = mapped_column(Integer)
    inserted: Mapped[int | None] = mapped_column(Integer)
    updated: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[SyncOutcome] = mapped_column(_enum(SyncOutcome, "sync_outcome"))
    error: Mapped[str | None] = mapped_column(Text)


class SegmentPack(Base):
    """One column of a market's segment (attention, potential, level-up, at-risk, dormant, new)
    on its latest day: the member creator ids in the segment's order (what to look at first
    first), or one of the figures that explain them, aligned, as a packed numpy array
    (`segments.members`); recomputed by the write path. A whole segment is a few rows, so it is
    read, cached and rewritten at once, never a row per creator."""

    __tablename__ = "segment_packs"

    market: Mapped[str] = mapped_column(String(8), primary_key=True)
    segment: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, doc="numpy .npy bytes")


class SegmentRun(Base):
    """When a market's segments were last computed: for which latest day, under which rules,
    and a stamp that changes with every computation (what cached memberships are checked
    against); with every creator's GMV figures of that day (`storage.segments.figures`)."""

    __tablename__ = "segment_runs"

    market: Mapped[str] = mapped_column(String(8), primary_key=True)
    end_day: Mapped[dt.date] = mapped_column(Date)
    rules: Mapped[str] = mapped_column(Text)
    stamp: Mapped[str] = mapped_column(String(32))
    members: Mapped[int] = mapped_column(Integer)
    figures: Mapped[bytes] = mapped_column(LargeBinary, doc="`segments.figures` packed")
    # The stamps of the sixty days read, digested: figures of days written since are not used.
    days_stamp: Mapped[str] = mapped_column(String(32))
