"""The one write path for canonical data: typed frames in, idempotent upserts out.

Importers (after validation) and the demo generator both write through here, so whatever must
stay consistent with the raw rows is maintained in one place. Functions take the session as a
keyword argument and never commit: the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, cast

import pandas as pd
from sqlalchemy import Table, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from creatorbot.storage.models import (
    Base,
    Campaign,
    Creator,
    DailyMetric,
    Enrollment,
    RewardTier,
    SlotMetric,
    Tier,
)

CHUNK = 5_000
COPY_FROM = 2_000  # rows: below this, plain upserts are as quick and simpler
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
ENROLLMENT_COLUMNS = ("campaign", "handle", "enrolled_on")
CONTACT_COLUMNS = ("email", "phone")  # optional; stored, never shown


def table_of(model: type[Base]) -> Table:
    """The Core table behind a mapped class."""
    return cast(Table, model.__table__)


def upsert(
    table: Table,
    rows: Sequence[dict[str, Any]],
    key: Sequence[str],
    *,
    session: Session,
    progress: Progress | None = None,
) -> int:
    """Insert `rows`, updating every non-key column of rows whose `key` already exists."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql" and len(rows) >= COPY_FROM:
        return _copy_upsert(table, rows, key, session=session, progress=progress)
    insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    written = 0
    for chunk in _chunks(rows, CHUNK):
        stmt = insert(table)
        update = {c: stmt.excluded[c] for c in chunk[0] if c not in key}
        stmt = (
            stmt.on_conflict_do_update(index_elements=list(key), set_=update)
            if update
            else stmt.on_conflict_do_nothing(index_elements=list(key))
        )
        session.execute(stmt, list(chunk))
        written += len(chunk)
        if progress:
            progress(len(chunk))
    return written


def _copy_upsert(
    table: Table,
    rows: Sequence[dict[str, Any]],
    key: Sequence[str],
    *,
    session: Session,
    progress: Progress | None,
) -> int:
    """PostgreSQL, many rows: COPY them into a temporary table shaped like the columns given,
    then one INSERT … ON CONFLICT from it — instead of a statement per row."""
    columns = list(rows[0])
    names = ", ".join(columns)
    staging = f"staging_{table.name}"
    session.execute(text(f"DROP TABLE IF EXISTS {staging}"))
    session.execute(
        text(
            f"CREATE TEMP TABLE {staging} ON COMMIT DROP AS SELECT {names} FROM {table.name} "
            "WITH NO DATA"
        )
    )
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
        for chunk in _chunks(rows, CHUNK):
            for row in chunk:
                copy.write_row([row[column] for column in columns])
            if progress:
                progress(len(chunk))
    updates = [c for c in columns if c not in key]
    conflict = (
        "DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in updates)
        if updates
        else "DO NOTHING"
    )
    session.execute(
        text(
            f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {staging} "
            f"ON CONFLICT ({', '.join(key)}) {conflict}"
        )
    )
    session.execute(text(f"DROP TABLE {staging}"))
    return len(rows)


def _chunks(rows: Sequence[dict[str, Any]], size: int) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _records(frame: pd.DataFrame, columns: Iterable[str]) -> list[dict[str, Any]]:
    """Frame rows as plain Python dicts (no numpy scalars, NaN/NaT as None)."""
    cols = list(columns)
    # Column by column: converting a million rows cell by cell took longer than writing them.
    values = [_plain_values(frame[name]) for name in cols]
    return [dict(zip(cols, row, strict=True)) for row in zip(*values, strict=True)]


def _plain_values(column: pd.Series) -> list[Any]:
    """One column as plain Python values: dates for timestamps, None for NaN/NaT/NA."""
    if pd.api.types.is_datetime64_any_dtype(column):
        codes, uniques = pd.factorize(column)  # few distinct days: convert each once
        days = [stamp.date() for stamp in uniques] + [None]  # code -1 (NaT) picks None
        return [days[code] for code in codes]
    values = column.tolist()
    missing = column.isna().to_numpy()
    if column.dtype == object:
        values = [_plain(value) for value in values]
    if missing.any():
        values = [None if gone else value for value, gone in zip(values, missing, strict=True)]
    return values


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    return value


def creator_ids(
    pairs: Iterable[tuple[str, str]], *, session: Session
) -> dict[tuple[str, str], int]:
    """Map (market, handle) pairs to creator ids; pairs that do not exist are absent."""
    wanted = set(pairs)
    markets = {market for market, _ in wanted}
    found: dict[tuple[str, str], int] = {}
    for market in markets:
        rows = session.execute(select(Creator.handle, Creator.id).where(Creator.market == market))
        for handle, creator_id in rows:
            if (market, handle) in wanted:
                found[(market, handle)] = creator_id
    return found


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
    columns = [*CREATOR_COLUMNS, *(c for c in CONTACT_COLUMNS if c in frame.columns)]
    rows = _records(frame, columns)
    return upsert(table_of(Creator), rows, ("market", "handle"), session=session, progress=progress)


def write_daily_metrics(
    frame: pd.DataFrame, *, session: Session, progress: Progress | None = None
) -> int:
    """Upsert one row per (creator, date); money columns are minor units."""
    ids = creator_ids(zip(frame["market"], frame["handle"], strict=True), session=session)
    out = frame.copy()
    out["creator_id"] = [ids[(m, h)] for m, h in zip(out["market"], out["handle"], strict=True)]
    rows = _records(out, ("creator_id", "date", "market", *DAILY_MONEY, *DAILY_COUNTS))
    return upsert(
        table_of(DailyMetric), rows, ("creator_id", "date"), session=session, progress=progress
    )


def write_tiers(frame: pd.DataFrame, *, session: Session, progress: Progress | None = None) -> int:
    """Upsert tiers on (market, tier)."""
    rows = _records(frame, ("market", "tier", "rank", "min_gmv_30d"))
    return upsert(table_of(Tier), rows, ("market", "tier"), session=session, progress=progress)


def write_slot_metrics(
    frame: pd.DataFrame, *, session: Session, progress: Progress | None = None
) -> int:
    """Upsert slot traffic on (date, market, slot)."""
    rows = _records(
        frame, ("date", "market", "slot", "surface", "impressions", "clicks", "conversions")
    )
    return upsert(
        table_of(SlotMetric), rows, ("date", "market", "slot"), session=session, progress=progress
    )


def write_campaigns(
    frame: pd.DataFrame, *, session: Session, progress: Progress | None = None
) -> int:
    """Upsert campaigns on slug; `reward_tiers` (a list of (threshold, reward) pairs, see
    `RewardTier`) replaces the campaign's previous tiers."""
    rows = _records(frame, CAMPAIGN_COLUMNS)
    written = upsert(table_of(Campaign), rows, ("slug",), session=session, progress=progress)
    ids = campaign_ids(frame["slug"], session=session)
    tiers_table = table_of(RewardTier)
    campaign_list = [ids[slug][0] for slug in frame["slug"]]
    session.execute(tiers_table.delete().where(tiers_table.c.campaign_id.in_(campaign_list)))
    tier_rows = [
        {"campaign_id": ids[slug][0], "threshold": threshold, "reward": reward}
        for slug, tiers in zip(frame["slug"], frame["reward_tiers"], strict=True)
        for threshold, reward in (tiers or ())
    ]
    if tier_rows:
        session.execute(tiers_table.insert(), tier_rows)
    return written


def write_enrollments(
    frame: pd.DataFrame, *, session: Session, progress: Progress | None = None
) -> int:
    """Upsert enrollments on (campaign, creator); `campaign` is the slug, the creator is looked
    up by handle in the campaign's market."""
    campaigns = campaign_ids(frame["campaign"], session=session)
    markets = [campaigns[slug][1] for slug in frame["campaign"]]
    ids = creator_ids(zip(markets, frame["handle"], strict=True), session=session)
    rows = [
        {
            "campaign_id": campaigns[slug][0],
            "creator_id": ids[(market, handle)],
            "enrolled_on": _as_date(on),
        }
        for slug, market, handle, on in zip(
            frame["campaign"], markets, frame["handle"], frame["enrolled_on"], strict=True
        )
    ]
    return upsert(
        table_of(Enrollment),
        rows,
        ("campaign_id", "creator_id"),
        session=session,
        progress=progress,
    )


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, pd.Timestamp | dt.datetime) else value


WRITERS: dict[str, Callable[..., int]] = {
    "creators": write_creators,
    "daily_metrics": write_daily_metrics,
    "campaigns": write_campaigns,
    "enrollments": write_enrollments,
    "tiers": write_tiers,
    "slot_metrics": write_slot_metrics,
}
