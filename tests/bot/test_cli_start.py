"""`creatorbot run` never starts looking healthy when it cannot work: a half-configured platform,
or no platform and no terminal, stops it with what is missing (exit 2); the console only when
nothing is configured at a terminal, or when asked for. And `postgres://` URLs just work."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from urllib.parse import parse_qsl, quote

import pytest
from slack_bolt.request import BoltRequest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from creatorbot.bot import serve
from creatorbot.bot.cli import main
from tests.bot.slack_harness import running_bot
from tests.conftest import DEFAULT_PG, private_schema
from tests.fakes.slack_requests import slash_command

PLATFORM = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_PREVIOUS_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "LARK_APP_ID",
    "LARK_APP_SECRET",
    "LARK_VERIFICATION_TOKEN",
    "LARK_ENCRYPT_KEY",
    "LARK_MODE",
)


class Terminal(io.StringIO):
    """What a person types at a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A fresh SQLite data directory, no platform settings from the developer's environment,
    no terminal (stdin at end of input, as in a container), and the web front never really
    started: the platforms `serve` was asked to run are recorded instead."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CREATORBOT_DATA_DIR", str(tmp_path / "data"))
    for name in (*PLATFORM, "DATABASE_URL", "CREATORBOT_LOCALE", "LANG", "LC_ALL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    served: list[str] = []

    def fake_serve(app: object, host: str = "", role: object = None) -> int:
        settings = app.settings  # type: ignore[attr-defined]
        served.extend(p for p in ("slack", "lark") if getattr(settings, f"has_{p}"))
        return 0

    monkeypatch.setattr(serve, "serve", fake_serve)
    return served


@pytest.mark.parametrize(
    ("configured", "missing"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is not set but SLACK_BOT_TOKEN is"),
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN is not set but SLACK_SIGNING_SECRET is"),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN is not set but SLACK_APP_TOKEN is"),
        (
            {"SLACK_APP_TOKEN": "xapp-1", "SLACK_SIGNING_SECRET": "s"},
            "SLACK_BOT_TOKEN is not set but SLACK_SIGNING_SECRET and SLACK_APP_TOKEN are",
        ),
        ({"LARK_APP_ID": "cli_1"}, "LARK_APP_SECRET is not set but LARK_APP_ID is"),
        ({"LARK_APP_SECRET": "x"}, "LARK_APP_ID is not set but LARK_APP_SECRET is"),
        (
            {"LARK_ENCRYPT_KEY": "k", "LARK_VERIFICATION_TOKEN": "v"},
            "LARK_APP_ID and LARK_APP_SECRET are not set but LARK_VERIFICATION_TOKEN and "
            "LARK_ENCRYPT_KEY are",
        ),
        (
            {"LARK_APP_ID": "cli_1", "LARK_APP_SECRET": "x"},
            "LARK_VERIFICATION_TOKEN and LARK_ENCRYPT_KEY are not set but LARK_MODE is http",
        ),
        (
            {"LARK_APP_ID": "cli_1", "LARK_APP_SECRET": "x", "LARK_VERIFICATION_TOKEN": "v"},
            "LARK_ENCRYPT_KEY is not set but LARK_MODE is http",
        ),
        (  # Slack fine, Lark half there: still no start (the Lark half would be lost)
            {
                "SLACK_BOT_TOKEN": "xoxb-1",
                "SLACK_SIGNING_SECRET": "s",
                "LARK_APP_ID": "cli_1",
            },
            "LARK_APP_SECRET is not set but LARK_APP_ID is",
        ),
    ],
)
def test_a_half_configured_platform_stops_the_start_naming_what_is_missing(
    started: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    configured: dict[str, str],
    missing: str,
) -> None:
    for name, value in configured.items():
        monkeypatch.setenv(name, value)
    assert main(["run"]) == 2
    said = capsys.readouterr()
    assert missing in said.err
    assert "creatorbot shell" not in said.out  # the console never started
    assert started == []
    assert not (Path("data") / "creatorbot.sqlite3").exists()  # refused before touching data


def test_the_message_says_how_to_fix_it(
    started: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("LARK_APP_SECRET", "x")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.count("creatorbot: ") == 2  # both problems, one line each
    assert "set SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode)" in err
    assert "or unset SLACK_BOT_TOKEN to run on the console" in err
    assert "set LARK_APP_ID too, or unset LARK_APP_SECRET to run on the console" in err
    assert "xoxb-1" not in err  # a secret is never echoed


def test_socket_mode_needs_no_signing_secret(
    started: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    assert main(["run"]) == 0
    assert started == ["slack"]


def test_socket_mode_answers_without_a_signing_secret(tmp_path: Path) -> None:
    """The real wiring: Slack runs in Socket Mode with only the two tokens, and a slash command
    arriving over the socket is answered."""
    with running_bot(tmp_path, signing_secret=None, SLACK_APP_TOKEN="xapp-1-test") as bot:
        slack = bot.running.platforms["slack"]
        url = bot.fake.response_url("socket")
        form = slash_command("/leaderboard", "gmv 7d MY", response_url=url).decode()
        acked = slack.bolt.dispatch(BoltRequest(body=dict(parse_qsl(form)), mode="socket_mode"))
        assert acked.status == 200
        bot.fake.wait_for(lambda: len(bot.fake.responses(url)) >= 1)
        (answer,) = bot.fake.responses(url)
        assert answer["blocks"][0]["text"]["text"] == "GMV leaderboard · MY · last 7 days"


def test_lark_long_connection_needs_no_callback_secrets(
    started: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LARK_APP_ID", "cli_1")
    monkeypatch.setenv("LARK_APP_SECRET", "x")
    monkeypatch.setenv("LARK_MODE", "websocket")
    assert main(["run"]) == 0
    assert started == ["lark"]


def test_no_platform_and_no_terminal_is_refused(
    started: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run"]) == 2
    said = capsys.readouterr()
    assert "no Slack or Lark credentials are configured and there is no terminal" in said.err
    assert "SLACK_BOT_TOKEN" in said.err and "LARK_APP_ID" in said.err
    assert "creatorbot shell" not in said.out


def test_no_platform_at_a_terminal_runs_the_console(
    started: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal("help\nexit\n"))
    assert main(["run"]) == 0
    out = capsys.readouterr().out
    assert "running on the console" in out
    assert "creatorbot commands" in out  # `help` was answered


def test_the_console_when_asked_for(
    started: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setattr(sys, "stdin", io.StringIO("help\n"))
    assert main(["run", "--console"]) == 0
    assert "creatorbot commands" in capsys.readouterr().out
    assert started == []  # Slack configured, yet not started: the console was asked for


# --- postgres:// ------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_a_postgres_url_as_hosts_give_it_works(
    started: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    scheme: str,
) -> None:
    """Heroku, Render and Fly hand out `postgres://…`; psycopg 3 is the driver installed."""
    with private_schema("creatorbot_url") as (engine, schema):
        given = make_url(os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)).set(drivername=scheme)
        url = given.render_as_string(hide_password=False)
        options = quote(f"-csearch_path={schema}")
        monkeypatch.setenv("DATABASE_URL", f"{url}?options={options}")
        assert main(["db", "upgrade"]) == 0
        creators = tmp_path / "creators.csv"
        creators.write_text(
            "handle,display_name,market,tier,category,followers,cm,am,joined_on\n"
            "giulia,Giulia Rossi,IT,oro,moda,10,,,2025-01-01\n"
        )
        assert main(["import", "creators", str(creators)]) == 0
        with engine.connect() as connection:
            names = connection.execute(text("SELECT display_name FROM creators")).scalars()
            assert list(names) == ["Giulia Rossi"]
    assert "up to date" in capsys.readouterr().out


@pytest.mark.parametrize("url", ["nonsense", "sqlite3:///x.db", "postgres+nodriver://h/db"])
def test_a_database_url_that_cannot_work_is_named(
    started: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    url: str,
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err
    assert "DATABASE_URL is not a database URL creatorbot can use" in err
    assert "postgresql://" in err
