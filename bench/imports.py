"""A native TikTok Shop export imported at scale: the creator performance export of one day
for every creator of the bench world (S = 100,000 creators, L = 1,000,000), as a CSV in the
Affiliate Center's English layout (RM1,234.50, "--", 5.93%, a date-range line), imported on
SQLite and PostgreSQL in a child process (seconds, peak memory), beside DuckDB reading the same
files and inserting the rows into a table.

The canonical file of the same figures is imported beside it (the native path's overhead).
The worlds are bench/commands.py's, built once per scale and database and reused.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.commands import END, connect_args, database_url, peak_rss_mb, prepare
from bench.memory import PrivatePeak
from bench.pace import pace, pace_line
from bench.undone import undo
from creatorbot.storage.db import make_engine, make_sessionmaker
from creatorbot.storage.importers import import_file
from creatorbot.storage.models import Creator, Market
from creatorbot.storage.writer import DAILY_COLUMNS

DAY = END + dt.timedelta(days=1)
HEADER = (
    "Creator name",
    "Creator username",
    "Creator-attributed GMV",
    "LIVE attributed GMV",
    "Video attributed GMV",
    "Product card attributed GMV",
    "Attributed orders",
    "Items sold",
    "Refunds",
    "AOV",
    "Est. commission",
    "Videos",
    "LIVE streams",
    "Video views",
    "CTR",
    "New followers",
)
SYMBOLS = {"MYR": "RM", "EUR": "€"}


def amount(minor: int, symbol: str) -> str:
    whole, cents = divmod(minor, 100)
    return f"{symbol}{whole:,}.{cents:02d}"


def write_exports(scale: str, db: str, folder: Path) -> tuple[list[Path], list[Path]]:
    """One export per market of the world, for every one of its creators; and the canonical
    files of the same figures, the baseline."""
    engine = make_engine(database_url(scale, db), connect_args=connect_args(scale, db))
    paths, baselines = [], []
    with make_sessionmaker(engine)() as session:
        markets = session.execute(select(Market.code, Market.currency)).all()
        for market, currency in markets:
            symbol = SYMBOLS.get(currency, currency + " ")
            handles = session.scalars(
                select(Creator.handle).where(Creator.market == market).order_by(Creator.id)
            ).all()
            if not handles:
                continue
            path = folder / f"creator_data_{market}.csv"
            baseline = folder / f"canonical_{market}.csv"
            with (
                path.open("w", newline="", encoding="utf-8-sig") as out,
                baseline.open("w", newline="", encoding="utf-8") as plain,
            ):
                out.write(f"Date range: {DAY} ~ {DAY}\r\n")
                writer = csv.writer(out)
                writer.writerow(HEADER)
                canonical = csv.writer(plain)
                canonical.writerow(DAILY_COLUMNS)
                for n, handle in enumerate(handles):
                    gmv = (n * 7919) % 5_000_000
                    live, video = gmv // 2, gmv // 4
                    orders = n % 40
                    canonical.writerow(
                        [DAY, market, handle, amount(gmv, "").replace(",", ""), orders]
                        + [orders + n % 3, amount(live, "").replace(",", "")]
                        + [amount(video, "").replace(",", ""), n % 2, 0, n % 3, n % 100_000]
                        + [n % 50]
                    )
                    writer.writerow(
                        [
                            handle.title(),
                            handle,
                            amount(gmv, symbol),
                            amount(live, symbol) if live else "--",
                            amount(video, symbol),
                            amount(gmv - live - video, symbol),
                            orders or "--",
                            orders + n % 3,
                            "--",
                            amount(gmv // orders if orders else 0, symbol),
                            amount(gmv // 10, symbol),
                            n % 3,
                            n % 2,
                            f"{n % 100_000:,}",
                            f"{n % 1000 / 100:.2f}%",
                            n % 50,
                        ]
                    )
            paths.append(path)
            baselines.append(baseline)
    engine.dispose()
    return paths, baselines


def child(scale: str, db: str, paths: list[Path], *, duckdb: bool) -> dict[str, Any]:
    """Import the files, each undone so the world stays as it was (`bench.undone`); then
    DuckDB on the same files."""
    private = PrivatePeak()
    engine = make_engine(database_url(scale, db), connect_args=connect_args(scale, db))
    sessions = make_sessionmaker(engine)
    rows, seconds, cpu = 0, 0.0, 0.0
    for path in paths:  # one transaction per file, as `creatorbot import` runs them
        started, used = time.perf_counter(), time.process_time()
        with sessions() as session:
            rows += import_file(None, path, session=session).rows
            seconds += time.perf_counter() - started
            cpu += time.process_time() - used
            undo(session)
    engine.dispose()
    rss, private_mb = peak_rss_mb(), private.stop()
    return {
        "rows": rows,
        "seconds": seconds,
        "cpu": cpu,  # this process's (a PostgreSQL server's is not in it)
        "rss_mb": rss,
        "private_mb": private_mb,
        "duckdb": duck(paths) if duckdb else None,
    }


def duck(paths: list[Path]) -> float:
    """DuckDB ad hoc: read each CSV, turn its amounts into minor units and insert one row per
    creator into a table."""
    import duckdb

    def cents(column: str) -> str:
        number = f"nullif(regexp_replace(\"{column}\", '[^0-9.]', '', 'g'), '')"
        return f"coalesce(CAST(round(CAST({number} AS DECIMAL(18, 2)) * 100) AS BIGINT), 0)"

    def whole(column: str) -> str:
        number = f"nullif(regexp_replace(\"{column}\", '[^0-9]', '', 'g'), '')"
        return f"coalesce(CAST({number} AS BIGINT), 0)"

    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE daily (date DATE, handle VARCHAR, gmv BIGINT, live_gmv BIGINT, "
        "video_gmv BIGINT, orders BIGINT, items_sold BIGINT, video_posts BIGINT, "
        "live_sessions BIGINT, video_views BIGINT, new_followers BIGINT)"
    )
    for path in paths:
        con.execute(
            f"INSERT INTO daily SELECT DATE '{DAY}', ltrim(\"Creator username\", '@'), "
            f"sum({cents('Creator-attributed GMV')}), sum({cents('LIVE attributed GMV')}), "
            f"sum({cents('Video attributed GMV')}), sum({whole('Attributed orders')}), "
            f"sum({whole('Items sold')}), sum({whole('Videos')}), sum({whole('LIVE streams')}), "
            f"sum({whole('Video views')}), sum({whole('New followers')}) "
            f"FROM read_csv('{path}', skip=1, header=true, all_varchar=true) "
            "GROUP BY 2"
        )
    con.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default=os.environ.get("BENCH_SCALES", "S,L"))
    parser.add_argument(
        "--databases", default=os.environ.get("BENCH_DATABASES", "sqlite,postgresql")
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)  # scale:db:what, in the child
    parser.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        scale, db, what = args.child.split(":")
        print(json.dumps(child(scale, db, args.paths, duckdb=what == "native")))
        return
    print(f"Native creator performance export, one day ({DAY}), every creator of the world;")
    print("the canonical file of the same figures beside it, and DuckDB on the native export")
    print(
        "(peak: resident memory, VmHWM; private: the same less the files mapped, see bench.memory;"
    )
    print("cpu: the importing process's CPU seconds, without a PostgreSQL server's)")
    print(
        f"{'scale':5} {'db':10} {'rows':>10} {'native':>9} {'cpu':>8} {'peak':>8} {'private':>8} "
        f"{'canonical':>10} {'peak':>8} {'private':>8} {'duckdb':>8} {'native/duckdb':>14}",
        flush=True,
    )
    paces = [pace()]
    for scale in args.scales.split(","):
        for db in args.databases.split(","):
            prepare(scale, db)
            with tempfile.TemporaryDirectory() as folder:
                paths, baselines = write_exports(scale, db, Path(folder))
                native = run_child(scale, db, "native", paths)
                canonical = run_child(scale, db, "canonical", baselines)
            paces.append(pace())
            ratio = native["seconds"] / native["duckdb"]
            print(
                f"{scale:5} {db:10} {native['rows']:>10,} {native['seconds']:>7.1f} s "
                f"{native.get('cpu', 0):>6.1f} s {native['rss_mb']:>5.0f} MB "
                f"{native['private_mb']:>5.0f} MB "
                f"{canonical['seconds']:>8.1f} s {canonical['rss_mb']:>5.0f} MB "
                f"{canonical['private_mb']:>5.0f} MB {native['duckdb']:>6.1f} s {ratio:>13.1f}×",
                flush=True,
            )
    print(f"{pace_line(*paces)} (at the start, then after each database's imports)")


def run_child(scale: str, db: str, what: str, paths: list[Path]) -> dict[str, Any]:
    """Import `paths` in a fresh process (its own peak memory); its figures."""
    run = subprocess.run(
        [sys.executable, "-m", "bench.imports", "--child", f"{scale}:{db}:{what}"]
        + [str(path) for path in paths],
        capture_output=True,
        text=True,
    )
    if run.returncode:
        sys.exit(f"bench.imports: {what} {scale} on {db} failed:\n{run.stderr}")
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


if __name__ == "__main__":
    main()
