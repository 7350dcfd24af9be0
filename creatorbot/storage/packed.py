"""Integer arrays packed as .npy bytes in the narrowest type that holds them: how day columns,
match pools and segments are kept."""

from __future__ import annotations

import io

import numpy as np


def pack(values: np.ndarray) -> bytes:
    """A 1-d integer array as .npy bytes in the narrowest integer type that holds it exactly."""
    narrow = values.astype(narrowest(values)) if len(values) else values.astype(np.int8)
    out = io.BytesIO()
    np.save(out, narrow, allow_pickle=False)
    return out.getvalue()


def unpack(data: bytes, *, widen: bool = True) -> np.ndarray:
    """The array `pack` stored, widened to int64 unless the caller adds it into int64 anyway."""
    array = np.load(io.BytesIO(data), allow_pickle=False)
    return array.astype(np.int64) if widen else array


def narrowest(values: np.ndarray) -> np.dtype:
    """The narrowest integer type that holds every one of `values` exactly."""
    low, high = int(values.min()), int(values.max())
    for kind in (np.int8, np.int16, np.int32):
        info = np.iinfo(kind)
        if info.min <= low and high <= info.max:
            return np.dtype(kind)
    return np.dtype(np.int64)
