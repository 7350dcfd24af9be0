"""Campaign readers: what they read from the stats equals the raw computation (`tier_report`,
`rank` over every enrolled creator), and stale stats are never read."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.analytics.campaigns import tier_report
from creatorbot.analytics.rankings import rank
from creatorbot.storage import writer
from creatorbot.storage.models import Campaign, Creator, DailyMetric
from creatorbot.storage.queries.campaigns import (
    CampaignFigures,
    campaign_creator_totals,
    campaign_daily,
    creator_standings,
)
from tests.commands.conftest import creator_row, metric_row

START = dt.date(2026, 11, 1)
END = dt.date(2026, 11, 10)  # the latest day with data
CREATORS = 300
# Thresholds on a coarse grid of values: ties at the thresholds and inside the nudge bands.
TIERS = [(10_000, 500), (20_000, 1_500), (45_000, 6_000)]


def campaign(slug: str, kind: str, metric: str, **extra: object) -> dict[str, object]:
    row: dict[str, object] = {
        "slug": slug,
        "name": slug.title(),
        "market": "MY",
        "kind": kind,
        "starts_on": START + dt.timedelta(days=2),
        "ends_on": START + dt.timedelta(days=15),
        "metric": metric,
        "gmv_target": None,
        "creator_target": None,
        "reward_tiers": [],
    }
    row.update(extra)
    return row


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> list[str]:
    rng = random.Random(5)
    handles = [f"{rng.choice(['a', 'B', '_', 'c.'])}{n:03d}" for n in range(CREATORS)]
    metrics = [
        metric_row(START + dt.timedelta(days=d), h, rng.choice([0, 500, 1_000, 2_500, 5_000]))
        for d in range(10)
        for h in handles
        if rng.random() < 0.8
    ]
    campaigns = [
        campaign("payday", "incentive", "gmv", reward_tiers=TIERS),
        campaign("orders-race", "competition", "orders"),
        campaign("sale", "mega_sale", "gmv", starts_on=START),
    ]
    enrollments = [
        {"campaign": slug, "handle": h, "enrolled_on": START}
        for slug in ("payday", "orders-race", "sale")
        for h in handles
        if rng.random() < 0.7
    ]
    with sessions.begin() as session:
        writer.write_creators(pd.DataFrame([creator_row(h) for h in handles]), session=session)
        writer.write_campaigns(pd.DataFrame(campaigns), session=session)
        writer.write_enrollments(pd.DataFrame(enrollments[::2]), session=session)
        writer.write_daily_metrics(pd.DataFrame(metrics), session=session)
        writer.write_enrollments(pd.DataFrame(enrollments[1::2]), session=session)
    return handles


def load(session: Session, slug: str) -> Campaign:
    return session.scalars(select(Campaign).where(Campaign.slug == slug)).one()


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("elapsed", [0, 1, 4, 8, 14])
def test_tier_report_from_stats_equals_the_raw_one(
    sessions: sessionmaker[Session], elapsed: int
) -> None:
    with sessions() as session:
        payday = load(session, "payday")
        figures = CampaignFigures(payday, END, session=session)
        assert figures.stored is not None
        report = figures.tiers(TIERS, elapsed, 14, 10)
        raw = tier_report(campaign_creator_totals(payday, END, session=session), TIERS, elapsed, 14)
    assert report.per_tier == raw.per_tier and sum(raw.per_tier) > 0
    assert report.below_first == raw.below_first
    assert report.payout == raw.payout
    assert report.projected_payout == raw.projected_payout
    assert report.nudge_total == len(raw.nudge) > 10
    columns = ["creator_id", "handle", "value", "next_threshold", "tier", "missing"]
    shown = raw.nudge.head(10)[columns].astype({"next_threshold": "int64"})
    assert report.nudge[columns].to_dict("records") == shown.to_dict("records")


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("slug", ["payday", "orders-race", "sale"])
def test_totals_top_and_days_from_stats_equal_the_raw_ones(
    sessions: sessionmaker[Session], slug: str
) -> None:
    with sessions() as session:
        chosen = load(session, slug)
        figures = CampaignFigures(chosen, END, session=session)
        assert figures.stored is not None
        totals, top, days = figures.totals(), figures.top(25), figures.days()
        creators = campaign_creator_totals(chosen, END, session=session)
        ranked = rank(creators)
        raw_daily = campaign_daily(chosen, END, session=session)
    assert totals.enrolled == len(creators)
    assert totals.active == int((creators["gmv"] > 0).sum())
    assert totals.ranked == len(ranked)
    assert (totals.gmv, totals.orders, totals.value) == tuple(
        int(creators[c].sum()) for c in ("gmv", "orders", "value")
    )
    expected = ranked.head(25)[["rank", "creator_id", "handle", "value"]]
    assert top[["rank", "creator_id", "handle", "value"]].to_dict("records") == expected.to_dict(
        "records"
    )
    nonzero = raw_daily[raw_daily[["gmv", "orders", "value"]].ne(0).any(axis=1)]
    assert days.to_dict("records") == nonzero.reset_index(drop=True).to_dict("records")


@pytest.mark.usefixtures("world")
def test_a_creators_standings_equal_the_raw_ranking(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        campaigns = list(session.scalars(select(Campaign)))
        totals = {c.id: campaign_creator_totals(c, END, session=session) for c in campaigns}
        ranked = {cid: rank(frame) for cid, frame in totals.items()}
        for creator_id in session.scalars(select(Creator.id).limit(40)):
            standings = creator_standings(creator_id, campaigns, END, session=session)
            for c in campaigns:
                mine = ranked[c.id].loc[ranked[c.id]["creator_id"] == creator_id, "rank"]
                value = totals[c.id].loc[totals[c.id]["creator_id"] == creator_id, "value"]
                assert standings[c.id].ranked == len(ranked[c.id])
                assert standings[c.id].rank == (int(mine.iloc[0]) if len(mine) else None)
                assert standings[c.id].value == (int(value.iloc[0]) if len(value) else 0)


def test_stale_stats_are_not_read(sessions: sessionmaker[Session], world: list[str]) -> None:
    with sessions.begin() as session:
        # a new latest day written past the write path
        creator_id = session.scalar(select(Creator.id).where(Creator.handle == world[0]))
        row = metric_row(END + dt.timedelta(days=1), world[0], 90_000)
        row.pop("handle")
        session.execute(insert(DailyMetric).values(creator_id=creator_id, **row))
    with sessions() as session:
        sale = load(session, "sale")
        figures = CampaignFigures(sale, END + dt.timedelta(days=1), session=session)
        assert figures.stored is None
        creators = campaign_creator_totals(sale, END + dt.timedelta(days=1), session=session)
        assert figures.totals().gmv == int(creators["gmv"].sum())
        standings = creator_standings(
            creator_id, [sale], END + dt.timedelta(days=1), session=session
        )
        ranked = rank(creators)
        assert standings[sale.id].ranked == len(ranked)
