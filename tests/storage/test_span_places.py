"""Boards find each stored day's creators among the market's, whatever the spread of the ids."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from creatorbot.storage.boards.spans import Places

IDS = st.lists(st.integers(0, 2**40), max_size=40, unique=True)


def expected(ascending: list[int], ids: list[int]) -> tuple[list[bool], list[int]]:
    where = {creator: place for place, creator in enumerate(ascending)}
    return [i in where for i in ids], [where[i] for i in ids if i in where]


@given(st.lists(st.integers(1, 60), max_size=40, unique=True), st.lists(st.integers(-5, 70)))
def test_dense_ids_are_found_in_their_places(market: list[int], day: list[int]) -> None:
    ascending = sorted(market)
    known, position = Places(np.array(ascending, dtype=np.int64))(np.array(day, dtype=np.int64))
    assert (known.tolist(), position.tolist()) == expected(ascending, day)


@given(IDS, IDS)
def test_scattered_ids_are_found_in_their_places(market: list[int], day: list[int]) -> None:
    ascending = sorted(market)
    day = day + market[::2]  # some of the market's among ids it does not have
    known, position = Places(np.array(ascending, dtype=np.int64))(np.array(day, dtype=np.int64))
    assert (known.tolist(), position.tolist()) == expected(ascending, day)
