"""Periods as people write them (`7g`, `ieri`, `last week`, `1-15 nov`) and the window each one
is for a market, in the `(period, as-of)` form the commands already answer."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError

from creatorbot.analytics.calendar import (
    CALENDAR,
    calendar_window,
    latest_such_day,
    to_date_window,
)
from creatorbot.analytics.windows import FIRST_DAY, LAST_DAY, MAX_DAYS, Window, window_for
from creatorbot.commands.core import Call, UserError
from creatorbot.commands.i18n import Lang
from creatorbot.commands.parsing import folded, parse_period
from creatorbot.commands.vocabulary import vocabulary
from creatorbot.storage.models import Market

MAX_WORDS = 7  # the longest period phrase: `1 nov 2026 - 15 nov 2026`
Day = tuple[int, int | None, int | None]  # day, month, year as written (month/year optional)


@dataclass(frozen=True)
class Named:
    """A period that needs the market's calendar: `kind` is wtd, a CALENDAR kind, or `dates`
    (from `start` to `end` as written)."""

    kind: str
    written: str = ""
    start: Day | None = None
    end: Day | None = None


Period = str | Named  # "7d" / "mtd" as before, or a named period


def take_period(tokens: list[str], index: int, lang: Lang) -> tuple[Period | None, int]:
    """The period written from `tokens[index]` on (the longest phrase that is one) and the
    index after it; (None, index) when no period starts there."""
    for size in range(min(MAX_WORDS, len(tokens) - index), 0, -1):
        phrase = " ".join(folded(token) for token in tokens[index : index + size])
        found = read_period(phrase, lang)
        if found is not None:
            return found, index + size
    return None, index


@cache
def _patterns() -> tuple[dict[str, str], list[tuple[re.Pattern[str], str]]]:
    exact: dict[str, str] = {}
    numbered: list[tuple[re.Pattern[str], str]] = []
    for phrase, kind in vocabulary().periods.items():
        if "{n}" in phrase:
            pattern = re.escape(phrase).replace(r"\{n\}", r"([+-]?\d+)")
            numbered.append((re.compile(f"^{pattern}$"), kind))
        else:
            exact[phrase] = kind
    return exact, numbered


def read_period(phrase: str, lang: Lang) -> Period | None:
    """`phrase` (folded) as a period, None when it is none; a number of days outside 1–366 or
    an impossible date is a clear error."""
    if " " not in phrase and (period := parse_period(phrase, lang)):
        return period
    exact, numbered = _patterns()
    pinned = PINNED.match(phrase)
    if pinned and exact.get(pinned.group(1)) in NAMED_KINDS:
        start, end = (_iso(day, lang) for day in pinned.group(2, 3))
        return Named(
            exact[pinned.group(1)],
            pinned.group(1),
            (start.day, start.month, start.year),
            (end.day, end.month, end.year),
        )
    kind = exact.get(phrase)
    if kind == "mtd":
        return "mtd"
    if kind is not None:
        return Named(kind, phrase)
    for pattern, _kind in numbered:
        match = pattern.match(phrase)
        if match:
            return days_period(int(match.group(1)), lang)
    return read_dates(phrase, lang)


# A named period on the days it was answered for, as a button asks it again:
# `last week (2026-11-16..2026-11-22)`; the name is the title, the days are the window.
PINNED = re.compile(r"^(.+) \((\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})\)$")
NAMED_KINDS = ("wtd", *CALENDAR)


def again_phrase(kind: str | None, window: Window, pinned: bool) -> str:
    """How a button asks a named period again: on the same days (`pinned`: `last week
    (2026-11-16..2026-11-22)`, a span of dates as ISO days), or as the calendar has it then
    (`last week`); "" for a period that is not named."""
    span = f"{window.start.isoformat()}..{window.end.isoformat()}"
    if kind == "dates":
        return span
    if kind not in NAMED_KINDS:
        return ""
    phrase = vocabulary().raw["periods"][kind]["en"][0]
    return f"{phrase} ({span})" if pinned else phrase


def days_period(days: int, lang: Lang) -> str:
    """`Nd` for a number of days, or the error naming the shortest or longest window."""
    found = parse_period(f"{days}d", lang)
    assert found is not None  # `Nd` is always written as a period: a window or an error
    return found


ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Two ISO days joined by `..` or a dash, spaced or not: `2026-11-01..2026-11-15`.
ISO_SPAN = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\s*(?:\.\.|[-–—])\s*(\d{4})-(\d{2})-(\d{2})$")
NUMERIC = re.compile(r"^(\d{1,2})(?:[/.](\d{1,2})(?:[/.](\d{4}))?)?$")
SPELLED = re.compile(r"^(\d{1,2}) ([a-z]+)\.?(?: (\d{4}))?$")
DASH = re.compile(r"\s*[-–—]\s*")


def read_dates(phrase: str, lang: Lang) -> Named | None:
    """A day (`2026-11-11`, `11/11`, `11 nov`, `11 novembre 2026`) or a span of days
    (`1-15 nov`, `1/11–15/11`, `28 dic - 3 gen`, `2026-11-01..2026-11-15`), as a `dates`
    period; None when it is none."""
    if ISO.match(phrase):
        day = _iso(phrase, lang)
        written: Day = (day.day, day.month, day.year)
        return Named("dates", phrase, written, written)
    span = ISO_SPAN.match(phrase)
    if span:
        year, month, day_number, *end_parts = (int(part) for part in span.groups())
        end_year, end_month, end_day = end_parts
        return Named("dates", phrase, (day_number, month, year), (end_day, end_month, end_year))
    parts = DASH.split(phrase)
    if len(parts) > 2:
        return None
    sides = [_day_of(part) for part in parts]
    if any(side is None for side in sides) or sides[-1][1] is None:  # type: ignore[index]
        return None
    end: Day = sides[-1]  # type: ignore[assignment]
    start: Day = sides[0]  # type: ignore[assignment]
    if start[1] is None:
        start = (start[0], end[1], None)
    return Named("dates", phrase, start, end)


def _day_of(text: str) -> Day | None:
    if ISO.match(text):
        return None
    match = NUMERIC.match(text)
    if match:
        month = match.group(2)
        year = match.group(3)
        return (int(match.group(1)), int(month) if month else None, int(year) if year else None)
    match = SPELLED.match(text)
    if match:
        month_number = vocabulary().months.get(match.group(2))
        if month_number is None:
            return None
        year = match.group(3)
        return (int(match.group(1)), month_number, int(year) if year else None)
    return None


def _iso(text: str, lang: Lang) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _not_a_date(text, lang) from None


def _not_a_date(text: str, lang: Lang) -> UserError:
    return UserError(
        lang._("“{value}” is not a date. Write it as YYYY-MM-DD, e.g. 2026-11-11.").format(
            value=text
        )
    )


@cache
def first_weekday(market: str) -> int:
    """The day the market's weeks start on (0 Monday … 6 Sunday), as its locale has it."""
    try:
        return int(Locale.parse(f"und_{market.upper()}").first_week_day)
    except (UnknownLocaleError, ValueError):
        return 0


def market_today(market: Market, call: Call) -> dt.date:
    """Today in the market's own timezone, by the injected clock."""
    return call.services.clock().astimezone(ZoneInfo(market.timezone)).date()


@dataclass(frozen=True)
class Settled:
    """A period as the commands take it: `Nd` or `mtd` ending on `as_of` (None: the latest day
    with data), and the kind of named period it came from (for its title)."""

    period: str | None
    as_of: dt.date | None
    kind: str | None = None


def settle(
    period: Period | None, as_of: dt.date | None, market: Market, latest: dt.date, call: Call
) -> Settled:
    """The window a period names for `market`, whose latest day with data is `latest`: a
    number of days, `wtd` and `mtd` end on `as-of` or on that day; a calendar period or dates
    are the market's own days, cut at that day (a period with no day of data yet is refused)."""
    if not isinstance(period, Named):
        return Settled(period, as_of)
    lang = call.lang.for_market(market.code)
    first = first_weekday(market.code)
    if period.kind == "wtd" and period.start is None:
        window = to_date_window("wtd", as_of or latest, first)
    else:
        if as_of is not None:
            raise UserError(
                lang._("“{period}” already says which days: leave out as-of:.").format(
                    period=period.written
                )
            )
        today = market_today(market, call)
        if period.kind in CALENDAR and period.start is None:
            window = calendar_window(period.kind, today, first)
        else:
            window = _dates(period, today, lang)
    if window.days > MAX_DAYS:
        raise UserError(
            lang._("Periods are at most {most} days; “{period}” is {days} days.").format(
                most=MAX_DAYS, period=period.written, days=lang.number(window.days)
            )
        )
    if window.start > latest:
        raise UserError(
            lang._(
                "There is no data for {market} for {window} yet: the latest day with data is "
                "{latest}."
            ).format(
                market=lang.market_name(market.code),
                window=lang.window(window.start, window.end),
                latest=lang.date(latest),
            )
        )
    window = Window(window.start, min(window.end, latest))
    name = "mtd" if window == window_for("mtd", window.end) else f"{window.days}d"
    return Settled(name, window.end, period.kind)


def one_day_at(tokens: list[str], index: int, lang: Lang) -> tuple[Period | None, int]:
    """`take_period` for a command that looks at one day: a period it cannot take (`7d`,
    `0d`) is returned as written or left unread, for the command to say it takes none."""
    try:
        return take_period(tokens, index, lang)
    except UserError:
        return None, index


def is_one_day(period: Period | None) -> bool:
    """Whether a period names a single day (today, yesterday, a date) rather than a window."""
    if not isinstance(period, Named):
        return False
    return period.kind in ("today", "yesterday") or (
        period.kind == "dates" and period.start == period.end
    )


def day_of(period: Named, market: Market, call: Call) -> dt.date:
    """The market's day a one-day period names (`ieri`: yesterday in the market's timezone)."""
    lang = call.lang.for_market(market.code)
    today = market_today(market, call)
    if period.kind in CALENDAR and period.start is None:
        return calendar_window(period.kind, today, first_weekday(market.code)).end
    return _dates(period, today, lang).end


def _dates(period: Named, today: dt.date, lang: Lang) -> Window:
    assert period.start is not None and period.end is not None
    try:
        end = _resolve(period.end, today)
        start_day, start_month, start_year = period.start
        assert start_month is not None
        start = dt.date(start_year or end.year, start_month, start_day)
        if start > end and start_year is None:
            start = dt.date(end.year - 1, start_month, start_day)
    except ValueError:
        raise _not_a_date(period.written, lang) from None
    if not FIRST_DAY <= start <= end <= LAST_DAY:
        if start > end:
            raise UserError(
                lang._("“{period}” ends before it starts.").format(period=period.written)
            )
        raise UserError(
            lang._("“{value}” is out of range: give a day between {first} and {last}.").format(
                value=period.written, first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()
            )
        )
    return Window(start, end)


def _resolve(day: Day, today: dt.date) -> dt.date:
    number, month, year = day
    assert month is not None
    if year is not None:
        return dt.date(year, month, number)
    return latest_such_day(number, month, today)
