"""The fast ranking from the day columns gives the same rows, values and movement as the exact
SQL path for random leaderboard requests (metric, window, as-of, tier, category, campaign,
segment), on
both backends, before and after a correction of a past day and a partial new day; a window it
cannot serve from the columns is left to the SQL path."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.analytics.rankings import rank, with_movement
from creatorbot.analytics.segments import SEGMENTS
from creatorbot.analytics.windows import MAX_DAYS, Window
from creatorbot.commands import leaderboard
from creatorbot.commands.core import Call, CommandRequest, Services, UserError
from creatorbot.commands.i18n import Lang
from creatorbot.storage import writer
from creatorbot.storage.daycolumns import ID, missing_days, read_named
from creatorbot.storage.db import upgrade
from creatorbot.storage.demo import DemoSpec, World, build_world, write_world
from creatorbot.storage.models import Campaign, Creator, DayColumn
from creatorbot.storage.queries.metrics import RANKABLE, metric_totals
from creatorbot.storage.ranking import days as ranking_days
from creatorbot.storage.ranking import rank_window
from creatorbot.storage.ranking.cache import CACHE
from creatorbot.storage.ranking.days import BLOCK

END = dt.date(2026, 11, 23)
SPEC = DemoSpec(creators=160, days=40, seed=5, end=END)
TOP = 50
EXAMPLES = 25
COLUMNS = ["rank", "creator_id", "handle", "display_name", "value", "previous_rank"]


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(SPEC)


@pytest.fixture
def stored(world: World, sessions: sessionmaker[Session]) -> World:
    with sessions.begin() as session:
        write_world(world, session=session)
    return world


def exact(
    session: Session,
    market: str,
    metric: str,
    window: Window,
    tier: str | None,
    category: str | None,
    campaign_id: int | None,
    segment: str | None = None,
    owners: tuple[str, tuple[str, ...]] | None = None,
) -> pd.DataFrame:
    """The oracle: the SQL path's totals, ranked, with movement against the window before."""

    def ranked(span: Window) -> pd.DataFrame:
        totals = metric_totals(
            market,
            metric,
            span.start,
            span.end,
            session=session,
            tier=tier,
            category=category,
            campaign_id=campaign_id,
            segment=segment,
            owners=owners,
        )
        return rank(totals)

    return with_movement(ranked(window), ranked(window.previous()))


def plain(values: pd.Series) -> list[Any]:
    return [None if pd.isna(v) else int(v) if not isinstance(v, str) else v for v in values]


def choices(session: Session) -> dict[str, Any]:
    """What a request may name in the stored world, with a few names no creator has."""
    markets = sorted(set(session.scalars(select(Creator.market))))
    tiers = sorted({t.upper() for t in session.scalars(select(Creator.tier))})
    categories = sorted(set(session.scalars(select(Creator.category))))
    campaigns = list(session.execute(select(Campaign.id, Campaign.market)))
    cms = sorted({str(c) for c in session.scalars(select(Creator.cm)) if c})
    ams = sorted({str(a) for a in session.scalars(select(Creator.am)) if a})
    owners = [("cm", (n.upper(),)) for n in cms[:3]] + [("am", (n,)) for n in ams[:3]]
    return {
        "owners": [*owners, ("cm", ("nobody@example.com",))],
        "markets": markets,
        "tiers": [*tiers, "nosuchtier"],
        "categories": [*categories, "NoSuchCategory"],
        "campaigns": campaigns,
    }


def requests(found: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    first = SPEC.start - dt.timedelta(days=5)
    return st.fixed_dictionaries(
        {
            "market": st.sampled_from(found["markets"]),
            "metric": st.sampled_from(RANKABLE),
            "end": st.dates(first, END + dt.timedelta(days=3)),
            "days": st.one_of(st.integers(1, 45), st.integers(1, MAX_DAYS)),
            "tier": st.none() | st.sampled_from(found["tiers"]),
            "category": st.none() | st.sampled_from(found["categories"]),
            "campaign": st.none() | st.sampled_from(found["campaigns"]),
            "segment": st.none() | st.sampled_from(SEGMENTS),
            "owners": st.none() | st.sampled_from(found["owners"]),
            "top": st.integers(1, TOP),
        }
    )


def check_same(session: Session, request: dict[str, Any]) -> None:
    market = request["market"]
    campaign_id = None
    if request["campaign"] is not None:
        campaign_id, market = request["campaign"]
    end = request["end"]
    window = Window(end - dt.timedelta(days=request["days"] - 1), end)
    where = {**request, "market": market}
    args = (request["metric"], window)
    filters = {
        "tier": request["tier"],
        "category": request["category"],
        "segment": request.get("segment"),
        "owners": request.get("owners"),
    }
    fast = rank_window(
        market, *args, session=session, top=request["top"], campaign_id=campaign_id, **filters
    )
    assert fast is not None, where  # every day of the world has its columns
    slow = exact(session, market, *args, campaign_id=campaign_id, **filters)
    assert (fast.ranked, fast.total) == (len(slow), int(slow["value"].sum())), where
    head = slow.head(request["top"])
    assert len(fast.rows) == len(head), where
    for column in COLUMNS:
        assert plain(fast.rows[column]) == plain(head[column]), (where, column)


def check_random_requests(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        found = choices(session)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(requests(found))
    def same(request: dict[str, Any]) -> None:
        with sessions() as session:
            check_same(session, request)

    same()


def day_rows(world: World, market: str, day: dt.date) -> pd.DataFrame:
    daily = world.daily_metrics
    return daily[(daily["market"] == market) & (daily["date"] == day)]


def test_random_requests_rank_as_the_sql_path(
    stored: World, sessions: sessionmaker[Session]
) -> None:
    check_random_requests(sessions)
    week = {
        "market": "MY",
        "metric": "gmv",
        "end": END,
        "days": 7,
        "tier": None,
        "category": None,
        "campaign": None,
        "top": 5,
    }
    with sessions() as session:
        check_same(session, week)  # the week's days are now read, and cached
    past = END - dt.timedelta(days=4)
    rows = day_rows(stored, "MY", past)
    low = rows.sort_values(["gmv", "handle"]).head(3)
    corrected = low.assign(gmv=low["gmv"] + 7 * 10**9, orders=low["orders"] + 10**5)
    with sessions.begin() as session:
        writer.write_daily_metrics(corrected, session=session)
    with sessions() as session:
        # The corrected day's columns are read again: the new leaders are there at once.
        check_same(session, week)
        fast = rank_window(
            "MY", "gmv", Window(END - dt.timedelta(days=6), END), session=session, top=3
        )
        assert fast is not None
        assert set(fast.rows["handle"]) == set(low["handle"])
    # A new latest day that holds only some creators, in another order of arrival.
    nxt = END + dt.timedelta(days=1)
    some = day_rows(stored, "MY", END).sample(frac=0.3, random_state=3).assign(date=nxt)
    with sessions.begin() as session:
        writer.write_daily_metrics(some, session=session)
    check_random_requests(sessions)


def test_a_correction_inside_a_long_window_is_seen(
    stored: World, sessions: sessionmaker[Session]
) -> None:
    # The world's 40 days: whole blocks of days are summed once and kept; one of them is
    # corrected in its middle.
    season = {
        "market": "MY",
        "metric": "gmv",
        "end": END,
        "days": SPEC.days,
        "tier": None,
        "category": None,
        "campaign": None,
        "top": 5,
    }
    past = END - dt.timedelta(days=20)
    first = past - dt.timedelta(days=past.toordinal() % BLOCK)
    assert SPEC.start <= first and first + dt.timedelta(days=BLOCK - 1) < END  # a whole block
    window = Window(SPEC.start, END)
    with sessions() as session:
        check_same(session, season)
        check_same(session, {**season, "category": "beauty"})
    rows = day_rows(stored, "MY", past)
    low = rows.sort_values(["gmv", "handle"]).head(3)
    with sessions.begin() as session:
        writer.write_daily_metrics(low.assign(gmv=low["gmv"] + 7 * 10**9), session=session)
    with sessions() as session:
        check_same(session, season)
        check_same(session, {**season, "category": "beauty"})
        fast = rank_window("MY", "gmv", window, session=session, top=3)
        assert fast is not None
        assert set(fast.rows["handle"]) == set(low["handle"])


def test_a_long_window_asked_again_reads_only_the_days_outside_whole_blocks(
    stored: World, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    window = Window(SPEC.start, END)
    with sessions() as session:
        first = rank_window("MY", "gmv", window, session=session, top=TOP)
    # The days' columns leave the cache (as a year of a million creators' would not fit it),
    # the sums of the whole blocks stay.
    for day in (SPEC.start + dt.timedelta(days=n) for n in range(SPEC.days)):
        for name in (ID, "gmv"):
            CACHE.put(("column", "MY", day, name), "evicted", np.zeros(0))
    read: list[tuple[str, dt.date]] = []

    def recorded(market: str, name: str, days: list[dt.date], **kwargs: Any) -> Any:
        read.extend((name, day) for day in days)
        return read_named(market, name, days, **kwargs)

    monkeypatch.setattr(ranking_days, "read_named", recorded)
    with sessions() as session:
        again = rank_window("MY", "gmv", window, session=session, top=TOP)
    assert first is not None and again is not None
    for column in COLUMNS:
        assert plain(again.rows[column]) == plain(first.rows[column]), column
    loose = set()
    for n in range(SPEC.days):
        day = SPEC.start + dt.timedelta(days=n)
        start = day - dt.timedelta(days=day.toordinal() % BLOCK)
        if start < SPEC.start or start + dt.timedelta(days=BLOCK - 1) > END:
            loose.add(day)
    assert len(loose) < SPEC.days
    assert {day for name, day in read if name == ID} == loose
    assert {day for name, day in read if name == "gmv"} == loose


def test_a_day_without_columns_is_left_to_the_sql_path_until_filled(
    stored: World, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    gap = END - dt.timedelta(days=2)
    window = Window(END - dt.timedelta(days=6), END)
    with sessions() as session:
        assert rank_window("MY", "gmv", window, session=session, top=10) is not None
    with sessions.begin() as session:
        session.execute(delete(DayColumn).where(DayColumn.market == "MY", DayColumn.date == gap))
    with sessions() as session:
        assert rank_window("MY", "gmv", window, session=session, top=10) is None
        # A window that does not reach the gap is still served.
        earlier = Window(gap - dt.timedelta(days=20), gap - dt.timedelta(days=11))
        assert rank_window("MY", "gmv", earlier, session=session, top=10) is not None
        call = make_call(session, sessions)
        query = leaderboard.parse("gmv 7d MY tier:gold category:beauty", call)
        served = leaderboard.compute(query, call)
        assert len(served.ranked) == served.ranked_count  # every creator: the SQL path
        assert missing_days("MY", session=session) == [gap]
    upgrade(engine)  # as at start: the kept days without columns are filled
    with sessions() as session:
        assert missing_days("MY", session=session) == []
        request = {
            "market": "MY",
            "metric": "orders",
            "end": END,
            "days": 7,
            "tier": None,
            "category": "beauty",
            "campaign": None,
            "top": 20,
        }
        check_same(session, request)


def make_call(session: Session, sessions: sessionmaker[Session]) -> Call:
    request = CommandRequest(text="leaderboard", locale="en")
    return Call(request, session, Services(sessions=sessions), Lang("en"))


COMMANDS = [
    "gmv 14d MY",
    "gmv 7d MY as-of:{earlier}",
    "gmv 7d MY tier:gold category:beauty",
    "orders 90d IT top 20",
    "live_gmv 366d MY top 50",
    "gmv campaign:{slug}",
    "video_views 10d campaign:{slug} category:beauty",
    "gmv 7d MY category:nosuch",
    "gmv 7d MY tier:nosuch",
    # Calendar periods (as a button pins them): compared with the same days a week or a month
    # before, on both paths.
    "gmv this month (2026-11-01..2026-11-23) MY",
    "orders last week (2026-11-16..2026-11-22) IT top 20",
    "gmv this week (2026-11-23..2026-11-23) MY tier:gold",
    "gmv last month (2026-11-01..2026-11-20) MY category:beauty",
]


def test_the_command_replies_as_the_exact_path(
    stored: World, sessions: sessionmaker[Session]
) -> None:
    earlier = (END - dt.timedelta(days=3)).isoformat()
    with sessions() as session:
        call = make_call(session, sessions)
        slug = session.scalar(select(Campaign.slug).where(Campaign.market == "MY").limit(1))
        for text in (c.format(earlier=earlier, slug=slug) for c in COMMANDS):
            query = leaderboard.parse(text, call)
            try:
                fast = leaderboard.compute(query, call)
            except UserError as refused:
                with pytest.raises(UserError) as also:
                    leaderboard.compute_exact(query, call)
                assert str(also.value) == str(refused), text
                continue
            slow = leaderboard.compute_exact(query, call)
            assert len(fast.ranked) == min(TOP, slow.ranked_count), text  # not the SQL path
            assert (fast.ranked_count, fast.total) == (slow.ranked_count, slow.total), text
            lang = call.lang.for_market(fast.market.code)
            assert leaderboard.render(fast, query, lang) == leaderboard.render(slow, query, lang)


def test_creators_and_enrolments_written_are_seen(
    stored: World, sessions: sessionmaker[Session]
) -> None:
    with sessions() as session:
        campaign_id, slug = session.execute(
            select(Campaign.id, Campaign.slug).where(Campaign.market == "MY").limit(1)
        ).one()
    week = {
        "market": "MY",
        "metric": "gmv",
        "end": END,
        "days": 14,
        "tier": "gold",
        "category": None,
        "campaign": None,
        "top": TOP,
    }
    enrolled = {**week, "tier": None, "campaign": (campaign_id, "MY")}
    with sessions() as session:
        check_same(session, week)  # the creators and the enrolments are now cached
        check_same(session, enrolled)
    leader = day_rows(stored, "MY", END).sort_values("gmv").iloc[-1]["handle"]
    creators = stored.creators
    moved = creators[creators["handle"] == leader].assign(tier="Gold")
    with sessions.begin() as session:
        writer.write_creators(moved, session=session)
        joined = pd.DataFrame({"campaign": [slug], "handle": [leader], "enrolled_on": [END]})
        writer.write_enrollments(joined, session=session)
    with sessions() as session:
        check_same(session, week)
        check_same(session, enrolled)
        window = Window(END - dt.timedelta(days=13), END)
        gold = rank_window("MY", "gmv", window, session=session, top=TOP, tier="gold")
        assert gold is not None and leader in set(gold.rows["handle"])


def test_every_segment_ranks_its_members_as_the_sql_path(  # from the kept figures, too
    stored: World, sessions: sessionmaker[Session]
) -> None:
    ranked = 0
    with sessions() as session:
        for segment, days in [(s, d) for s in SEGMENTS for d in (7, 30)]:
            request = {
                "market": "MY",
                "metric": "gmv",
                "end": END,
                "days": days,
                "tier": None,
                "category": None,
                "campaign": None,
                "segment": segment,
                "top": TOP,
            }
            check_same(session, request)
            fast = rank_window(
                "MY",
                "gmv",
                Window(END - dt.timedelta(days=29), END),
                session=session,
                top=TOP,
                segment=segment,
            )
            assert fast is not None
            ranked += fast.ranked
    assert ranked > 0
