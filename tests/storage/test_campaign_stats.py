"""Campaign stats stay exact: after every kind of import, the stored standings, days and totals
equal a plain-Python computation over the raw rows; the upgrade fills them where missing."""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.campaign_stats import packs, stale_campaigns, standings
from creatorbot.storage.campaign_stats.packs import read_standings
from creatorbot.storage.db import upgrade
from creatorbot.storage.importers import import_file
from creatorbot.storage.models import (
    Campaign,
    CampaignDay,
    CampaignStandingPack,
    CampaignTotal,
    Creator,
    DailyMetric,
    Enrollment,
)
from creatorbot.storage.queries.metrics import RANKABLE
from creatorbot.storage.writer import DAILY_COLUMNS, DAILY_MONEY

FIRST = dt.date(2026, 11, 1)
DAYS = 20  # 1–20 Nov
# Handles whose code-point order differs from a linguistic collation's (upper case, "_", ".").
HANDLES = {
    "MY": ["amir", "Bella", "_chen", "dina", "eli", "farah.k", "gus", "hana"],
    "IT": ["giulia", "Marco", "zoe", "_ale"],
}
CAMPAIGNS = [
    # slug, market, kind, starts, ends, metric, reward tiers
    ("my-sale", "MY", "mega_sale", "2026-11-05", "2026-11-12", "gmv", ""),
    ("my-orders", "MY", "incentive", "2026-11-10", "2026-11-25", "orders", "5:10.00;12:30.00"),
    ("my-live", "MY", "competition", "2026-11-01", "2026-11-30", "live_gmv", ""),
    ("it-views", "IT", "competition", "2026-11-03", "2026-11-08", "video_views", ""),
    ("my-next", "MY", "mega_sale", "2026-12-01", "2026-12-05", "gmv", ""),
]
ENROLLED = {
    "my-sale": ["amir", "Bella", "_chen", "dina", "eli", "farah.k"],
    "my-orders": ["amir", "_chen", "eli", "gus"],
    "my-live": ["Bella", "_chen", "dina", "farah.k", "gus"],
    "it-views": ["giulia", "Marco", "zoe"],
    "my-next": ["amir", "hana"],
}


def minor(amount: int) -> str:
    return f"{amount // 100}.{amount % 100:02d}"


def metric_values(rng: random.Random) -> dict[str, int]:
    # A coarse grid of values, so ties (broken by handle) and zero days happen.
    gmv = rng.choice([0, 0, 1_000, 2_500, 2_500, 5_000, 12_345])
    return {
        "gmv": gmv,
        "orders": gmv // 1_000,
        "items_sold": gmv // 800,
        "live_gmv": rng.choice([0, gmv // 2]),
        "video_gmv": gmv - gmv // 2,
        "live_sessions": rng.choice([0, 1]),
        "live_minutes": rng.choice([0, 30, 60]),
        "video_posts": rng.choice([0, 1, 2]),
        "video_views": rng.choice([0, 100, 100, 250]),
        "new_followers": rng.choice([0, 3]),
    }


def daily_row(day: dt.date, market: str, handle: str, values: dict[str, int]) -> list[str]:
    cells = {"date": day.isoformat(), "market": market, "handle": handle}
    for name, value in values.items():
        cells[name] = minor(value) if name in DAILY_MONEY else str(value)
    return [cells[name] for name in DAILY_COLUMNS]


def days_of(seed: int, days: list[dt.date]) -> list[list[str]]:
    rng = random.Random(seed)
    return [
        daily_row(day, market, handle, metric_values(rng))
        for day in days
        for market, handles in HANDLES.items()
        for handle in handles
    ]


def campaign_rows(**moved: tuple[str, str]) -> list[list[str]]:
    rows = []
    for slug, market, kind, starts, ends, metric, tiers in CAMPAIGNS:
        starts, ends = moved.get(slug, (starts, ends))
        rows.append([slug, slug.title(), market, kind, starts, ends, metric, "", "", tiers])
    return rows


HEADERS = {
    "creators": ["handle", "display_name", "market", "tier", "category", "followers"]
    + ["cm", "am", "joined_on"],
    "daily_metrics": list(DAILY_COLUMNS),
    "campaigns": ["slug", "name", "market", "kind", "starts_on", "ends_on", "metric"]
    + ["gmv_target", "creator_target", "reward_tiers"],
    "enrollments": ["campaign", "handle", "enrolled_on"],
}


@pytest.fixture
def load(sessions: sessionmaker[Session], tmp_path: Path) -> Any:
    """Import rows of a kind through `import_file`, as a file, in one transaction."""
    count = iter(range(1_000))

    def run(kind: str, rows: list[list[str]]) -> None:
        path = tmp_path / f"{kind}-{next(count)}.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows([HEADERS[kind], *rows])
        with sessions.begin() as session:
            import_file(kind, path, session=session)

    return run


@pytest.fixture
def world(load: Any) -> None:
    load(
        "creators",
        [
            [handle, handle.title(), market, "gold", "beauty", "1000", "", "", ""]
            for market, handles in HANDLES.items()
            for handle in handles
        ],
    )
    load("daily_metrics", days_of(1, [FIRST + dt.timedelta(days=n) for n in range(DAYS)]))
    load("campaigns", campaign_rows())
    load(
        "enrollments",
        [
            [slug, handle, "2026-10-30"]
            for slug, handles in ENROLLED.items()
            for handle in handles[:-1]  # the last one enrolls later, in a test
        ],
    )


def expected(session: Session) -> dict[str, Any]:
    """Standings, days and totals computed in plain Python from the raw rows."""
    handles = dict(session.execute(select(Creator.id, Creator.handle)).all())
    daily: dict[int, list[Any]] = defaultdict(list)
    latest: dict[str, dt.date] = {}
    columns = [getattr(DailyMetric, name) for name in RANKABLE]
    for creator_id, day, market, *values in session.execute(
        select(DailyMetric.creator_id, DailyMetric.date, DailyMetric.market, *columns)
    ):
        daily[creator_id].append((day, dict(zip(RANKABLE, values, strict=True))))
        latest[market] = max(latest.get(market, day), day)
    members: dict[int, list[int]] = defaultdict(list)
    for campaign_id, creator_id in session.execute(
        select(Enrollment.campaign_id, Enrollment.creator_id)
    ):
        members[campaign_id].append(creator_id)
    standings, days, totals = {}, {}, {}
    for campaign in session.scalars(select(Campaign)):
        metric = campaign.metric if campaign.metric in RANKABLE else "gmv"
        sums: dict[int, list[int]] = {}
        per_day: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0, 0])
        for creator_id in members[campaign.id]:
            mine = [0, 0, 0]
            for day, values in daily[creator_id]:
                if campaign.starts_on <= day <= campaign.ends_on:
                    for i, name in enumerate((metric, "gmv", "orders")):
                        mine[i] += values[name]
                    for i, name in enumerate(("gmv", "orders", metric)):
                        per_day[day][i] += values[name]
            sums[creator_id] = mine
        order = sorted((c for c in sums if sums[c][0] > 0), key=lambda c: (-sums[c][0], handles[c]))
        places = {c: place for place, c in enumerate(order, start=1)}
        for creator_id, (value, gmv, orders) in sums.items():
            key = (campaign.id, creator_id)
            standings[key] = (value, gmv, orders, places.get(creator_id))
        for day, figures in per_day.items():
            if any(figures):
                days[(campaign.id, day)] = tuple(figures)
        totals[campaign.id] = (
            len(sums),
            sum(1 for s in sums.values() if s[1] > 0),
            len(order),
            sum(s[1] for s in sums.values()),
            sum(s[2] for s in sums.values()),
            sum(s[0] for s in sums.values()),
            latest.get(campaign.market),
        )
    return {"standings": standings, "days": days, "totals": totals}


def stored(session: Session) -> dict[str, Any]:
    d, t = CampaignDay, CampaignTotal
    packed = session.scalars(select(CampaignStandingPack.campaign_id)).all()
    return {
        "standings": {
            (campaign_id, int(creator_id)): (
                int(row["value"]),
                int(row["gmv"]),
                int(row["orders"]),
                int(row["rank"]) or None,
            )
            for campaign_id in packed
            for creator_id, row in read_standings(campaign_id, session=session).iterrows()
        },
        "days": {
            (r.campaign_id, r.date): (r.gmv, r.orders, r.value)
            for r in session.execute(select(d.campaign_id, d.date, d.gmv, d.orders, d.value))
        },
        "totals": {
            r[0]: tuple(r[1:])
            for r in session.execute(
                select(t.campaign_id, t.enrolled, t.active, t.ranked, t.gmv).add_columns(
                    t.orders, t.value, t.through
                )
            )
        },
    }


def assert_exact(sessions: sessionmaker[Session]) -> dict[str, Any]:
    with sessions() as session:
        found, wanted = stored(session), expected(session)
        assert stale_campaigns(session=session) == []
    for part in ("totals", "days", "standings"):
        assert found[part] == wanted[part], part
    return found


@pytest.mark.usefixtures("world")
def test_imports_keep_the_stats_exact(sessions: sessionmaker[Session]) -> None:
    found = assert_exact(sessions)
    assert len(found["standings"]) == sum(len(h) - 1 for h in ENROLLED.values())
    ranks = [r for *_, r in found["standings"].values()]
    assert any(r is None for r in ranks) and any(r is not None for r in ranks)


@pytest.mark.usefixtures("world")
def test_a_corrected_past_day_inside_the_window(sessions: sessionmaker[Session], load: Any) -> None:
    corrected = [
        daily_row(dt.date(2026, 11, 11), "MY", handle, metric_values(random.Random(n)))
        for n, handle in enumerate(["amir", "_chen", "Bella", "dina"])
    ]
    load("daily_metrics", corrected)
    assert_exact(sessions)
    # and back to zero: a correction may take everything away
    zero = dict.fromkeys(metric_values(random.Random(0)), 0)
    load("daily_metrics", [daily_row(dt.date(2026, 11, 11), "MY", "amir", zero)])
    assert_exact(sessions)


@pytest.mark.usefixtures("world")
def test_days_outside_the_windows_and_a_new_latest_day(
    sessions: sessionmaker[Session], load: Any
) -> None:
    before = assert_exact(sessions)
    load("daily_metrics", days_of(2, [dt.date(2026, 10, 20)]))  # before every window
    after = assert_exact(sessions)
    assert after["standings"] == before["standings"]
    load("daily_metrics", days_of(3, [dt.date(2026, 11, 21)]))  # a new latest day
    after = assert_exact(sessions)
    assert {t[-1] for t in after["totals"].values()} == {dt.date(2026, 11, 21)}


@pytest.mark.usefixtures("world")
def test_new_enrollments(sessions: sessionmaker[Session], load: Any) -> None:
    load("enrollments", [[slug, handles[-1], "2026-11-15"] for slug, handles in ENROLLED.items()])
    found = assert_exact(sessions)
    assert len(found["standings"]) == sum(len(h) for h in ENROLLED.values())
    load("enrollments", [["my-sale", "hana", "2026-11-16"], ["my-sale", "amir", "2026-11-16"]])
    assert_exact(sessions)


@pytest.mark.usefixtures("world")
def test_a_campaign_whose_window_moves(sessions: sessionmaker[Session], load: Any) -> None:
    load(
        "campaigns",
        campaign_rows(
            **{"my-sale": ("2026-11-01", "2026-11-03"), "my-next": ("2026-11-18", "2026-12-05")}
        ),
    )
    found = assert_exact(sessions)
    with sessions() as session:
        ids = dict(session.execute(select(Campaign.slug, Campaign.id)).all())
    assert found["totals"][ids["my-next"]][3] > 0  # it now covers sales


@pytest.mark.usefixtures("world")
def test_reimporting_identical_rows_changes_nothing(
    sessions: sessionmaker[Session], load: Any
) -> None:
    before = assert_exact(sessions)
    load("daily_metrics", days_of(1, [FIRST + dt.timedelta(days=n) for n in range(DAYS)]))
    load("campaigns", campaign_rows())
    load("enrollments", [[slug, h, "2026-10-30"] for slug, hs in ENROLLED.items() for h in hs[:-1]])
    assert assert_exact(sessions) == before


@pytest.mark.usefixtures("world")
def test_the_upgrade_fills_a_database_without_stats(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        for model in (CampaignStandingPack, CampaignDay, CampaignTotal):
            session.execute(delete(model))
    with sessions() as session:
        assert len(stale_campaigns(session=session)) == len(CAMPAIGNS)
    upgrade(engine)
    assert_exact(sessions)


@pytest.mark.usefixtures("world")
def test_stats_left_stale_by_a_write_past_the_path(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        creator = session.scalars(select(Creator).where(Creator.handle == "amir")).one()
        values = metric_values(random.Random(9))
        day = dt.date(2026, 11, 21)
        session.add(DailyMetric(creator_id=creator.id, date=day, market="MY", **values))
    with sessions() as session:
        stale = {spec.market for spec in stale_campaigns(session=session)}
    assert stale == {"MY"}
    upgrade(engine)
    assert_exact(sessions)


@pytest.mark.usefixtures("world")
def test_a_correction_rewrites_only_the_campaigns_it_moves(
    sessions: sessionmaker[Session], load: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = assert_exact(sessions)["standings"]
    written: list[int] = []

    def spy(campaign_id: int, frame: Any, *, session: Session) -> None:
        written.append(campaign_id)
        packs.write_standings(campaign_id, frame, session=session)

    monkeypatch.setattr(standings, "write_standings", spy)
    soared = dict.fromkeys(metric_values(random.Random(0)), 0) | {"gmv": 10_000_000}
    load("daily_metrics", [daily_row(dt.date(2026, 11, 11), "MY", "eli", soared)])
    after = assert_exact(sessions)["standings"]
    moved = {key[0] for key in after if after[key] != before[key]}
    assert moved  # eli's campaigns of that day
    assert sorted(written) == sorted(moved)
    assert {key[0] for key in after} - moved  # the others were left as they were
