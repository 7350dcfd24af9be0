"""Leaderboards the stored boards do not hold, at scale: p50/p95 of the command's answer (cold:
the first ask in the process; warm: asked again) and its CPU time, the exact SQL path once, and
DuckDB ad hoc on the same rows (the day columns loaded into DuckDB tables), with the ratio.

Runs on the bench worlds of `bench/commands.py` (BENCH_DATA_DIR, schemas bench_s / bench_l /
bench_y; a world missing is built first, as there) and changes nothing in them: what it writes
(the stamps a database gets on upgrade) is rolled back. A world that holds a year (Y) is also
asked the year's windows at their full length.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bench.commands import SCALES, connect_args, database_url, peak_rss_mb, prepare
from creatorbot.analytics.windows import Window, window_for
from creatorbot.commands import leaderboard
from creatorbot.commands.core import Call, CommandRequest, Services
from creatorbot.commands.i18n import Lang
from creatorbot.storage.daycolumns import (
    ID,
    missing_days,
    read_named,
    rebuild_days,
    stale_days,
)
from creatorbot.storage.db import make_engine, make_sessionmaker
from creatorbot.storage.models import Campaign, Creator, Enrollment
from creatorbot.storage.queries.markets import latest_day
from creatorbot.storage.ranking.cache import CACHE, DEFAULT_MB, configure
from creatorbot.storage.stamps import stamp_unstamped

MARKET = "MY"
YEAR = 366  # the longest window a leaderboard takes


def questions(session: Session, end: dt.date, days: int) -> list[str]:
    """The questions of issue 16 (and a few more windows), on the world's latest day; a world
    of `days` that holds a year adds the long windows, each summing days that hold rows."""
    count = func.count(Enrollment.creator_id)
    mega = session.execute(
        select(Campaign.slug)
        .join(Enrollment, Enrollment.campaign_id == Campaign.id)
        .where(Campaign.market == MARKET, Campaign.starts_on <= end)
        .group_by(Campaign.slug)
        .order_by(count.desc())
        .limit(1)
    ).scalar_one()
    before = (end - dt.timedelta(days=1)).isoformat()
    asked = [
        f"leaderboard gmv 14d {MARKET}",
        f"leaderboard gmv 7d {MARKET} as-of:{before}",
        f"leaderboard gmv {MARKET} campaign:{mega}",
        f"leaderboard gmv 7d {MARKET} tier:gold category:beauty",
        f"leaderboard orders 10d {MARKET} category:beauty top 50",
        f"leaderboard video_views 366d {MARKET}",
        f"leaderboard gmv 7d {MARKET}",  # a stored board, for comparison
    ]
    if days < YEAR:
        return asked
    # 180 days as of the day that leaves the window before it inside the world as well.
    as_of = (end - dt.timedelta(days=days - 1) + dt.timedelta(days=359)).isoformat()
    return [
        *asked,
        f"leaderboard gmv {YEAR}d {MARKET}",
        f"leaderboard gmv 180d {MARKET} as-of:{as_of}",
        f"leaderboard gmv {YEAR}d {MARKET} tier:gold category:beauty",
        f"leaderboard orders {YEAR}d {MARKET} category:beauty top 50",
        f"leaderboard gmv {YEAR}d {MARKET} campaign:{mega}",
    ]


def timed(action: Callable[[], Any], repeat: int) -> tuple[list[float], list[float]]:
    """Seconds each call took: wall clock, and the process's CPU time (every thread's: the
    machine is shared, so the two tell waiting from working)."""
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return walls, cpus


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class Duck:
    """DuckDB ad hoc over the same rows: the market's daily rows of the metrics asked about
    (from the day columns), its creators and the enrolments."""

    def __init__(self, session: Session, end: dt.date, metrics: set[str]) -> None:
        import duckdb

        self.con = duckdb.connect()
        first = end - dt.timedelta(days=800)
        days = [first + dt.timedelta(days=n) for n in range((end - first).days + 1)]
        ids = read_named(MARKET, ID, days, session=session)
        frame: dict[str, np.ndarray] = {
            "creator_id": np.concatenate([ids[d].astype(np.int64) for d in sorted(ids)]),
            "date": np.concatenate(
                [np.full(len(ids[d]), np.datetime64(d, "D")) for d in sorted(ids)]
            ),
        }
        for metric in sorted(metrics):
            column = read_named(MARKET, metric, sorted(ids), session=session)
            frame[metric] = np.concatenate([column[d].astype(np.int64) for d in sorted(ids)])
        daily = pd.DataFrame(frame)
        people = pd.DataFrame(
            session.execute(
                select(Creator.id, Creator.handle, Creator.tier, Creator.category).where(
                    Creator.market == MARKET
                )
            ).all(),
            columns=["id", "handle", "tier", "category"],
        )
        enrolled = pd.DataFrame(
            session.execute(select(Enrollment.campaign_id, Enrollment.creator_id)).all(),
            columns=["campaign_id", "creator_id"],
        )
        self.con.execute("CREATE TABLE daily AS SELECT * FROM daily")
        self.con.execute("CREATE TABLE creators AS SELECT * FROM people")
        self.con.execute("CREATE TABLE enrollments AS SELECT * FROM enrolled")
        del daily, people, enrolled

    def board(
        self, metric: str, window: Window, where: str, top: int
    ) -> tuple[int, int, list[Any]]:
        """Count, total and the top rows with their previous rank, as the leaderboard shows."""

        def ranked(span: Window) -> str:
            return (
                f"SELECT d.creator_id, c.handle, sum(d.{metric}) AS value "
                "FROM daily d JOIN creators c ON c.id = d.creator_id "
                f"WHERE d.date BETWEEN DATE '{span.start}' AND DATE '{span.end}' {where} "
                f"GROUP BY d.creator_id, c.handle HAVING sum(d.{metric}) > 0"
            )

        before = window.previous()
        sql = (
            f"WITH now AS ({ranked(window)}), prev AS ({ranked(before)}), "
            "r AS (SELECT *, row_number() OVER (ORDER BY value DESC, handle) AS rk FROM now), "
            "p AS (SELECT creator_id, row_number() OVER (ORDER BY value DESC, handle) AS rk "
            "FROM prev) "
            "SELECT (SELECT count(*) FROM r), (SELECT sum(value) FROM r), "
            "list(struct_pack(h := r.handle, v := r.value, prev := p.rk) ORDER BY r.rk) "
            f"FROM (SELECT * FROM r WHERE rk <= {top}) r LEFT JOIN p USING (creator_id)"
        )
        count, total, rows = self.con.execute(sql).fetchone()  # type: ignore[misc]
        return int(count), int(total or 0), rows


def duck_where(query: leaderboard.LeaderboardQuery, session: Session) -> str:
    """The filters of the query as DuckDB conditions."""
    where = []
    if query.tier:
        where.append(f"lower(c.tier) = '{query.tier.lower()}'")
    if query.category:
        where.append(f"lower(c.category) = '{query.category.lower()}'")
    if query.campaign:
        cid = session.scalar(select(Campaign.id).where(Campaign.slug == query.campaign))
        where.append(
            f"d.creator_id IN (SELECT creator_id FROM enrollments WHERE campaign_id = {cid})"
        )
    return "".join(f" AND {w}" for w in where)


def ask(
    text: str,
    query: leaderboard.LeaderboardQuery,
    call: Call,
    duck: Duck,
    repeat: int,
    exact: bool,
) -> str:
    """One question's line: cold, p50 and p95 warm, warm CPU p50, exact once, DuckDB p50 (wall
    and CPU) and the ratio."""

    def answer() -> None:
        leaderboard.answer(query, call)

    cold = timed(answer, 1)[0][0]
    warm, warm_cpu = timed(answer, repeat)
    board = leaderboard.compute(query, call)
    slow_s = float("nan")
    if exact:
        started = time.perf_counter()
        slow = leaderboard.compute_exact(query, call)
        slow_s = time.perf_counter() - started
        assert (slow.ranked_count, slow.total) == (board.ranked_count, board.total), text
    window = board.window
    if query.period:
        window = window_for(query.period, board.window.end)
    where = duck_where(query, call.session)

    def ad_hoc() -> tuple[int, int, list[Any]]:
        return duck.board(query.metric, window, where, 50)

    duck_walls, duck_cpus = timed(ad_hoc, repeat)
    duck_s, duck_cpu = statistics.median(duck_walls), statistics.median(duck_cpus)
    count, total, _rows = ad_hoc()
    assert (count, total) == (board.ranked_count, board.total), (text, count, total)
    p50, high = statistics.median(warm) * 1000, p95(warm) * 1000
    cpu = statistics.median(warm_cpu) * 1000
    return (
        f"{text:58} {cold * 1000:6.0f}ms {p50:6.0f}ms {high:6.0f}ms {cpu:6.0f}ms {slow_s:7.2f}s "
        f"{duck_s * 1000:6.0f}ms {duck_cpu * 1000:6.0f}ms {high / (duck_s * 1000):8.2f}"
    )


def run(scale: str, db: str, repeat: int, exact: bool) -> None:
    prepare(scale, db)
    engine = make_engine(database_url(scale, db), connect_args=connect_args(scale, db))
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        stamped = time.perf_counter()
        # As an upgrade does (the days a long window needs, the stamps); rolled back at the end.
        rebuild_days(MARKET, stale_days(MARKET, session=session), session=session)
        rebuild_days(MARKET, missing_days(MARKET, session=session), session=session)
        stamp_unstamped(session=session)
        stamped = time.perf_counter() - stamped
        end = latest_day(MARKET, session=session)
        assert end is not None
        call = Call(
            CommandRequest(text="leaderboard", locale="en"),
            session,
            Services(sessions=sessions),
            Lang("en"),
        )
        texts = questions(session, end, SCALES[scale][1])
        parsed = [leaderboard.parse(text.removeprefix("leaderboard "), call) for text in texts]
        before_duck = peak_rss_mb()
        started = time.perf_counter()
        duck = Duck(session, end, {q.metric for q in parsed})
        loaded = time.perf_counter() - started
        print(
            f"{scale} {db}: upgrade {stamped:.2f}s; peak RSS {before_duck:.0f} MB before DuckDB's "
            f"tables, loaded in {loaded:.1f}s (not counted)",
            flush=True,
        )
        print(
            f"{'question':58} {'cold':>8} {'p50':>8} {'p95':>8} {'cpu p50':>8} {'exact':>8} "
            f"{'duckdb':>8} {'duck cpu':>8} {'p95/duck':>8}",
            flush=True,
        )
        for text, query in zip(texts, parsed, strict=True):
            print(ask(text, query, call, duck, repeat, exact), flush=True)
        session.rollback()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"{scale} {db}: peak RSS {usage.ru_maxrss / 1024:.0f} MB (DuckDB's tables included); "
        f"ranking cache {CACHE.held / 2**20:.0f} of {CACHE.limit / 2**20:.0f} MB held; "
        f"process CPU {usage.ru_utime + usage.ru_stime:.1f} s",
        flush=True,
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default=os.environ.get("BENCH_SCALES", "S,L"))
    parser.add_argument(
        "--databases", default=os.environ.get("BENCH_DATABASES", "sqlite,postgresql")
    )
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--exact", action="store_true", help="also time the exact SQL path once")
    parser.add_argument(
        "--cache-mb",
        type=int,
        default=int(os.environ.get("CREATORBOT_RANKING_CACHE_MB", DEFAULT_MB)),
        help="the ranking cache's bound, as CREATORBOT_RANKING_CACHE_MB sets the bot's",
    )
    args = parser.parse_args()
    configure(args.cache_mb)
    for scale in args.scales.split(","):
        for db in args.databases.split(","):
            run(scale, db, args.repeat, args.exact)


if __name__ == "__main__":
    main()
