"""Windows of days: which words name a period (docs/commands.md, "Periods": `1d`, `7d`, `30d`,
`mtd`, any `Nd` up to 366), the days each covers, the window before it, and the calendar's
ends. Every expected date is counted by hand on the calendar in the comments."""

from __future__ import annotations

import datetime as dt

import pytest

from creatorbot.analytics.windows import (
    FIRST_DAY,
    LAST_DAY,
    Window,
    day_before,
    is_period,
    window_for,
    within_calendar,
)

D = dt.date


@pytest.mark.parametrize(
    ("word", "named"),
    [
        ("mtd", True),
        ("1d", True),  # the shortest
        ("7d", True),
        ("30d", True),
        ("366d", True),  # the longest the docs allow
        ("007d", True),  # three digits, seven days
        ("0d", False),  # no days
        ("367d", False),  # one day over
        ("999d", False),
        ("1000d", False),  # four digits
        ("7", False),
        ("d", False),
        ("7D", False),
        ("x7d", False),
        ("7dd", False),
        ("MTD", False),
        ("wtd", False),  # a phrasing, resolved elsewhere to a number of days
        ("", False),
    ],
)
def test_which_words_name_a_period(word: str, named: bool) -> None:
    assert is_period(word) is named


@pytest.mark.parametrize(
    ("period", "end", "start"),
    [
        ("1d", D(2026, 11, 20), D(2026, 11, 20)),  # the day itself
        ("7d", D(2026, 11, 20), D(2026, 11, 14)),  # 14, 15, …, 20: seven days
        ("30d", D(2026, 11, 20), D(2026, 10, 22)),  # 22–31 Oct (10) + 1–20 Nov (20)
        ("30d", D(2024, 3, 1), D(2024, 2, 1)),  # 1–29 Feb 2024 (29, a leap year) + 1 Mar
        ("366d", D(2026, 11, 20), D(2025, 11, 20)),  # 2025-11-20 … 2026-11-20: 366 days
        ("mtd", D(2026, 11, 20), D(2026, 11, 1)),  # from the 1st of the month
        ("mtd", D(2026, 11, 1), D(2026, 11, 1)),  # on the 1st: that day alone
        ("mtd", D(2026, 12, 31), D(2026, 12, 1)),
    ],
)
def test_the_window_a_period_names(period: str, end: dt.date, start: dt.date) -> None:
    assert window_for(period, end) == Window(start, end)


@pytest.mark.parametrize("word", ["0d", "367d", "1000d", "week", "7", ""])
def test_a_word_that_is_no_period_has_no_window(word: str) -> None:
    with pytest.raises(ValueError, match=f"^not a period: {word}$"):
        window_for(word, D(2026, 11, 20))


@pytest.mark.parametrize(
    ("start", "end", "days", "before"),
    [
        # 14–20 Nov (7 days) follows 7–13 Nov
        (D(2026, 11, 14), D(2026, 11, 20), 7, Window(D(2026, 11, 7), D(2026, 11, 13))),
        # one day: the day before
        (D(2026, 11, 20), D(2026, 11, 20), 1, Window(D(2026, 11, 19), D(2026, 11, 19))),
        # mtd on 20 Nov (20 days) follows 12–31 Oct (20 days), not all of October
        (D(2026, 11, 1), D(2026, 11, 20), 20, Window(D(2026, 10, 12), D(2026, 10, 31))),
        # 1–3 Mar 2024 follows 27–29 Feb 2024 (a leap year)
        (D(2024, 3, 1), D(2024, 3, 3), 3, Window(D(2024, 2, 27), D(2024, 2, 29))),
    ],
)
def test_the_window_before_has_as_many_days_and_ends_the_day_before(
    start: dt.date, end: dt.date, days: int, before: Window
) -> None:
    window = Window(start, end)
    assert window.days == days
    assert window.previous() == before
    assert before.days == days


@pytest.mark.parametrize(
    ("day", "before"),
    [
        (D(2026, 11, 20), D(2026, 11, 19)),
        (D(2026, 3, 1), D(2026, 2, 28)),
        (D(2024, 3, 1), D(2024, 2, 29)),  # leap year
        (D(2027, 1, 1), D(2026, 12, 31)),
        (D(1, 1, 2), D(1, 1, 1)),  # the calendar's second day
        (D(1, 1, 1), D(1, 1, 1)),  # the calendar's first day has none: itself
    ],
)
def test_the_day_before(day: dt.date, before: dt.date) -> None:
    assert day_before(day) == before


@pytest.mark.parametrize(
    ("start", "end", "kept"),
    [
        # inside the calendar: unchanged
        (D(2026, 11, 1), D(2026, 11, 20), Window(D(2026, 11, 1), D(2026, 11, 20))),
        (FIRST_DAY, LAST_DAY, Window(D(2000, 1, 1), D(2999, 12, 31))),
        # across the first day: from 1 Jan 2000
        (D(1999, 12, 25), D(2000, 1, 5), Window(D(2000, 1, 1), D(2000, 1, 5))),
        # across the last day: to 31 Dec 2999
        (D(2999, 12, 20), D(3000, 1, 10), Window(D(2999, 12, 20), D(2999, 12, 31))),
        # wholly before or after: the calendar's end day, never empty
        (D(1990, 1, 1), D(1995, 1, 1), Window(D(2000, 1, 1), D(2000, 1, 1))),
        (D(3001, 1, 1), D(3002, 1, 1), Window(D(2999, 12, 31), D(2999, 12, 31))),
        # a start after the end: the end day alone
        (D(2026, 11, 20), D(2026, 11, 10), Window(D(2026, 11, 10), D(2026, 11, 10))),
    ],
)
def test_a_window_is_kept_within_the_calendar(start: dt.date, end: dt.date, kept: Window) -> None:
    assert within_calendar(start, end) == kept
