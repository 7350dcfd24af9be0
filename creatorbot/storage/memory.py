"""Memory an import freed, handed back to the system: glibc keeps a freed heap for the process
otherwise, so a bot importing every day would hold its largest import's peak for good. While
a sync or the upkeep after an import runs, its arrays are reused from the heap rather than
mapped afresh."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

logger = logging.getLogger(__name__)

# glibc's mallopt parameters (malloc.h). While big work runs: no block mapped on its own below
# 1 GiB; the heap grown 64 MiB at a time and trimmed only past 128 MiB free at its top (keeping
# more gained nothing measurable at a million creators).
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
HELD = {M_MMAP_THRESHOLD: 1 << 30, M_TRIM_THRESHOLD: 128 << 20, M_TOP_PAD: 64 << 20}
# Afterwards: what glibc's own sliding threshold reaches once a big block was freed (32 MiB,
# trimmed past twice that), and its default padding.
AFTER = {M_MMAP_THRESHOLD: 32 << 20, M_TRIM_THRESHOLD: 64 << 20, M_TOP_PAD: 128 << 10}

_depth = 0
_lock = threading.Lock()


def release_memory() -> None:
    """Return the heap's free pages to the system (glibc's malloc_trim); nothing elsewhere."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@contextmanager
def arrays_on_heap() -> Iterator[None]:
    """Big work (a sync, the upkeep after an import): while it runs, large arrays come
    from the heap and go back to it when freed. glibc otherwise maps each one afresh and unmaps
    it on free, and every page of a new mapping faults in on first touch: some 40% of the time
    of building a million creators' anomaly matrix. On leaving the outermost block, the heap's
    free pages go back to the system. Nested blocks, and blocks of concurrent imports on other
    threads, are one block."""
    global _depth
    libc = _glibc()
    with _lock:
        _depth += 1
        if _depth == 1 and libc is not None:
            _set(libc, HELD)
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and libc is not None:
                _set(libc, AFTER)
                libc.malloc_trim(0)


def _set(libc: ctypes.CDLL, values: dict[int, int]) -> None:
    for parameter, value in values.items():
        libc.mallopt(parameter, value)


@cache
def _glibc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        libc = None
    if libc is None or not all(hasattr(libc, f) for f in ("malloc_trim", "mallopt")):
        logger.debug("no malloc_trim or mallopt in %s", name)  # not glibc (musl, macOS)
        return None
    return libc
