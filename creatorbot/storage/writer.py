"""The one write path for canonical data: typed frames in, idempotent upserts out.

Importers (after validation) and the demo generator both write through here, so whatever must
stay consistent with the raw rows is maintained in one place. Functions take the session as a
keyword argument and never commit: the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage import campaign_stats
from creatorbot.storage.changes import daily_changes, lock_markets
from creatorbot.storage.dailyparts import DailyParts
from creatorbot.storage.daycolumns import update_day_columns
from creatorbot.storage.handles import handle_keys, name_keys
from creatorbot.storage.models import (
    Campaign,
    Creator,
    DailyMetric,
    Enrollment,
    RewardBand,
    RewardTier,
    SlotMetric,
    Tier,
)
from creatorbot.storage.queries.markets import latest_day
from creatorbot.storage.roster import CREATOR_ID, creator_ids, forget
from creatorbot.storage.stamps import people_written
from creatorbot.storage.upsert import bulk_cache, insert_frame, table_of, upsert_frame

Progress = Callable[[int], None]

DAILY_COUNTS = (
    "orders",
    "items_sold",
    "live_sessions",
    "live_minutes",
    "video_posts",
    "video_views",
    "new_followers",
)
DAILY_MONEY = ("gmv", "live_gmv", "video_gmv")
# The canonical shapes every writer takes (import files use the same names and order).
DAILY_METRICS = (
    "gmv",
    "orders",
    "items_sold",
    "live_gmv",
    "video_gmv",
    "live_sessions",
    "live_minutes",
    "video_posts",
    "video_views",
    "new_followers",
)
DAILY_COLUMNS = ("date", "market", "handle", *DAILY_METRICS)
CAMPAIGN_COLUMNS = (
    "slug",
    "name",
    "market",
    "kind",
    "starts_on",
    "ends_on",
    "metric",
    "gmv_target",
    "creator_target",
)
# Written when the frame carries them (a campaign set up in chat, a file with these columns).
CAMPAIGN_OPTIONAL = ("budget_cap", "remind_days")
ENROLLMENT_COLUMNS = ("campaign", "handle", "enrolled_on")
CONTACT_COLUMNS = ("email", "phone")  # optional; stored, never shown


def _known_creators(frame: pd.DataFrame, *, session: Session) -> np.ndarray:
    """The creator id of each row's (market, handle), for rows whose creators must exist
    (validation made sure of it, and kept the ids it found: only the others are looked up)."""
    if CREATOR_ID in frame:
        ids = frame[CREATOR_ID].to_numpy(dtype=np.int64, copy=True)
    else:
        ids = np.full(len(frame), -1, dtype=np.int64)
    unfound = ids < 0
    if unfound.any():
        ids[unfound] = creator_ids(
            frame["market"][unfound], frame["handle"][unfound], session=session
        )
    if (ids < 0).any():
        market, handle = frame.loc[ids < 0, ["market", "handle"]].iloc[0].tolist()
        raise KeyError(f"no creator {handle!r} in {market}")
    return ids


def campaign_ids(slugs: Iterable[str], *, session: Session) -> dict[str, tuple[int, str]]:
    """Map campaign slugs to (id, market); unknown slugs are absent."""
    wanted = list(set(slugs))
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        for slug, cid, market in session.execute(
            select(Campaign.slug, Campaign.id, Campaign.market).where(Campaign.slug.in_(part))
        ):
            found[slug] = (cid, market)
    return found


CREATOR_COLUMNS = (
    "market",
    "handle",
    "display_name",
    "tier",
    "category",
    "followers",
    "cm",
    "am",
    "joined_on",
)


def write_creators(
    frame: pd.DataFrame, *, session: Session, progress: Progress | None = None
) -> int:
    """Upsert creators on (market, handle). Optional columns email/phone are kept if present."""
    contact = [c for c in CONTACT_COLUMNS if c in frame.columns]
    columns = [*CREATOR_COLUMNS, "handle_key", "name_key", *contact]
    key = ("market", "handle")
    keyed = frame.assign(
        handle_key=handle_keys(frame["handle"]), name_key=name_keys(frame["display_name"])
    )
    written = upsert_frame(
        table_of(Creator), keyed, columns, key, session=session, progress=progress
    )
    forget(session=session)  # a roster read before no longer describes the creators
    for market, part in keyed.groupby("market", sort=True):
        # What readers cache of the creators: the ranking's handles, tiers and categories, and
        # who owns each one (portfolios, cm:/am: filters).
        cached = part[[c for c in ("handle", "tier", "category", "cm", "am") if c in part]]
        people_written(str(market), "creators", cached, session=session)
    return written


def write_daily_metrics(
    frame: pd.DataFrame,
    *,
    session: Session,
    progress: Progress | None = None,
    parts: DailyParts | None = None,
) -> int:
    """Upsert one row per (creator, date); money columns are minor units. Keeps the day
    columns (`storage.daycolumns`) of every day written and the campaign stats in step.

    A frame may carry only some metrics (a native export has its own part of a creator-day):
    the others keep their stored values, and are 0 on a new row.

    A write in several parts whose keys never repeat across parts (a warehouse sync) passes
    its `DailyParts`: keys past the markets' latest days from before the first part are
    new, nothing is read back for them, and the day columns and campaign stats (and on SQLite
    the new rows' insert, see `DailyParts.defers`) are left to `DailyParts.flush`."""
    ids = _known_creators(frame, session=session)
    # In key order, so each index takes its new entries in order, not scattered.
    out = frame.assign(creator_id=ids).sort_values(["creator_id", "date"], kind="mergesort")
    columns = ("creator_id", "date", "market", *DAILY_MONEY, *DAILY_COUNTS)
    key = ("creator_id", "date")
    markets = sorted(out["market"].unique().tolist())
    lock_markets(markets, session=session)
    before = {market: latest_day(market, session=session) for market in markets}
    # Keys past the market's latest day cannot be stored yet: a plain insert is quicker.
    past = _past_latest(out, parts.started(before) if parts else before)
    absent = [metric for metric in DAILY_METRICS if metric not in out.columns]
    if absent:
        out = _with_stored(out, past, absent, session=session)
    changes = daily_changes(out, session=session, unstored=past)
    new = past & ~out.duplicated(list(key), keep=False)
    table = table_of(DailyMetric)
    with bulk_cache(session=session):
        if parts is not None and parts.defers(session=session):
            written = parts.insert_later(out.loc[new, list(columns)], progress)
        else:
            written = insert_frame(table, out[new], columns, session=session, progress=progress)
        written += upsert_frame(table, out[~new], columns, key, session=session, progress=progress)
        if parts is None:
            update_day_columns(out, session=session)
            campaign_stats.apply_daily_changes(changes, before, session=session)
    if parts is not None:
        parts.hold(out, changes, session=session)
    return written


def _with_stored(
    frame: pd.DataFrame, unstored: np.ndarray, absent: list[str], *, session: Session
) -> pd.DataFrame:
    """`frame` (with its rows' creator_id) with its `absent` metrics filled in from the stored
    rows of the same creator-days (0 where none is stored), so the full-row upsert below leaves
    them as they are. Rows marked `unstored` (past their market's latest day) have none: only
    the others are looked up — a day written in parts would otherwise read back, for each
    part, every row the parts before it wrote."""
    out = frame.copy()
    for name in absent:
        out[name] = 0
    wanted = frame[~unstored]
    if wanted.empty:
        return out
    days = pd.to_datetime(wanted["date"])
    columns = [getattr(DailyMetric, name) for name in absent]
    query = select(DailyMetric.creator_id, DailyMetric.date, *columns).where(
        DailyMetric.market.in_(wanted["market"].unique().tolist()),
        DailyMetric.date.in_([stamp.date() for stamp in days.unique()]),
    )
    stored = pd.DataFrame(session.execute(query).all(), columns=["creator_id", "date", *absent])
    if stored.empty:
        return out
    keys = pd.MultiIndex.from_arrays(
        [stored["creator_id"].to_numpy(), pd.to_datetime(stored["date"]).to_numpy()]
    )
    rows = pd.MultiIndex.from_arrays([wanted["creator_id"].to_numpy(), days.to_numpy()])
    found = stored.set_index(keys)[absent].reindex(rows)
    for name in absent:
        filled = found[name].fillna(0).astype("int64").to_numpy()
        out.loc[~unstored, name] = filled
    return out


def _past_latest(rows: pd.DataFrame, latest: Mapping[str, dt.date | None]) -> np.ndarray:
    """Which rows fall after their market's `latest` stored day: their keys cannot be stored."""
    days = pd.to_datetime(rows["date"]).to_numpy()
    after = np.ones(len(rows), dtype=bool)
    for market, day in latest.items():
        if day is not None:
            mine = (rows["market"] == market).to_numpy()
            after[mine] = days[mine] > np.datetime64(day)
    return after


def write_tiers(frame: pd.DataFrame, *, session: Session, progress: Progress | None = None) -> int:
    """Upsert tiers on (market, tier)."""
    columns = ("market", "tier", "rank", "min_gmv_30d")
    key = ("market", "tier")
    return upsert_frame(table_of(Tier), frame, columns, key, session=session, progress=progress)


def write_slot_metrics(
    frame: pd.DataFrame, *, session: Session, progress: Progress | None = None
) -> int:
    """Upsert slot traffic on (date, market, slot)."""
    columns = ("date", "market", "slot", "surface", "impressions", "clicks", "conversions")
    key = ("date", "market", "slot")
    return upsert_frame(
        table_of(SlotMetric), frame, columns, key, session=session, progress=progress
    )


def write_campaigns(
    frame: pd.DataFrame, *, session: Session, progress: Progress | None = None
) -> int:
    """Upsert campaigns on slug; `reward_tiers` (a list of (threshold, reward) pairs, see
    `RewardTier`) replaces the campaign's previous tiers, and `reward_bands` (a list of
    (rank_from, rank_to, reward), see `RewardBand`), when the frame has it, its bands; the
    CAMPAIGN_OPTIONAL columns are written when present. Campaigns that are new or whose window
    or metric changed get their stats recomputed."""
    columns = (*CAMPAIGN_COLUMNS, *(c for c in CAMPAIGN_OPTIONAL if c in frame.columns))
    written = upsert_frame(
        table_of(Campaign), frame, columns, ("slug",), session=session, progress=progress
    )
    ids = campaign_ids(frame["slug"], session=session)
    campaign_list = [ids[slug][0] for slug in frame["slug"]]
    tiers_table = table_of(RewardTier)
    session.execute(tiers_table.delete().where(tiers_table.c.campaign_id.in_(campaign_list)))
    tier_rows = [
        {"campaign_id": ids[slug][0], "threshold": threshold, "reward": reward}
        for slug, tiers in zip(frame["slug"], frame["reward_tiers"], strict=True)
        for threshold, reward in (tiers or ())
    ]
    if tier_rows:
        session.execute(tiers_table.insert(), tier_rows)
    if "reward_bands" in frame.columns:
        bands_table = table_of(RewardBand)
        session.execute(bands_table.delete().where(bands_table.c.campaign_id.in_(campaign_list)))
        band_rows = [
            {"campaign_id": ids[slug][0], "rank_from": low, "rank_to": high, "reward": reward}
            for slug, bands in zip(frame["slug"], frame["reward_bands"], strict=True)
            for low, high, reward in (bands or ())
        ]
        if band_rows:
            session.execute(bands_table.insert(), band_rows)
    campaign_stats.after_campaigns(campaign_list, session=session)
    return written


def write_enrollments(
    frame: pd.DataFrame, *, session: Session, progress: Progress | None = None
) -> int:
    """Upsert enrollments on (campaign, creator); `campaign` is the slug, the creator is looked
    up by handle in the campaign's market. The campaigns' stats take in the new enrollees."""
    campaigns = campaign_ids(frame["campaign"], session=session)
    rows = pd.DataFrame(
        {
            "campaign_id": [campaigns[slug][0] for slug in frame["campaign"]],
            "market": [campaigns[slug][1] for slug in frame["campaign"]],
            "handle": frame["handle"].to_numpy(),
            "enrolled_on": pd.to_datetime(frame["enrolled_on"]).to_numpy(),
        }
    )
    rows["creator_id"] = _known_creators(rows, session=session)
    columns = ("campaign_id", "creator_id", "enrolled_on")
    key = ("campaign_id", "creator_id")
    written = upsert_frame(
        table_of(Enrollment), rows, columns, key, session=session, progress=progress
    )
    campaign_stats.after_enrollments({cid for cid, _ in campaigns.values()}, session=session)
    for market, part in rows.groupby("market", sort=True):
        cached = part[["campaign_id", "creator_id"]]
        people_written(str(market), "enrollments", cached, session=session)
    return written


def remove_enrollments(campaign_id: int, creators: Iterable[int], *, session: Session) -> int:
    """Take creators out of a campaign; its stats are recomputed without them. How many left."""
    table = table_of(Enrollment)
    creator_list = sorted(set(creators))
    if not creator_list:
        return 0
    result = session.execute(
        table.delete().where(
            table.c.campaign_id == campaign_id, table.c.creator_id.in_(creator_list)
        )
    )
    removed = int(result.rowcount)  # type: ignore[attr-defined]
    if removed:
        campaign_stats.after_unenrollments([campaign_id], session=session)
        market = session.scalar(select(Campaign.market).where(Campaign.id == campaign_id))
        still = session.scalars(
            select(Enrollment.creator_id).where(Enrollment.campaign_id == campaign_id)
        ).all()
        left = pd.DataFrame({"campaign_id": campaign_id, "creator_id": sorted(still)})
        people_written(str(market), "unenrollments", left, session=session)
    return removed


WRITERS: dict[str, Callable[..., int]] = {
    "creators": write_creators,
    "daily_metrics": write_daily_metrics,
    "campaigns": write_campaigns,
    "enrollments": write_enrollments,
    "tiers": write_tiers,
    "slot_metrics": write_slot_metrics,
}
