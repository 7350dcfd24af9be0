"""Commands at scale: every question of `QUESTIONS` answered by the bot (parse, query, analysis,
Reply; charts excluded) beside DuckDB answering the same question ad hoc on the same rows, with
the ratio; the bot's cold start to ready and idle memory, its peak memory answering, a chart's
render time and one day's import.

Scales: S = 100,000 creators × 90 days, L = 1,000,000 creators × 30 days, Y = 100,000 creators ×
366 days (a year: `BENCH_SCALES=Y`; T, 300 × 40, and TY, 300 × 366, are the test suite's), on
SQLite and PostgreSQL. The demo world is built once per scale and database and reused (a few
minutes for L or Y); its rows are exported to Parquet once for DuckDB (cached beside it
under BENCH_DATA_DIR, exported again when the world changes).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from bench import duck
from bench.asking import ask_all, emit, percentile, samples
from bench.duck import Answer, connect, parquet_dir
from bench.start import FIRST, Start, cold_start
from bench.undone import undo
from creatorbot.bot.render_text import render as render_text
from creatorbot.commands.charts import daily_trend
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.i18n import Lang
from creatorbot.commands.registry import commands
from creatorbot.commands.router import Router
from creatorbot.storage.db import make_engine, make_sessionmaker, upgrade
from creatorbot.storage.demo import DemoSpec, ensure_demo
from creatorbot.storage.importers import import_file
from creatorbot.storage.models import Campaign, Creator
from creatorbot.storage.queries.markets import all_markets, latest_day
from creatorbot.storage.queries.slots import latest_slot_day
from creatorbot.storage.segments import refresh_segments
from creatorbot.storage.writer import DAILY_COLUMNS

SCALES = {
    "T": (300, 40),
    "S": (100_000, 90),
    "L": (1_000_000, 30),
    "Y": (100_000, 366),  # a year: the longest window a leaderboard takes
    "TY": (300, 366),  # the test suite's year
}
END = dt.date(2026, 11, 23)
PG = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DATA = Path(os.environ.get("BENCH_DATA_DIR", "data/bench"))
SCHEMA_PREFIX = os.environ.get("BENCH_SCHEMA_PREFIX", "bench")


def database_url(scale: str, db: str) -> str:
    """Where the bench world of this scale lives."""
    if db == "sqlite":
        return f"sqlite:///{(DATA / f'bench-{scale}.sqlite3').resolve()}"
    return PG


def schema(scale: str) -> str:
    """The PostgreSQL schema of the world of this scale."""
    return f"{SCHEMA_PREFIX}_{scale.lower()}"


def connect_args(scale: str, db: str) -> dict[str, Any]:
    # A schema per scale keeps PostgreSQL worlds apart and away from the tests' schemas.
    return {} if db == "sqlite" else {"options": f"-csearch_path={schema(scale)}"}


def prepare(scale: str, db: str) -> float:
    """Build (or find) the world; returns the seconds it took."""
    creators, days = SCALES[scale]
    engine = make_engine(database_url(scale, db), connect_args=connect_args(scale, db))
    if db == "postgresql":
        with engine.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema(scale)}"))
    upgrade(engine)
    started = time.perf_counter()
    ensure_demo(
        DemoSpec(creators=creators, days=days, seed=7, end=END), sessions=make_sessionmaker(engine)
    )
    engine.dispose()
    return time.perf_counter() - started


BENCH_USER = "bench"  # exempt from the per-user rate limit, as CREATORBOT_RATE_LIMIT_EXEMPT does


@dataclass(frozen=True)
class Question:
    """A command the bench asks (each `{name}` is a fact of the world: see `facts`) and DuckDB's
    way to answer the same question on the same rows (bench/duck.py); `stored`: a precomputed
    board (target ≤ 20 ms), the others ≤ 300 ms at L."""

    text: str
    duck: Answer
    stored: bool = False
    segments: bool = False  # reads the stored segments: target ≤ 50 ms at L


# Every question `make bench` times, in the order it prints them. To bench a command, add it
# here with its DuckDB side. BENCH_ONLY (words, comma-separated) keeps the questions whose text
# holds one of them: `BENCH_ONLY=portfolio,tiers,segment:`.
EVERY_QUESTION = (
    Question("leaderboard gmv 7d MY", duck.leaderboard("gmv", "7d", "MY"), stored=True),
    Question(
        "leaderboard orders 30d IT top 50",
        duck.leaderboard("orders", "30d", "IT", top=50),
        stored=True,
    ),
    Question("leaderboard live_gmv 1d MY", duck.leaderboard("live_gmv", "1d", "MY"), stored=True),
    Question("leaderboard gmv mtd IT", duck.leaderboard("gmv", "mtd", "IT"), stored=True),
    Question(
        "leaderboard video_views 7d MY category:beauty",
        duck.leaderboard("video_views", "7d", "MY", category="beauty"),
        stored=True,
    ),
    Question(
        "leaderboard gmv 30d IT tier:gold",
        duck.leaderboard("gmv", "30d", "IT", tier="gold"),
        stored=True,
    ),
    Question("leaderboard gmv 14d MY", duck.leaderboard("gmv", "14d", "MY")),
    Question(
        "leaderboard gmv 7d MY as-of:{before}",
        duck.leaderboard("gmv", "7d", "MY", as_of="before"),
    ),
    Question(
        "leaderboard gmv MY campaign:{mega_sale}",
        duck.leaderboard("gmv", None, "MY", campaign="mega_sale"),
    ),
    Question(
        "leaderboard gmv 7d MY tier:gold category:beauty",
        duck.leaderboard("gmv", "7d", "MY", tier="gold", category="beauty"),
    ),
    Question("match beauty MY", duck.match("beauty", "MY")),
    Question("match beauty MY export", duck.match("beauty", "MY", export=True)),
    Question("slots MY", duck.slots("MY")),
    Question("snapshot MY", duck.snapshot("MY")),
    Question("alerts MY", duck.alerts("MY")),
    Question("campaign {mega_sale}", duck.campaign("mega_sale")),
    Question("campaign {ip_event}", duck.campaign("ip_event")),
    Question("campaign {competition}", duck.campaign("competition")),
    Question("campaign {incentive}", duck.campaign("incentive")),
    Question("creator {handle} MY", duck.creator("MY")),
    Question("portfolio {cm_quoted} MY", duck.portfolio("MY", "cm"), segments=True),
    Question("tiers MY", duck.tiers("MY"), segments=True),
    Question(
        "leaderboard gmv 30d MY segment:dormant",
        duck.leaderboard("gmv", "30d", "MY", dormant=True),
        segments=True,
    ),
)
ONLY = [w for w in os.environ.get("BENCH_ONLY", "").split(",") if w.strip()]
QUESTIONS = tuple(q for q in EVERY_QUESTION if not ONLY or any(w in q.text for w in ONLY))
KINDS = ("mega_sale", "ip_event", "competition", "incentive")


def facts(scale: str, db: str) -> dict[str, Any]:
    """What the questions name, read from the world: each market's latest day (of daily and of
    slot metrics) and currency, the day before MY's latest, a campaign of each kind that has
    started (MY's first, a running one first, then the latest to start), a creator of MY."""
    engine = make_engine(database_url(scale, db), connect_args=connect_args(scale, db))
    found: dict[str, Any] = {"latest": {}, "latest_slot": {}, "currency": {}}
    with make_sessionmaker(engine)() as session:
        for code, market in all_markets(session=session).items():
            day = latest_day(code, session=session)
            slot_day = latest_slot_day(code, session=session)
            if day is not None:
                found["latest"][code] = day.isoformat()
            if slot_day is not None:
                found["latest_slot"][code] = slot_day.isoformat()
            found["currency"][code] = market.currency
        found["before"] = (
            dt.date.fromisoformat(found["latest"]["MY"]) - dt.timedelta(days=1)
        ).isoformat()
        campaigns = session.scalars(select(Campaign)).all()
        for kind in KINDS:
            started = [
                c
                for c in campaigns
                if c.kind.value == kind
                and c.starts_on.isoformat() <= found["latest"].get(c.market, "")
            ]
            if not started:
                raise RuntimeError(f"the bench world has no {kind} campaign that has started")
            best = max(
                started,
                key=lambda c: (
                    c.market == "MY",
                    c.ends_on.isoformat() >= found["latest"][c.market],
                    c.starts_on,
                    c.slug,
                ),
            )
            found[kind] = best.slug
        handle = session.scalar(
            select(Creator.handle).where(Creator.market == "MY", Creator.handle == "aisyah.beauty")
        ) or session.scalar(
            select(Creator.handle).where(Creator.market == "MY").order_by(Creator.id).limit(1)
        )
        found["handle"] = handle
        cm = session.scalar(
            select(Creator.cm)
            .where(Creator.market == "MY", Creator.cm.is_not(None))
            .order_by(Creator.id)
            .limit(1)
        )
        found["cm"] = cm or "nobody"
        found["cm_quoted"] = f'"{found["cm"]}"'
    engine.dispose()
    return found


def text_of(question: Question, known: dict[str, Any]) -> str:
    """The command as sent, its `{name}`s filled in from the facts."""
    return question.text.format(**{k: v for k, v in known.items() if isinstance(v, str)})


def serve(scale: str, db: str, repeat: int, first: int, known: dict[str, Any]) -> None:
    """The command-answering process: each question's samples as a line, then its chart time
    and its peak memory."""
    engine = make_engine(database_url(scale, db), connect_args=connect_args(scale, db))
    services = Services(
        sessions=make_sessionmaker(engine),
        charts=False,
        rate_limit_exempt=frozenset({BENCH_USER}),
    )
    router = Router(commands(), services)
    for index in range(first, len(QUESTIONS)):
        command = text_of(QUESTIONS[index], known)

        def ask(command: str = command) -> None:
            reply = router.handle(CommandRequest(text=command, user=BENCH_USER))
            if not reply.ok:
                raise RuntimeError(f"{command}: {render_text(reply)[:150]}")

        emit(index, ask, repeat)
    lang = Lang("en", "MY")
    days = [END - dt.timedelta(days=n) for n in range(29, -1, -1)]
    values = [n * 12_345 for n in range(30)]

    def chart() -> None:
        daily_trend(
            days,
            values,
            title="GMV",
            metric_label="GMV",
            lang=lang,
            currency="MYR",
            comparison=values[::-1],
        )

    chart_ms = samples(chart, repeat)
    print(
        json.dumps(
            {
                "chart_p50": percentile(chart_ms, 0.5),
                "chart_p95": percentile(chart_ms, 0.95),
                "rss_mb": peak_rss_mb(),
            }
        ),
        flush=True,
    )
    engine.dispose()


def answer_duck(folder: Path, repeat: int, first: int, known: dict[str, Any]) -> None:
    """DuckDB's process: each question answered ad hoc on the Parquet copy of the world."""
    con = connect(folder)
    for index in range(first, len(QUESTIONS)):
        emit(index, partial(QUESTIONS[index].duck, con, known), repeat)
    print(json.dumps({"rss_mb": peak_rss_mb()}), flush=True)


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
            undo(session)
    engine.dispose()
    return len(creators), seconds


def segments_time(scale: str, db: str) -> list[tuple[str, int, float]]:
    """Compute the segments of every creator of each market (as the write path does after an
    import), then roll back: (market, creators, seconds) each."""
    engine = make_engine(database_url(scale, db), connect_args=connect_args(scale, db))
    found = []
    with make_sessionmaker(engine)() as session:
        for market in sorted(all_markets(session=session)):
            count = session.scalar(select(func.count()).where(Creator.market == market)) or 0
            started = time.perf_counter()
            refresh_segments([market], session=session)
            found.append((market, int(count), time.perf_counter() - started))
        undo(session)
    engine.dispose()
    return found


def same_command(one: int, other: int) -> bool:
    """Whether question `other` asks what `one` does and more (`match …` and `match … export`):
    once the first has run out of time, the second is not asked."""
    return QUESTIONS[other].text.startswith(QUESTIONS[one].text + " ")


def figures(line: dict[str, Any] | None, key: str = "samples") -> tuple[float, float] | str:
    """(p50, p95) in ms of a question's line (`key`: its wall-clock samples, or "cpu" for its
    CPU time), or why there are none."""
    if line is None:
        return "—"
    if "timeout" in line:
        return f"> {line['timeout']:.0f} s"
    if "error" in line:
        return "error"
    if not line.get(key):
        return "—"
    return (percentile(line[key], 0.5), percentile(line[key], 0.95))


def shown(value: tuple[float, float] | str) -> str:
    if isinstance(value, str):
        return value
    return f"{_ms(value[0])} / {_ms(value[1])}"


def _ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def ratio(ours: tuple[float, float] | str, theirs: tuple[float, float] | str) -> str:
    """ours / DuckDB at p50: below 1 we are faster."""
    if isinstance(ours, str) or isinstance(theirs, str) or theirs[0] <= 0:
        return "—"
    return f"{ours[0] / theirs[0]:.2f}×"


@dataclass
class Run:
    """One world's figures."""

    scale: str
    db: str
    known: dict[str, Any]
    ours: dict[int, dict[str, Any]]
    closing: dict[str, Any]
    duck: dict[int, dict[str, Any]]
    export_seconds: float
    start: Start
    imported: tuple[int, float] | None
    segments: list[tuple[str, int, float]]


def run_world(scale: str, db: str, args: argparse.Namespace) -> Run:
    """Build or find the world, then time it: cold start, every question (ours, then DuckDB's),
    one day's import."""
    prepare(scale, db)
    known = facts(scale, db)
    engine = make_engine(database_url(scale, db), connect_args=connect_args(scale, db))
    folder, exported = parquet_dir(DATA / f"duck-{scale}-{db}", engine)
    engine.dispose()
    started = Start(float("nan"), float("nan")) if args.no_start else cold_start(bot_url(scale, db))
    world = f"{scale}:{db}"
    common = ["--repeat", str(args.repeat), "--facts", json.dumps(known)]
    ours, closing = ask_all(
        ["bench.commands", "--serve", world, *common], len(QUESTIONS), args.timeout, same_command
    )
    theirs, _ = ask_all(
        ["bench.commands", "--duck", str(folder), *common],
        len(QUESTIONS),
        args.timeout,
        same_command,
    )
    imported = None if args.no_import else import_day(scale, db)
    segmented = [] if args.no_segments else segments_time(scale, db)
    return Run(scale, db, known, ours, closing, theirs, exported, started, imported, segmented)


def bot_url(scale: str, db: str) -> str:
    """The world's database URL as `DATABASE_URL` gives it to the bot (PostgreSQL: its schema)."""
    url = database_url(scale, db)
    if db == "sqlite":
        return url
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema(scale)}"


def report(run: Run) -> None:
    """The world's table: each question, ours and DuckDB's p50 / p95 and the ratio; then cold
    start, memory, chart and import."""
    print(f"\n{run.scale} on {run.db} (ms, p50 / p95; charts excluded; ratio = ours / DuckDB)")
    width = max(len(text_of(q, run.known)) for q in QUESTIONS) + 2
    print(
        f"{'question':{width + 9}} {'ours':>21} {'DuckDB':>21} {'ratio':>8}"
        f" {'CPU ours':>17} {'CPU DuckDB':>17} {'CPU ratio':>9}"
    )
    for index, question in enumerate(QUESTIONS):
        ours = figures(run.ours.get(index))
        theirs = figures(run.duck.get(index))
        ours_cpu = figures(run.ours.get(index), "cpu")
        theirs_cpu = figures(run.duck.get(index), "cpu")
        mark = " (stored)" if question.stored else " (segments)" if question.segments else ""
        label = text_of(question, run.known) + mark
        print(
            f"{label:{width + 9}} {shown(ours):>21} {shown(theirs):>21} {ratio(ours, theirs):>8}"
            f" {shown(ours_cpu):>17} {shown(theirs_cpu):>17} {ratio(ours_cpu, theirs_cpu):>9}"
        )
        for side, line in (("ours", run.ours.get(index)), ("DuckDB", run.duck.get(index))):
            if line and "error" in line:
                print(f"    {side}: {line['error']}")
    closing = {"rss_mb": float("nan"), "chart_p50": float("nan"), "chart_p95": float("nan")}
    closing.update(run.closing)
    start = run.start
    if start.first is not None and start.again is not None:
        print(
            f"after a start, idle {start.idle:.1f} s in (warm-up done): `{' '.join(FIRST)}` "
            f"answered in {start.first * 1000:,.0f} ms, asked again {start.again * 1000:,.0f} ms "
            "(Slack round trip included)"
        )
    print(
        f"cold start to ready {run.start.ready:.2f} s, idle RSS {run.start.idle_rss_mb:.0f} MB "
        f"({run.start.ready_cpu:.2f} s of CPU to ready); "
        f"peak RSS answering {closing['rss_mb']:.0f} MB; "
        f"chart {closing['chart_p50']:.1f} / {closing['chart_p95']:.1f} ms"
    )
    if run.export_seconds:
        print(
            f"(the world's rows exported to Parquet for DuckDB in {run.export_seconds:.0f} s, once)"
        )
    for market, count, seconds in run.segments:
        print(f"segments of every creator of {market}: {count:,} creators in {seconds:.2f} s")
    if run.imported is not None:
        count, seconds = run.imported
        print(
            f"one day's import: {count:,} rows in {seconds:.1f} s ({count / seconds:,.0f} rows/s)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default=os.environ.get("BENCH_SCALES", "S,L"))
    parser.add_argument(
        "--databases", default=os.environ.get("BENCH_DATABASES", "sqlite,postgresql")
    )
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--timeout",
        type=float,
        default=float(os.environ.get("BENCH_TIMEOUT", "120")),
        help="seconds a question may take before it is reported as timed out",
    )
    parser.add_argument("--no-import", action="store_true", help="skip one day's import")
    parser.add_argument("--no-start", action="store_true", help="skip the cold start")
    parser.add_argument(
        "--no-segments", action="store_true", help="skip computing every creator's segments"
    )
    parser.add_argument("--serve", help=argparse.SUPPRESS)  # scale:db, in the child process
    parser.add_argument("--duck", help=argparse.SUPPRESS)  # Parquet folder, in the child
    parser.add_argument("--first", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--facts", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        scale, db = args.serve.split(":")
        serve(scale, db, args.repeat, args.first, json.loads(args.facts))
        return
    if args.duck:
        answer_duck(Path(args.duck), args.repeat, args.first, json.loads(args.facts))
        return
    DATA.mkdir(parents=True, exist_ok=True)
    print(
        "Commands at scale: each question answered by the bot and by DuckDB ad hoc on the same rows"
    )
    failed = 0
    for scale in args.scales.split(","):
        for db in args.databases.split(","):
            run = run_world(scale, db, args)
            report(run)
            sys.stdout.flush()
            failed += sum("error" in line for line in [*run.ours.values(), *run.duck.values()])
    if failed:  # a question that fails is a broken bench, not a figure: `make bench` stops
        sys.exit(f"bench.commands: {failed} answers failed (see the lines above)")


if __name__ == "__main__":
    main()
