"""The small world the end-to-end platform tests share: three creators over one week."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from creatorbot.bot.app import App
from creatorbot.storage import writer

NOW = dt.datetime(2026, 11, 24, 1, 30, tzinfo=dt.UTC)
END = dt.date(2026, 11, 23)


def seed_world(app: App) -> None:
    """Two MY creators owned by Farah (by email) over a week, and one IT creator."""
    creators = pd.DataFrame(
        [
            {
                "market": "MY",
                "handle": "amir",
                "display_name": "Amir <!channel>",
                "tier": "gold",
                "category": "beauty",
                "followers": 10,
                "cm": "farah@example.com",
                "am": None,
                "joined_on": None,
            },
            {
                "market": "MY",
                "handle": "bella",
                "display_name": "Bella Tan",
                "tier": "gold",
                "category": "beauty",
                "followers": 10,
                "cm": "Farah Aziz",
                "am": None,
                "joined_on": None,
            },
            {
                "market": "IT",
                "handle": "giulia",
                "display_name": "Giulia Rossi",
                "tier": "oro",
                "category": "moda",
                "followers": 10,
                "cm": None,
                "am": None,
                "joined_on": None,
            },
        ]
    )
    rows = []
    for offset in range(7):
        day = END - dt.timedelta(days=offset)
        for market, handle, gmv in (
            ("MY", "amir", 25_000),
            ("MY", "bella", 12_000),
            ("IT", "giulia", 9_999),
        ):
            rows.append(
                {
                    "date": day,
                    "market": market,
                    "handle": handle,
                    "gmv": gmv,
                    "orders": 2,
                    "items_sold": 3,
                    "live_gmv": gmv,
                    "video_gmv": 0,
                    "live_sessions": 1,
                    "live_minutes": 30,
                    "video_posts": 0,
                    "video_views": 0,
                    "new_followers": 1,
                }
            )
    with app.sessions.begin() as session:
        writer.write_creators(creators, session=session)
        writer.write_daily_metrics(pd.DataFrame(rows), session=session)
