"""Commands at scale: latency per command (charts excluded), chart time, the naive leaderboard
beside ours, one day's import, and the peak memory of a process answering commands.

Scales: S = 100,000 creators × 90 days, L = 1,000,000 creators × 30 days, on SQLite and
PostgreSQL. The demo world is built once per scale and database and reused (a few minutes for L).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select, text

from creatorbot.commands.charts import daily_trend
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.i18n import Lang
from creatorbot.commands.registry import commands
from creatorbot.commands.router import Router
from creatorbot.storage.db import make_engine, make_sessionmaker, upgrade
from creatorbot.storage.demo import DemoSpec, ensure_demo
from creatorbot.storage.importers import import_file
from creatorbot.storage.models import Campaign, Creator, DailyMetric
from creatorbot.storage.queries.markets import latest_day
from creatorbot.storage.writer import DAILY_COLUMNS

SCALES = {"S": (100_000, 90), "L": (1_000_000, 30)}
END = dt.date(2026, 11, 23)
PG = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DATA = Path(os.environ.get("BENCH_DATA_DIR", "data/bench"))
LEADERBOARDS = [
    "leaderboard gmv 7d MY",
    "leaderboard orders 30d IT top 50",
    "leaderboard live_gmv 1d MY",
    "leaderboard gmv mtd IT",
    "leaderboard video_views 7d MY category:beauty",
    "leaderboard gmv 30d IT tier:gold",
]


def database_url(scale: str, db: str) -> str:
    """Where the bench world of this scale lives."""
    if db == "sqlite":
        return f"sqlite:///{(DATA / f'bench-{scale}.sqlite3').resolve()}"
    return PG


def connect_args(scale: str, db: str) -> dict[str, Any]:
    # A schema per scale keeps PostgreSQL worlds apart and away from the tests' schemas.
    return {} if db == "sqlite" else {"options": f"-csearch_path=bench_{scale.lower()}"}


def prepare(scale: str, db: str) -> float:
    """Build (or find) the world; returns the seconds it took."""
    creators, days = SCALES[scale]
    engine = make_engine(database_url(scale, db), connect_args=connect_args(scale, db))
    if db == "postgresql":
        with engine.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS bench_{scale.lower()}"))
    upgrade(engine)
    started = time.perf_counter()
    ensure_demo(
        DemoSpec(creators=creators, days=days, seed=7, end=END), sessions=make_sessionmaker(engine)
    )
    engine.dispose()
    return time.perf_counter() - started


def timed(action: Callable[[], Any], repeat: int) -> list[float]:
    action()  # warm caches and the connection pool
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def serve(scale: str, db: str, repeat: int) -> dict[str, Any]:
    """The command-answering process: latencies and its own peak memory."""
    engine = make_engine(database_url(scale, db), connect_args=connect_args(scale, db))
    sessions = make_sessionmaker(engine)
    router = Router(commands(), Services(sessions=sessions, charts=False))
    with sessions() as session:
        creators = list(
            session.scalars(
                select(Creator.handle).where(Creator.market == "MY").order_by(Creator.id).limit(5)
            )
        )
        running = list(
            session.scalars(
                select(Campaign.slug)
                .where(Campaign.starts_on <= END, Campaign.ends_on >= END)
                .order_by(Campaign.slug)
            )
        )
    results: dict[str, Any] = {}

    def run(label: str, texts: list[str]) -> None:
        samples: list[float] = []
        for command in texts:

            def ask(command: str = command) -> None:
                reply = router.handle(CommandRequest(text=command))
                assert reply.ok, command

            samples += timed(ask, repeat)
        results[label] = (p(samples, 0.5), p(samples, 0.95))

    run("leaderboard", LEADERBOARDS)
    run("creator", ["creator aisyah.beauty", *(f"creator {h} MY" for h in creators)])
    run("campaign", [f"campaign {slug}" for slug in running])
    lang = Lang("en", "MY")
    days = [END - dt.timedelta(days=n) for n in range(29, -1, -1)]
    values = [n * 12_345 for n in range(30)]
    chart = timed(
        lambda: daily_trend(
            days,
            values,
            title="GMV",
            metric_label="GMV",
            lang=lang,
            currency="MYR",
            comparison=values[::-1],
        ),
        repeat,
    )
    results["chart"] = (p(chart, 0.5), p(chart, 0.95))
    # The bot's own peak, read before the naive comparison loads a whole window into pandas.
    results["rss_mb"] = peak_rss_mb()
    results["naive"] = naive(sessions, repeat)
    engine.dispose()
    return results


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started. Linux's VmHWM, not ru_maxrss: the
    latter survives exec, so a child would report the peak of the parent it was forked from."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def naive(sessions: Any, repeat: int) -> tuple[float, float]:
    """`leaderboard gmv 7d MY` the naive way: load the window into pandas and group."""

    def compute() -> None:
        with sessions() as session:
            end = latest_day("MY", session=session)
            start = end - dt.timedelta(days=6)
            rows = session.execute(
                select(DailyMetric.creator_id, DailyMetric.gmv).where(
                    DailyMetric.market == "MY", DailyMetric.date.between(start, end)
                )
            ).all()
        frame = pd.DataFrame(rows, columns=["creator_id", "gmv"])
        frame.groupby("creator_id")["gmv"].sum().sort_values(ascending=False).head(10)

    samples = timed(compute, max(1, repeat // 10))
    return (p(samples, 0.5), p(samples, 0.95))


def import_day(scale: str, db: str) -> tuple[int, float]:
    """Import the next day's metrics for every creator (validation, write, boards), then roll
    back, so the bench world stays as it was."""
    engine = make_engine(database_url(scale, db), connect_args=connect_args(scale, db))
    sessions = make_sessionmaker(engine)
    day = END + dt.timedelta(days=1)
    with sessions() as session:
        creators = session.execute(select(Creator.market, Creator.handle)).all()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "day.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(DAILY_COLUMNS)
            for n, (market, handle) in enumerate(creators):
                gmv = (n * 7919) % 50_000
                writer.writerow(
                    [
                        day.isoformat(),
                        market,
                        handle,
                        f"{gmv / 100:.2f}",
                        n % 7,
                        n % 9,
                        f"{gmv // 200:.2f}",
                        f"{(gmv - gmv // 2) / 100:.2f}",
                        n % 2,
                        (n % 2) * 45,
                        n % 3,
                        n % 1000,
                        n % 5,
                    ]
                )
        started = time.perf_counter()
        with sessions() as session:
            import_file("daily_metrics", path, session=session)
            seconds = time.perf_counter() - started
            session.rollback()
    engine.dispose()
    return len(creators), seconds


def pair(result: dict[str, Any], key: str) -> str:
    """ "p50 / p95" of one figure."""
    return f"{result[key][0]:.1f} / {result[key][1]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default=os.environ.get("BENCH_SCALES", "S,L"))
    parser.add_argument(
        "--databases", default=os.environ.get("BENCH_DATABASES", "sqlite,postgresql")
    )
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--serve", help=argparse.SUPPRESS)  # scale:db, in the child process
    args = parser.parse_args()
    if args.serve:
        scale, db = args.serve.split(":")
        print(json.dumps(serve(scale, db, args.repeat)))
        return
    DATA.mkdir(parents=True, exist_ok=True)
    rows = []
    for scale in args.scales.split(","):
        for db in args.databases.split(","):
            built = prepare(scale, db)
            child = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.commands",
                    "--serve",
                    f"{scale}:{db}",
                    "--repeat",
                    str(args.repeat),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(child.stdout.strip().splitlines()[-1])
            count, seconds = import_day(scale, db)
            rows.append((scale, db, built, result, count, seconds))
            print(f"… {scale} on {db} done", file=sys.stderr)
    print("Commands at scale (ms; p50 / p95; charts excluded from command figures)")
    print(
        f"{'scale':5} {'db':10} {'leaderboard':>15} {'creator':>15} {'campaign':>15} "
        f"{'chart':>13} {'naive lb':>17} {'ratio':>7} {'import day':>18} {'RSS':>8}"
    )
    for scale, db, _built, r, count, seconds in rows:
        ratio = r["naive"][0] / r["leaderboard"][0] if r["leaderboard"][0] else float("inf")
        print(
            f"{scale:5} {db:10} {pair(r, 'leaderboard'):>15} {pair(r, 'creator'):>15} "
            f"{pair(r, 'campaign'):>15} {pair(r, 'chart'):>13} {pair(r, 'naive'):>17} "
            f"{ratio:>6.0f}× "
            f"{seconds:>6.1f} s {count / seconds:>7,.0f}/s {r['rss_mb']:>6.0f} MB"
        )


if __name__ == "__main__":
    main()
