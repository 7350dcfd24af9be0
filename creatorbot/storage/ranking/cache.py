"""A bounded least-recently-used cache of arrays, each entry valid for one write stamp."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

DEFAULT_MB = 256


def _size(value: Any) -> int:
    """Bytes held by an entry's arrays (a tuple, dict or object counts its members; anything
    else counts 64)."""
    import numpy as np  # here: `configure` at every start needs no numpy

    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, tuple):
        return sum(_size(part) for part in value)
    if isinstance(value, dict):
        return sum(_size(part) for part in value.values())
    members = getattr(value, "__dict__", None)
    if members is not None:
        return sum(_size(part) for part in members.values())
    return 64


class Cache:
    """Entries keyed by what they are, each stored with the stamp it was read under: a get with
    another stamp misses (the thing was rewritten since). Least recently used entries go first
    once the arrays held pass `limit` bytes; an entry bigger than the limit is not kept."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._entries: OrderedDict[Hashable, tuple[Hashable, Any, int]] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()

    @property
    def held(self) -> int:
        """Bytes held now."""
        return self._held

    def get(self, key: Hashable, stamp: Hashable) -> Any | None:
        """The value stored for `key` under `stamp`, else None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != stamp:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, stamp: Hashable, value: Any) -> None:
        """Keep `value` for `key` under `stamp` (replacing any other), evicting as needed."""
        size = _size(value)
        with self._lock:
            self._drop(key)
            if size > self.limit:
                return
            self._entries[key] = (stamp, value, size)
            self._held += size
            while self._held > self.limit:
                self._drop(next(iter(self._entries)))

    def resize(self, limit: int) -> None:
        """Bound the cache to `limit` bytes from now on, evicting at once down to it."""
        with self._lock:
            self.limit = limit
            while self._held > self.limit:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
            self._held = 0

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._held -= entry[2]


CACHE = Cache(DEFAULT_MB << 20)


def configure(megabytes: int) -> None:
    """Bound the process's cache of day columns and creators to `megabytes` (0: no caching)."""
    CACHE.resize(max(0, megabytes) << 20)
