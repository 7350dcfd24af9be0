"""The console as its operator uses it: charts saved as PNG files beside the exports (their path
printed), and the last answer's buttons pressed by typing their number or their label."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from matplotlib import image as mpimg
from PIL import Image as PILImage

from creatorbot.bot.app import App, build
from creatorbot.bot.console import shell
from creatorbot.bot.settings import Settings
from creatorbot.storage import writer

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
END = dt.date(2026, 11, 23)
# Three IT creators: a week of GMV each (minor units).
CREATORS = {"giulia": 123_456, "marco": 99_000, "sofia": 45_600}


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    app = build(
        Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'bot.sqlite3'}", _env_file=None),
        clock=lambda: dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC),
    )
    creators = [
        {
            "market": "IT",
            "handle": handle,
            "display_name": handle.title() + " Rossi",
            "tier": "oro",
            "category": "moda",
            "followers": 10,
            "cm": None,
            "am": None,
            "joined_on": None,
        }
        for handle in CREATORS
    ]
    metrics = [
        {
            "date": END - dt.timedelta(days=offset),
            "market": "IT",
            "handle": handle,
            "gmv": gmv,
            "orders": 3,
            "items_sold": 4,
            "live_gmv": 0,
            "video_gmv": gmv,
            "live_sessions": 0,
            "live_minutes": 0,
            "video_posts": 1,
            "video_views": 50,
            "new_followers": 1,
        }
        for handle, gmv in CREATORS.items()
        for offset in range(7)
    ]
    with app.sessions.begin() as session:
        writer.write_creators(pd.DataFrame(creators), session=session)
        writer.write_daily_metrics(pd.DataFrame(metrics), session=session)
    yield app
    app.close()


def run_shell(app: App, folder: Path, *typed: str, locale: str = "en") -> list[str]:
    """What the shell printed for each line typed, in order (the banner left out)."""
    lines = iter([*typed, "exit"])
    shown: list[str] = []
    shell(app.router, folder / "history", locale, read=lambda _: next(lines), write=shown.append)
    return [text for text in shown[1:] if text]


def test_a_chart_is_saved_as_a_png_beside_the_exports(app: App, tmp_path: Path) -> None:
    (answer,) = run_shell(app, tmp_path, "creator giulia")
    saved = [line for line in answer.splitlines() if line.startswith("Chart saved as ")]
    assert saved, answer
    for line in saved:
        path = Path(line.removeprefix("Chart saved as "))
        assert path.parent == tmp_path / "exports"
        data = path.read_bytes()
        assert data.startswith(PNG_SIGNATURE)
        with PILImage.open(path) as picture:
            picture.verify()
        with PILImage.open(path) as picture:
            assert picture.format == "PNG" and picture.size[0] > 400
        assert mpimg.imread(path).shape[0] > 200


def test_the_chart_line_speaks_the_operators_language(app: App, tmp_path: Path) -> None:
    (answer,) = run_shell(app, tmp_path, "creator giulia", locale="it")
    assert "Grafico salvato in " in answer


def test_buttons_are_numbered_and_pressed_by_number(app: App, tmp_path: Path) -> None:
    board, pressed = run_shell(app, tmp_path, "leaderboard gmv 7d IT top 1", "1")
    assert "[1] Show more" in board
    assert "Type a button's number or its label to press it." in board
    # Show more: the next page, so all three, and no more to show
    for name in ("Giulia Rossi (@giulia)", "Marco Rossi (@marco)", "Sofia Rossi (@sofia)"):
        assert name in pressed
    assert "Marco Rossi" not in board and "Show more" not in pressed


@pytest.mark.parametrize("typed", ["more", "Show more", "SHOW MORE", "sho"])
def test_a_button_is_pressed_by_its_label_or_a_word_of_it(
    app: App, tmp_path: Path, typed: str
) -> None:
    _, pressed = run_shell(app, tmp_path, "leaderboard gmv 7d IT top 1", typed)
    assert "Marco Rossi (@marco)" in pressed


def test_a_creator_button_opens_the_profile(app: App, tmp_path: Path) -> None:
    _, profile = run_shell(app, tmp_path, "leaderboard gmv 7d IT", "@marco")
    assert "Marco Rossi (@marco) · IT" in profile


def test_a_number_without_buttons_or_beyond_them_is_a_command(app: App, tmp_path: Path) -> None:
    first, _ = run_shell(app, tmp_path, "7", "leaderboard gmv 7d IT top 1")
    assert "[1]" not in first  # `7` was no button: the bot answered it as a command
    *_, last = run_shell(app, tmp_path, "leaderboard gmv 7d IT top 1", "99")
    assert "Show more" not in last.splitlines()[0]


def test_italian_button_labels_are_typed_in_italian(app: App, tmp_path: Path) -> None:
    board, pressed = run_shell(app, tmp_path, "classifica gmv 7g IT primi 1", "altri", locale="it")
    assert "Scrivi il numero o il nome di un pulsante per premerlo." in board
    assert "Marco Rossi (@marco)" in pressed
