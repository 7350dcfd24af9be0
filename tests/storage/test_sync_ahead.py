"""A warehouse's chunks read one ahead on a thread of their own: in order, never more than one
ahead of the consumer, the reader's failure raised to the consumer, and a consumer that stops
early stops the reader, which closes the reading on its own thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from creatorbot.storage.sync.ahead import read_ahead


class Chunks:
    """Numbered chunks, noting how many were begun and on which thread it was closed."""

    def __init__(self, count: int, *, fail_at: int | None = None) -> None:
        self.count = count
        self.fail_at = fail_at
        self.begun = 0
        self.closed_on: str | None = None
        self.read_on: set[str] = set()

    def __iter__(self) -> Iterator[int]:
        try:
            for n in range(self.count):
                self.read_on.add(threading.current_thread().name)
                self.begun += 1
                if n == self.fail_at:
                    raise RuntimeError(f"chunk {n} could not be read")
                yield n
        finally:
            self.closed_on = threading.current_thread().name


def test_every_chunk_arrives_in_order_from_another_thread() -> None:
    chunks = Chunks(5)
    with read_ahead(iter(chunks)) as tables:
        assert list(tables) == [0, 1, 2, 3, 4]
    assert chunks.read_on == {"warehouse-reader"}
    assert chunks.closed_on == "warehouse-reader"


def test_the_reader_is_never_more_than_one_chunk_ahead() -> None:
    chunks = Chunks(10)
    seen = []
    with read_ahead(iter(chunks)) as tables:
        for n in tables:
            time.sleep(0.05)  # the reader has all the time it wants to run ahead
            seen.append(chunks.begun)
            assert chunks.begun <= n + 2  # the chunk in hand and the one after it
    assert seen[0] == 2


def test_a_failure_of_the_reader_is_raised_to_the_consumer() -> None:
    chunks = Chunks(5, fail_at=3)
    got = []
    with (
        pytest.raises(RuntimeError, match="chunk 3 could not be read"),
        read_ahead(iter(chunks)) as tables,
    ):
        got.extend(tables)
    assert got == [0, 1, 2]


@pytest.mark.parametrize("failing", [False, True])
def test_a_consumer_that_stops_early_stops_the_reader(failing: bool) -> None:
    chunks = Chunks(1_000)

    def consume() -> None:
        with read_ahead(iter(chunks)) as tables:
            for n in tables:
                if n == 2:
                    if failing:
                        raise ValueError("a bad row")
                    break

    if failing:
        with pytest.raises(ValueError, match="a bad row"):
            consume()
    else:
        consume()
    assert chunks.begun <= 4
    assert chunks.closed_on == "warehouse-reader"
    assert not any(t.name == "warehouse-reader" for t in threading.enumerate())
