"""`creatorbot sync` as an operator runs it: the day's rows from the warehouse, a second run
changing nothing, a warehouse that is down said plainly, and `sync status` showing the runs."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from creatorbot.bot.app import build
from creatorbot.bot.cli import main
from creatorbot.bot.settings import Settings
from creatorbot.storage.models import AuditEntry
from tests.storage.warehouse import DAY, SELECT, creator_days, expected, sqlite_warehouse, stored

SOURCES = """
sources:
  dwh-my:
    url: ${{WAREHOUSE_URL}}
    markets: [MY]
    kinds:
      daily_metrics:
        query: "{query}"
        columns: {{creator: handle, views: video_views}}
"""


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh SQLite data directory, nothing from the developer's environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CREATORBOT_DATA_DIR", str(tmp_path / "data"))
    for name in ("DATABASE_URL", "CREATORBOT_SOURCES", "LANG", "LC_ALL"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"


def configure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES.format(query=SELECT.format(table="creator_day")), encoding="utf-8")
    monkeypatch.setenv("CREATORBOT_SOURCES", str(path))
    monkeypatch.setenv("WAREHOUSE_URL", url)


def seed(tmp_path: Path, rows: list[dict[str, object]]) -> None:
    path = tmp_path / "creators.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        header = ["handle", "display_name", "market", "tier", "category", "followers", "cm"]
        writer.writerow([*header, "am", "joined_on"])
        writer.writerows([[r["handle"], "X", "MY", "gold", "beauty", 1, "", "", ""] for r in rows])
    assert main(["import", "creators", str(path)]) == 0


def test_sync_writes_the_day_and_a_second_run_changes_nothing(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = creator_days(10)
    seed(tmp_path, rows)
    url, _ = sqlite_warehouse(tmp_path / "warehouse.sqlite3", rows)
    configure(tmp_path, monkeypatch, url)
    capsys.readouterr()

    assert main(["sync", "--day", "2026-12-05"]) == 0
    first = capsys.readouterr().out
    assert main(["sync", "daily_metrics", "--day", "2026-12-05", "--source", "dwh-my"]) == 0
    second = capsys.readouterr().out

    prefix = "Synced 10 daily_metrics rows of MY for 2026-12-05 from dwh-my: "
    assert first == prefix + "10 new, 0 updated.\n"
    assert second == prefix + "0 new, 10 updated.\n"
    app = build(Settings())
    with app.sessions.begin() as session:
        assert stored(session) == expected(rows)
        commands = session.scalars(select(AuditEntry.command)).all()
    app.close()
    assert commands.count("sync") == 2
    assert main(["sync", "status"]) == 0
    status = capsys.readouterr().out.splitlines()
    assert len(status) == 2
    assert all("dwh-my  daily_metrics  MY 2026-12-05  ok  10 rows" in line for line in status)


def test_the_default_day_is_yesterday_in_the_markets_zone(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    day = dt.datetime.now(ZoneInfo("Asia/Kuala_Lumpur")).date() - dt.timedelta(days=1)
    rows = creator_days(3, day=day)
    seed(tmp_path, rows)
    configure(tmp_path, monkeypatch, sqlite_warehouse(tmp_path / "w.sqlite3", rows)[0])
    capsys.readouterr()

    assert main(["sync"]) == 0

    assert f"Synced 3 daily_metrics rows of MY for {day.isoformat()}" in capsys.readouterr().out


def test_a_warehouse_that_is_down_is_said_plainly(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed(tmp_path, creator_days(3))
    configure(tmp_path, monkeypatch, "postgresql+psycopg://reader:hunter2@127.0.0.1:1/dwh")
    capsys.readouterr()

    assert main(["sync", "--day", "2026-12-05"]) == 1

    out = capsys.readouterr()
    assert out.out == ""
    (line,) = out.err.splitlines()
    assert line.startswith("dwh-my daily_metrics: the warehouse could not be read, nothing was")
    assert "refused" in line.lower() and "hunter2" not in line
    assert main(["sync", "status"]) == 0
    status = capsys.readouterr().out
    assert "dwh-my  daily_metrics  MY 2026-12-05  failed" in status and "hunter2" not in status


def test_without_a_sources_file_sync_says_how_to_set_one(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync"]) == 2
    assert "add a `sources:` section to the config file" in capsys.readouterr().err


def test_a_secret_missing_from_the_environment_is_named(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure(tmp_path, monkeypatch, "unused")
    monkeypatch.delenv("WAREHOUSE_URL")
    assert main(["sync", "--day", "2026-12-05"]) == 2
    assert "${WAREHOUSE_URL}, which is not set" in capsys.readouterr().err


def test_an_unknown_source_is_named(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure(tmp_path, monkeypatch, "sqlite://")
    assert main(["sync", "--source", "dwh-it"]) == 2
    assert "no source 'dwh-it' (the sources are: dwh-my)" in capsys.readouterr().err


assert dt.date(2026, 12, 5) == DAY
