"""Why an import was refused, in the reader's language: each problem's English template taken
through the catalogs, its numbers and dates written the language's way. A problem the catalogs
do not know is shown as the CLI prints it."""

from __future__ import annotations

import datetime as dt
import logging
import numbers
import re
import string
from typing import Any

from creatorbot.commands.i18n import Lang
from creatorbot.storage.importers import ImportFailed, messages
from creatorbot.storage.importers.errors import RowError, line
from creatorbot.storage.importers.said import OR, Alternatives, Message, Said

logger = logging.getLogger(__name__)
_DIGITS = re.compile(r"\.(\d+)f$")


def problem_text(problem: str, lang: Lang) -> str:
    """One problem (or any import wording) in `lang`, English where it cannot be translated."""
    if isinstance(problem, Message):
        return lang._(problem)
    if not isinstance(problem, Said):
        return str(problem)
    try:
        return _Words(lang).format(lang._(problem.template), **problem.params)
    except (KeyError, IndexError, ValueError):
        logger.warning("import problem not translated", extra={"template": problem.template})
        return str(problem)


def error_line(error: RowError, lang: Lang) -> str:
    """A problem's line: "riga 5, colonna gmv: "x" — …"."""
    where = (
        lang._(messages.WHOLE_FILE)
        if error.row is None
        else problem_text(messages.ROW.format(row=error.row), lang)
    )
    if error.column is not None:
        where += problem_text(messages.COLUMN.format(column=error.column), lang)
    return line(where, error.cell, problem_text(error.problem, lang))


def failure_lines(failed: ImportFailed, lang: Lang) -> list[str]:
    """What `str(failed)` says, line by line, in `lang`."""
    count = failed.total_errors
    summary = messages.SUMMARY_ONE if count == 1 else messages.SUMMARY_MANY
    lines = [problem_text(summary.format(source=failed.source, count=count), lang)]
    lines += [f"  {error_line(error, lang)}" for error in failed.errors]
    if count > len(failed.errors):
        more = messages.AND_MORE.format(count=count - len(failed.errors))
        lines.append("  " + problem_text(more, lang))
    return lines


class _Words(string.Formatter):
    """Fills a translated template: numbers grouped where the English groups them (a row
    number is not), decimals and dates as the language writes them, nested wording
    translated too."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        lang = self.lang
        if isinstance(value, Said | Message):
            return problem_text(value, lang)
        if isinstance(value, Alternatives):
            return lang._(OR).join(value)
        if isinstance(value, dt.datetime):
            return lang.date(value.date())
        if isinstance(value, dt.date):
            return lang.date(value)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return format(value, format_spec)
        digits = _DIGITS.search(format_spec)
        if digits is not None:
            return lang.number(float(value), int(digits.group(1)))
        if isinstance(value, numbers.Integral):
            return lang.number(int(value)) if "," in format_spec else str(int(value))
        return lang.number(float(value))
