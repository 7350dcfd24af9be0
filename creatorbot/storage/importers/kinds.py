"""What each canonical kind of file holds: its columns, their types, its natural key, its checks.

Lengths and upper bounds come from the models, so a value the database would refuse is reported
as a row problem instead of failing half-way through the write.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import BigInteger, Integer, SmallInteger, String
from sqlalchemy.orm import InstrumentedAttribute, Session

from creatorbot.storage.importers import checks, references
from creatorbot.storage.importers.errors import ErrorLog
from creatorbot.storage.models import (
    Campaign,
    CampaignKind,
    Creator,
    DailyMetric,
    Enrollment,
    SlotMetric,
    Tier,
)
from creatorbot.storage.queries.metrics import RANKABLE


class Type(enum.Enum):
    """How a column's text is read."""

    TEXT = "text"
    MARKET = "market"
    CHOICE = "choice"
    DATE = "date"
    COUNT = "count"
    MONEY = "money"
    REWARD_TIERS = "reward_tiers"
    REWARD_BANDS = "reward_bands"


@dataclass(frozen=True)
class Field:
    """One column of a canonical file."""

    name: str
    type: Type
    nullable: bool = False  # the value may be empty
    optional: bool = False  # the column may be absent
    max_length: int | None = None
    max_value: int | None = None
    choices: tuple[str, ...] = ()
    default: str | None = None  # what an empty value means
    digits: int | None = None  # amounts and counts: below 10**digits (parse.SUMMED_DIGITS)
    positive: bool = False  # amounts and counts: 0 is refused (a target of 0 is a typo)
    recent: bool = False  # a date data is about: not after tomorrow in the market's zone
    shown: bool = False  # a name shown in chat: mentions and platform markup are stripped


Check = Callable[[pd.DataFrame, pd.DataFrame, ErrorLog, Session], None]
"""A check over (typed rows, raw rows, the error log, the session)."""

Existing = Callable[[pd.DataFrame, Session], int]
"""How many of the typed rows' natural keys are already stored."""


@dataclass(frozen=True)
class Kind:
    """A canonical kind of file."""

    name: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    existing: Existing
    checks: tuple[Check, ...] = ()


# Targets and thresholds are compared with sums, never summed over creators and days: they may
# be as large as an amount can be exactly (see parse.SUMMED_DIGITS for the values that are).
TARGET_DIGITS = 15

# Most specific first: BigInteger and SmallInteger are both Integers.
_INT_LIMITS = {SmallInteger: 2**15 - 1, BigInteger: 2**63 - 1, Integer: 2**31 - 1}


def _type_of(column: InstrumentedAttribute[Any]) -> Any:
    return column.property.columns[0].type


def text(column: InstrumentedAttribute[Any], name: str | None = None, **options: Any) -> Field:
    """A text column as long as the model's `column` allows."""
    kind = _type_of(column)
    length = kind.length if isinstance(kind, String) else None
    return Field(name or column.key, Type.TEXT, max_length=length, **options)


def count(column: InstrumentedAttribute[Any], **options: Any) -> Field:
    """A whole number ≥ 0 no larger than the model's integer `column` holds."""
    limit = next(v for t, v in _INT_LIMITS.items() if isinstance(_type_of(column), t))
    return Field(column.key, Type.COUNT, max_value=limit, **options)


def money(column: InstrumentedAttribute[Any], **options: Any) -> Field:
    """An amount of the row's market currency, stored in minor units."""
    return Field(column.key, Type.MONEY, **options)


def date(column: InstrumentedAttribute[Any], **options: Any) -> Field:
    """A YYYY-MM-DD date."""
    return Field(column.key, Type.DATE, **options)


def name(column: InstrumentedAttribute[Any], **options: Any) -> Field:
    """Text shown in chat (a name): mentions and platform markup are stripped from it."""
    return text(column, shown=True, **options)


def day(column: InstrumentedAttribute[Any], **options: Any) -> Field:
    """The day figures are about: it has happened (tomorrow at the latest, in the market's
    time zone)."""
    return date(column, recent=True, **options)


MARKET = Field("market", Type.MARKET)

CREATORS = Kind(
    "creators",
    (
        text(Creator.handle),
        name(Creator.display_name),
        MARKET,
        name(Creator.tier),
        name(Creator.category),
        count(Creator.followers),
        name(Creator.cm, nullable=True),
        name(Creator.am, nullable=True),
        day(Creator.joined_on, nullable=True),
        text(Creator.email, nullable=True, optional=True),
        text(Creator.phone, nullable=True, optional=True),
    ),
    key=("market", "handle"),
    existing=references.existing_creators,
    checks=(references.check_look_alikes,),
)

DAILY_METRICS = Kind(
    "daily_metrics",
    (
        day(DailyMetric.date),
        MARKET,
        text(Creator.handle),
        money(DailyMetric.gmv),
        count(DailyMetric.orders),
        count(DailyMetric.items_sold),
        money(DailyMetric.live_gmv),
        money(DailyMetric.video_gmv),
        count(DailyMetric.live_sessions),
        count(DailyMetric.live_minutes),
        count(DailyMetric.video_posts),
        count(DailyMetric.video_views),
        count(DailyMetric.new_followers),
    ),
    key=("date", "market", "handle"),
    existing=references.existing_daily_metrics,
    checks=(references.check_creators,),
)

CAMPAIGNS = Kind(
    "campaigns",
    (
        text(Campaign.slug),
        name(Campaign.name),
        MARKET,
        Field("kind", Type.CHOICE, choices=tuple(kind.value for kind in CampaignKind)),
        date(Campaign.starts_on),
        date(Campaign.ends_on),
        Field("metric", Type.CHOICE, nullable=True, choices=RANKABLE, default="gmv"),
        money(Campaign.gmv_target, nullable=True, positive=True, digits=TARGET_DIGITS),
        count(Campaign.creator_target, nullable=True, positive=True),
        Field("reward_tiers", Type.REWARD_TIERS, nullable=True),
        # Optional columns: a file without them leaves what was set (in chat) as it was.
        Field("reward_bands", Type.REWARD_BANDS, nullable=True, optional=True),
        money(
            Campaign.budget_cap, nullable=True, optional=True, positive=True, digits=TARGET_DIGITS
        ),
        count(Campaign.remind_days, nullable=True, optional=True, positive=True),
    ),
    key=("slug",),
    existing=references.existing_campaigns,
    checks=(checks.ends_not_before_start, checks.window_not_too_long),
)

ENROLLMENTS = Kind(
    "enrollments",
    (
        text(Campaign.slug, name="campaign"),
        text(Creator.handle),
        day(Enrollment.enrolled_on),
    ),
    key=("campaign", "handle"),
    existing=references.existing_enrollments,
    checks=(references.check_enrollments,),
)

TIERS = Kind(
    "tiers",
    (MARKET, name(Tier.tier), count(Tier.rank), money(Tier.min_gmv_30d, digits=TARGET_DIGITS)),
    key=("market", "tier"),
    existing=references.existing_tiers,
)

SLOT_METRICS = Kind(
    "slot_metrics",
    (
        day(SlotMetric.date),
        MARKET,
        name(SlotMetric.slot),
        name(SlotMetric.surface),
        count(SlotMetric.impressions),
        count(SlotMetric.clicks),
        count(SlotMetric.conversions),
    ),
    key=("date", "market", "slot"),
    existing=references.existing_slot_metrics,
)

BY_NAME: dict[str, Kind] = {
    kind.name: kind
    for kind in (CREATORS, DAILY_METRICS, CAMPAIGNS, ENROLLMENTS, TIERS, SLOT_METRICS)
}
KINDS = tuple(BY_NAME)
