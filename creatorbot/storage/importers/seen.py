"""Keys met in earlier chunks of a file (or of a sync), kept as 64-bit hashes with the row each
was first met on: a repeat is found across chunks in a few bytes per key."""

from __future__ import annotations

import numpy as np
import pandas as pd


class SeenKeys:
    """The keys met so far, sorted by hash, and the first row of each."""

    def __init__(self) -> None:
        self.keys = np.empty(0, dtype=np.uint64)
        self.rows = np.empty(0, dtype=np.int64)

    def first_rows(self, hashes: np.ndarray) -> np.ndarray:
        """The row each hash was first met on, -1 where it was not met."""
        at = np.searchsorted(self.keys, hashes)
        found = at < len(self.keys)
        found[found] = self.keys[at[found]] == hashes[found]
        first = np.full(len(hashes), -1, dtype=np.int64)
        first[found] = self.rows[at[found]]
        return first

    def add(self, hashes: np.ndarray, rows: np.ndarray) -> None:
        """Remember `hashes` met on `rows` (in row order); a key met before keeps its first row."""
        new = ~pd.Series(hashes).duplicated(keep="first").to_numpy() & (self.first_rows(hashes) < 0)
        keys = np.concatenate([self.keys, hashes[new]])
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.rows = np.concatenate([self.rows, np.asarray(rows, dtype=np.int64)[new]])[order]


def key_hashes(frame: pd.DataFrame) -> np.ndarray:
    """Each row's hash of `frame`'s columns (the key)."""
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()
