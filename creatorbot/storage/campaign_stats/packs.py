"""A campaign's standings as one row of packed arrays: read whole, or a few of its columns, and
rewritten whole."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from creatorbot.storage.dialect_insert import insert_of
from creatorbot.storage.models import CampaignStandingPack
from creatorbot.storage.packed import pack, unpack
from creatorbot.storage.upsert import table_of

FIGURES = ("value", "gmv", "orders")
COLUMNS = (*FIGURES, "rank")
PACKS = table_of(CampaignStandingPack)


def read_standings(
    campaign_id: int, *, session: Session, columns: Sequence[str] = COLUMNS
) -> pd.DataFrame:
    """The campaign's standings indexed by creator id (ascending), with `columns` (of FIGURES
    and rank, 0 for unranked) as int64; no rows when none are stored."""
    wanted = [name for name in COLUMNS if name in columns]
    row = session.execute(
        select(PACKS.c.creator_id, *(PACKS.c[name] for name in wanted)).where(
            PACKS.c.campaign_id == campaign_id
        )
    ).one_or_none()
    if row is None:
        empty = {name: np.zeros(0, dtype=np.int64) for name in wanted}
        return pd.DataFrame(empty, index=pd.Index([], dtype=np.int64, name="creator_id"))
    ids, *values = (unpack(data) for data in row)
    frame = pd.DataFrame(dict(zip(wanted, values, strict=True)), index=ids)
    frame.index.name = "creator_id"
    return frame


def write_standings(campaign_id: int, standings: pd.DataFrame, *, session: Session) -> None:
    """Store `standings` (indexed by creator id, with FIGURES and rank) as the campaign's."""
    ordered = standings.sort_index()
    row = {
        "campaign_id": campaign_id,
        "creator_id": pack(ordered.index.to_numpy(dtype=np.int64)),
        **{name: pack(ordered[name].to_numpy(dtype=np.int64)) for name in COLUMNS},
    }
    insert = insert_of(session)
    stmt = insert(PACKS).values(row)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["campaign_id"],
            set_={name: stmt.excluded[name] for name in row if name != "campaign_id"},
        )
    )


def delete_standings(campaign_ids: Iterable[int], *, session: Session) -> None:
    """Forget the standings of `campaign_ids`."""
    session.execute(delete(PACKS).where(PACKS.c.campaign_id.in_(list(campaign_ids))))
