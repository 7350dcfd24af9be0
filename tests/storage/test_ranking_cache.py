"""The ranking cache: an entry is served only under the stamp it was read with, and the arrays
held never pass the bound (least recently used go first)."""

from __future__ import annotations

import numpy as np

from creatorbot.storage.ranking.cache import Cache

KB = 1024


def block(n: int) -> np.ndarray:
    return np.zeros(n * KB, dtype=np.int8)


def test_another_stamp_misses() -> None:
    cache = Cache(10 * KB)
    cache.put("day", "a", block(1))
    assert cache.get("day", "a") is not None
    assert cache.get("day", "b") is None  # rewritten since: read again
    cache.put("day", "b", block(2))
    assert cache.get("day", "a") is None
    assert cache.held == 2 * KB


def test_the_bound_evicts_the_least_recently_used() -> None:
    cache = Cache(3 * KB)
    for key in ("one", "two", "three"):
        cache.put(key, 1, block(1))
    assert cache.get("one", 1) is not None  # now the most recently used
    cache.put("four", 1, block(1))
    assert cache.get("two", 1) is None
    assert [cache.get(k, 1) is not None for k in ("one", "three", "four")] == [True] * 3
    assert cache.held == 3 * KB
    cache.put("huge", 1, block(4))  # bigger than the bound: not kept, nothing evicted for it
    assert cache.get("huge", 1) is None and cache.held == 3 * KB
    cache.resize(1 * KB)
    assert cache.held <= 1 * KB and cache.get("four", 1) is not None
    cache.resize(0)
    assert cache.held == 0 and cache.get("four", 1) is None


def test_arrays_inside_dicts_count_towards_the_bound() -> None:
    cache = Cache(3 * KB)
    cache.put("findings", 1, {"gmv": (block(1), block(1))})
    assert cache.held == 2 * KB
    cache.put("more", 1, {"orders": block(2)})
    assert cache.get("findings", 1) is None and cache.held == 2 * KB
