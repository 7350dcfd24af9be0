"""Reads of a campaign's kept standings (`campaign_stats.packs`): a range of ranks with the
creators' names, one creator's place, how many hold at least a value."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.campaign_stats.packs import read_standings
from creatorbot.storage.models import Creator

RANKED_COLUMNS = ["rank", "creator_id", "handle", "display_name", "value"]


def standings_of(campaign_id: int, *, session: Session) -> pd.DataFrame:
    """The campaign's value and rank by creator id, as the reads below take them."""
    return read_standings(campaign_id, session=session, columns=("value", "rank"))


def ranked(standings: pd.DataFrame, first: int, last: int, *, session: Session) -> pd.DataFrame:
    """Of `standings_of`'s standings, those ranked `first` to `last`, in rank order:
    RANKED_COLUMNS."""
    ranks = standings["rank"]
    picked = standings[(ranks >= max(first, 1)) & (ranks <= last)].sort_values("rank")
    ids = picked.index.tolist()
    names = {
        int(i): (handle, name)
        for i, handle, name in session.execute(
            select(Creator.id, Creator.handle, Creator.display_name).where(Creator.id.in_(ids))
        )
    }
    rows = [
        (int(place), int(i), *names[int(i)], int(value))
        for i, place, value in zip(ids, picked["rank"], picked["value"], strict=True)
        if int(i) in names
    ]
    frame = pd.DataFrame(rows, columns=RANKED_COLUMNS)
    return frame.astype({"rank": "int64", "creator_id": "int64", "value": "int64"})


def place_of(standings: pd.DataFrame, creator_id: int) -> tuple[int, int | None]:
    """The creator's value and rank in `standings_of`'s standings (0 and None when not in
    them; None when not ranked)."""
    ids = standings.index.to_numpy()
    at = int(np.searchsorted(ids, creator_id))  # creator ids ascending
    if at == len(ids) or ids[at] != creator_id:
        return 0, None
    value, place = standings["value"].to_numpy()[at], standings["rank"].to_numpy()[at]
    return int(value), int(place) or None


def counts_at_least(standings: pd.DataFrame, values: Iterable[int]) -> dict[int, int]:
    """How many of `standings_of`'s standings hold at least each of `values`."""
    held = np.sort(standings["value"].to_numpy())
    wanted = sorted(set(values))
    below = np.searchsorted(held, wanted, side="left")
    return {x: int(len(held) - n) for x, n in zip(wanted, below, strict=True)}
