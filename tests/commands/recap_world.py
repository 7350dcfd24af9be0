"""A market with campaigns that ended, for the recap's tests: 150 beauty creators of one tier
over seven weeks, 30 of them enrolled in `payday` (an incentive program with a budget cap)
and in `race` (a competition with prize bands and a tie), whose sales rose 30% during it."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.models import Campaign, RewardBand
from tests.commands.conftest import creator_row, metric_row, seed

FIRST = dt.date(2026, 10, 1)
LATEST = dt.date(2026, 11, 20)  # the market's latest day with data; the clock says 24 Nov
START, END = dt.date(2026, 11, 7), dt.date(2026, 11, 20)
HANDLES = [f"c{i:03d}" for i in range(150)]
ENROLLED = HANDLES[:30]
TIERS = [(300_000, 5_000), (500_000, 12_000), (700_000, 40_000)]
BANDS = [(1, 1, 300_000), (2, 3, 100_000), (4, 10, 20_000)]
CAP = 250_000


def daily_gmv(handle: str, day: dt.date) -> int:
    """Each creator's own level, some noise, and +30% during the campaign when enrolled."""
    rng = random.Random(f"{handle}{day}")
    level = 10_000 + 2_000 * (int(handle[1:]) % 17)
    lift = 1.3 if handle in ENROLLED and START <= day <= END else 1.0
    return int(level * lift * rng.uniform(0.7, 1.3))


def campaign(slug: str, kind: str, **extra: Any) -> dict[str, Any]:
    row = {
        "slug": slug,
        "name": slug.title(),
        "market": "MY",
        "kind": kind,
        "starts_on": START,
        "ends_on": END,
        "metric": "gmv",
        "gmv_target": 10_000_000,
        "creator_target": 40,
        "reward_tiers": [],
    }
    row.update(extra)
    return row


def build(sessions: sessionmaker[Session]) -> None:
    """Write the world; in `race`, c001 ties with the leader, c016."""
    days = [FIRST + dt.timedelta(days=n) for n in range((LATEST - FIRST).days + 1)]
    metrics = [metric_row(day, h, daily_gmv(h, day)) for day in days for h in HANDLES]
    # c001 sells what c016 sells on every campaign day: they end level, first
    for row in metrics:
        if row["handle"] == "c001" and START <= row["date"] <= END:
            row["gmv"] = daily_gmv("c016", row["date"])
            row["orders"] = row["gmv"] // 5000
    campaigns = [
        campaign("payday", "incentive", reward_tiers=TIERS),
        campaign("race", "competition"),
        campaign("later", "mega_sale", starts_on=END, ends_on=dt.date(2026, 11, 27)),
        campaign("waiting", "ip_event", ends_on=dt.date(2026, 11, 22)),
    ]
    enrollments = [
        {"campaign": c, "handle": h, "enrolled_on": START}
        for c in ("payday", "race", "later", "waiting")
        for h in ENROLLED
    ]
    seed(sessions, [creator_row(h) for h in HANDLES], metrics, campaigns, enrollments)
    with sessions.begin() as session:
        payday = session.scalar(select(Campaign).where(Campaign.slug == "payday"))
        race = session.scalar(select(Campaign).where(Campaign.slug == "race"))
        assert payday is not None and race is not None
        payday.budget_cap = CAP
        race.reward_bands = [RewardBand(rank_from=a, rank_to=b, reward=r) for a, b, r in BANDS]


def window_totals() -> dict[str, int]:
    """Each enrolled creator's GMV over the campaign, added up here."""
    totals = {h: 0 for h in ENROLLED}
    for n in range((END - START).days + 1):
        day = START + dt.timedelta(days=n)
        for h in ENROLLED:
            totals[h] += daily_gmv("c016" if h == "c001" else h, day)
    return totals
