"""The demo world: deterministic, realistic by independent measures, written and kept in place."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys

import pandas as pd
import pytest
from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage import writer
from creatorbot.storage.db import make_sessionmaker
from creatorbot.storage.demo import (
    DemoConflict,
    DemoSpec,
    World,
    build_world,
    ensure_demo,
    write_world,
)
from creatorbot.storage.models import (
    Campaign,
    Creator,
    DailyMetric,
    Enrollment,
    Market,
    Meta,
    RewardTier,
    SlotMetric,
    Tier,
)

END = dt.date(2026, 11, 23)
FRAMES = (
    "creators",
    "tiers",
    "daily_metrics",
    "campaigns",
    "enrollments",
    "slot_metrics",
    "planted",
)
MONEY = ("gmv", "live_gmv", "video_gmv")
COUNTS = (
    "orders",
    "items_sold",
    "live_sessions",
    "live_minutes",
    "video_posts",
    "video_views",
    "new_followers",
)
DAILY_COLUMNS = [
    "market",
    "handle",
    "date",
    "gmv",
    "orders",
    "items_sold",
    "live_gmv",
    "video_gmv",
    "live_sessions",
    "live_minutes",
    "video_posts",
    "video_views",
    "new_followers",
]
DAILY_SQL = text(
    "SELECT c.market, c.handle, d.date, d.gmv, d.orders, d.items_sold, d.live_gmv, d.video_gmv,"
    " d.live_sessions, d.live_minutes, d.video_posts, d.video_views, d.new_followers"
    " FROM daily_metrics d JOIN creators c ON c.id = d.creator_id"
    " ORDER BY c.market, c.handle, d.date"
)


@pytest.fixture(scope="module")
def world() -> World:
    """The default demo world (2,000 creators × 90 days)."""
    return build_world(DemoSpec(end=END))


@pytest.fixture(scope="module")
def daily(world: World) -> pd.DataFrame:
    """Daily metrics with the date as a timestamp, for grouping by weekday."""
    frame = world.daily_metrics.copy()
    frame["day"] = pd.to_datetime(frame["date"])
    return frame


def _digest(frame: pd.DataFrame) -> str:
    return hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()


def _table_count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


# Determinism


def test_same_spec_builds_identical_frames(world: World) -> None:
    again = build_world(DemoSpec(end=END))
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(world, name), getattr(again, name), obj=name)


def test_another_seed_builds_another_world(world: World) -> None:
    other = build_world(DemoSpec(end=END, seed=8))
    assert not world.creators["handle"].equals(other.creators["handle"])
    assert world.daily_metrics["gmv"].sum() != other.daily_metrics["gmv"].sum()


def test_world_does_not_depend_on_the_process(world: World) -> None:
    script = (
        "import datetime as dt, hashlib\n"
        "from creatorbot.storage.demo import DemoSpec, build_world\n"
        "w = build_world(DemoSpec(end=dt.date(2026, 11, 23)))\n"
        "for name in ('creators', 'daily_metrics', 'enrollments', 'campaigns'):\n"
        "    frame = getattr(w, name)\n"
        "    print(hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    ).stdout.split()
    names = ("creators", "daily_metrics", "enrollments", "campaigns")
    assert out == [_digest(getattr(world, name)) for name in names]


def test_chunks_add_up_to_the_whole(world: World) -> None:
    chunks = list(world.daily_metric_chunks(rows=1))
    assert len(chunks) > 0
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), world.daily_metrics)


# Shape


def test_frames_have_the_writer_shape(world: World) -> None:
    assert list(world.creators.columns[:9]) == list(writer.CREATOR_COLUMNS)
    assert set(world.daily_metrics.columns) == {
        "date",
        "market",
        "handle",
        *writer.DAILY_MONEY,
        *writer.DAILY_COUNTS,
    }
    for frame, columns in (
        (world.daily_metrics, ("date",)),
        (world.creators, ("joined_on",)),
        (world.campaigns, ("starts_on", "ends_on")),
        (world.enrollments, ("enrolled_on",)),
        (world.slot_metrics, ("date",)),
    ):
        for column in columns:
            assert all(type(v) is dt.date for v in frame[column]), column
    for column in (*MONEY, *COUNTS):
        assert world.daily_metrics[column].dtype == "int64", column
    for frame, column in ((world.campaigns, "gmv_target"), (world.tiers, "min_gmv_30d")):
        assert frame[column].dtype == "int64"


def test_every_frame_is_populated(world: World) -> None:
    for name in FRAMES:
        assert len(getattr(world, name)) > 0, name
    assert set(world.creators["market"]) == {"MY", "IT"}
    my_share = (world.creators["market"] == "MY").mean()
    assert 0.55 <= my_share <= 0.65


# Creators


def test_handles_are_lowercase_ascii_and_unique_per_market(world: World) -> None:
    handles = world.creators["handle"]
    assert handles.str.fullmatch(r"[a-z0-9._]{3,64}").all()
    assert not world.creators.duplicated(["market", "handle"]).any()


def test_display_names_are_real_looking_and_accented(world: World) -> None:
    creators = world.creators
    accented = creators["display_name"].map(lambda name: bool(re.search(r"[^\x00-\x7f]", name)))
    it = creators["market"] == "IT"
    assert accented[it].mean() > 0.1  # Niccolò, Zoë, Ferrà, Cantù, …
    assert accented[~it].sum() > 0  # Renée Tan, Chloé Lim
    assert creators["display_name"].str.fullmatch(r"\S+( \S+)+").all()
    assert creators.loc[it, "display_name"].str.contains("'").any()  # D'Angelo, Dell'Acqua


def test_contacts_and_owners_are_filled(world: World) -> None:
    creators = world.creators
    assert creators["email"].str.fullmatch(r"[a-z0-9._]+@example\.(com|net|org)").all()
    phones = creators.groupby("market")["phone"]
    assert phones.apply(lambda p: p.str[:3].unique().tolist()).to_dict() == {
        "IT": ["+39"],
        "MY": ["+60"],
    }
    for role in ("cm", "am"):
        staff = creators.groupby("market")[role].nunique()
        assert (staff >= 2).all() and (staff <= 6).all()
    assert creators["category"].nunique() >= 7
    assert (creators["followers"] > 0).all()
    assert creators["followers"].max() > 50 * creators["followers"].median()  # long tail


def test_some_creators_are_new_and_some_have_churned(world: World, daily: pd.DataFrame) -> None:
    start = world.spec.start
    joined = world.creators.set_index(["market", "handle"])["joined_on"]
    first_row = daily.groupby(["market", "handle"])["date"].min()
    last_row = daily.groupby(["market", "handle"])["date"].max()
    assert (first_row >= joined.reindex(first_row.index)).all()
    assert (joined > start).sum() > 0.03 * len(joined)
    assert (last_row < END - dt.timedelta(days=20)).sum() > 0.02 * len(joined)


# Daily metrics


def test_money_is_whole_minor_units_and_adds_up(world: World) -> None:
    d = world.daily_metrics
    for column in (*MONEY, *COUNTS):
        assert (d[column] >= 0).all(), column
    assert (d["live_gmv"] + d["video_gmv"] == d["gmv"]).all()
    assert (d["items_sold"] >= d["orders"]).all()
    assert ((d["orders"] > 0) == (d["gmv"] > 0)).all()
    assert (d.loc[d["live_gmv"] > 0, "live_sessions"] > 0).all()
    streamed = d[d["live_sessions"] > 0]
    assert (streamed["live_gmv"] > 0).mean() > 0.7  # a stream usually sells something
    assert (d.loc[d["live_sessions"] == 0, "live_minutes"] == 0).all()


def test_some_creator_days_have_no_row(world: World) -> None:
    d = world.daily_metrics
    assert d["date"].min() == world.spec.start and d["date"].max() == END
    assert not d.duplicated(["market", "handle", "date"]).any()
    assert 0.3 < len(d) / (len(world.creators) * world.spec.days) < 0.9


def test_top_one_percent_sells_a_third_to_half(world: World) -> None:
    d = world.daily_metrics
    for market, rows in d.groupby("market"):
        creators = int((world.creators["market"] == market).sum())
        per_creator = rows.groupby("handle")["gmv"].sum().sort_values(ascending=False)
        top = per_creator.iloc[: max(1, round(creators / 100))].sum()
        assert 0.28 <= top / per_creator.sum() <= 0.52, market


def test_baskets_are_plausible(world: World) -> None:
    d = world.daily_metrics
    basket = d.groupby("market")["gmv"].sum() / d.groupby("market")["orders"].sum() / 100
    assert 40 <= basket["MY"] <= 80
    assert 20 <= basket["IT"] <= 40


def test_weekends_sell_more_and_live_more_so(daily: pd.DataFrame) -> None:
    weekend = daily["day"].dt.day_of_week >= 5
    for _, rows in daily.groupby("market"):
        end_of_week = weekend[rows.index]
        totals = rows.groupby("date")[["gmv", "live_gmv", "video_gmv"]].sum()
        is_weekend = pd.to_datetime(pd.Series(totals.index)).dt.day_of_week.to_numpy() >= 5
        lift = totals[is_weekend].mean() / totals[~is_weekend].mean()
        assert 1.1 < lift["gmv"] < 1.6
        assert lift["live_gmv"] > lift["video_gmv"]
        assert rows.loc[end_of_week, "gmv"].mean() > rows.loc[~end_of_week, "gmv"].mean()


def test_creators_differ_in_live_and_video(world: World) -> None:
    per_creator = world.daily_metrics.groupby(["market", "handle"])[["live_gmv", "gmv"]].sum()
    selling = per_creator[per_creator["gmv"] > 0]
    live_share = selling["live_gmv"] / selling["gmv"]
    assert (live_share == 0).mean() > 0.1  # video-only sellers
    assert (live_share > 0.8).mean() > 0.05  # live-first sellers


def test_tiers_follow_thirty_day_gmv_mostly(world: World, daily: pd.DataFrame) -> None:
    since = END - dt.timedelta(days=29)
    recent = daily[daily["date"] >= since].groupby(["market", "handle"])["gmv"].sum()
    agree = 0
    for market, tiers in world.tiers.groupby("market"):
        tiers = tiers.sort_values("rank")
        assert tiers["rank"].tolist() == [1, 2, 3, 4]
        assert tiers["min_gmv_30d"].is_monotonic_increasing
        creators = world.creators[world.creators["market"] == market]
        gmv = recent.reindex(list(zip(creators["market"], creators["handle"], strict=True)))
        gmv = gmv.fillna(0).to_numpy()
        implied = [tiers["tier"].iloc[(tiers["min_gmv_30d"] <= value).sum() - 1] for value in gmv]
        agree += int((creators["tier"].to_numpy() == implied).sum())
        assert set(creators["tier"]) == set(tiers["tier"])
    assert agree / len(world.creators) > 0.8


# Campaigns and enrollments


def test_campaigns_cover_every_kind_and_time(world: World) -> None:
    c = world.campaigns
    assert set(c["kind"]) == {"mega_sale", "ip_event", "competition", "incentive"}
    assert c["slug"].is_unique
    assert ((c["starts_on"] <= END) & (c["ends_on"] >= END)).any()
    assert (c["starts_on"] > END).any()
    assert (c["ends_on"] < END).any()
    assert (c["starts_on"] <= c["ends_on"]).all()
    assert (c["gmv_target"] > 0).all() and (c["creator_target"] > 0).all()
    slugs = set(c["slug"])
    for slug in (
        "my-1111-2026",
        "it-1212-2026",
        "my-payday-2026-11",
        "my-live-ranking-2026-11",
        "it-video-challenge-2026-11",
        "it-linkshare-2026-11",
    ):
        assert slug in slugs
    payday = c.set_index("slug").loc["my-payday-2026-11"]
    assert payday["kind"] == "incentive" and len(payday["reward_tiers"]) >= 3
    ranking = c.set_index("slug").loc["my-live-ranking-2026-11"]
    assert ranking["metric"] == "live_gmv" and ranking["starts_on"] <= END <= ranking["ends_on"]


@pytest.mark.parametrize(
    "end",
    [dt.date(2026, 1, 1), dt.date(2026, 2, 28), dt.date(2026, 6, 15), dt.date(2026, 12, 31)],
)
def test_the_calendar_works_for_any_end(end: dt.date) -> None:
    w = build_world(DemoSpec(creators=60, days=30, end=end))
    c = w.campaigns
    assert c["slug"].is_unique
    assert ((c["starts_on"] <= end) & (c["ends_on"] >= end)).any()
    assert (c["starts_on"] > end).any() and (c["ends_on"] < end).any()
    payday = c[c["kind"] == "incentive"]
    assert (payday["starts_on"].map(lambda d: d.day) == 25).all()
    assert len(w.daily_metrics) > 0 and w.daily_metrics["date"].max() == end


def test_enrollments_belong_to_the_campaign_market(world: World) -> None:
    e = world.enrollments.merge(
        world.campaigns[["slug", "market", "starts_on"]], left_on="campaign", right_on="slug"
    )
    assert len(e) == len(world.enrollments)
    known = e.merge(world.creators[["market", "handle", "joined_on"]], on=["market", "handle"])
    assert len(known) == len(e)
    assert (known["enrolled_on"] <= known["starts_on"]).all()
    assert (known["enrolled_on"] <= END).all()
    assert (known["enrolled_on"] >= known["joined_on"]).all()
    assert not world.enrollments.duplicated(["campaign", "handle"]).any()


def test_bigger_creators_enroll_more_and_sell_more_inside(world: World) -> None:
    d = world.daily_metrics
    sale = world.campaigns.set_index("slug").loc["my-1111-2026"]
    enrolled = set(world.enrollments.loc[world.enrollments["campaign"] == sale.name, "handle"])
    my = d[d["market"] == "MY"]
    totals = my.groupby("handle")["gmv"].sum()
    is_enrolled = totals.index.isin(enrolled)
    assert totals[is_enrolled].median() > 3 * totals[~is_enrolled].median()
    by_day = my.groupby("date")["gmv"].sum()
    assert by_day[dt.date(2026, 11, 11)] > 2.5 * by_day.median()


# Slots


def test_slot_traffic_funnels_and_spikes(world: World) -> None:
    s = world.slot_metrics
    assert {"ec_center", "landing_page", "pop_up", "notification"} <= set(s["surface"])
    assert not s.duplicated(["date", "market", "slot"]).any()
    assert (s["impressions"] > s["clicks"]).all() and (s["clicks"] > s["conversions"]).all()
    ctr = s.groupby("slot")["clicks"].sum() / s.groupby("slot")["impressions"].sum()
    assert ctr.max() > 2 * ctr.min()
    banner = s[(s["slot"] == "EC Center banner A") & (s["market"] == "MY")].set_index("date")
    assert banner.loc[dt.date(2026, 11, 11), "impressions"] > 2 * banner["impressions"].median()


# Planted anomalies


def test_planted_anomalies_show_in_the_numbers(world: World) -> None:
    p = world.planted
    assert set(p["kind"]) == {"spike", "drop"}
    assert (p["date"] == END).any()
    assert (p["date"] > END - dt.timedelta(days=7)).all()
    d = world.daily_metrics.set_index(["market", "handle", "date"]).sort_index()
    for anomaly in p[p["metric"] == "gmv"].itertuples():
        history = d.loc[(anomaly.market, anomaly.handle)]
        before = history[
            (history.index < anomaly.date) & (history.index >= anomaly.date - dt.timedelta(days=14))
        ]
        assert len(before) == 14  # active every day before, so the change is unambiguous
        today = history.loc[anomaly.date]
        typical = before["gmv"].median()
        if anomaly.kind == "drop":
            assert today["gmv"] < 0.3 * typical
        else:
            assert today["gmv"] > 3 * max(typical, 1)
    collapse = p[(p["kind"] == "drop") & (p["date"] == END)].iloc[0]
    today = d.loc[(collapse.market, collapse.handle, collapse.date)]
    assert today["live_sessions"] == 0 and today["live_gmv"] == 0
    assert today["gmv"] < 0.2 * d.loc[(collapse.market, collapse.handle)]["gmv"].median()
    small = p[~p["material"]].iloc[0]
    big = d.loc[(collapse.market, collapse.handle)]["gmv"].median()
    assert d.loc[(small.market, small.handle, small.date), "gmv"] < 0.05 * big


# A large world, generation only


def test_a_large_world_generates_in_chunks() -> None:
    big = build_world(DemoSpec(creators=20_000, days=30, end=END))
    assert len(big.creators) == 20_000
    assert not big.creators.duplicated(["market", "handle"]).any()
    rows = sum(len(chunk) for chunk in big.daily_metric_chunks(rows=100_000))
    assert 0.4 * 20_000 * 30 < rows < 0.9 * 20_000 * 30
    assert len(big.enrollments) > 0


def test_spec_is_validated() -> None:
    with pytest.raises(ValueError):
        DemoSpec(creators=5, end=END)
    with pytest.raises(ValueError):
        DemoSpec(days=0, end=END)


# Writing (SQLite and PostgreSQL)

SMALL = DemoSpec(creators=300, days=40, end=END)


@pytest.fixture
def small() -> World:
    """A small world, for round trips through the database."""
    return build_world(SMALL)


def _daily_rows(session: Session) -> pd.DataFrame:
    frame = pd.read_sql(DAILY_SQL, session.connection())
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame


def _expected_daily(world: World) -> pd.DataFrame:
    """The world's daily rows in the order and columns of DAILY_SQL."""
    frame = world.daily_metrics.sort_values(["market", "handle", "date"], ignore_index=True)
    return frame[DAILY_COLUMNS]


def _snapshot(session: Session) -> dict[str, object]:
    models = (Creator, Tier, Campaign, RewardTier, Enrollment, DailyMetric, SlotMetric)
    counts = {model.__tablename__: _table_count(session, model) for model in models}
    gmv = session.scalar(select(func.sum(DailyMetric.gmv)))
    last_id = session.scalar(select(func.max(Creator.id)))
    meta = session.scalar(select(Meta.value).where(Meta.key == "demo"))
    return {**counts, "gmv": gmv, "last_creator_id": last_id, "meta": meta}


def _stored_spec(session: Session) -> dict[str, object]:
    value = session.scalar(select(Meta.value).where(Meta.key == "demo"))
    assert value is not None
    record: dict[str, object] = json.loads(value)
    return record


def _compare(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        left.reset_index(drop=True), right.reset_index(drop=True), check_dtype=False
    )


def test_write_world_fills_every_table(small: World, sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        counts = write_world(small, session=session)
    with sessions() as session:
        assert counts == {
            "creators": len(small.creators),
            "tiers": len(small.tiers),
            "campaigns": len(small.campaigns),
            "enrollments": len(small.enrollments),
            "daily_metrics": len(small.daily_metrics),
            "slot_metrics": len(small.slot_metrics),
        }
        for model, expected in (
            (Creator, len(small.creators)),
            (Tier, len(small.tiers)),
            (Campaign, len(small.campaigns)),
            (Enrollment, len(small.enrollments)),
            (DailyMetric, len(small.daily_metrics)),
            (SlotMetric, len(small.slot_metrics)),
        ):
            assert _table_count(session, model) == expected, model.__tablename__
        assert _table_count(session, RewardTier) > 0
        _compare(_daily_rows(session), _expected_daily(small))
        stored = session.scalars(select(Creator.display_name)).all()
        assert set(stored) == set(small.creators["display_name"])  # accents survive


def test_bulk_and_writer_paths_store_the_same_rows(
    small: World, sessions: sessionmaker[Session]
) -> None:
    frames = {}
    for bulk in (False, True):
        with sessions() as session, session.begin():
            write_world(small, session=session, bulk=bulk)
            frames[bulk] = _daily_rows(session)
            session.rollback()
    _compare(frames[False], frames[True])
    _compare(frames[True], _expected_daily(small))


def test_bulk_load_keeps_the_creator_foreign_key(
    small: World, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        write_world(small, session=session, bulk=True)
    handle = small.daily_metrics["handle"].iloc[0]
    with sessions.begin() as session:
        creator_id = session.scalar(select(Creator.id).where(Creator.handle == handle))
        session.execute(delete(Creator).where(Creator.id == creator_id))
    with sessions() as session:
        left = session.scalar(select(func.count()).where(DailyMetric.creator_id == creator_id))
        assert left == 0  # a creator's rows go with it


def test_rewriting_upserts_through_the_writer(
    small: World, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        write_world(small, session=session)
    with sessions.begin() as session:
        counts = write_world(small, session=session)  # table not empty: the writer path
        assert counts["daily_metrics"] == len(small.daily_metrics)
    with sessions() as session:
        _compare(_daily_rows(session), _expected_daily(small))


def test_default_world_writes(world: World, sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        write_world(world, session=session)
    with sessions() as session:
        assert _table_count(session, DailyMetric) == len(world.daily_metrics)
        total = session.scalar(select(func.sum(DailyMetric.gmv)))
        assert total == int(world.daily_metrics["gmv"].sum())


def test_ensure_demo_is_idempotent(sessions: sessionmaker[Session]) -> None:
    assert ensure_demo(SMALL, sessions=sessions) is True
    with sessions() as session:
        before = _snapshot(session)
        record = _stored_spec(session)
    assert record["creators"] == 300 and record["end"] == END.isoformat()
    assert ensure_demo(SMALL, sessions=sessions) is False
    with sessions() as session:
        assert _snapshot(session) == before


def test_ensure_demo_rebuilds_for_another_spec(sessions: sessionmaker[Session]) -> None:
    ensure_demo(SMALL, sessions=sessions)
    other = DemoSpec(creators=200, days=20, seed=3, end=END)
    assert ensure_demo(other, sessions=sessions) is True
    expected = build_world(other)
    with sessions() as session:
        assert _table_count(session, Creator) == 200
        _compare(_daily_rows(session), _expected_daily(expected))
        assert set(session.scalars(select(Market.code))) == {"MY", "IT"}  # markets are kept
        record = _stored_spec(session)
        assert record["seed"] == 3


def test_ensure_demo_refuses_to_replace_real_data(sessions: sessionmaker[Session]) -> None:
    imported = build_world(DemoSpec(creators=20, days=10, end=END)).creators.head(3)
    with sessions.begin() as session:
        writer.write_creators(imported, session=session)
    with pytest.raises(DemoConflict):
        ensure_demo(SMALL, sessions=sessions)
    with sessions() as session:
        assert _table_count(session, Creator) == 3  # nothing changed
    assert ensure_demo(SMALL, sessions=sessions, force=True) is True


def test_bulk_load_restores_the_exact_foreign_key(small: World, pg_engine: Engine) -> None:
    pg_only = pg_engine
    sessions = make_sessionmaker(pg_engine)
    query = text(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = 'daily_metrics'::regclass AND contype = 'f'"
    )
    with pg_only.connect() as conn:
        before = conn.execute(query).all()
    with sessions.begin() as session:
        write_world(small, session=session, bulk=True)
    with pg_only.connect() as conn:
        assert conn.execute(query).all() == before
