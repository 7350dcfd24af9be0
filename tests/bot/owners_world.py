"""Creators whose owners are chat users by email: big sellers, one mid-size creator below the
team's alert floor, and three collapses on END."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage import writer
from tests.bot.world import END

FARAH, MARCO, NOBODY = "farah@example.com", "marco@example.com", "ops@example.com"
# handle → CM: Mira is Farah's, Nadia Marco's, the rest belong to nobody on the platform.
BIG = {
    "mira": FARAH,
    "nadia": MARCO,
    "omar": NOBODY,
    "putri": NOBODY,
    "qistina": NOBODY,
    "rosli": NOBODY,
    "sara": NOBODY,
    "tariq": NOBODY,
}
MID = "kecil"  # Farah's: 12 orders and RM800 on a usual day, below the team's 30 orders
COLLAPSING = ("mira", "nadia", MID)
DAY = dt.timedelta(days=1)


def day_row(handle: str, day: dt.date, scale: float) -> dict[str, Any]:
    """One day of a creator: big ones sell RM20,000 in 500 orders, the mid one RM800 in 12."""
    gmv, orders = (80_000, 12) if handle == MID else (2_000_000, 500)
    return {
        "date": day,
        "market": "MY",
        "handle": handle,
        "gmv": int(gmv * scale),
        "orders": round(orders * scale),
        "items_sold": round(orders * scale),
        "live_gmv": int(gmv * scale) // 2,
        "video_gmv": int(gmv * scale) - int(gmv * scale) // 2,
        "live_sessions": 1,
        "live_minutes": 90,
        "video_posts": 1,
        "video_views": 1_000,
        "new_followers": 5,
    }


def seed_owned_creators(sessions: sessionmaker[Session]) -> None:
    """40 steady days to END; Mira, Nadia and Kecil sell almost nothing on END."""
    rng = np.random.default_rng(7)
    owners = {**BIG, MID: FARAH}
    creators = pd.DataFrame(
        [
            {
                "market": "MY",
                "handle": handle,
                "display_name": handle.title(),
                "tier": "gold",
                "category": "beauty",
                "followers": 1000,
                "cm": cm,
                "am": None,
                "joined_on": None,
            }
            for handle, cm in owners.items()
        ]
    )
    rows = [
        day_row(h, END - n * DAY, 0.03 if (n == 0 and h in COLLAPSING) else rng.uniform(0.95, 1.05))
        for n in range(40)
        for h in owners
    ]
    with sessions.begin() as session:
        writer.write_creators(creators, session=session)
        writer.write_daily_metrics(pd.DataFrame(rows), session=session)
