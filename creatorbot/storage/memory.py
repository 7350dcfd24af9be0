"""Memory an import freed, handed back to the system: glibc keeps a freed heap for the process
otherwise, so a bot importing every day would hold its largest import's peak for good."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Callable
from functools import cache

logger = logging.getLogger(__name__)


def release_memory() -> None:
    """Return the heap's free pages to the system (glibc's malloc_trim); nothing elsewhere."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        logger.debug("no malloc_trim in %s", name)
        return None
    return trim
