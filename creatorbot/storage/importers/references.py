"""What a file refers to in the database: markets, creators, campaigns, and which of its
natural keys are already stored (to tell inserted rows from updated ones)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from creatorbot.storage.handles import handle_keys, shown
from creatorbot.storage.importers import messages
from creatorbot.storage.importers.errors import ErrorLog
from creatorbot.storage.importers.said import Alternatives
from creatorbot.storage.models import (
    Campaign,
    Creator,
    DailyMetric,
    Enrollment,
    Market,
    SlotMetric,
    Tier,
)
from creatorbot.storage.roster import CREATOR_ID, creator_ids, once

IN_CHUNK = 500  # values per IN (...) list


def markets(*, session: Session) -> dict[str, int]:
    """Every market code and its currency's minor units (read once in a `roster.shared` block)."""
    query = select(Market.code, Market.minor_units)
    return once(
        "minor units",
        lambda: {code: units for code, units in session.execute(query)},
        session=session,
    )


def check_creators(typed: pd.DataFrame, raw: pd.DataFrame, log: ErrorLog, session: Session) -> None:
    """Each row's handle must be a creator of the row's market. The ids found are kept as
    `creator_id` (-1: none), so the writer need not look a million handles up again."""
    typed[CREATOR_ID] = _check_handles(typed["market"], typed["handle"], raw, log, session=session)


def check_enrollments(
    typed: pd.DataFrame, raw: pd.DataFrame, log: ErrorLog, session: Session
) -> None:
    """Each row's campaign must exist and its handle be a creator of the campaign's market."""
    slugs = typed["campaign"]
    found = campaign_markets(slugs.dropna().unique(), session=session)
    market = slugs.map(found)
    unknown = slugs.notna() & (slugs != "") & market.isna()
    log.add_rows(unknown, "campaign", raw["campaign"], messages.UNKNOWN_CAMPAIGN)
    _check_handles(market, typed["handle"], raw, log, session=session)


def _check_handles(
    market: pd.Series, handle: pd.Series, raw: pd.DataFrame, log: ErrorLog, *, session: Session
) -> np.ndarray:
    """Each row's creator id, -1 where there is none; an unknown handle is a problem."""
    wanted = market.notna() & handle.notna() & (handle != "")
    ids = creator_ids(market.where(wanted), handle, session=session)
    known = ids >= 0
    unknown = wanted & ~known
    keys = handle_keys(handle[unknown])
    # A handle that names a creator only up to case or invisible characters is not taken for
    # it (which of two look-alikes would it be?), but the stored one is offered.
    like = _look_alikes(market[unknown], keys, session=session)

    def problem(row: int) -> str:
        handles = like.get((market[row], keys[row]))
        if not handles:
            return messages.UNKNOWN_CREATOR.format(market=market[row])
        offered = Alternatives(f"“{shown(h)}”" for h in handles)
        return messages.UNKNOWN_CREATOR_LIKE.format(market=market[row], handles=offered)

    log.add_rows(unknown, "handle", raw["handle"], problem)
    return ids


def check_look_alikes(
    typed: pd.DataFrame, raw: pd.DataFrame, log: ErrorLog, session: Session
) -> None:
    """No two creators of a market may have handles equal up to case, Unicode form and invisible
    characters (storage/handles.py): not two rows of the file (the later names the first), nor
    a row and a stored creator whose handle is not exactly the row's."""
    market, handle = typed["market"], typed["handle"]
    wanted = market.notna() & handle.notna() & (handle != "")
    rows = pd.DataFrame({"market": market[wanted], "key": handle_keys(handle[wanted])})
    first = (
        pd.Series(rows.index, index=rows.index)
        .groupby([rows["market"], rows["key"]], sort=False)
        .transform("min")
    )
    in_file = pd.Series(False, index=typed.index)
    in_file[rows.index] = handle[first].to_numpy() != handle[rows.index].to_numpy()
    log.add_rows(
        in_file,
        "handle",
        raw["handle"],
        lambda row: messages.LOOK_ALIKE_IN_FILE.format(
            first=first[row], handle=shown(handle[first[row]])
        ),
    )
    stored = _look_alikes(rows["market"], rows["key"], session=session)
    clashes: dict[int, str] = {}  # row: the stored look-alike it would sit beside
    for row in rows.index[~in_file[rows.index].to_numpy()]:
        found = stored.get((market[row], str(rows.at[row, "key"])), [])
        if found and handle[row] not in found:  # the exact handle stored: an update
            clashes[row] = found[0]
    log.add_rows(
        typed.index.to_series().isin(list(clashes)),
        "handle",
        raw["handle"],
        lambda row: messages.LOOK_ALIKE_STORED.format(
            market=market[row], handle=shown(clashes[row])
        ),
    )


def _look_alikes(
    market: pd.Series, keys: pd.Series, *, session: Session
) -> dict[tuple[str, str], list[str]]:
    """The stored handles of each (market, handle key) asked for, in handle order."""
    wanted = set(zip(market, keys, strict=True))
    found: dict[tuple[str, str], list[str]] = {}
    for part in _chunked(sorted({key for _, key in wanted})):
        query = (
            select(Creator.market, Creator.handle_key, Creator.handle)
            .where(Creator.handle_key.in_(part))
            .order_by(Creator.handle)
        )
        for code, key, stored in session.execute(query):
            if (code, key) in wanted:
                found.setdefault((code, key), []).append(stored)
    return found


def campaign_markets(slugs: Iterable[str], *, session: Session) -> dict[str, str]:
    """The market of each stored campaign among `slugs`."""
    found: dict[str, str] = {}
    for part in _chunked(list(slugs)):
        query = select(Campaign.slug, Campaign.market).where(Campaign.slug.in_(part))
        found.update({slug: market for slug, market in session.execute(query)})
    return found


def existing_creators(typed: pd.DataFrame, session: Session) -> int:
    """How many (market, handle) pairs of the file are already creators."""
    query = select(Creator.market, Creator.handle).where(Creator.market.in_(_markets(typed)))
    return _present(typed, _stored(query, session=session))


def existing_daily_metrics(typed: pd.DataFrame, session: Session) -> int:
    """How many (date, market, handle) rows of the file are already stored."""
    query = (
        select(DailyMetric.date, Creator.market, Creator.handle)
        .join(Creator, Creator.id == DailyMetric.creator_id)
        .where(DailyMetric.market.in_(_markets(typed)), _dates_of(DailyMetric.date, typed))
    )
    return _present(typed, _stored(query, session=session))


def existing_campaigns(typed: pd.DataFrame, session: Session) -> int:
    """How many of the file's campaign slugs are already stored."""
    parts = [
        _stored(select(Campaign.slug).where(Campaign.slug.in_(part)), session=session)
        for part in _chunked(typed["slug"].tolist())
    ]
    return _present(typed, pd.concat(parts))


def existing_enrollments(typed: pd.DataFrame, session: Session) -> int:
    """How many (campaign, handle) enrollments of the file are already stored."""
    parts = [
        _stored(
            select(Campaign.slug.label("campaign"), Creator.handle)
            .select_from(Enrollment)
            .join(Campaign, Campaign.id == Enrollment.campaign_id)
            .join(Creator, Creator.id == Enrollment.creator_id)
            .where(Campaign.slug.in_(part)),
            session=session,
        )
        for part in _chunked(typed["campaign"].unique().tolist())
    ]
    return _present(typed, pd.concat(parts))


def existing_tiers(typed: pd.DataFrame, session: Session) -> int:
    """How many (market, tier) pairs of the file are already stored."""
    query = select(Tier.market, Tier.tier).where(Tier.market.in_(_markets(typed)))
    return _present(typed, _stored(query, session=session))


def existing_slot_metrics(typed: pd.DataFrame, session: Session) -> int:
    """How many (date, market, slot) rows of the file are already stored."""
    query = select(SlotMetric.date, SlotMetric.market, SlotMetric.slot).where(
        SlotMetric.market.in_(_markets(typed)), _dates_of(SlotMetric.date, typed)
    )
    return _present(typed, _stored(query, session=session))


def _markets(typed: pd.DataFrame) -> list[str]:
    return [str(market) for market in typed["market"].unique()]


def _dates_of(column: Any, typed: pd.DataFrame) -> Any:
    return column.between(typed["date"].min().date(), typed["date"].max().date())


def _stored(query: Select, *, session: Session) -> pd.DataFrame:
    """The query's rows as a frame named after its selected columns."""
    names = [column.name for column in query.selected_columns]
    return pd.DataFrame(list(map(tuple, session.execute(query).all())), columns=names)


def _present(typed: pd.DataFrame, stored: pd.DataFrame) -> int:
    """How many rows of `typed` have their key (the columns of `stored`) among `stored`."""
    if stored.empty:
        return 0  # a new day: no need to key a million rows
    key = list(stored.columns)
    return int(_key_index(typed[key]).isin(_key_index(stored)).sum())


def _key_index(frame: pd.DataFrame) -> pd.MultiIndex:
    """Keys as a MultiIndex; dates become day numbers so stored and parsed dates compare."""
    arrays = []
    for name in frame.columns:
        values = frame[name]
        if name == "date" or pd.api.types.is_datetime64_any_dtype(values):
            days = pd.to_datetime(values).to_numpy().astype("datetime64[D]").astype(np.int64)
            arrays.append(days)
        else:
            arrays.append(values.astype(object).to_numpy())
    return pd.MultiIndex.from_arrays(arrays, names=list(frame.columns))


def _chunked(values: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]
