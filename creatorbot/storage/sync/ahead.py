"""A warehouse's chunks read one ahead, on a thread of their own, while the current chunk is
validated and written: the warehouse's work (a server's query, SQLite's reading) overlaps the
bot's, and at most one more chunk is held."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

T = TypeVar("T")
WAIT_SECONDS = 0.1  # how often a reader waiting to hand over a chunk looks whether to stop
_ITEM, _DONE, _FAILED = range(3)
_END = object()


@contextmanager
def read_ahead(items: Iterator[T]) -> Iterator[Iterator[T]]:
    """`items` as they are produced, one ahead of their consumer, by a thread that does all of
    its work (and `items`' own closing, so a connection is used by one thread only). An
    exception of `items` is raised to the consumer. When the block ends the reader stops,
    after the chunk it is reading."""
    reader = _Reader(items)
    try:
        yield iter(reader)
    finally:
        reader.stop()


class _Reader(Generic[T]):
    def __init__(self, items: Iterator[T]) -> None:
        self._handed: queue.Queue[tuple[int, Any]] = queue.Queue(maxsize=1)
        # Taken before reading a chunk, given back as the consumer is done with one: the
        # reader is never more than one chunk ahead.
        self._room = threading.Semaphore(1)
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._read, args=(items,), name="warehouse-reader", daemon=True
        )
        self._thread.start()

    def __iter__(self) -> Iterator[T]:
        while True:
            what, value = self._handed.get()
            self._room.release()  # the chunk before this one is done with
            if what == _DONE:
                return
            if what == _FAILED:
                raise value
            yield value

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join()

    def _read(self, items: Iterator[T]) -> None:
        try:
            while self._wait(lambda timeout: self._room.acquire(timeout=timeout)):
                item = next(items, _END)
                if item is _END:
                    self._hand(_DONE, None)
                    return
                if not self._hand(_ITEM, item):
                    return
        except BaseException as exc:  # raised again to the consumer
            self._hand(_FAILED, exc)
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    def _hand(self, what: int, value: Any) -> bool:
        """Hand over one entry; False when the consumer has stopped."""

        def put(timeout: float) -> bool:
            try:
                self._handed.put((what, value), timeout=timeout)
            except queue.Full:
                return False
            return True

        return self._wait(put)

    def _wait(self, attempt: Callable[[float], bool]) -> bool:
        """Try `attempt(timeout)` until it succeeds (True) or the consumer stops (False)."""
        while not self._stopping.is_set():
            if attempt(WAIT_SECONDS):
                return True
        return False
