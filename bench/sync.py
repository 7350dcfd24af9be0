"""Warehouse sync at scale: one day of creator metrics (a row per creator of the bench world:
100,000 at S, 1,000,000 at L) read from a SQLite file and from a PostgreSQL table and synced
into the bench database, in chunks; seconds and peak memory of the process, beside DuckDB ad
hoc (the same rows read into a frame and inserted into a DuckDB table) as a ratio.

The sync is undone afterwards (`bench.undone`), so the bench world stays as it was: its commit
is not timed, which on SQLite, with the write-ahead log's checkpoint, took 2.3–3.6 s more at L
(measured on copies of the world). Target: ≤ 30 s for 1M.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

import duckdb
import pandas as pd
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from bench.commands import DATA, END, PG, connect_args, database_url, peak_rss_mb, prepare
from bench.memory import PrivatePeak
from bench.pace import pace, pace_line
from bench.undone import undo
from creatorbot.storage.db import make_engine, make_sessionmaker
from creatorbot.storage.models import Creator
from creatorbot.storage.sync import Source, sync_source
from creatorbot.storage.sync.sources import DEFAULT_CHUNK_ROWS, Query

DAY = END + dt.timedelta(days=1)
BATCH = 100_000  # warehouse rows inserted at a time while building it
CHUNK_ROWS = int(os.environ.get("BENCH_SYNC_CHUNK_ROWS", DEFAULT_CHUNK_ROWS))
QUERY = (
    "SELECT stat_day AS date, market, handle, gmv, orders, items_sold, live_gmv, video_gmv, "
    "live_sessions, live_minutes, video_posts, video_views, new_followers "
    "FROM {table} WHERE stat_day = :day AND market = :market"
)
DDL = (
    "CREATE TABLE {table} (stat_day DATE, market VARCHAR(8), handle VARCHAR(64), "
    "gmv {money}, orders INTEGER, items_sold INTEGER, live_gmv {money}, video_gmv {money}, "
    "live_sessions INTEGER, live_minutes INTEGER, video_posts INTEGER, video_views BIGINT, "
    "new_followers INTEGER)"
)


def warehouse(scale: str, kind: str) -> tuple[str, str]:
    """(URL, table) of the scale's warehouse of that kind (sqlite, postgresql)."""
    if kind == "sqlite":
        return f"sqlite:///{(DATA / f'warehouse-{scale}.sqlite3').resolve()}", "creator_day"
    return PG, f"bench_warehouse_{scale.lower()}.creator_day"


def build_warehouse(scale: str, kind: str) -> int:
    """Fill the warehouse with one row per creator of the bench world (kept between runs)."""
    url, table = warehouse(scale, kind)
    world = make_engine(database_url(scale, "sqlite"), connect_args={})
    with world.connect() as connection:
        creators = connection.execute(select(Creator.market, Creator.handle)).all()
    world.dispose()
    engine = create_engine(url)
    if kind == "postgresql":  # on its own: a failed count below would take it back
        with engine.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {table.split('.')[0]}"))
    with engine.begin() as connection:
        try:
            built = connection.scalar(text(f"SELECT count(*) FROM {table}"))
        except DBAPIError:
            built = None
    if built == len(creators):  # built by an earlier run
        engine.dispose()
        return int(built)
    with engine.begin() as connection:
        connection.execute(text(f"DROP TABLE IF EXISTS {table}"))
        money = "TEXT" if kind == "sqlite" else "NUMERIC(14, 2)"  # SQLite has no exact decimal
        connection.execute(text(DDL.format(table=table, money=money)))
    for start in range(0, len(creators), BATCH):
        part = creators[start : start + BATCH]
        rows = [_row(start + n, market, handle) for n, (market, handle) in enumerate(part)]
        with engine.begin() as connection:
            connection.execute(text(f"INSERT INTO {table} VALUES ({_marks()})"), rows)
    with engine.begin() as connection:
        if kind == "postgresql":
            connection.execute(text(f"CREATE INDEX ON {table} (stat_day, market)"))
        count = connection.scalar(text(f"SELECT count(*) FROM {table}"))
    engine.dispose()
    return int(count or 0)


def _marks() -> str:
    names = "day market handle gmv orders items_sold live_gmv video_gmv live_sessions"
    names += " live_minutes video_posts video_views new_followers"
    return ", ".join(f":{name}" for name in names.split())


def _row(n: int, market: str, handle: str) -> dict[str, Any]:
    # The figures bench.commands writes for its day's import.
    gmv = (n * 7919) % 50_000
    return {
        "day": DAY.isoformat(),
        "market": market,
        "handle": handle,
        "gmv": f"{gmv / 100:.2f}",
        "orders": n % 7,
        "items_sold": n % 9,
        "live_gmv": f"{gmv // 200:.2f}",
        "video_gmv": f"{(gmv - gmv // 2) / 100:.2f}",
        "live_sessions": n % 2,
        "live_minutes": (n % 2) * 45,
        "video_posts": n % 3,
        "video_views": n % 1000,
        "new_followers": n % 5,
    }


def sync_child(scale: str, db: str, kind: str) -> dict[str, Any]:
    """In a process of its own: sync the day for every market, roll back, report."""
    private = PrivatePeak()
    url, table = warehouse(scale, kind)
    query = Query(QUERY.format(table=table))
    source = Source("bench", url, {"daily_metrics": query}, chunk_rows=CHUNK_ROWS)
    engine = make_engine(database_url(scale, db), connect_args=connect_args(scale, db))
    sessions = make_sessionmaker(engine)
    rows = 0
    readers = resource.getrusage(resource.RUSAGE_CHILDREN)
    with sessions() as session:
        markets = sorted(set(session.scalars(select(Creator.market).distinct())))
        started, used = time.perf_counter(), time.process_time()
        for market in markets:
            result = sync_source(source, "daily_metrics", market=market, day=DAY, session=session)
            rows += result.rows
        seconds, cpu = time.perf_counter() - started, time.process_time() - used
        undo(session)
    read = resource.getrusage(resource.RUSAGE_CHILDREN)  # the reading processes, waited for
    reader_cpu = read.ru_utime + read.ru_stime - readers.ru_utime - readers.ru_stime
    engine.dispose()
    return {
        "rows": rows,
        "seconds": seconds,
        "cpu": cpu,  # this process's (a PostgreSQL server's is not in it)
        "reader_cpu": reader_cpu,  # the warehouse's reading processes'
        "rss_mb": peak_rss_mb(),
        "private_mb": private.stop(),
    }


def duckdb_child(scale: str, kind: str) -> dict[str, Any]:
    """In a process of its own: the same rows into a frame, then into a DuckDB table."""
    url, table = warehouse(scale, kind)
    engine = create_engine(url)
    started = time.perf_counter()
    with engine.connect() as connection:
        sql = text(f"SELECT * FROM {table} WHERE stat_day = :day")
        frame = pd.read_sql(sql, connection, params={"day": DAY.isoformat()})
    database = duckdb.connect()
    database.register("frame", frame)
    database.execute("CREATE TABLE daily AS SELECT * FROM frame")
    rows = database.execute("SELECT count(*) FROM daily").fetchone()
    seconds = time.perf_counter() - started
    engine.dispose()
    return {"rows": rows[0] if rows else 0, "seconds": seconds, "rss_mb": peak_rss_mb()}


def child(*arguments: str) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, "-m", "bench.sync", *arguments], check=True, capture_output=True, text=True
    )
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default=os.environ.get("BENCH_SCALES", "S,L"))
    parser.add_argument("--warehouses", default="sqlite,postgresql")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # sync:scale:db:kind | duckdb:…
    args = parser.parse_args()
    if args.child:
        what, scale, db, kind = args.child.split(":")
        result = sync_child(scale, db, kind) if what == "sync" else duckdb_child(scale, kind)
        print(json.dumps(result))
        return
    DATA.mkdir(parents=True, exist_ok=True)
    lines = []
    paces = [pace()]
    for scale in args.scales.split(","):
        prepare(scale, "sqlite")  # the warehouse's creators come from the SQLite world
        for kind in args.warehouses.split(","):
            db = kind  # a SQLite warehouse into SQLite, a PostgreSQL one into PostgreSQL
            prepare(scale, db)
            count = build_warehouse(scale, kind)
            synced = child("--child", f"sync:{scale}:{db}:{kind}")
            paces.append(pace())
            duck = child("--child", f"duckdb:{scale}:{db}:{kind}")
            lines.append((scale, kind, db, count, synced, duck))
            print(f"… {scale}: {kind} warehouse into {db} done", file=sys.stderr)
    print("Warehouse sync of one day (seconds, peak memory of the process; DuckDB ad hoc beside)")
    print(
        "(RSS: resident memory, VmHWM; private: the same less the files mapped, see bench.memory;"
    )
    print("cpu: the syncing process's CPU seconds, without a PostgreSQL server's; reader: its")
    print("warehouse-reading processes' CPU seconds; rolled back, so without the commit: on")
    print("SQLite its log's checkpoint takes about 3 s more at L)")
    print(
        f"{'scale':5} {'warehouse':10} {'into':10} {'rows':>10} {'sync':>9} {'cpu':>8} "
        f"{'reader':>8} {'rows/s':>9} {'RSS':>8} {'private':>8} {'duckdb':>8} {'RSS':>8} "
        f"{'ratio':>6}"
    )
    for scale, kind, db, count, synced, duck in lines:
        assert synced["rows"] == count == duck["rows"], (synced, duck, count)
        print(
            f"{scale:5} {kind:10} {db:10} {count:>10,} {synced['seconds']:>7.1f} s "
            f"{synced['cpu']:>6.1f} s {synced['reader_cpu']:>6.1f} s "
            f"{count / synced['seconds']:>9,.0f} "
            f"{synced['rss_mb']:>5.0f} MB "
            f"{synced['private_mb']:>5.0f} MB "
            f"{duck['seconds']:>6.1f} s {duck['rss_mb']:>5.0f} MB "
            f"{synced['seconds'] / duck['seconds']:>5.1f}×"
        )
    print(f"{pace_line(*paces)} (at the start, then after each sync)")


if __name__ == "__main__":
    main()
