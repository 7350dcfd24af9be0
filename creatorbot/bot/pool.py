"""The worker pool that answers after the ack, with a bounded backlog: past it, work is refused
at once (`Busy`) so people are told to try again instead of waiting minutes for an answer."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from creatorbot.commands.i18n import Lang

P = ParamSpec("P")
T = TypeVar("T")


class Busy(RuntimeError):
    """Every worker is busy and the backlog is full."""


def busy_message(lang: Lang) -> str:
    """What someone is told when their request finds the pool full."""
    return lang._("I'm answering a lot of requests right now. Please try again in a minute.")


class WorkPool(Executor):
    """`workers` threads and at most `backlog` tasks waiting for one."""

    def __init__(self, workers: int, backlog: int) -> None:
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="work")
        self._slots = threading.BoundedSemaphore(workers + backlog)
        self.capacity = workers + backlog
        self.workers = workers
        self._held = 0  # tasks submitted and not done
        self._count = threading.Lock()
        self.on_change: Callable[[], object] | None = None  # after a task is queued or done

    @property
    def in_flight(self) -> int:
        """Tasks running or waiting for a worker."""
        with self._count:
            return self._held

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Queue `fn`, or raise `Busy` without queuing it when the pool holds all it may."""
        if not self._slots.acquire(blocking=False):
            raise Busy(f"{self.capacity} tasks running or waiting")
        with self._count:
            self._held += 1
        self._changed()
        try:
            future = self._pool.submit(fn, *args, **kwargs)
        except BaseException:
            self._free(None)
            raise
        future.add_done_callback(self._free)
        return future

    def _free(self, _done: Future[Any] | None) -> None:
        with self._count:
            self._held -= 1
        self._slots.release()
        self._changed()

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def running(self) -> int:
        """Tasks a worker is on now."""
        with self._count:
            return min(self._held, self.workers)

    def queued(self) -> int:
        """Tasks waiting for a free worker (the backlog in use)."""
        with self._count:
            return max(self._held - self.workers, 0)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)
