"""Every creator's GMV figures as of the segments' day (ids ascending; GMV of the last 7 days,
of the 7 before, of the last 30 and the 30 before), kept packed beside the segments so a
portfolio or a segment's leaderboard picks its creators' figures out of a few arrays instead
of summing a month of day columns; with the digest of the days' stamps they were read under."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy.orm import Session

from creatorbot.analytics.segments import HISTORY, Figures
from creatorbot.storage.packed import pack, unpack
from creatorbot.storage.stamps import day_stamps, digest

NAMES = ("creator_id", "gmv_7d", "gmv_prev_7d", "gmv_30d", "gmv_prev_30d")


def pack_figures(figures: Figures) -> bytes:
    """The figures' arrays, ids ascending, as bytes (the same figures, the same bytes)."""
    order = np.argsort(figures.ids, kind="stable")
    arrays = {
        "creator_id": figures.ids[order],
        "gmv_7d": figures.weeks[-1][order],
        "gmv_prev_7d": figures.weeks[-2][order],
        "gmv_30d": figures.now[order],
        "gmv_prev_30d": figures.before[order],
    }
    # Each array as .npy bytes behind its length (not .npz: a zip's entries carry the time they
    # were written, and the same figures must pack to the same bytes), in the narrowest integer
    # type that holds it: at a million creators the figures are written on every import.
    parts = []
    for name in NAMES:
        data = pack(arrays[name])
        parts += [len(data).to_bytes(8, "little"), data]
    return b"".join(parts)


def days_digest(market: str, end: dt.date, *, session: Session) -> str:
    """The stamps of the sixty days up to `end` the figures are read from, digested."""
    return stamps_digest(
        day_stamps(market, end - dt.timedelta(days=HISTORY - 1), end, session=session)
    )


def stamps_digest(stamps: dict[dt.date, str]) -> str:
    """The days' stamps (by day) digested, as `days_digest` digests them."""
    return digest(*(f"{day.isoformat()}={stamp}".encode() for day, stamp in sorted(stamps.items())))


def unpack_figures(data: bytes) -> dict[str, np.ndarray]:
    """The arrays `pack_figures` packed."""
    found, at = {}, 0
    for name in NAMES:
        size = int.from_bytes(data[at : at + 8], "little")
        found[name] = unpack(data[at + 8 : at + 8 + size])
        at += 8 + size
    return found
