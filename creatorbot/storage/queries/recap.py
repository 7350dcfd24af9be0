"""What a campaign's recap reads: its final standings, and every creator of its market's GMV
before and during the window (the matched control's input), from the day columns where they
are kept, else from the daily rows."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.analytics.incrementality import level_and_trend
from creatorbot.storage.campaign_stats.fresh import is_fresh, spec_of, stored_totals
from creatorbot.storage.campaign_stats.packs import read_standings
from creatorbot.storage.daycolumns import read_named
from creatorbot.storage.fetch import fetch_all, fetch_integers
from creatorbot.storage.models import Campaign, Creator, DailyMetric, Enrollment
from creatorbot.storage.queries.campaigns import campaign_creator_totals

PRE_DAYS = 28  # the pre-campaign period the control is matched on, at most
MIN_PRE_DAYS = 7  # fewer days of data before the start: no comparison


def final_standings(
    campaign: Campaign, latest: dt.date | None, *, session: Session
) -> pd.DataFrame:
    """Every enrolled creator with their campaign metric (`value`) and GMV over the window
    through `latest` (the market's latest day): creator_id, handle, display_name, value, gmv.
    From the kept standings when they describe the campaign through that day."""
    stored = stored_totals([campaign.id], session=session).get(campaign.id)
    if latest is None or not is_fresh(spec_of(campaign), stored, latest):
        through = latest or campaign.starts_on - dt.timedelta(days=1)
        raw = campaign_creator_totals(campaign, through, session=session)
        return raw[["creator_id", "handle", "display_name", "value", "gmv"]]
    packed = read_standings(campaign.id, session=session, columns=("value", "gmv"))
    names = fetch_all(
        select(Creator.id, Creator.handle, Creator.display_name)
        .join(Enrollment, Enrollment.creator_id == Creator.id)
        .where(Enrollment.campaign_id == campaign.id),
        session=session,
    )
    frame = pd.DataFrame.from_records(names, columns=["creator_id", "handle", "display_name"])
    frame = frame.merge(packed, left_on="creator_id", right_index=True, how="left")
    frame[["value", "gmv"]] = frame[["value", "gmv"]].fillna(0).astype("int64")
    return frame


def pre_days(campaign: Campaign, *, session: Session) -> int:
    """How many days before the start the control is matched on: up to PRE_DAYS, no earlier
    than the market's first day of data (0 when there is none)."""
    first = session.scalar(
        select(func.min(DailyMetric.date)).where(DailyMetric.market == campaign.market)
    )
    if first is None or first >= campaign.starts_on:
        return 0
    return min(PRE_DAYS, (campaign.starts_on - first).days)


def worth_input(campaign: Campaign, days_before: int, *, session: Session) -> pd.DataFrame:
    """One row per creator of the campaign's market (`analytics.incrementality.INPUT`): tier,
    category, whether enrolled, level and trend of daily GMV over the `days_before` days before
    the start, and GMV over the window."""
    ids, tier, category = _creators(campaign.market, session=session)
    enrolled = fetch_integers(
        select(Enrollment.creator_id).where(Enrollment.campaign_id == campaign.id),
        session=session,
    )[:, 0]
    # where each creator id sits in `ids`: one gather per day instead of a search
    position = np.full(int(ids.max()) + 1 if len(ids) else 1, -1, dtype=np.int64)
    position[ids] = np.arange(len(ids))
    first = campaign.starts_on - dt.timedelta(days=days_before)
    sums, weighted, during = (np.zeros(len(ids)) for _ in range(3))
    for day, (who, gmv) in _days(campaign.market, first, campaign.ends_on, session=session):
        inside = who < len(position)
        at = position[who[inside]]
        known = at >= 0
        at, values = at[known], gmv[inside][known].astype(np.float64)
        # a creator has one row a day: plain indexed adds are exact
        if day < campaign.starts_on:
            sums[at] += values
            weighted[at] += values * (day - first).days
        else:
            during[at] += values
    level, trend = level_and_trend(sums, weighted, max(days_before, 1))
    return pd.DataFrame(
        {
            "creator_id": ids,
            "tier": tier,
            "category": category,
            "enrolled": np.isin(ids, enrolled),
            "level": level,
            "trend": trend,
            "during": during.astype(np.int64),
        }
    )


def _creators(market: str, *, session: Session) -> tuple[np.ndarray, pd.Series, pd.Series]:
    """The market's creator ids (ascending) with their tier and category: the ids of each tier
    and category read as integers from the index on them (a million names as Python strings
    took seconds)."""
    groups = session.execute(
        select(Creator.tier, Creator.category)
        .where(Creator.market == market)
        .group_by(Creator.tier, Creator.category)
        .order_by(Creator.tier, Creator.category)
    ).all()
    tiers = sorted({t for t, _ in groups})
    categories = sorted({c for _, c in groups})
    parts, tier_codes, category_codes = [], [], []
    for tier, category in groups:
        found = fetch_integers(
            select(Creator.id).where(
                Creator.market == market, Creator.tier == tier, Creator.category == category
            ),
            session=session,
        )[:, 0]
        parts.append(found)
        tier_codes.append(np.full(len(found), tiers.index(tier)))
        category_codes.append(np.full(len(found), categories.index(category)))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, pd.Series([], dtype="category"), pd.Series([], dtype="category")
    ids = np.concatenate(parts)
    order = np.argsort(ids, kind="stable")
    return (
        ids[order],
        _categorical(np.concatenate(tier_codes)[order], tiers),
        _categorical(np.concatenate(category_codes)[order], categories),
    )


def _categorical(codes: np.ndarray, names: list[str]) -> pd.Series:
    """Names given as codes into `names`, as a pandas categorical (grouped on by code)."""
    return pd.Series(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(names)))


def _days(
    market: str, first: dt.date, last: dt.date, *, session: Session
) -> list[tuple[dt.date, tuple[np.ndarray, np.ndarray]]]:
    """(creator ids, GMV) of each day from `first` to `last`: the kept day columns, else the
    daily rows of the days that have no columns."""
    wanted = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    ids = read_named(market, "creator_id", wanted, session=session)
    gmv = read_named(market, "gmv", wanted, session=session)
    found = {
        day: (ids[day].astype(np.int64), gmv[day].astype(np.int64)) for day in ids if day in gmv
    }
    for day in [day for day in wanted if day not in found]:
        table = fetch_integers(
            select(DailyMetric.creator_id, DailyMetric.gmv).where(
                DailyMetric.market == market, DailyMetric.date == day
            ),
            session=session,
        )
        if len(table):
            found[day] = (table[:, 0], table[:, 1])
    return sorted(found.items())


def ended_campaigns(
    before: dt.date,
    *,
    session: Session,
    market: str | None = None,
    markets: list[str] | None = None,
) -> list[Campaign]:
    """Campaigns whose last day is before `before` (of `market`, or of `markets`; None: all),
    the latest ending first."""
    query = select(Campaign).where(Campaign.ends_on < before)
    if market:
        query = query.where(Campaign.market == market)
    if markets is not None:
        query = query.where(Campaign.market.in_(markets))
    return list(session.scalars(query.order_by(Campaign.ends_on.desc(), Campaign.slug)))
