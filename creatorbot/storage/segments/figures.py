"""Every creator's GMV figures as of the segments' day (ids ascending; GMV of the last 7 days,
of the 7 before and of the last 30), kept packed beside the segments so a portfolio picks its
creators' figures out of three arrays instead of summing a month of day columns."""

from __future__ import annotations

import io

import numpy as np

from creatorbot.analytics.segments import Figures

NAMES = ("creator_id", "gmv_7d", "gmv_prev_7d", "gmv_30d")


def pack_figures(figures: Figures) -> bytes:
    """The figures' arrays, ids ascending, as .npz bytes."""
    order = np.argsort(figures.ids, kind="stable")
    arrays = {
        "creator_id": figures.ids[order],
        "gmv_7d": figures.weeks[-1][order],
        "gmv_prev_7d": figures.weeks[-2][order],
        "gmv_30d": figures.now[order],
    }
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


def unpack_figures(data: bytes) -> dict[str, np.ndarray]:
    """The arrays `pack_figures` packed."""
    with np.load(io.BytesIO(data)) as found:
        return {name: found[name] for name in NAMES}
