"""Charts are drawn once per process for the same arguments, and only for the same ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from creatorbot.commands import chartmemo, charts
from creatorbot.commands.chartmemo import remembered
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Image


def counting() -> tuple[list[tuple[object, ...]], Callable[..., tuple[object, ...]]]:
    calls: list[tuple[object, ...]] = []

    @remembered
    def draw(*args: object, **kwargs: object) -> tuple[object, ...]:
        calls.append((args, kwargs))
        return (args, tuple(sorted(kwargs.items())))

    return calls, draw


def test_the_same_arguments_are_drawn_once() -> None:
    calls, draw = counting()
    day = dt.date(2026, 11, 23)
    first = draw([day], [1, 2], title="GMV", lang=Lang("it", "MY"))
    again = draw([day], [1, 2], lang=Lang("it", "MY"), title="GMV")  # keywords in any order
    assert again is first
    assert len(calls) == 1


def test_anything_that_draws_differently_is_drawn_again() -> None:
    calls, draw = counting()
    draw([1, 2], lang=Lang("it", "MY"))
    draw([1, 2], lang=Lang("it", "IT"))  # numbers written as in another market
    draw([1, 2], lang=Lang("ms", "MY"))  # another language
    draw([1, 3], lang=Lang("it", "MY"))  # another figure
    draw([1, 2.0], lang=Lang("it", "MY"))  # 2.0 is not 2: a float is labelled otherwise
    draw([1, True], lang=Lang("it", "MY"))
    draw((1, 2), lang=Lang("it", "MY"), title=None)
    assert len(calls) == 7


def test_arguments_that_cannot_be_compared_are_drawn_every_time() -> None:
    calls, draw = counting()
    values = np.array([1, 2])
    draw(values)
    draw(values)
    draw([{"a": 1}])
    draw([{"a": 1}])
    assert len(calls) == 4


def test_only_the_latest_charts_are_kept() -> None:
    calls, draw = counting()
    for n in range(chartmemo.KEPT + 1):
        draw(n)
    draw(chartmemo.KEPT)  # kept
    assert len(calls) == chartmemo.KEPT + 1
    draw(0)  # the least recently asked, dropped
    assert len(calls) == chartmemo.KEPT + 2


def test_a_remembered_chart_is_the_chart_drawn_afresh() -> None:
    days = [dt.date(2026, 11, 1) + dt.timedelta(days=n) for n in range(7)]
    values = [1_250_00, 0, 980_50, 2_000_00, 1_500_00, 30_00, 1_100_00]

    def draw(chart: Callable[..., Image]) -> Image:
        return chart(
            list(days),
            list(values),
            title="GMV, last 7 days",
            metric_label="GMV",
            lang=Lang("ms", "MY"),
            currency="MYR",
        )

    first, again = draw(charts.daily_trend), draw(charts.daily_trend)
    fresh = draw(charts.daily_trend.__wrapped__)  # type: ignore[attr-defined]
    assert again is first
    assert first == fresh
