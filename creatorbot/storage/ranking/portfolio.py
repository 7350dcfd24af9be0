"""A portfolio's figures from the day columns and the stored segments: for each creator an
owner has in a market, 7-day GMV against the week before, 30-day GMV, and their segments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from creatorbot.analytics.segments import SEGMENTS
from creatorbot.analytics.windows import Window
from creatorbot.storage.ranking.days import Days
from creatorbot.storage.ranking.owned import owned_mask
from creatorbot.storage.ranking.people import in_segment, people


@dataclass(frozen=True)
class Owned:
    """An owner's creators of one market, aligned: ids, GMV of the last 7 days, of the 7 before
    and of the last 30, and per segment whether each is in it."""

    ids: np.ndarray
    gmv_7d: np.ndarray
    gmv_prev_7d: np.ndarray
    gmv_30d: np.ndarray
    segments: dict[str, np.ndarray]


def owned_figures(
    market: str, end: dt.date, names: Sequence[str], *, session: Session
) -> Owned | None:
    """The owner's creators' figures up to `end`; None when a day the windows need has rows but
    no day columns."""
    group = people(market, session=session)
    members = np.flatnonzero(owned_mask(market, names, group, session=session))
    month = Window(end - dt.timedelta(days=29), end)
    days = Days(market, month, group, session=session)
    if not days.complete:
        return None
    week = Window(end - dt.timedelta(days=6), end)
    return Owned(
        ids=group.ids[members],
        gmv_7d=days.total("gmv", week, members),
        gmv_prev_7d=days.total("gmv", week.previous(), members),
        gmv_30d=days.total("gmv", month, members),
        segments={
            name: in_segment(market, name, group, session=session)[members] for name in SEGMENTS
        },
    )
