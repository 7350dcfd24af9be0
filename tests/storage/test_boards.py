"""Boards: every stored leaderboard equals the exact ranking over the raw rows, after a demo
world, a late correction and a new day; a stale board is never served."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.analytics.rankings import rank, with_movement
from creatorbot.analytics.windows import window_for
from creatorbot.bot.render_text import render
from creatorbot.commands import leaderboard
from creatorbot.commands.core import Call, CommandRequest, Services
from creatorbot.commands.i18n import Lang
from creatorbot.storage import writer
from creatorbot.storage.boards import refresh_boards
from creatorbot.storage.boards.compute import rank_boards, segment_bounds
from creatorbot.storage.demo import DemoSpec, World, build_world, write_world
from creatorbot.storage.importers import import_file
from creatorbot.storage.models import Board, BoardRow, Creator
from creatorbot.storage.queries.boards import read_board
from creatorbot.storage.queries.markets import latest_day
from creatorbot.storage.queries.metrics import RANKABLE, metric_totals

END = dt.date(2026, 11, 23)
SPEC = DemoSpec(creators=400, days=70, seed=23, end=END)
PERIODS = ("1d", "7d", "30d", "mtd")
MARKETS = ("MY", "IT")
TOP = 50
DAILY_HEADER = ["date", "market", "handle", *writer.DAILY_METRICS]


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(SPEC)


@pytest.fixture
def stored(world: World, sessions: sessionmaker[Session]) -> World:
    with sessions.begin() as session:
        write_world(world, session=session)
        if session.get_bind().dialect.name == "postgresql":
            # Fresh statistics after the bulk load, so the oracle's thousand queries plan well.
            session.execute(text("ANALYZE creators, daily_metrics"))
    return world


# --- the oracle: the exact path, rank and with_movement over metric_totals -------------------


def exact(
    session: Session,
    market: str,
    metric: str,
    period: str,
    end: dt.date,
    tier: str | None = None,
    category: str | None = None,
) -> pd.DataFrame:
    window = window_for(period, end)

    def ranked(start: dt.date, last: dt.date) -> pd.DataFrame:
        totals = metric_totals(
            market, metric, start, last, session=session, tier=tier, category=category
        )
        return rank(totals)

    before = window.previous()
    return with_movement(ranked(window.start, window.end), ranked(before.start, before.end))


def scopes(session: Session, market: str) -> list[tuple[str, str | None, str | None]]:
    """(scope, tier, category) for everyone and each tier and category the creators are in."""
    found: list[tuple[str, str | None, str | None]] = [("all", None, None)]
    for column in (Creator.tier, Creator.category):
        names = session.scalars(select(column).where(Creator.market == market).distinct())
        for name in sorted(set(names)):
            is_tier = column is Creator.tier
            found.append(
                (
                    f"{'tier' if is_tier else 'category'}:{name.lower()}",
                    name if is_tier else None,
                    None if is_tier else name,
                )
            )
    return found


def plain(values: pd.Series) -> list[Any]:
    return [None if pd.isna(v) else int(v) for v in values]


def assert_boards_are_exact(
    session: Session, market: str, metrics: tuple[str, ...] = RANKABLE
) -> None:
    end = latest_day(market, session=session)
    assert end is not None
    known = scopes(session, market)
    stored = set(session.scalars(select(Board.scope).where(Board.market == market)))
    assert stored == {scope for scope, _, _ in known}
    for metric in metrics:
        for period in PERIODS:
            for scope, tier, category in known:
                expected = exact(session, market, metric, period, end, tier, category)
                board = read_board(market, metric, period, scope, end, session=session)
                where = (market, metric, period, scope)
                assert board is not None, where
                assert board.ranked == len(expected), where
                assert board.total == int(expected["value"].sum()), where
                top = expected.head(TOP)
                for column in ("rank", "creator_id", "handle", "display_name", "value"):
                    assert board.rows[column].tolist() == top[column].tolist(), (where, column)
                assert plain(board.rows["previous_rank"]) == plain(top["previous_rank"]), where


# --- a generated world ---------------------------------------------------------------------


@pytest.mark.usefixtures("stored")
def test_every_board_equals_the_exact_ranking(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        for market in MARKETS:
            assert_boards_are_exact(session, market)
        # The world is big enough for full boards, new entries and small scopes.
        heads = pd.DataFrame(
            [tuple(r) for r in session.execute(select(Board.scope, Board.ranked))],
            columns=["scope", "ranked"],
        )
        assert heads["ranked"].max() > TOP
        assert ((heads["ranked"] > 0) & (heads["ranked"] < TOP)).any()
        new = session.scalar(
            select(func.count()).select_from(BoardRow).where(BoardRow.previous_rank.is_(None))
        )
        assert new


def make_call(session: Session, sessions: sessionmaker[Session], locale: str = "en") -> Call:
    request = CommandRequest(text="leaderboard", locale=locale)
    return Call(request, session, Services(sessions=sessions), Lang(locale))


QUERIES = [
    "MY",
    "gmv 7d MY",
    "orders 30d IT top 50",
    "live_gmv 1d MY top 25",
    "gmv mtd IT",
    "video_views 7d MY category:beauty",
    "gmv 30d IT tier:GOLD",
    "new_followers 1d MY tier:bronze top 50",
    "items_sold 7d IT as-of:{latest}",
    "live_minutes 30d MY category:electronics top 50",
]


@pytest.mark.usefixtures("stored")
@pytest.mark.parametrize("locale", ["en", "it", "ms"])
def test_replies_are_identical_from_boards_and_from_raw_rows(
    sessions: sessionmaker[Session], locale: str
) -> None:
    with sessions() as session:
        call = make_call(session, sessions, locale)
        latest = latest_day("IT", session=session)
        assert latest is not None
        for text in (q.format(latest=latest.isoformat()) for q in QUERIES):
            query = leaderboard.parse(text, call)
            fast = leaderboard.compute(query, call)
            slow = leaderboard.compute_exact(query, call)
            assert len(fast.ranked) == min(TOP, slow.ranked_count), text  # from a board
            assert (fast.ranked_count, fast.total) == (slow.ranked_count, slow.total), text
            lang = call.lang.for_market(fast.market.code)
            served = leaderboard.render(fast, query, lang)
            assert served == leaderboard.render(slow, query, lang), text
            assert render(served) == render(leaderboard.render(slow, query, lang)), text


@pytest.mark.usefixtures("stored")
def test_what_boards_do_not_cover_ranks_as_the_raw_rows(
    sessions: sessionmaker[Session],
) -> None:
    earlier = (END - dt.timedelta(days=3)).isoformat()
    with sessions() as session:
        call = make_call(session, sessions)
        for text in (
            "gmv 14d MY",
            f"gmv 7d MY as-of:{earlier}",
            "gmv 7d MY tier:gold category:beauty",
        ):
            query = leaderboard.parse(text, call)
            board = leaderboard.compute(query, call)
            slow = leaderboard.compute_exact(query, call)
            assert (board.ranked_count, board.total) == (slow.ranked_count, slow.total), text
            assert len(board.ranked) == min(TOP, slow.ranked_count), text  # the fast path
            lang = call.lang.for_market(board.market.code)
            served = leaderboard.render(board, query, lang)
            assert served == leaderboard.render(slow, query, lang), text


# --- writes that move the boards -----------------------------------------------------------


def money(minor: int) -> str:
    return str(Decimal(minor).scaleb(-2))


def daily_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    """A daily_metrics import file; money columns given in minor units."""
    with path.open("w", newline="", encoding="utf-8") as out:
        lines = csv.writer(out)
        lines.writerow(DAILY_HEADER)
        for row in rows:
            lines.writerow(
                [
                    row["date"].isoformat(),
                    row["market"],
                    row["handle"],
                    *(
                        money(int(row[name])) if name in writer.DAILY_MONEY else int(row[name])
                        for name in writer.DAILY_METRICS
                    ),
                ]
            )
    return path


def day_rows(world: World, market: str, day: dt.date) -> pd.DataFrame:
    daily = world.daily_metrics
    return daily[(daily["market"] == market) & (daily["date"] == day)]


def test_a_corrected_past_day_moves_the_boards(
    stored: World, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    past = END - dt.timedelta(days=3)
    rows = day_rows(stored, "MY", past).to_dict("records")
    low = min(rows, key=lambda r: (r["gmv"], r["handle"]))
    with sessions() as session:
        before = read_board("MY", "gmv", "7d", "all", END, session=session)
        assert before is not None
    leader = before.rows["handle"].iloc[0]
    assert leader != low["handle"]
    corrected = [
        {**low, "gmv": 9 * 10**9, "orders": 10**6},  # this week: the new number one
        {
            **low,
            "handle": leader,
            "date": END - dt.timedelta(days=10),
            "gmv": 5 * 10**9,
        },  # last week
    ]
    with sessions.begin() as session:
        import_file("daily_metrics", daily_csv(tmp_path / "fix.csv", corrected), session=session)
    with sessions() as session:
        for period in ("7d", "30d"):
            board = read_board("MY", "gmv", period, "all", END, session=session)
            assert board is not None
            assert board.rows["handle"].iloc[0] == low["handle"]
        week = read_board("MY", "gmv", "7d", "all", END, session=session)
        assert week is not None
        second = week.rows.iloc[1]
        assert (second["handle"], second["previous_rank"]) == (leader, 1)  # was first last week
        one_day = read_board("MY", "gmv", "1d", "all", END, session=session)
        assert one_day is not None and low["handle"] not in one_day.rows["handle"].head(1).tolist()
        assert_boards_are_exact(session, "MY", ("gmv", "orders", "video_views"))


def test_a_new_latest_day_gets_boards_for_that_day(
    stored: World, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    nxt = END + dt.timedelta(days=1)
    rows = [{**r, "date": nxt} for r in day_rows(stored, "MY", END).head(30).to_dict("records")]
    with sessions.begin() as session:
        import_file("daily_metrics", daily_csv(tmp_path / "next.csv", rows), session=session)
    with sessions() as session:
        latest = select(Board.market, func.max(Board.end_day)).group_by(Board.market)
        ends = {market: day for market, day in session.execute(latest)}
        assert ends == {"MY": nxt, "IT": END}
        assert read_board("MY", "gmv", "7d", "all", END, session=session) is None
        assert_boards_are_exact(session, "MY", ("gmv", "live_minutes"))


def test_a_stale_board_is_never_served(stored: World, sessions: sessionmaker[Session]) -> None:
    nxt = END + dt.timedelta(days=1)
    frame = day_rows(stored, "IT", END).assign(date=nxt)
    with sessions.begin() as session:
        # Straight through the writer, without the refresh an import does: the boards are stale.
        writer.write_daily_metrics(frame, session=session)
    with sessions() as session:
        assert latest_day("IT", session=session) == nxt
        assert read_board("IT", "gmv", "7d", "all", nxt, session=session) is None
        call = make_call(session, sessions)
        query = leaderboard.parse("gmv 7d IT", call)
        served = leaderboard.compute(query, call)
        assert served.window.end == nxt
        slow = leaderboard.compute_exact(query, call)
        assert served.ranked_count == slow.ranked_count > TOP
        lang = call.lang.for_market("IT")
        assert leaderboard.render(served, query, lang) == leaderboard.render(slow, query, lang)
    with sessions.begin() as session:
        refresh_boards(["IT"], session=session)
    with sessions() as session:
        assert read_board("IT", "gmv", "7d", "all", nxt, session=session) is not None


# --- the ranking rules on a small world ----------------------------------------------------

MARCH = dt.date(2026, 3, 10)


def creator(handle: str, tier: str, category: str = "beauty") -> dict[str, Any]:
    return {
        "market": "MY",
        "handle": handle,
        "display_name": handle.title(),
        "tier": tier,
        "category": category,
        "followers": 100,
        "cm": None,
        "am": None,
        "joined_on": None,
    }


def metrics(day: dt.date, handle: str, gmv: int) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(writer.DAILY_METRICS, 0)
    return {**row, "date": day, "market": "MY", "handle": handle, "gmv": gmv, "orders": 1}


def test_ties_new_entries_and_a_small_scope(sessions: sessionmaker[Session]) -> None:
    before = MARCH - dt.timedelta(days=1)
    with sessions.begin() as session:
        writer.write_creators(
            pd.DataFrame(
                [
                    creator("ben", "silver"),
                    creator("ana", "Gold"),
                    creator("cai", "gold", "home"),
                    creator("dee", "silver"),
                    creator("eve", "silver"),
                ]
            ),
            session=session,
        )
        writer.write_daily_metrics(
            pd.DataFrame(
                [
                    metrics(MARCH, "ben", 500),
                    metrics(MARCH, "ana", 500),
                    metrics(MARCH, "cai", 300),
                    metrics(MARCH, "dee", 0),
                    metrics(MARCH, "eve", 100),
                    metrics(before, "ben", 900),
                    metrics(before, "eve", 100),
                    metrics(before, "ana", 100),
                    metrics(before, "dee", 50),
                ]
            ),
            session=session,
        )
        refresh_boards(["MY", "IT"], session=session)
    with sessions() as session:
        everyone = read_board("MY", "gmv", "1d", "all", MARCH, session=session)
        assert everyone is not None
        rows = everyone.rows
        assert rows["handle"].tolist() == ["ana", "ben", "cai", "eve"]  # ties by handle
        assert rows["rank"].tolist() == [1, 2, 3, 4]
        assert plain(rows["previous_rank"]) == [2, 1, None, 3]  # cai is new; dee sold nothing
        assert (everyone.ranked, everyone.total) == (4, 1400)
        gold = read_board("MY", "gmv", "1d", "tier:gold", MARCH, session=session)
        assert gold is not None  # "Gold" and "gold" are one scope, as they are one filter
        assert gold.rows["handle"].tolist() == ["ana", "cai"]
        assert plain(gold.rows["previous_rank"]) == [1, None]
        silver = read_board("MY", "gmv", "1d", "tier:silver", MARCH, session=session)
        assert silver is not None
        assert plain(silver.rows["previous_rank"]) == [1, 2]  # ben, then eve behind him before
        # Over 7 days: everyone ranked on both days counts; there is no window before.
        week = read_board("MY", "gmv", "7d", "category:beauty", MARCH, session=session)
        assert week is not None
        assert week.rows["handle"].tolist() == ["ben", "ana", "eve", "dee"]
        assert plain(week.rows["previous_rank"]) == [None] * 4
        assert session.scalar(select(func.count()).where(Board.market == "IT")) == 0
        assert_boards_are_exact(session, "MY", ("gmv", "orders"))


def test_days_with_the_same_creators_are_summed_into_their_own_windows(
    sessions: sessionmaker[Session],
) -> None:
    """Every creator on every day (as real exports are), but one who is away for a stretch:
    runs of days with the same creators cross the windows' bounds, and each day still counts in
    its own windows only."""
    handles = ["ana", "ben", "cai", "dee", "eve", "fay"]
    days = [MARCH - dt.timedelta(days=n) for n in range(70)]
    away = set(days[20:26])  # dee sold nothing then, and has no rows
    rows = [
        metrics(day, handle, 100 * (n + 1) + 7 * at + (day.day % 5) * 1000)
        for at, day in enumerate(days)
        for n, handle in enumerate(handles)
        if not (handle == "dee" and day in away)
    ]
    with sessions.begin() as session:
        tiers = ["gold", "silver"] * 3
        writer.write_creators(
            pd.DataFrame([creator(h, t) for h, t in zip(handles, tiers, strict=True)]),
            session=session,
        )
        writer.write_daily_metrics(pd.DataFrame(rows), session=session)
        refresh_boards(["MY"], session=session)
    with sessions() as session:
        assert_boards_are_exact(session, "MY", ("gmv", "orders"))


def test_a_market_that_loses_its_data_loses_its_boards(
    stored: World, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        session.execute(delete(Creator).where(Creator.market == "IT"))  # cascades their rows
        refresh_boards(["IT"], session=session)
    with sessions() as session:
        assert session.scalar(select(func.count()).where(Board.market == "IT")) == 0
        assert session.scalar(select(func.count()).where(Board.market == "MY")) > 0


def test_huge_values_keep_the_order() -> None:
    """Sort keys pack value and handle order into an int64; huge sums must not overflow it."""
    big = 2**61  # four creators: keys would need 2**63
    last = len(segment_bounds(END)) - 2  # the segment of END alone
    creators = pd.DataFrame(
        {
            "creator_id": [1, 2, 3, 4],
            "handle": ["d", "c", "b", "a"],
            "tier": ["x"] * 4,
            "category": ["y"] * 4,
        }
    )
    sums = pd.DataFrame({"creator_id": [1, 2, 3, 4], "gmv": [big, big, big - 1, 5]})
    spans = np.zeros((len(segment_bounds(END)) - 1, 4), dtype=np.int64)
    spans[last] = sums["gmv"]
    boards = rank_boards(creators, lambda metric: spans, END, ["gmv"])
    rows = boards.rows[(boards.rows["period"] == "1d") & (boards.rows["scope"] == "all")]
    assert rows["creator_id"].tolist() == [2, 1, 3, 4]  # c before d on the tie, then b, then a
    expected = rank(sums.merge(creators).rename(columns={"gmv": "value"}))
    assert rows["creator_id"].tolist() == expected["creator_id"].tolist()
    assert np.array_equal(rows["value"].to_numpy(), expected["value"].to_numpy())


def test_the_window_totals_asked_for_are_kept() -> None:
    """What `match`'s pools take from the ranking: each kept window's sums per creator, in the
    rows' order, as summed by hand from the segments; a market without creators keeps empty
    ones."""
    bounds = segment_bounds(END)
    spans = np.arange(4 * (len(bounds) - 1), dtype=np.int64).reshape(len(bounds) - 1, 4) * 10**9
    creators = pd.DataFrame(
        {"creator_id": [3, 5, 8, 9], "handle": ["a", "b", "c", "d"], "tier": "x", "category": "y"}
    )
    asked = [("gmv", "30d", 0), ("gmv", "30d", 1), ("gmv", "7d", 0)]
    boards = rank_boards(creators, lambda metric: spans.copy(), END, ["gmv"], keep=asked)
    assert set(boards.totals) == set(asked)
    for period, window in (("30d", 0), ("30d", 1), ("7d", 0)):
        span = window_for(period, END)
        if window:
            span = span.previous()
        first, after = bounds.index(span.start), bounds.index(span.end + dt.timedelta(days=1))
        by_hand = [sum(int(spans[s][c]) for s in range(first, after)) for c in range(4)]
        assert boards.totals["gmv", period, window].tolist() == by_hand
    nobody = creators.head(0)
    empty = np.zeros((len(bounds) - 1, 0), dtype=np.int64)
    kept = rank_boards(nobody, lambda metric: empty.copy(), END, ["gmv"], keep=asked).totals
    assert {key: len(values) for key, values in kept.items()} == dict.fromkeys(asked, 0)
