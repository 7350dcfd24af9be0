"""`compare`: every slot of either window, counts, rates and changes as worked out by hand,
undefined rates as NaN, ordered by impressions then slot name; `standouts` by CTR."""

from __future__ import annotations

import math

import pandas as pd

from creatorbot.analytics.slots import compare, standouts

COLUMNS = ["slot", "surface", "impressions", "clicks", "conversions"]


def frame(*rows: tuple[str, str, int, int, int]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=COLUMNS)


def test_every_slot_of_either_window_with_its_rates_and_changes() -> None:
    current = frame(
        ("Banner", "ec_center", 2_000, 50, 5),
        ("Zero", "pop_up", 0, 0, 0),
        ("Alpha", "landing_page", 2_000, 40, 0),
    )
    previous = frame(
        ("Banner", "ec_center", 1_000, 10, 1),
        ("Gone", "notification", 300, 3, 0),
    )
    result = compare(current, previous)
    # impressions descending, ties by slot name; a slot of the past window alone shows zeros
    assert result["slot"].tolist() == ["Alpha", "Banner", "Gone", "Zero"]
    assert result["surface"].tolist() == ["landing_page", "ec_center", "notification", "pop_up"]
    banner = result.set_index("slot").loc["Banner"]
    assert (banner["impressions"], banner["previous_impressions"]) == (2_000, 1_000)
    assert banner["ctr"] == 0.025 and banner["cvr"] == 0.1
    assert banner["previous_ctr"] == 0.01 and banner["previous_cvr"] == 0.1
    assert banner["impressions_change"] == 1.0  # (2,000 - 1,000) / 1,000
    assert math.isclose(banner["ctr_change"], 0.015) and banner["cvr_change"] == 0.0
    alpha = result.set_index("slot").loc["Alpha"]
    assert alpha["cvr"] == 0.0 and math.isnan(alpha["impressions_change"])  # none before
    zero = result.set_index("slot").loc["Zero"]
    assert math.isnan(zero["ctr"]) and math.isnan(zero["cvr"]) and math.isnan(zero["ctr_change"])
    gone = result.set_index("slot").loc["Gone"]
    assert (gone["impressions"], gone["previous_clicks"]) == (0, 3)
    assert gone["impressions_change"] == -1.0 and math.isnan(gone["ctr_change"])
    assert str(result["impressions"].dtype) == "int64"


def test_no_slot_in_either_window_is_empty() -> None:
    assert compare(frame(), frame()).empty


def test_standouts_by_ctr_ties_to_the_first_name() -> None:
    slots = compare(
        frame(
            ("B", "pop_up", 1_000, 30, 0),
            ("A", "pop_up", 1_000, 30, 0),
            ("C", "pop_up", 4_000, 40, 0),
            ("Small", "pop_up", 999, 999, 0),  # below the minimum: never called out
        ),
        frame(),
    )
    best, lowest = standouts(slots)
    assert best is not None and (best.slot, best.ctr) == ("A", 0.03)
    assert lowest is not None and (lowest.slot, lowest.ctr) == ("C", 0.01)
    only = standouts(slots[slots["slot"] == "C"])
    assert only[0] is not None and only[0].slot == "C" and only[1] is None
