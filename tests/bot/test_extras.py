"""A command that needs an extra that is not installed (Slack, Lark, PostgreSQL) says in one line
how to install it, instead of failing with an ImportError. The missing package is simulated by
a `None` in `sys.modules`, which makes its import fail as an absent one does."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from creatorbot.bot.app import build
from creatorbot.bot.cli import main
from creatorbot.bot.serve import wire
from creatorbot.bot.settings import Settings
from creatorbot.extras import MissingExtra, need
from creatorbot.storage.db import make_engine
from tests.bot.test_cli import data_dir  # noqa: F401  (the fixture)
from tests.bot.test_cli_start import PLATFORM


def absent(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """Make `import module` fail for each of `modules`, as when its package is not installed."""
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)


@pytest.fixture
def no_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PLATFORM:
        monkeypatch.delenv(name, raising=False)


def test_an_absent_package_names_its_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    absent(monkeypatch, "lark_oapi")
    with pytest.raises(MissingExtra) as caught:
        need("lark", "lark_oapi")
    assert str(caught.value) == (
        "Lark needs the lark extra, which is not installed: pip install 'creatorbot[lark]'"
    )


def test_a_present_package_is_simply_imported() -> None:
    assert need("slack", "json") is sys.modules["json"]


def test_ask_with_slack_configured_but_not_installed_gives_the_hint(
    data_dir: Path,  # noqa: F811
    no_platform: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cret")
    absent(monkeypatch, "slack_sdk", "slack_bolt")

    code = main(["ask", "help"])

    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        "creatorbot: Slack needs the slack extra, which is not installed: "
        "pip install 'creatorbot[slack]'\n"
    )


def test_postgres_without_its_extra_gives_the_hint(
    data_dir: Path,  # noqa: F811
    no_platform: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:pw@127.0.0.1:1/creatorbot")
    absent(monkeypatch, "psycopg")

    code = main(["ask", "help"])

    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "pip install 'creatorbot[postgres]'" in err
    assert "pw" not in err


def test_make_engine_names_the_postgres_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    absent(monkeypatch, "psycopg")
    with pytest.raises(MissingExtra, match=r"creatorbot\[postgres\]"):
        make_engine("postgres://bot@127.0.0.1:1/creatorbot")


@pytest.mark.parametrize(
    ("extra", "modules", "env"),
    [
        ("slack", ("slack_bolt",), {"SLACK_BOT_TOKEN": "xoxb-t", "SLACK_SIGNING_SECRET": "s"}),
        (
            "lark",
            ("lark_oapi",),
            {
                "LARK_APP_ID": "cli_t",
                "LARK_APP_SECRET": "s",
                "LARK_VERIFICATION_TOKEN": "v",
                "LARK_ENCRYPT_KEY": "k",
            },
        ),
    ],
)
def test_the_bot_does_not_start_a_platform_whose_extra_is_missing(
    data_dir: Path,  # noqa: F811
    no_platform: None,
    monkeypatch: pytest.MonkeyPatch,
    extra: str,
    modules: tuple[str, ...],
    env: dict[str, str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    absent(monkeypatch, *modules)
    app = build(Settings())
    try:
        with pytest.raises(MissingExtra, match=rf"pip install 'creatorbot\[{extra}\]'"):
            wire(app)
    finally:
        app.close()
