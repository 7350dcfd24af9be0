"""Small helpers every command parser shares: words, key:value options, "did you mean"."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import shlex
import unicodedata
from collections.abc import Iterable

from creatorbot.analytics.windows import FIRST_DAY, LAST_DAY, MAX_DAYS, is_period
from creatorbot.commands.core import UserError
from creatorbot.commands.i18n import Lang
from creatorbot.commands.limits import MAX_COMMAND_CHARS, too_long


def words(text: str, lang: Lang) -> list[str]:
    """Split a command's arguments like a shell would (quotes group words)."""
    # Control characters (NUL above all) never mean anything in a command; databases reject NUL.
    # Invisible format characters (zero-width space, BOM, bidi marks) never separate words: a
    # handle pasted with one is still one word.
    text = "".join(
        char if char.isprintable() else "" if unicodedata.category(char) == "Cf" else " "
        for char in text
    )
    if len(text) > MAX_COMMAND_CHARS:  # the router refuses such a command before: one message
        raise UserError(too_long(len(text), lang))
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def folded(text: str) -> str:
    """Lower case without accents, for comparing names as people type them (Bélla ~ bella)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def closest(word: str, choices: Iterable[str], limit: int = 3) -> list[str]:
    """The choices that look most like `word` (ignoring case and accents)."""
    lowered = {folded(choice): choice for choice in choices}
    found = difflib.get_close_matches(folded(word), list(lowered), n=limit, cutoff=0.6)
    return [lowered[match] for match in found]


def did_you_mean(word: str, choices: Iterable[str], lang: Lang) -> str:
    """A localized "Did you mean …?" sentence, or an empty string when nothing is close."""
    options = closest(word, choices)
    if not options:
        return ""
    return lang._("Did you mean {options}?").format(
        options=lang._(" or ").join(f"`{option}`" for option in options)
    )


def unknown_word(word: str, choices: Iterable[str], lang: Lang, usage: str) -> UserError:
    """The error for a word a command does not understand."""
    hint = did_you_mean(word, choices, lang)
    message = lang._("I don't understand “{word}”.").format(word=word)
    if hint:
        message = f"{message} {hint}"
    return UserError(message, lang._("Usage: {usage}").format(usage=lang._(usage)))


MAX_TOP = 50  # the most rows a ranked list shows in chat


def parse_top(value: str, lang: Lang) -> int:
    """The N of `top N`: at least 1, and anything above 50 shows 50."""
    if not value.isdigit() or int(value) < 1:
        raise UserError(lang._("`top` needs a number from 1 to 50."))
    return min(int(value), MAX_TOP)


DAYS = re.compile(r"^[+-]?\d+d$")  # a number of days, whether a window may have it or not


def is_days_word(word: str) -> bool:
    """Whether `word` is written as a period (`mtd`, `Nd` with any N), in range or not."""
    return word == "mtd" or DAYS.match(word) is not None


def parse_period(word: str, lang: Lang) -> str | None:
    """`word` as a period (`mtd`, `1d` to `366d`); None when it is written as none; for a
    number of days no window has, an error naming the shortest or the longest window."""
    if is_period(word):
        return word
    if not DAYS.match(word):
        return None
    days = int(word[:-1])
    if 1 <= days <= MAX_DAYS:
        return f"{days}d"
    if days < 1:
        raise UserError(lang._("The shortest window is 1 day: write 1d or more, or mtd."))
    raise UserError(
        lang._("The longest window is {most} days: write at most {most}d, or mtd.").format(
            most=MAX_DAYS
        )
    )


AS_OF = ("as-of", "asof", "as_of")  # the spellings people type for the last day of a window


def unknown_option(key: str, options: Iterable[str], lang: Lang, usage: str) -> UserError:
    """The error for a `key:value` option a command does not have."""
    hint = did_you_mean(key, options, lang)
    message = lang._("I don't know the option “{key}:”.").format(key=key)
    return UserError(
        " ".join(part for part in (message, hint) if part),
        lang._("Usage: {usage}").format(usage=lang._(usage)),
    )


# The days a command may be asked about. Windows reach back two years before the day asked
# (a 366-day period and the one before it), and the calendar ends in 9999: a day near either
# end would overflow the date arithmetic.


def parse_day(value: str, lang: Lang) -> dt.date:
    """A YYYY-MM-DD date between FIRST_DAY and LAST_DAY, or a clear error."""
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise UserError(
            lang._("“{value}” is not a date. Write it as YYYY-MM-DD, e.g. 2026-11-11.").format(
                value=value
            )
        ) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise UserError(
            lang._("“{value}” is out of range: give a day between {first} and {last}.").format(
                value=value, first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()
            )
        )
    return day
