"""A word past a limit (a window, `top`, a day after the data) is answered with the limit, never
with "I don't understand"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import count

import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.reply import Reply
from tests.commands.conftest import creator_row, metric_row, seed
from tests.commands.test_slots import plan_rows, write_slots

END = dt.date(2026, 11, 23)  # the latest day of both the metrics and the slots
UNDERSTOOD = {  # the "I don't understand" sentence as each catalog writes it, up to the word
    "en": "I don't understand",
    "it": "Non capisco",
    "ms": "Saya tidak faham",
}
users = count()


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> None:
    """Two MY creators with two weeks of GMV through END, and two weeks of slots."""
    creators = [creator_row("amir"), creator_row("bella")]
    metrics = [
        metric_row(END - dt.timedelta(days=offset), handle, 10_000)
        for offset in range(14)
        for handle in ("amir", "bella")
    ]
    seed(sessions, creators, metrics)
    write_slots(sessions, plan_rows())


@pytest.fixture
def ask(reply: Callable[..., Reply]) -> Callable[..., tuple[bool, str]]:
    """Send a command as a fresh user (no rate limit in the way): whether it answered, and the
    text a console user reads."""

    def send(text: str, locale: str = "en") -> tuple[bool, str]:
        answer = reply(text, locale, user=f"user{next(users)}")
        return answer.ok, render(answer)

    return send


def refused_with(ask: Callable[..., tuple[bool, str]], text: str, locale: str = "en") -> str:
    ok, said = ask(text, locale)
    assert not ok, said
    assert UNDERSTOOD[locale] not in said, said
    return said


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("command", ["leaderboard gmv {p} MY", "slots MY {p}"])
@pytest.mark.parametrize("period", ["400d", "367d", "1000d", "99999d"])
def test_a_window_too_long_names_the_longest(
    ask: Callable[..., tuple[bool, str]], command: str, period: str
) -> None:
    said = refused_with(ask, command.format(p=period))
    assert "The longest window is 366 days" in said
    assert ask(command.format(p="366d"))[0]  # the longest is answered


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("locale", ["it", "ms"])
def test_the_longest_window_in_every_language(
    ask: Callable[..., tuple[bool, str]], locale: str
) -> None:
    said = refused_with(ask, "leaderboard gmv 400d MY", locale)
    assert "366" in said
    assert "The longest window" not in said  # translated


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("command", ["leaderboard gmv {p} MY", "slots MY {p}"])
def test_a_window_of_no_days_names_the_shortest(
    ask: Callable[..., tuple[bool, str]], command: str
) -> None:
    said = refused_with(ask, command.format(p="0d"))
    assert "The shortest window is 1 day" in said


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize(
    "text", ["leaderboard MY top -1", "leaderboard top MY", "leaderboard MY top", "match x top -2"]
)
def test_top_without_a_number_names_the_range(
    ask: Callable[..., tuple[bool, str]], text: str
) -> None:
    assert "`top` needs a number from 1 to 50." in refused_with(ask, text)


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize(
    "text",
    [
        "leaderboard gmv 7d MY as-of:2026-11-24",
        "leaderboard gmv 30d MY as-of:2030-01-01",
        "slots MY as-of:2026-12-01",
        "snapshot MY as-of:2027-01-01",
        "alerts MY as-of:2026-11-30",
    ],
)
def test_a_day_after_the_data_names_the_latest_day(
    ask: Callable[..., tuple[bool, str]], text: str
) -> None:
    assert "the latest day is 23 Nov 2026" in refused_with(ask, text)
    assert ask(text.split(" as-of:")[0] + " as-of:2026-11-23")[0]


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize(
    "text",
    ["leaderboard MY as-of:1999-12-31", "slots MY as-of:3000-01-01", "alerts MY as-of:1990-01-01"],
)
def test_a_day_off_the_calendar_names_the_calendar(
    ask: Callable[..., tuple[bool, str]], text: str
) -> None:
    assert "give a day between 2000-01-01 and 2999-12-31" in refused_with(ask, text)


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("match beauty MY 30d", "`match` always compares the last 30 days"),
        ("match beauty MY 400d", "`match` always compares the last 30 days"),
        ("snapshot MY 30d", "`snapshot` always ranks the last 7 days"),
        ("alerts MY 7d", "`alerts` looks at one day"),
        ("creator amir 400d", "`creator` shows the last 7 and 30 days"),
        ("creator amir MY 7d", "`creator` shows the last 7 and 30 days"),
    ],
)
def test_a_period_where_the_window_is_fixed_names_the_window(
    ask: Callable[..., tuple[bool, str]], text: str, limit: str
) -> None:
    assert limit in refused_with(ask, text)


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("text", ["audit -1d", "audit 0d", "audit 4000d"])
def test_audit_days_out_of_range_name_the_range(
    ask: Callable[..., tuple[bool, str]], text: str
) -> None:
    assert "Give the days as a number from 1 to 3660." in refused_with(ask, text)


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("leaderboard MY cm:", "en", "“cm:” needs a name or an email, e.g. cm:me."),
        ("match beauty MY am:", "en", "“am:” needs a name or an email, e.g. am:me."),
        ("alerts MY cm:", "en", "“cm:” needs a name or an email, e.g. cm:me."),
        ("tiers MY am:", "en", "“am:” needs a name or an email, e.g. am:me."),
        ("classifica MY cm:", "it", "“cm:” vuole un nome o un'email, per esempio cm:io."),
        ("papan MY cm:", "ms", "“cm:” perlukan nama atau e-mel, contohnya cm:saya."),
    ],
)
def test_an_owner_filter_without_a_name_says_what_it_takes(
    ask: Callable[..., tuple[bool, str]], text: str, locale: str, expected: str
) -> None:
    assert expected in refused_with(ask, text, locale)
