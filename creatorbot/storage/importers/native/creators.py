"""Creators a creator performance export names that are not stored yet: created with the name
the export gives and documented defaults (the market's entry tier, category "uncategorised",
0 followers), which a creators file can correct later."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.importers.read import Table
from creatorbot.storage.models import Tier

CATEGORY = "uncategorised"
TIER = "new"  # when the market has no tiers yet


def entry_tier(market: str, *, session: Session) -> str:
    """The market's tier with the lowest 30-day GMV threshold, else TIER."""
    query = select(Tier.tier).where(Tier.market == market).order_by(Tier.min_gmv_30d, Tier.tier)
    return session.scalars(query.limit(1)).first() or TIER


def new_creators(source: str, missing: pd.DataFrame, *, session: Session) -> Table:
    """A canonical creators file of the `missing` rows' creators (market, handle and the
    export's display name, in row order), one row each."""
    picked = missing.drop_duplicates(["market", "handle"])
    picked = picked.assign(
        display_name=picked["display_name"].where(picked["display_name"] != "", picked["handle"])
    )
    tiers = {market: entry_tier(market, session=session) for market in picked["market"].unique()}
    frame = pd.DataFrame(
        {
            "handle": picked["handle"],
            "display_name": picked["display_name"],
            "market": picked["market"],
            "tier": picked["market"].map(tiers),
            "category": CATEGORY,
            "followers": "0",
            "cm": "",
            "am": "",
            "joined_on": "",
        },
        index=picked.index,
    )
    return Table(source, frame, list(frame.columns), frozenset())
