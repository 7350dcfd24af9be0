"""The database goes away under the command line: a plain answer instead of a traceback, and an
import cut off part-way writes nothing; the same command works once the database is back."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from creatorbot.bot.cli import main
from creatorbot.storage.models import Creator
from tests.faults.conftest import Database
from tests.faults.proxy import Proxy
from tests.faults.test_database_down import count

CREATORS = 300
UNREACHABLE = "the database could not be reached"


def creators_file(folder: Path) -> Path:
    """A canonical creators file of CREATORS creators in MY."""
    path = folder / "creators.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "handle",
                "display_name",
                "market",
                "tier",
                "category",
                "followers",
                "cm",
                "am",
                "joined_on",
            ]
        )
        for n in range(CREATORS):
            writer.writerow(
                [f"c{n:04d}", f"Creator {n}", "MY", "gold", "beauty", 100 + n, "", "", ""]
            )
    return path


@pytest.fixture
def command_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database: Database, proxy: Proxy
) -> Path:
    """The CLI pointed at the schema through the proxy, nothing from the developer's
    environment; the creators file to import."""
    monkeypatch.chdir(tmp_path)  # no .env of the working tree
    for name in ("CREATORBOT_LOCALE", "CREATORBOT_DEFAULT_MARKET", "CREATORBOT_COLUMN_MAP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database.through(proxy))
    return creators_file(tmp_path)


@contextmanager
def down_after_first_insert(proxy: Proxy) -> Iterator[list[str]]:
    """The database goes the moment the first INSERT of any engine has run: rows were written
    in the transaction, nothing was committed."""
    written: list[str] = []

    def go(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not written and statement.lstrip().upper().startswith("INSERT"):
            written.append(statement)
            proxy.down()

    event.listen(Engine, "after_cursor_execute", go)
    try:
        yield written
    finally:
        event.remove(Engine, "after_cursor_execute", go)


def test_the_command_line_says_plainly_when_the_database_is_away(
    command_line: Path, database: Database, proxy: Proxy, capsys: pytest.CaptureFixture[str]
) -> None:
    proxy.down()
    assert main(["import", "creators", str(command_line)]) == 2
    said = capsys.readouterr().err
    assert UNREACHABLE in said and "DATABASE_URL" in said
    assert "Traceback" not in said

    proxy.up()
    assert main(["import", "creators", str(command_line)]) == 0
    assert f"Imported {CREATORS} creators rows" in capsys.readouterr().out
    assert count(database, Creator) == CREATORS


def test_an_import_cut_off_part_way_writes_nothing_and_can_be_run_again(
    command_line: Path, database: Database, proxy: Proxy, capsys: pytest.CaptureFixture[str]
) -> None:
    with down_after_first_insert(proxy) as written:
        assert main(["import", "creators", str(command_line)]) == 1
    assert written, "the import wrote nothing before the database went"
    said = capsys.readouterr().err
    assert f"creators.csv: {UNREACHABLE}, nothing was imported" in said
    assert "Traceback" not in said
    assert count(database, Creator) == 0

    proxy.up()
    assert main(["import", "creators", str(command_line)]) == 0
    assert f"{CREATORS} new, 0 updated" in capsys.readouterr().out
    assert count(database, Creator) == CREATORS
