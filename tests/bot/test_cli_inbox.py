"""`creatorbot inbox`, as a cron runs it: one pass, a line per file, an exit code that says
whether anything was refused; two of them at once still import each file once."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from creatorbot.bot.app import App, build
from creatorbot.bot.cli import main
from creatorbot.bot.inbox import start_inbox
from creatorbot.bot.scheduling import start_scheduler
from creatorbot.bot.serve import serve
from creatorbot.bot.settings import Settings
from creatorbot.storage.db import make_sessionmaker
from creatorbot.storage.models import Creator
from tests.jobs.inbox_world import (
    audited,
    creators_file,
    daily_file,
    database_url,
    names,
    stored,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty inbox folder named by CREATORBOT_INBOX, a fresh SQLite data directory, nothing
    from the developer's environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CREATORBOT_DATA_DIR", str(tmp_path / "data"))
    for name in ("DATABASE_URL", "CREATORBOT_COLUMN_MAP", "CREATORBOT_INBOX_POLL_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "inbox"
    folder.mkdir()
    monkeypatch.setenv("CREATORBOT_INBOX", str(folder))
    return folder


def test_one_pass_imports_what_settled_and_says_what_it_did(
    inbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    creators_file(inbox / "creators.csv", 3)
    (inbox / "report.pdf").write_bytes(b"%PDF")
    (inbox / "daily.csv.part").write_text("date,market\n", encoding="utf-8")

    assert main(["inbox", "--settle", "0.1"]) == 1  # a file was refused

    out = capsys.readouterr().out.splitlines()
    assert out == [
        "creators.csv: imported 3 creators rows, 3 new, 0 updated → done/creators.csv",
        "report.pdf: not imported → failed/report.pdf (the reasons are in failed/report.pdf.txt)",
    ]
    assert names(inbox) == ["daily.csv.part"]
    assert main(["inbox", "--settle", "0.1"]) == 0
    assert capsys.readouterr().out == f"Nothing to import in {inbox}.\n"
    # Audited beside the chat's commands, as the inbox.
    assert main(["ask", "audit"]) == 0
    logged = [line for line in capsys.readouterr().out.splitlines() if " import " in line]
    assert len(logged) == 2
    assert [line.split()[2:6] for line in logged] == [  # newest first: who, where, what
        ["inbox", "inbox", "import", "report.pdf"],
        ["inbox", "inbox", "import", "creators"],
    ]


def test_no_inbox_is_a_plain_error(
    inbox: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CREATORBOT_INBOX")
    assert main(["inbox"]) == 2
    assert "set CREATORBOT_INBOX" in capsys.readouterr().err
    assert main(["inbox", str(inbox / "nowhere")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_two_creatorbot_processes_on_one_postgresql_import_each_file_once(
    pg_engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    creators_file(folder / "creators.csv", 20, age=600)
    days = [dt.date(2026, 11, day) for day in range(1, 16)]
    expected = {
        day: daily_file(folder / f"{day}.csv", 20, seed=day.day, day=day, age=300 - day.day)
        for day in days
    }
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CREATORBOT_", "SLACK_", "LARK_", "DATABASE_URL"))
    }
    env |= {
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url(pg_engine),
        "CREATORBOT_INBOX": str(folder),
        "CREATORBOT_DATA_DIR": str(tmp_path / "data"),
    }
    command = [sys.executable, "-c", "from creatorbot.bot.cli import main; exit(main())"]
    runs = [
        subprocess.Popen(
            [*command, "inbox", "--settle", "1"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    said = [line for out, _err in outputs for line in out.splitlines() if "imported" in line]
    assert len(said) == 16  # each file once, whichever process took it
    assert names(folder / "done") == sorted(["creators.csv"] + [f"{day}.csv" for day in days])
    sessions = make_sessionmaker(pg_engine)
    arguments = sorted(entry[2] for entry in audited(sessions))
    assert arguments == sorted(
        ["creators creators.csv"] + [f"daily_metrics {day}.csv" for day in days]
    )
    for day, figures in expected.items():
        assert stored(sessions, day) == figures


def test_the_running_bot_polls_the_inbox_at_the_interval_it_is_given(inbox: Path) -> None:
    app = build(Settings(CREATORBOT_INBOX=inbox, CREATORBOT_INBOX_POLL_SECONDS=7))
    scheduler = start_scheduler(app, {})
    try:
        start_inbox(app, scheduler)
        job = scheduler.aps.get_job("inbox")
        assert job.trigger.interval == dt.timedelta(seconds=7)
        creators_file(inbox / "creators.csv", 4)
        job.func()
        job.func()
        assert names(inbox / "done") == ["creators.csv"]
        assert len(stored_creators(app)) == 4
    finally:
        scheduler.shutdown()
        app.close()


def test_the_bot_does_not_start_on_an_inbox_that_is_not_a_folder(
    inbox: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = build(
        Settings(
            CREATORBOT_INBOX=inbox / "nowhere",
            LARK_APP_ID="cli_x",
            LARK_APP_SECRET="s",
            LARK_MODE="websocket",
        )
    )
    try:
        assert serve(app) == 2
        reasons = [getattr(r, "reason", "") for r in caplog.records if r.msg == "not starting"]
        assert reasons == [f"CREATORBOT_INBOX: the inbox {inbox / 'nowhere'} is not a folder"]
    finally:
        app.close()


def stored_creators(app: App) -> list[str]:
    with app.sessions() as session:
        return list(session.scalars(select(Creator.handle)))
