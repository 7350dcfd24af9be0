"""Two imports of overlapping days at once, each in its own process: both finish (one waits for
the other), the stored figures are the later one's wherever they overlap, and the new/updated
counts each reports add up to what was written."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import queue
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.db import make_engine, make_sessionmaker
from creatorbot.storage.importers import import_file, prepare, write
from creatorbot.storage.models import Creator, DailyMetric

DAY = dt.date(2026, 11, 20)
CREATORS = 3_000
HEADER = (
    "date,market,handle,gmv,orders,items_sold,live_gmv,video_gmv,live_sessions,live_minutes,"
    "video_posts,video_views,new_followers"
)


def _metrics(path: Path, rows: list[tuple[dt.date, int]], offset: int) -> dict[Any, int]:
    """A daily metrics file for (day, creator) `rows`, GMV depending on `offset`; returns the
    figures as (day, handle): gmv in minor units."""
    figures = {(day, f"c{n}"): (n + offset) * 100 + 7 for day, n in rows}
    lines = [HEADER]
    for (day, handle), gmv in figures.items():
        amount = f"{gmv // 100}.{gmv % 100:02d}"
        lines.append(f"{day},MY,{handle},{amount},1,1,0,{amount},0,0,1,10,0")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return figures


def _worker(url: str, schema: str | None, path: str, barrier: Any, results: Any) -> None:
    """Prepare the file, wait for the other process to have prepared too, then write."""
    args = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
    engine = make_engine(url, **args)
    try:
        with make_sessionmaker(engine).begin() as session:
            prepared = prepare(Path(path), session=session, kind="daily_metrics")
            barrier.wait(timeout=60)
            result = write(prepared, session=session)
        results.put((path, result.inserted, result.updated, None))
    except Exception as exc:  # reported to the test, which fails on it
        results.put((path, 0, 0, repr(exc)))
    finally:
        engine.dispose()


def _where(engine: Engine) -> tuple[str, str | None]:
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name != "postgresql":
        return url, None
    with engine.connect() as connection:
        return url, connection.execute(text("SELECT current_schema()")).scalar_one()


@pytest.fixture
def creators(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "creators.csv"
    lines = ["handle,display_name,market,tier,category,followers,cm,am,joined_on"]
    lines += [f"c{n},C {n},MY,gold,beauty,1,,," for n in range(CREATORS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with sessions.begin() as session:
        import_file("creators", path, session=session)


@pytest.mark.usefixtures("creators")
@pytest.mark.parametrize("round_", range(2))
def test_two_imports_at_once(
    engine: Engine, sessions: sessionmaker[Session], tmp_path: Path, round_: int
) -> None:
    before = DAY - dt.timedelta(days=1)
    # A: one day for c0…c1999. B: that day and the one before for c1000…c2999. They overlap on
    # (DAY, c1000…c1999).
    a_rows = [(DAY, n) for n in range(2_000)]
    b_rows = [(day, n) for day in (before, DAY) for n in range(1_000, CREATORS)]
    a = _metrics(tmp_path / "a.csv", a_rows, offset=0)
    b = _metrics(tmp_path / "b.csv", b_rows, offset=50_000)
    overlap = a.keys() & b.keys()
    assert len(overlap) == 1_000

    url, schema = _where(engine)
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=_worker, args=(url, schema, str(path), barrier, results))
        for path in (tmp_path / "a.csv", tmp_path / "b.csv")
    ]
    for worker in workers:
        worker.start()
    reported = {}
    for _ in workers:
        try:
            path, inserted, updated, error = results.get(timeout=300)
        except queue.Empty:
            pytest.fail("an import did not finish")
        assert error is None, error
        reported[Path(path).name] = (inserted, updated)
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0

    # Whichever wrote second found the overlap stored: it updated those rows, the first updated
    # none, and its figures are the ones kept.
    first, second = sorted(reported, key=lambda name: reported[name][1])
    assert reported[first][1] == 0
    assert reported[second][1] == len(overlap)
    assert sum(inserted for inserted, _ in reported.values()) == len(a.keys() | b.keys())
    later, earlier = (b, a) if second == "b.csv" else (a, b)
    expected = {**earlier, **later}
    with sessions.begin() as session:
        stored = {
            (day, handle): gmv
            for day, handle, gmv in session.execute(
                select(DailyMetric.date, Creator.handle, DailyMetric.gmv).join(
                    Creator, Creator.id == DailyMetric.creator_id
                )
            )
        }
    assert stored == expected


def test_a_file_of_several_markets_holds_every_one_of_them_from_its_first_part(
    pg_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file written in parts takes all its markets' locks before the first part, in the one
    order every writer uses: were it to lock MY for its first part and IT only for a later one,
    a writer holding IT and waiting for MY (a campaign recompute) would deadlock with it."""
    from creatorbot.storage import writer
    from creatorbot.storage.advisory import try_xact_lock
    from creatorbot.storage.importers import run

    sessions = make_sessionmaker(pg_engine)
    lines = ["handle,display_name,market,tier,category,followers,cm,am,joined_on"]
    lines += [f"m{n},M {n},MY,gold,beauty,1,,," for n in range(30)]
    lines += [f"i{n},I {n},IT,gold,beauty,1,,," for n in range(30)]
    (tmp_path / "creators.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with sessions.begin() as session:
        import_file("creators", tmp_path / "creators.csv", session=session)
    lines = [HEADER]
    lines += [f"{DAY},MY,m{n},1.00,1,1,0,1.00,0,0,1,10,0" for n in range(30)]
    lines += [f"{DAY},IT,i{n},1.00,1,1,0,1.00,0,0,1,10,0" for n in range(30)]
    (tmp_path / "days.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(run, "WRITE_ROWS", 20)  # three parts: MY, MY and IT, IT

    free_during_first_part: dict[str, bool] = {}
    real = writer.lock_markets

    def first_part_then_look(markets: Any, *, session: Session) -> None:
        real(markets, session=session)
        if free_during_first_part:
            return
        with sessions.begin() as other:  # another writer, in its own transaction
            for market in ("IT", "MY"):
                free_during_first_part[market] = try_xact_lock(
                    f"daily_metrics:{market}", session=other
                )

    monkeypatch.setattr(writer, "lock_markets", first_part_then_look)
    with sessions.begin() as session:
        import_file("daily_metrics", tmp_path / "days.csv", session=session)
    assert free_during_first_part == {"IT": False, "MY": False}
