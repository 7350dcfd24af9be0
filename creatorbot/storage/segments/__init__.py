"""Segments: each market's attention, potential, level-up, at-risk, dormant and new creators,
computed from the day columns by the write path and kept, with the figures that explain them."""

from creatorbot.storage.segments.read import (
    creator_segments,
    segment_members,
    segment_rows,
    segment_stamp,
)
from creatorbot.storage.segments.refresh import (
    configure,
    refresh_segments,
    refresh_stale,
    stale_markets,
)

__all__ = [
    "configure",
    "creator_segments",
    "refresh_segments",
    "refresh_stale",
    "segment_members",
    "segment_rows",
    "segment_stamp",
    "stale_markets",
]
