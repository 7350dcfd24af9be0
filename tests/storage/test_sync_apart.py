"""A large market's warehouse is read in a process of its own: the chunks are those read in
place, a failure of the warehouse is raised as it would be in place, a reader that dies is an
error and never a short day, and a consumer that stops stops the reader."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from creatorbot.storage.importers.kinds import BY_NAME
from creatorbot.storage.sync.apart import read_apart
from creatorbot.storage.sync.sources import Query, Source
from creatorbot.storage.sync.stream import WarehouseError, chunks
from creatorbot.storage.sync.typed import typed
from tests.storage.warehouse import COLUMNS, DAY, SELECT, creator_days, sqlite_warehouse

PARAMS = {"day": DAY, "market": "MY"}
UNITS = {"MY": 2}


def children() -> set[int]:
    """This process's children, as the kernel lists them."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
                found.add(int(entry.name))
    return found


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Source]:
    url, table = sqlite_warehouse(tmp_path / "warehouse.sqlite3", creator_days(30))
    query = Query(SELECT.format(table=table), COLUMNS)
    yield Source("dwh-my", url, {"daily_metrics": query}, markets=("MY",), chunk_rows=4)


def test_the_chunks_are_those_read_in_place(source: Source) -> None:
    spec, query = BY_NAME["daily_metrics"], source.queries["daily_metrics"]
    here = [typed(spec, t, UNITS) for t in chunks(source, query, PARAMS, label="x")]
    before = children()
    with read_apart(source, query, PARAMS, label="x", kind="daily_metrics", units=UNITS) as got:
        assert children() - before  # the reading runs in a process of its own
        there = list(got)
    assert [len(t.frame) for t in there] == [4] * 7 + [2]
    for mine, theirs in zip(here, there, strict=True):
        pd.testing.assert_frame_equal(mine.frame, theirs.frame)
        assert (mine.header, mine.parsed, mine.source) == (theirs.header, theirs.parsed, "x")
    assert "gmv" in there[0].parsed  # amounts typed by the reader, as in place
    assert children() == before


def test_a_failure_of_the_warehouse_is_raised_as_in_place(source: Source) -> None:
    wrong = Query("SELECT * FROM no_such_table WHERE stat_day = :day")
    with pytest.raises(WarehouseError) as in_place:
        list(chunks(source, wrong, PARAMS, label="x"))
    with (
        pytest.raises(WarehouseError) as there,
        read_apart(source, wrong, PARAMS, label="x", kind="daily_metrics", units=UNITS) as got,
    ):
        list(got)
    assert str(there.value) == str(in_place.value)
    assert "no such table: no_such_table" in str(there.value)


def test_a_reader_that_dies_is_an_error_never_a_short_day(source: Source) -> None:
    query = source.queries["daily_metrics"]
    before = children()
    with (
        pytest.raises(WarehouseError, match="stopped before the last row"),
        read_apart(source, query, PARAMS, label="x", kind="daily_metrics", units=UNITS) as got,
    ):
        next(got)
        (reader,) = children() - before
        os.kill(reader, signal.SIGKILL)
        list(got)  # what was already in the pipe, then the end of it
    assert children() == before


@pytest.mark.parametrize("failing", [False, True])
def test_a_consumer_that_stops_early_stops_the_reader(source: Source, failing: bool) -> None:
    query = source.queries["daily_metrics"]
    before = children()

    def consume() -> None:
        with read_apart(source, query, PARAMS, label="x", kind="daily_metrics", units=UNITS) as got:
            for n, _ in enumerate(got):
                if n == 1:
                    if failing:
                        raise ValueError("a bad row")
                    break

    if failing:
        with pytest.raises(ValueError, match="a bad row"):
            consume()
    else:
        consume()
    assert children() == before  # stopped, and waited for, as the block ended
