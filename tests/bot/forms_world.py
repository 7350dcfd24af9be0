"""Creators enough to fill a type-ahead list, in two markets, and people who see one of them."""

from __future__ import annotations

import pandas as pd

from creatorbot.bot.app import App
from creatorbot.storage import writer
from creatorbot.storage.grants import grant
from creatorbot.storage.models import Role
from tests.bot.world import END, NOW

MANY = 150  # MY creators whose handles start with "zz": more than a list may show


def zz_gmv(n: int) -> int:
    """The daily GMV (minor units) of creator zz{n:03}: all different, not in handle order."""
    return 1_000 + (n * 37) % MANY * 10


def seed_many(app: App) -> None:
    """MANY MY creators `zz000…` over the world's last day, an IT `zzitalia` busier than all of
    them, and an IT campaign; MY-only and IT-only CMs on Slack and Lark."""
    people = [("MY", f"zz{n:03}", f"Zeta {n}", zz_gmv(n)) for n in range(MANY)]
    people.append(("IT", "zzitalia", "Zoë Italia", 10_000_000))
    creators = pd.DataFrame(
        [
            {
                "market": market,
                "handle": handle,
                "display_name": name,
                "tier": "gold",
                "category": "beauty",
                "followers": 10,
                "cm": None,
                "am": None,
                "joined_on": None,
            }
            for market, handle, name, _ in people
        ]
    )
    metrics = pd.DataFrame(
        [
            {
                "date": END,
                "market": market,
                "handle": handle,
                "gmv": gmv,
                "orders": 1,
                "items_sold": 1,
                "live_gmv": 0,
                "video_gmv": gmv,
                "live_sessions": 0,
                "live_minutes": 0,
                "video_posts": 1,
                "video_views": 1,
                "new_followers": 0,
            }
            for market, handle, _, gmv in people
        ]
    )
    campaign = {
        "slug": "it-saldi",
        "name": "Saldi d'inverno",
        "market": "IT",
        "kind": "mega_sale",
        "starts_on": END,
        "ends_on": END,
        "metric": "gmv",
        "gmv_target": None,
        "creator_target": None,
        "reward_tiers": [],
    }
    with app.sessions.begin() as session:
        writer.write_creators(creators, session=session)
        writer.write_daily_metrics(metrics, session=session)
        writer.write_campaigns(pd.DataFrame([campaign]), session=session)
        for platform, my_cm, it_cm in (("slack", "UMY", "UIT"), ("lark", "ou_my", "ou_it")):
            grant(platform, my_cm, Role.CM, ["MY"], by="setup", now=NOW, session=session)
            grant(platform, it_cm, Role.CM, ["IT"], by="setup", now=NOW, session=session)
