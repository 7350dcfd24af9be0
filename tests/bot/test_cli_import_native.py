"""`creatorbot import FILE` (kind recognised) and `import KIND FILE` on native exports, with
--day, --market and --dry-run: the preview first, then the result; every run audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from creatorbot.bot.app import build
from creatorbot.bot.cli import main
from creatorbot.bot.settings import Settings
from creatorbot.storage.models import DailyMetric
from creatorbot.storage.writer import DAILY_COLUMNS
from tests.bot.test_cli import data_dir  # noqa: F401  (the fixture)

CREATORS = (
    "handle,display_name,market,tier,category,followers,cm,am,joined_on\n"
    "aisyah,Aisyah,MY,gold,beauty,10,,,\n"
    "farid,Farid,MY,gold,gadgets,10,,,\n"
)
EXPORT = (
    "Date range: 2026-12-01 ~ 2026-12-01\n"
    "Creator name,Creator username,Creator-attributed GMV,Attributed orders,Items sold,Notes\n"
    'Aisyah,@aisyah,"RM1,234.50",12,14,x\n'
    "Farid,farid,RM0.29,--,--,y\n"
)


def stored_rows() -> int:
    app = build(Settings())
    with app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(DailyMetric)) or 0)


@pytest.fixture
def creators(data_dir: Path, tmp_path: Path) -> Path:  # noqa: F811
    path = tmp_path / "creators.csv"
    path.write_text(CREATORS, encoding="utf-8")
    assert main(["import", "creators", str(path)]) == 0
    return data_dir


def test_a_dry_run_shows_the_preview_and_writes_nothing(
    creators: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "creator_data.csv"
    path.write_text(EXPORT, encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "creator_data.csv: creator performance export (English headers), read as daily_metrics",
        "Market: MY (inferred from the currency)",
        "Columns: matched 5 of 6; not read: Notes",
        "Rows: 2 for 2026-12-01 (day from the date range line)",
        "New rows: 2; updated rows: 0",
        "Dry run: nothing was imported.",
    ]
    assert stored_rows() == 0

    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Columns: matched 5 of 6; not read: Notes" in out
    assert out.splitlines()[-1] == (
        "Imported 2 daily_metrics rows from creator_data.csv: 2 new, 0 updated."
    )
    assert stored_rows() == 2
    assert main(["import", "daily_metrics", str(path)]) == 0  # the kind named: the same export
    assert "0 new, 2 updated" in capsys.readouterr().out

    assert main(["ask", "audit"]) == 0
    logged = [line.split() for line in capsys.readouterr().out.splitlines() if "import" in line]
    assert [line[3:-1] for line in logged] == [
        ["console", "import", "daily_metrics", "creator_data.csv", "answered", "2"],
        ["console", "import", "-", "creator_data.csv", "answered", "2"],
        ["console", "import", "-", "creator_data.csv", "--dry-run", "dry-run", "2"],
        ["console", "import", "creators", "creators.csv", "answered", "2"],
    ]


def test_market_and_day_come_from_the_options_or_the_settings(
    creators: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "creator_data.csv"
    path.write_text("Creator username,Creator-attributed GMV\naisyah,12.50\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(path), "--day", "2026-12-02"]) == 1
    assert "pass it with --market" in capsys.readouterr().err
    assert main(["import", str(path), "--market", "MY"]) == 1
    assert "pass the day: --day YYYY-MM-DD" in capsys.readouterr().err
    assert stored_rows() == 0
    assert main(["import", str(path), "--market", "my", "--day", "2026-12-02"]) == 0
    out = capsys.readouterr().out
    assert "Market: MY (given)" in out
    assert "Rows: 1 for 2026-12-02 (day from the --day option)" in out
    monkeypatch.setenv("CREATORBOT_DEFAULT_MARKET", "MY")
    assert main(["import", str(path), "--day", "2026-12-03"]) == 0
    assert stored_rows() == 2


def test_import_names_the_missing_file_or_kind(
    data_dir: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["import", "creators"]) == 2
    assert "name the file to import: creatorbot import creators FILE" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "gone.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    assert main(["import", str(odd)]) == 1
    said = capsys.readouterr().err
    assert "the header matches no kind of file creatorbot knows" in said
    assert "name its kind: creatorbot import KIND odd.csv" in said


def test_a_header_lacking_a_few_columns_is_told_its_nearest_kind(
    data_dir: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A daily file saved without its gmv and orders columns: told which kind it is nearest
    and the columns it lacks, not only that it matches no kind."""
    kept = [name for name in DAILY_COLUMNS if name not in ("gmv", "orders")]
    partial = tmp_path / "partial.csv"
    row = {"date": "2026-12-01", "market": "MY", "handle": "aisyah.beauty"}
    values = [row.get(name, "1") for name in kept]
    partial.write_text(",".join(kept) + "\n" + ",".join(values) + "\n", encoding="utf-8")
    assert main(["import", str(partial)]) == 1
    said = capsys.readouterr().err
    assert "it is nearest to daily_metrics, which also needs the columns gmv, orders" in said
    assert stored_rows() == 0
