"""What a failed import reports: one `RowError` per problem, collected up to a cap."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from creatorbot.storage.handles import shown
from creatorbot.storage.importers import messages

MAX_ERRORS = 50
SHOWN_VALUE = 60


@dataclass(frozen=True)
class RowError:
    """One problem: `row` as a spreadsheet numbers it (header = 1, None = the whole file)."""

    row: int | None
    column: str | None
    value: str | None
    problem: str

    def __str__(self) -> str:
        where: str = messages.WHOLE_FILE if self.row is None else messages.ROW.format(row=self.row)
        if self.column is not None:
            where += messages.COLUMN.format(column=self.column)
        return line(where, self.cell, self.problem)

    @property
    def cell(self) -> str | None:
        """The value as shown: invisible characters written out, a long one cut short."""
        if self.value is None:
            return None
        value = shown(self.value)  # a zero-width space or BOM in a cell, written out
        return value if len(value) <= SHOWN_VALUE else value[:SHOWN_VALUE] + "…"


def line(where: str, cell: str | None, problem: str) -> str:
    """A problem's line: where it is, the value, what is wrong with it."""
    return f"{where}: {problem}" if cell is None else f'{where}: "{cell}" — {problem}'


class ImportFailed(Exception):
    """The file was not imported; `errors` holds the first problems, `total_errors` counts all."""

    def __init__(self, source: str, errors: list[RowError], total_errors: int | None = None):
        self.source = source
        self.errors = errors
        self.total_errors = len(errors) if total_errors is None else total_errors
        super().__init__(source, errors, self.total_errors)

    def __str__(self) -> str:
        count = self.total_errors
        template = messages.SUMMARY_ONE if count == 1 else messages.SUMMARY_MANY
        lines: list[str] = [template.format(source=self.source, count=count)]
        lines += [f"  {error}" for error in self.errors]
        if count > len(self.errors):
            lines.append("  " + messages.AND_MORE.format(count=count - len(self.errors)))
        return "\n".join(lines)


Problem = str | Callable[[int], str]


class ErrorLog:
    """Collects problems column by column; keeps the first `cap` by row, counts them all."""

    def __init__(self, cap: int = MAX_ERRORS) -> None:
        self.cap = cap
        self.total = 0
        self._errors: list[RowError] = []

    def add(self, row: int | None, column: str | None, value: str | None, problem: str) -> None:
        self.total += 1
        self._errors.append(RowError(row, column, value or None, problem))

    def add_rows(
        self,
        bad: pd.Series,
        column: str | None,
        values: pd.Series | None,
        problem: Problem,
    ) -> None:
        """Record `problem` for every row where the boolean series `bad` (indexed by row) holds."""
        rows = bad.index[bad.to_numpy(dtype=bool)]
        self.total += len(rows)
        # Only the first `cap` rows of any one check can make it into the report.
        for row in rows[: self.cap]:
            value = None if values is None else str(values.loc[row]) or None
            text = problem if isinstance(problem, str) else problem(int(row))
            self._errors.append(RowError(int(row), column, value, text))

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def errors(self) -> list[RowError]:
        """The first `cap` problems in row order (whole-file problems first)."""
        ordered = sorted(self._errors, key=lambda e: -1 if e.row is None else e.row)
        return ordered[: self.cap]

    def raise_if_any(self, source: str) -> None:
        if self:
            raise ImportFailed(source, self.errors, self.total)
