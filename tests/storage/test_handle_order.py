"""Ties on a leaderboard go to the earlier handle, in Python's order of text, whatever the script
or length of the handles."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from creatorbot.storage.boards.compute import code_point_order, handle_tiebreak

# Letters from several scripts and planes, so UTF-8 sequences of one to four bytes meet; few of
# them, so long shared prefixes (across the eight-byte words) are common.
LETTERS = st.sampled_from(list("ab_.9") + ["é", "ß", "ñ", "ก", "ệ", "中", "😀", "\U00010000"])
HANDLES = st.lists(st.text(LETTERS, max_size=30), max_size=60, unique=True)


@given(HANDLES)
def test_handles_are_ordered_as_python_orders_them(handles: list[str]) -> None:
    ordered = [handles[i] for i in code_point_order(handles)]
    assert ordered == sorted(handles)


@given(HANDLES)
def test_the_earlier_handle_counts_more_creators_after_it(handles: list[str]) -> None:
    later = handle_tiebreak(pd.Series(handles, dtype=object))
    expected = [sum(other > handle for other in handles) for handle in handles]
    assert later.tolist() == expected


def test_a_prefix_sorts_before_the_handle_it_begins() -> None:
    handles = ["annabella_b", "annabella", "annabella_", "annabelk", ""]
    assert [handles[i] for i in code_point_order(handles)] == sorted(handles)
    assert code_point_order([]).tolist() == []
    assert np.array_equal(code_point_order(["zz", "z"]), [1, 0])
