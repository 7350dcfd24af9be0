"""The command line, run as a user would: `creatorbot ask`, `shell`, `db upgrade`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from creatorbot.bot.app import build
from creatorbot.bot.cli import main
from creatorbot.bot.cli_demo import morning
from creatorbot.bot.console import shell
from creatorbot.bot.settings import Settings
from creatorbot.storage import writer


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh SQLite data directory, nothing from the developer's environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CREATORBOT_DATA_DIR", str(tmp_path / "data"))
    for name in (
        "DATABASE_URL",
        "CREATORBOT_LOCALE",
        "LANG",
        "LC_ALL",
        "CREATORBOT_DEFAULT_MARKET",
    ):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"


def seed_one_creator(data_dir: Path) -> None:
    app = build(Settings())
    with app.sessions.begin() as session:
        writer.write_creators(
            pd.DataFrame(
                [
                    {
                        "market": "IT",
                        "handle": "giulia",
                        "display_name": "Giulia Rossi",
                        "tier": "oro",
                        "category": "moda",
                        "followers": 10,
                        "cm": None,
                        "am": None,
                        "joined_on": None,
                    }
                ]
            ),
            session=session,
        )
        writer.write_daily_metrics(
            pd.DataFrame(
                [
                    {
                        "date": dt.date(2026, 11, 23),
                        "market": "IT",
                        "handle": "giulia",
                        "gmv": 123456,
                        "orders": 3,
                        "items_sold": 4,
                        "live_gmv": 0,
                        "video_gmv": 123456,
                        "live_sessions": 0,
                        "live_minutes": 0,
                        "video_posts": 1,
                        "video_views": 50,
                        "new_followers": 1,
                    }
                ]
            ),
            session=session,
        )
    app.close()


def test_ask_answers_and_exits_zero(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_one_creator(data_dir)
    assert main(["ask", "leaderboard", "gmv", "1d", "IT"]) == 0
    out = capsys.readouterr().out
    assert "Giulia Rossi (@giulia)" in out
    assert "€1,234.56" in out
    assert (data_dir / "creatorbot.sqlite3").exists()


def test_ask_in_italian(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_one_creator(data_dir)
    assert main(["ask", "--locale", "it", "leaderboard 1d IT"]) == 0
    out = capsys.readouterr().out
    assert "Classifica GMV · IT · ultimo giorno" in out
    assert "1.234,56\xa0€" in out


def test_ask_exits_non_zero_when_the_command_failed(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "leaderbord"]) == 1
    assert "Did you mean `leaderboard`?" in capsys.readouterr().out


def test_shell_answers_until_exit(data_dir: Path) -> None:
    seed_one_creator(data_dir)
    app = build(Settings())
    typed = iter(["", "creator giulia", "exit", "help"])
    shown: list[str] = []
    shell(app.router, data_dir / "history", read=lambda _prompt: next(typed), write=shown.append)
    app.close()
    transcript = "\n".join(shown)
    assert "Giulia Rossi (@giulia) · IT" in transcript
    assert "creatorbot commands" not in transcript  # `help` came after `exit`


def test_db_upgrade(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_import_reports_what_it_did_and_refuses_a_bad_file(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "creators.csv"
    good.write_text(
        "handle,display_name,market,tier,category,followers,cm,am,joined_on\n"
        "giulia,Giulia Rossi,IT,oro,moda,10,,,2025-01-01\n",
        encoding="utf-8",
    )
    assert main(["import", "creators", str(good)]) == 0
    assert (
        "Imported 1 creators rows from creators.csv: 1 new, 0 updated." in capsys.readouterr().out
    )
    assert main(["import", "creators", str(good)]) == 0
    assert "0 new, 1 updated" in capsys.readouterr().out

    bad = tmp_path / "daily.csv"
    bad.write_text(
        "date,market,handle,gmv,orders,items_sold,live_gmv,video_gmv,live_sessions,live_minutes,"
        "video_posts,video_views,new_followers\n"
        "2026-11-23,IT,giulia,-5,1,1,0,0,0,0,0,0,0\n",
        encoding="utf-8",
    )
    assert main(["import", "daily_metrics", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "row 2, column gmv" in err
    assert "nothing was imported" in err
    assert main(["ask", "leaderboard", "IT"]) == 0
    assert "There is no data for Italy yet." in capsys.readouterr().out
    # Imports are in the audit log beside commands: what, how it ended, how many rows.
    assert main(["ask", "audit"]) == 0
    logged = [line.split() for line in capsys.readouterr().out.splitlines() if "import" in line]
    assert [line[3:] for line in logged] == [
        ["console", "import", "daily_metrics", "daily.csv", "refused", line_ms(logged[0])],
        ["console", "import", "creators", "creators.csv", "answered", "1", line_ms(logged[1])],
        ["console", "import", "creators", "creators.csv", "answered", "1", line_ms(logged[2])],
    ]


def line_ms(words: list[str]) -> str:
    """The latency column of an audit line, whatever it measured."""
    assert words[-1].isdigit()
    return words[-1]


def test_import_of_an_unknown_kind(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a\n1\n", encoding="utf-8")
    assert main(["import", "widgets", str(path)]) == 2
    assert "unknown kind 'widgets'" in capsys.readouterr().err


def test_demo_runs_the_morning_jobs_and_shows_their_posts_every_time(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):  # the second run reuses the world and posts again
        assert main(["demo"]) == 0
        out = capsys.readouterr().out
        assert "This morning creatorbot would post" in out
        assert "post to #morning" in out
        assert "Daily ranking snapshot · MY" in out


def test_jobs_tick_posts_what_is_due_once_and_jobs_list_shows_the_ledger(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "digest subscribe snapshot MY at 09:00"]) == 0
    capsys.readouterr()
    # 09:00 in Kuala Lumpur tomorrow, as an operator would type it.
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).date()
    at = f"{tomorrow.isoformat()}T09:05+08:00"
    assert main(["jobs", "tick", "--at", at]) == 0
    out = capsys.readouterr().out
    assert f"post to #console · creatorbot:snapshot:1:{tomorrow.isoformat()}" in out
    assert f"posted               creatorbot:snapshot:1:{tomorrow.isoformat()}" in out
    assert main(["jobs", "tick", "--at", at]) == 0
    assert "nothing was due" in capsys.readouterr().out
    assert main(["jobs", "list", "--at", at]) == 0
    out = capsys.readouterr().out
    assert "#1    snapshot  MY  09:00 active" in out
    # The period in Kuala Lumpur's calendar, the next post at its local time (not UTC).
    assert f"snapshot   #1    {tomorrow.day} {tomorrow:%b %Y}" in out and "posted" in out
    after = tomorrow + dt.timedelta(days=1)
    assert f"next {after.day} {after:%b %Y} 09:00 (Asia/Kuala_Lumpur)" in out


def test_the_demo_in_the_european_evening_has_yesterdays_data_for_kuala_lumpur(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """At 18:49 UTC it is already 02:49 the next day in Kuala Lumpur: the morning's alerts
    there read the day that just ended, so the demo world holds it and nothing is "late"."""
    evening = dt.datetime(2026, 12, 6, 18, 49, tzinfo=dt.UTC)
    app = build(Settings(_env_file=None), clock=lambda: evening)
    try:
        assert morning(app) == 0
    finally:
        app.close()
    out = capsys.readouterr().out
    assert "up to 2026-12-06" in out
    assert "Data is late" not in out
    assert "Anomaly alerts · MY · 6 Dec 2026" in out and "Data through 6 Dec 2026" in out
