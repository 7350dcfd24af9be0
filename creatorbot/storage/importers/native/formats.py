"""The native exports creatorbot reads: their columns, what each is stored as, and whether rows
are a creator's totals or single events (LIVE streams, videos, orders) summed to creator-days."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from creatorbot.storage.importers.said import N_


class Value(enum.Enum):
    """How a native column's text is read."""

    HANDLE = "handle"
    TEXT = "text"
    MONEY = "money"
    COUNT = "count"
    PERCENT = "percent"
    DATE = "date"
    DURATION = "duration"
    CURRENCY = "currency"
    CONTENT = "content"  # an order's content type: LIVE, video, product card…
    ORDER = "order"  # an order id


@dataclass(frozen=True)
class Column:
    """One column a native export may carry; `stores` names the daily metric it feeds (None:
    recognised and shown in the preview, not stored)."""

    field: str
    value: Value
    stores: str | None = None


@dataclass(frozen=True)
class Format:
    """One native export."""

    name: str
    label: str  # how the preview names it (translated in chat)
    columns: tuple[Column, ...]
    required: tuple[str, ...]
    events: bool = False  # rows are events summed to creator-days, not a creator's totals
    row_counts: str | None = None  # the metric each event row adds one to
    creates_creators: bool = False  # unknown creators are created (else refused)

    def column(self, field: str) -> Column:
        return next(column for column in self.columns if column.field == field)


CREATOR_PERFORMANCE = Format(
    "creator_performance",
    N_("creator performance export"),
    (
        Column("creator_name", Value.TEXT),
        Column("handle", Value.HANDLE, "handle"),
        Column("date", Value.DATE, "date"),
        Column("gmv", Value.MONEY, "gmv"),
        Column("live_gmv", Value.MONEY, "live_gmv"),
        Column("video_gmv", Value.MONEY, "video_gmv"),
        Column("product_card_gmv", Value.MONEY),
        Column("orders", Value.COUNT, "orders"),
        Column("items_sold", Value.COUNT, "items_sold"),
        Column("refunds", Value.MONEY),
        Column("aov", Value.MONEY),
        Column("commission", Value.MONEY),
        Column("videos", Value.COUNT, "video_posts"),
        Column("live_streams", Value.COUNT, "live_sessions"),
        Column("video_views", Value.COUNT, "video_views"),
        Column("ctr", Value.PERCENT),
        Column("new_followers", Value.COUNT, "new_followers"),
    ),
    required=("handle", "gmv"),
    creates_creators=True,
)

LIVE_ANALYTICS = Format(
    "live_analytics",
    N_("LIVE analytics export"),
    (
        Column("handle", Value.HANDLE, "handle"),
        Column("title", Value.TEXT),
        Column("start_time", Value.DATE, "date"),
        Column("duration", Value.DURATION, "live_minutes"),
        Column("gmv", Value.MONEY, "live_gmv"),
        Column("viewers", Value.COUNT),
        Column("likes", Value.COUNT),
        Column("ctr", Value.PERCENT),
    ),
    required=("handle", "start_time", "duration"),
    events=True,
    row_counts="live_sessions",
)

VIDEO_ANALYTICS = Format(
    "video_analytics",
    N_("video analytics export"),
    (
        Column("handle", Value.HANDLE, "handle"),
        Column("title", Value.TEXT),
        Column("posted", Value.DATE, "date"),
        Column("views", Value.COUNT, "video_views"),
        Column("gmv", Value.MONEY, "video_gmv"),
        Column("likes", Value.COUNT),
        Column("comments", Value.COUNT),
        Column("shares", Value.COUNT),
        Column("ctr", Value.PERCENT),
    ),
    required=("handle", "posted", "views"),
    events=True,
    row_counts="video_posts",
)

ORDERS = Format(
    "affiliate_orders",
    N_("affiliate orders export"),
    (
        Column("order_id", Value.ORDER),
        Column("handle", Value.HANDLE, "handle"),
        Column("content_type", Value.CONTENT),
        Column("payment", Value.MONEY, "gmv"),
        Column("currency", Value.CURRENCY),
        Column("created", Value.DATE, "date"),
        Column("quantity", Value.COUNT, "items_sold"),
        Column("commission", Value.MONEY),
        Column("status", Value.TEXT),
    ),
    required=("order_id", "handle", "payment", "created"),
    events=True,
    row_counts="orders",
)

FORMATS = {f.name: f for f in (CREATOR_PERFORMANCE, LIVE_ANALYTICS, VIDEO_ANALYTICS, ORDERS)}
LANGUAGES = ("en", "it", "ms", "id", "th", "vi")
