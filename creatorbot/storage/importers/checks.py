"""Checks across the values of a file: one natural key per row, campaigns that end after start."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy.orm import Session

from creatorbot.analytics.windows import MAX_DAYS
from creatorbot.storage.importers import messages
from creatorbot.storage.importers.errors import ErrorLog


def unique_keys(typed: pd.DataFrame, raw: pd.DataFrame, key: Sequence[str], log: ErrorLog) -> None:
    """Every row after the first with the same natural key is a problem naming that first row."""
    columns = list(key)
    keys = typed.loc[typed[columns].notna().all(axis=1), columns]
    repeats = keys.duplicated(keep="first")
    if not repeats.any():
        return
    rows = pd.Series(keys.index, index=keys.index)
    first = rows.groupby([keys[c] for c in columns], sort=False).transform("min")
    # Only the rows that can make it into the report need their key spelled out.
    reported = repeats.index[repeats.to_numpy()][: log.cap]
    shown = raw.loc[reported, columns].agg(", ".join, axis=1)
    names = ", ".join(columns)
    log.add_rows(
        repeats,
        "+".join(columns),
        shown,
        lambda row: messages.DUPLICATE_KEY.format(key=names, first=first[row]),
    )


def ends_not_before_start(
    typed: pd.DataFrame, raw: pd.DataFrame, log: ErrorLog, session: Session
) -> None:
    """A campaign's ends_on may not come before its starts_on."""
    starts = typed["starts_on"]
    backwards = typed["ends_on"] < starts  # NaT compares False, and was reported already
    log.add_rows(
        backwards,
        "ends_on",
        raw["ends_on"],
        lambda row: messages.ENDS_BEFORE_START.format(starts=starts[row].date()),
    )


def window_not_too_long(
    typed: pd.DataFrame, raw: pd.DataFrame, log: ErrorLog, session: Session
) -> None:
    """A campaign lasts at most MAX_DAYS, the longest period a leaderboard ranks: a window of
    decades is a typo in a year, and every window the bot compares it with must fit the
    calendar."""
    days = (typed["ends_on"] - typed["starts_on"]).dt.days + 1
    too_long = days > MAX_DAYS  # NaN (a date refused already) compares False
    log.add_rows(
        too_long,
        "ends_on",
        raw["ends_on"],
        lambda row: messages.CAMPAIGN_TOO_LONG.format(days=int(days[row]), limit=MAX_DAYS),
    )
