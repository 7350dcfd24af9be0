"""`creatorbot ask "campaign enroll SLUG" --file LIST` at the console: the same preview as in
chat, the command that presses its button, and that command enrolling what was shown; a
careless file and a command that takes no file are answered and write nothing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from creatorbot.bot.app import build
from creatorbot.bot.cli import main
from creatorbot.bot.settings import Settings
from creatorbot.storage import writer
from creatorbot.storage.models import Campaign, Creator, Enrollment
from tests.bot.test_cli import data_dir

__all__ = ["data_dir"]  # the fixture, used by name
SLUG = "it-lista"


def seed(data_dir: Path) -> None:
    """Two IT creators and an IT campaign running from yesterday for ten days."""
    app = build(Settings())
    today = dt.date.today()
    people = [
        {"market": "IT", "handle": h, "display_name": h.title(), "tier": "oro",
         "category": "moda", "followers": 10, "cm": None, "am": None, "joined_on": None}
        for h in ("giulia", "marco")
    ]  # fmt: skip
    campaign = {
        "slug": SLUG,
        "name": "Lista",
        "market": "IT",
        "kind": "competition",
        "starts_on": today - dt.timedelta(days=1),
        "ends_on": today + dt.timedelta(days=10),
        "metric": "gmv",
        "gmv_target": None,
        "creator_target": None,
        "reward_tiers": [],
    }
    with app.sessions.begin() as session:
        writer.write_creators(pd.DataFrame(people), session=session)
        writer.write_campaigns(pd.DataFrame([campaign]), session=session)
    app.close()


def enrolled() -> list[str]:
    app = build(Settings())
    with app.sessions() as session:
        found = list(
            session.scalars(
                select(Creator.handle)
                .join(Enrollment, Enrollment.creator_id == Creator.id)
                .join(Campaign, Campaign.id == Enrollment.campaign_id)
                .order_by(Creator.handle)
            )
        )
    app.close()
    return found


def test_a_list_is_previewed_then_enrolled_by_the_printed_command(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(data_dir)
    listing = tmp_path / "lista.csv"
    listing.write_text("Nome utente\n@Giulia\ngiulia\nnessuno\n", encoding="utf-8")
    assert main(["ask", f"campaign enroll {SLUG}", "--file", str(listing)]) == 0
    out = capsys.readouterr().out
    assert "Enrol in Lista: preview" in out
    assert "@giulia" in out and "@nessuno" in out and "@marco" not in out
    assert enrolled() == []
    (command,) = re.findall(r'creatorbot ask "([^"]+)"', out)
    assert main(["ask", command]) == 0
    assert "Enrolled 1 creator in Lista" in capsys.readouterr().out
    assert enrolled() == ["giulia"]


def test_a_binary_file_is_refused_and_writes_nothing(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(data_dir)
    binary = tmp_path / "lista.xlsx"
    binary.write_bytes(bytes(range(256)) * 64)
    assert main(["ask", f"campaign enroll {SLUG}", "--file", str(binary)]) == 1
    out = capsys.readouterr().out
    assert "couldn't read “lista.xlsx” as a list" in out
    assert "creatorbot ask" not in out
    assert enrolled() == []


def test_a_file_goes_with_enrolment_only(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = tmp_path / "lista.csv"
    listing.write_text("giulia\n", encoding="utf-8")
    assert main(["ask", "leaderboard", "--file", str(listing)]) == 2
    assert "campaign enroll SLUG" in capsys.readouterr().err
    assert main(["ask", f"campaign enroll {SLUG}", "--file", str(tmp_path / "none.csv")]) == 2
