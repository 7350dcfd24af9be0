"""A segment's members as the database keeps them: a few packed arrays per segment (the creator
ids in the segment's order, and each figure the segment fills, aligned), as match pools are
kept; and one member's figures as the card and the boards show them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from creatorbot.storage.packed import pack, unpack

ID = "creator_id"
FIGURES = ("gmv_now", "gmv_before", "target", "pace_needed", "pace_now", "days")
TIER = "tier"  # each member's code into TIER_NAMES
TIER_NAMES = "tier_names"
MISSING = ":missing"  # after a figure's name: which members lack it, when only some do


@dataclass(frozen=True)
class Membership:
    """One creator in one segment, with the figures that explain it (None: the segment does
    not fill that figure) and their place in it (1: what to look at first)."""

    segment: str
    creator_id: int
    rank: int
    gmv_now: int | None = None
    gmv_before: int | None = None
    target: int | None = None
    pace_needed: int | None = None
    pace_now: int | None = None
    days: int | None = None
    tier: str | None = None


@dataclass(frozen=True)
class Members:
    """A segment's members in its order, each figure aligned (absent: not filled)."""

    segment: str
    ids: np.ndarray  # int64
    figures: dict[str, np.ndarray]  # int64, or float64 with NaN where some members lack it
    tiers: np.ndarray | None  # object: the tier each member's figures refer to

    def __len__(self) -> int:
        return len(self.ids)

    def membership(self, at: int) -> Membership:
        """The member in place `at` (0: the first)."""
        values: dict[str, int | None] = {}
        for name, column in self.figures.items():
            value = column[at]
            values[name] = None if value != value else int(value)  # NaN: this one lacks it
        tier = None if self.tiers is None else self.tiers[at]
        return Membership(
            self.segment, int(self.ids[at]), at + 1, **values, tier=None if tier is None else tier
        )

    def sorted_ids(self) -> np.ndarray:
        """The member ids, ascending."""
        return np.sort(self.ids)


def pack_members(found: pd.DataFrame) -> Iterator[tuple[str, str, bytes]]:
    """(segment, name, data) of every column of every segment in `found` (the rows of
    `analytics.segments.compute`), members in rank order: the same rows, the same bytes."""
    for segment, rows in found.groupby("segment", sort=True):
        rows = rows.sort_values("rank", kind="mergesort")
        yield str(segment), ID, pack(rows[ID].to_numpy(dtype=np.int64))
        for name in FIGURES:
            column = rows[name]
            missing = column.isna().to_numpy()
            if missing.all():
                continue
            yield str(segment), name, pack(column.fillna(0).to_numpy(dtype=np.int64))
            if missing.any():
                yield str(segment), name + MISSING, pack(missing.astype(np.int8))
        tiers = rows[TIER]
        if tiers.notna().any():
            codes, names = pd.factorize(tiers, sort=True)  # a missing tier: code -1
            yield str(segment), TIER, pack(codes.astype(np.int64))
            yield str(segment), TIER_NAMES, _pack_text(np.asarray(names, dtype=str))


def unpack_members(segment: str, columns: dict[str, bytes]) -> Members:
    """The segment `pack_members` packed as `columns` (name → data)."""
    ids = unpack(columns[ID])
    figures: dict[str, np.ndarray] = {}
    for name in FIGURES:
        if name not in columns:
            continue
        values = unpack(columns[name])
        if name + MISSING in columns:
            lacking = unpack(columns[name + MISSING]).astype(bool)
            values = np.where(lacking, np.nan, values.astype(np.float64))
        figures[name] = values
    tiers = None
    if TIER in columns:
        codes = unpack(columns[TIER])
        spelled = np.load(io.BytesIO(columns[TIER_NAMES]), allow_pickle=False)
        names = np.array([*spelled.tolist(), None], dtype=object)
        tiers = names[codes]  # -1 picks the None appended
    return Members(segment, ids, figures, tiers)


def _pack_text(values: np.ndarray) -> bytes:
    out = io.BytesIO()
    np.save(out, values, allow_pickle=False)
    return out.getvalue()
