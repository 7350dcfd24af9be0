"""Files read (and written) a few rows at a time give the figures of the file read whole: a
creator's orders spread over every chunk are summed to one creator-day, the preview counts what
is new, a key or an order repeated in a later chunk is named, and a bad row in the last chunk
writes nothing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage import dailyparts
from creatorbot.storage.daycolumns import read_day
from creatorbot.storage.importers import ImportFailed, import_file, prepare, read, run, textscan
from creatorbot.storage.models import Creator
from tests.storage import native_exports as ne
from tests.storage.native_world import add_creators, stored

CHUNK = 7  # rows read at a time: every file below spans several chunks
HANDLES = ["aisyah.beauty", "farid.gadgets", "mei.home"]
DAYS = [dt.date(2026, 12, 1), dt.date(2026, 12, 2)]
MONEY = ("gmv", "live_gmv", "video_gmv")


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files read, and daily metrics written, CHUNK rows at a time."""
    monkeypatch.setattr(read, "CHUNK_ROWS", CHUNK)
    monkeypatch.setattr(run, "WRITE_ROWS", CHUNK)


@pytest.mark.parametrize(
    "style", [ne.ENGLISH, ne.UNICODE_TEXT, ne.XLSX], ids=["csv", "utf16", "xlsx"]
)
def test_orders_spread_over_chunks_are_summed_to_creator_days(
    sessions: sessionmaker[Session], tmp_path: Path, small_chunks: None, style: ne.Style
) -> None:
    add_creators(sessions, tmp_path, "MY", HANDLES)
    orders = ne.random_orders(HANDLES, DAYS, 120, seed=11)
    path = ne.write(ne.order_rows(orders, "en", style, "MYR"), tmp_path, "orders", style)
    # Every creator-day has orders in the first chunk and in the last.
    first, last = orders[:CHUNK], orders[-CHUNK:]
    spread = {(o.created.date(), o.handle) for o in first} & {
        (o.created.date(), o.handle) for o in last
    }
    assert spread

    want: dict[tuple[dt.date, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for order in orders:
        totals = want[(order.created.date(), order.handle)]
        totals["gmv"] += order.minor
        totals["orders"] += 1
        totals["items_sold"] += order.quantity
        totals["live_gmv"] += order.minor if order.content == "LIVE" else 0
        totals["video_gmv"] += order.minor if order.content == "Video" else 0

    with sessions.begin() as session:
        preview = prepare(path, session=session).preview
    assert (preview.rows, preview.new, preview.updated) == (len(want), len(want), 0)
    assert preview.days == tuple(DAYS)
    for attempt in range(2):
        with sessions.begin() as session:
            result = import_file(None, path, session=session)
        assert (result.inserted, result.updated) == ((len(want), 0) if attempt == 0 else (0, 6))
        with sessions() as session:
            got = stored(session)
        assert {(row["date"], row["handle"]) for row in got} == set(want)
        for row in got:
            totals = want[(row["date"], row["handle"])]
            for name in ("gmv", "orders", "items_sold", "live_gmv", "video_gmv"):
                assert row[name] == totals[name], (row["handle"], name)


def test_a_canonical_file_in_chunks_counts_new_and_updated_rows_exactly(
    sessions: sessionmaker[Session], tmp_path: Path, small_chunks: None
) -> None:
    handles = [f"creator.{n:02d}" for n in range(40)]
    add_creators(sessions, tmp_path, "MY", handles)
    frame = ne.canonical_day(handles, "MY", DAYS[0], seed=3)
    with sessions.begin() as session:  # the first twelve are stored already
        import_file(
            "daily_metrics", ne.canonical_csv(frame.iloc[:12], tmp_path, "some"), session=session
        )

    path = ne.canonical_csv(frame, tmp_path)
    with sessions.begin() as session:
        preview = prepare(path, session=session).preview
    assert (preview.rows, preview.new, preview.updated) == (40, 28, 12)
    with sessions.begin() as session:
        result = import_file(None, path, session=session)
    assert (result.rows, result.inserted, result.updated) == (40, 28, 12)
    with sessions() as session:
        got = pd.DataFrame(stored(session)).set_index("handle").sort_index()
    want = frame.set_index("handle").sort_index()
    for name in ne.METRICS:
        assert got[name].tolist() == want[name].tolist(), name


def test_a_creator_id_column_in_a_file_is_ignored_and_said_so(
    sessions: sessionmaker[Session], tmp_path: Path, small_chunks: None
) -> None:
    # Validation keeps the ids of the creators it found for the writer: a column of the file
    # with that name is none of them, and the preview says it is not read.
    handles = [f"creator.{n:02d}" for n in range(20)]
    add_creators(sessions, tmp_path, "MY", handles)
    frame = ne.canonical_day(handles, "MY", DAYS[0], seed=5)
    path = ne.canonical_csv(frame, tmp_path)
    pd.read_csv(path, dtype=str).assign(creator_id="999999").to_csv(path, index=False)
    with sessions.begin() as session:
        preview = prepare(path, session=session).preview
    assert "creator_id" in preview.unmatched
    assert "creator_id" not in preview.matched
    with sessions.begin() as session:
        assert import_file(None, path, session=session).inserted == 20
    with sessions() as session:
        got = pd.DataFrame(stored(session)).set_index("handle").sort_index()
    want = frame.set_index("handle").sort_index()
    assert got.index.tolist() == sorted(handles)  # each row stored under its own creator
    assert got["gmv"].tolist() == want["gmv"].tolist()


def test_an_export_written_in_parts_keeps_what_it_lacks_where_a_row_is_stored(
    sessions: sessionmaker[Session], tmp_path: Path, small_chunks: None
) -> None:
    # Parts of a new day store nothing the later parts need to read back; but where a row of
    # the day is stored, the LIVE minutes the creator export lacks stay as they were.
    handles = [f"creator.{n:02d}" for n in range(30)]
    add_creators(sessions, tmp_path, "MY", handles)
    before = ne.canonical_day(handles, "MY", DAYS[0], seed=5)
    before = before.assign(live_minutes=[30 + n for n in range(len(before))])
    kept = before.iloc[::4]  # one row in four stored: some in every part written
    with sessions.begin() as session:
        import_file("daily_metrics", ne.canonical_csv(kept, tmp_path, "some"), session=session)
    after = ne.canonical_day(handles, "MY", DAYS[0], seed=6)
    path = ne.write(ne.performance_rows(after, "en", ne.ENGLISH), tmp_path, "perf", ne.ENGLISH)
    with sessions.begin() as session:
        result = import_file(None, path, session=session)
    assert (result.inserted, result.updated) == (len(handles) - len(kept), len(kept))
    minutes = dict(zip(kept["handle"], kept["live_minutes"], strict=True))
    with sessions() as session:
        got = {row["handle"]: row for row in stored(session)}
    assert set(got) == set(handles)
    for row in after.itertuples(index=False):
        assert got[row.handle]["live_minutes"] == minutes.get(row.handle, 0), row.handle
        assert got[row.handle]["gmv"] == row.gmv
        assert got[row.handle]["video_views"] == row.video_views


def test_a_creator_export_in_chunks_counts_and_creates_its_new_creators(
    sessions: sessionmaker[Session], tmp_path: Path, small_chunks: None
) -> None:
    handles = [f"creator.{n:02d}" for n in range(30)]
    known = handles[::3]  # the unknown ones are in every chunk
    add_creators(sessions, tmp_path, "MY", known)
    frame = ne.canonical_day(handles, "MY", DAYS[0], seed=8)
    rows = ne.performance_rows(frame, "en", ne.ENGLISH)
    path = ne.write(rows, tmp_path, "creator_data", ne.ENGLISH)

    with sessions.begin() as session:
        preview = prepare(path, session=session).preview
    assert preview.unknown_creators == len(handles) - len(known)
    assert (preview.rows, preview.new) == (30, 30)
    with sessions.begin() as session:
        import_file(None, path, session=session)
    with sessions() as session:
        got = {row["handle"]: row for row in stored(session)}
    assert set(got) == set(handles)
    for row in frame.itertuples(index=False):
        assert got[row.handle]["gmv"] == row.gmv
        assert got[row.handle]["video_views"] == row.video_views


def test_a_bad_row_in_the_last_chunk_writes_nothing(
    sessions: sessionmaker[Session], tmp_path: Path, small_chunks: None
) -> None:
    handles = [f"creator.{n:02d}" for n in range(30)]
    add_creators(sessions, tmp_path, "MY", handles)
    frame = ne.canonical_day(handles, "MY", DAYS[0], seed=4)
    path = ne.canonical_csv(frame, tmp_path)
    lines = path.read_text().splitlines()
    lines[-1] = lines[-1].rsplit(",", 1)[0] + ",lots"
    path.write_text("\n".join(lines) + "\n")

    with sessions.begin() as session, pytest.raises(ImportFailed) as failed:
        import_file(None, path, session=session)
    assert [(e.row, e.column, e.value) for e in failed.value.errors] == [
        (31, "new_followers", "lots")
    ]
    with sessions() as session:
        assert stored(session) == []


def test_repeats_in_later_chunks_are_named_with_their_first_row(
    sessions: sessionmaker[Session], tmp_path: Path, small_chunks: None
) -> None:
    handles = [f"creator.{n:02d}" for n in range(30)]
    add_creators(sessions, tmp_path, "MY", handles)
    frame = ne.canonical_day(handles, "MY", DAYS[0], seed=4)
    frame = pd.concat([frame, frame.iloc[[2]]], ignore_index=True)  # row 4 again, as row 32
    with sessions.begin() as session, pytest.raises(ImportFailed) as failed:
        import_file(None, ne.canonical_csv(frame, tmp_path), session=session)
    (error,) = failed.value.errors
    assert error.row == 32 and "row 4" in error.problem

    orders = ne.random_orders(HANDLES[:1], DAYS, 20, seed=2)
    add_creators(sessions, tmp_path, "MY", HANDLES[:1])
    again = [*orders, orders[1]]  # the order of row 3, as row 22
    path = ne.write(ne.order_rows(again, "en", ne.ENGLISH, "MYR"), tmp_path, "o", ne.ENGLISH)
    with sessions.begin() as session, pytest.raises(ImportFailed) as failed:
        import_file(None, path, session=session)
    (error,) = failed.value.errors
    assert error.row == 22 and "row 3" in error.problem
    with sessions() as session:
        assert stored(session) == []


def test_problems_in_many_chunks_are_reported_as_for_the_whole_file(
    sessions: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handles = [f"creator.{n:03d}" for n in range(120)]
    add_creators(sessions, tmp_path, "MY", handles[:100])  # 20 unknown creators
    frame = ne.canonical_day(handles, "MY", DAYS[0], seed=6)
    path = ne.canonical_csv(frame, tmp_path)
    lines = path.read_text().splitlines()
    for n in range(1, len(lines), 3):  # 40 bad counts, the first on row 2
        fields = lines[n].split(",")
        fields[4] = "-1"
        lines[n] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n")

    def problems(chunk: int) -> tuple[int, list[str]]:
        monkeypatch.setattr(read, "CHUNK_ROWS", chunk)
        with sessions.begin() as session, pytest.raises(ImportFailed) as failed:
            import_file(None, path, session=session)
        return failed.value.total_errors, [str(e) for e in failed.value.errors]

    total, errors = problems(CHUNK)
    assert total == 40 + 20
    assert len(errors) == 50
    assert errors[0].startswith("row 2, column orders")
    assert (total, errors) == problems(10_000)


def test_a_byte_that_is_not_utf8_past_the_first_block_is_named_by_line_and_position(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    # The file is checked a block at a time: a line running over the end of the first block,
    # with a character cut in two by it, is still named by its own number and position.
    line = b"MY,gold,1,5\n"
    lines = (textscan.BLOCK - 100) // len(line)
    head = b"market,tier,rank,min_gmv_30d\n" + line * lines
    pad = b"x" * (textscan.BLOCK - 1 - len(head) - 6)
    bad = b"IT,oro" + pad + "é".encode() + b" \xe8,1,5\n"  # é starts at the block's last byte
    (tmp_path / "tiers.csv").write_bytes(head + bad)
    with sessions.begin() as session, pytest.raises(ImportFailed) as failed:
        import_file("tiers", tmp_path / "tiers.csv", session=session)
    (error,) = failed.value.errors
    assert error.row == lines + 2
    position = 6 + len(pad) + 2 + 1 + 1
    assert f"(byte 0xE8 at position {position} of this line)" in error.problem


def test_new_days_in_scattered_parts_are_stored_whole_when_held_rows_are_flushed_midway(
    sessions: sessionmaker[Session],
    tmp_path: Path,
    small_chunks: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A file of new days, its rows shuffled across parts, its parts' new rows held and
    inserted in batches (a flush every few parts): every row is stored once, the progress
    counts each row once, and the day columns the boards read hold the file's figures."""
    monkeypatch.setattr(dailyparts, "HELD_ROWS", 3 * CHUNK)
    handles = [f"creator.{n:02d}" for n in range(30)]
    add_creators(sessions, tmp_path, "MY", handles)
    frame = pd.concat(
        [ne.canonical_day(handles, "MY", day, seed=n) for n, day in enumerate(DAYS)]
    ).sample(frac=1, random_state=5)
    told: list[int] = []
    with sessions.begin() as session:
        result = import_file(
            None, ne.canonical_csv(frame, tmp_path), session=session, progress=told.append
        )
    assert (result.rows, result.inserted, result.updated) == (60, 60, 0)
    assert sum(told) == 60
    with sessions() as session:
        got = pd.DataFrame(stored(session)).set_index(["date", "handle"]).sort_index()
        ids = dict(session.execute(select(Creator.handle, Creator.id)).all())
        columns = {day: read_day("MY", day, session=session) for day in DAYS}
    want = frame.set_index(["date", "handle"]).sort_index()
    for name in ne.METRICS:
        assert got[name].tolist() == want[name].tolist(), name
    for day, stored_day in columns.items():
        assert stored_day is not None
        of_day = frame[frame["date"] == day].assign(creator_id=lambda f: f["handle"].map(ids))
        of_day = of_day.sort_values("creator_id")
        assert stored_day["creator_id"].tolist() == of_day["creator_id"].tolist()
        assert stored_day["gmv"].tolist() == of_day["gmv"].tolist()
