"""`make mutate`'s score: caught over caught and missed, and every survivor needs its reason."""

from __future__ import annotations

from mutation.report import score, statuses

RESULTS = """
    creatorbot.storage.events.x_claim_event__mutmut_1: killed
    creatorbot.storage.events.x_claim_event__mutmut_2: survived
    creatorbot.storage.events.x_claim_event__mutmut_3: timeout
    creatorbot.storage.events.x_forget_events__mutmut_1: no tests
    creatorbot.storage.events.x_forget_events__mutmut_2: skipped
    creatorbot.storage.ledger.x_queue__mutmut_1: killed
some other line: ignored
"""


def test_caught_over_caught_and_missed_skipped_left_out() -> None:
    found = statuses(RESULTS)
    assert len(found) == 6
    result = score(found, {"creatorbot.storage.events.x_claim_event__mutmut_2": "equivalent"})
    assert (result.caught, len(result.missed)) == (3, 2)
    assert result.ratio == 3 / 5
    assert result.unexplained == ["creatorbot.storage.events.x_forget_events__mutmut_1"]


def test_a_survivor_with_an_empty_reason_is_unexplained() -> None:
    found = {"creatorbot.a.x_f__mutmut_1": "survived"}
    assert score(found, {"creatorbot.a.x_f__mutmut_1": ""}).unexplained == [
        "creatorbot.a.x_f__mutmut_1"
    ]
    assert score({}, {}).ratio == 1.0
