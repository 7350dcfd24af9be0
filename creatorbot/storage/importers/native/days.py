"""Which day a native export's rows are for: a date column, else the export's own date-range
line, else its file name, else the day the user named. An export of totals over several days
is refused: its numbers cannot be told apart by day."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from creatorbot.storage.importers import messages
from creatorbot.storage.importers.errors import ImportFailed, RowError
from creatorbot.storage.importers.native.values import dates_in

DATE_COLUMN = messages.DAY_FROM_DATE_COLUMN
RANGE_LINE = messages.DAY_FROM_RANGE_LINE
FILE_NAME = messages.DAY_FROM_FILE_NAME
GIVEN = messages.DAY_FROM_OPTION
_NAME_DAYS = re.compile(r"(?<!\d)(20\d{2})-?(\d{2})-?(\d{2})(?!\d)")


def file_day(source: str, preamble: Sequence[str], day: dt.date | None) -> tuple[dt.date, str]:
    """The one day an export without a date column is for, and where it was read from.
    Raises `ImportFailed` for an export covering several days, or naming none."""
    for where, found in (
        (RANGE_LINE, [d for line in preamble for d in dates_in(line)]),
        (FILE_NAME, ["-".join(m.groups()) for m in _NAME_DAYS.finditer(source)]),
    ):
        distinct = sorted(set(found))
        if len(distinct) > 1:
            problem = messages.SEVERAL_DAYS.format(
                first=_day(distinct[0]), last=_day(distinct[-1]), where=where
            )
            raise ImportFailed(source, [RowError(None, None, None, problem)])
        if distinct:
            try:
                return dt.date.fromisoformat(distinct[0]), where
            except ValueError:
                problem = messages.BAD_FILE_DAY.format(day=distinct[0], where=where)
                raise ImportFailed(source, [RowError(None, None, None, problem)]) from None
    if day is not None:
        return day, GIVEN
    raise ImportFailed(source, [RowError(None, None, None, messages.NO_DAY)])


def _day(text: str) -> dt.date | str:
    """A day found as text, as a date when it is one (so that chat writes it its own way)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text
