"""The console sets a campaign up as a sequence of questions: the form's fields asked one by one,
refused ones asked again, then enrolment by filter and the campaign seen everywhere."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.console import ask, press
from creatorbot.bot.render_text import render
from creatorbot.commands.core import Services
from creatorbot.commands.registry import commands, forms
from creatorbot.commands.router import Router
from tests.commands.conftest import metric_row
from tests.commands.test_campaign_setup import NOW, TODAY, add_sales, enrolled, world

__all__ = ["world"]  # the fixture, shared with the commands' tests


def scripted(answers: list[str]) -> tuple[Callable[[str], str], list[str]]:
    """A `read` that answers in turn (and records each prompt), and what was written."""
    shown: list[str] = []
    queue = list(answers)

    def read(prompt: str) -> str:
        shown.append(prompt)
        if not queue:
            raise EOFError
        return queue.pop(0)

    return read, shown


ANSWERS = [
    "1",  # kind: incentive program
    "Payday Live Sprint",
    "",  # slug: suggested
    "MY",
    "2026-11-24",
    "2026-11-20",  # last day before the first: asked again
    "1",  # metric: GMV
    "25,000",
    "3",
    "500:50; 2000:150",
    "",
    "1000",
    "3",
]


def test_the_console_asks_the_form_and_the_campaign_is_seen_everywhere(
    world: Router, sessions: sessionmaker[Session]
) -> None:
    router = Router(commands(), Services(sessions=sessions, clock=lambda: NOW), forms())
    invitation = ask(router, "campaign new")
    read, prompts = scripted([*ANSWERS, "2026-12-03"])
    written: list[str] = []
    saved = press(router, invitation, "1", "en", read, written.append)
    assert saved is not None and saved.ok, "\n".join(written + ["---"] + prompts)
    text = "\n".join(written)
    assert "New campaign" in text
    assert "1. Incentive program" in text
    assert "✗ Last day: The last day is before the first day." in text
    assert prompts[-1].startswith("Last day")  # only the refused field was asked again
    assert "my-payday-live-sprint-2026" in render(saved)
    preview = ask(router, "campaign enroll my-payday-live-sprint-2026 category:beauty top 2")
    assert "@amir" in render(preview) and "@bella" in render(preview)
    done = press(router, preview, "1")
    assert done is not None and done.ok
    assert enrolled(sessions, "my-payday-live-sprint-2026") == ["amir", "bella"]
    add_sales(sessions, [metric_row(TODAY, "amir", 60_000), metric_row(TODAY, "bella", 9_000)])
    assert "my-payday-live-sprint-2026" in render(ask(router, "campaign list"))
    status = render(ask(router, "campaign my-payday-live-sprint-2026"))
    assert "2 / 3" in status and "RM690.00" in status
    board = render(ask(router, "leaderboard campaign:my-payday-live-sprint-2026"))
    assert board.index("@amir") < board.index("@bella")


def test_cancel_saves_nothing(world: Router, sessions: sessionmaker[Session]) -> None:
    router = Router(commands(), Services(sessions=sessions, clock=lambda: NOW), forms())
    read, _ = scripted(["1", "cancel"])
    written: list[str] = []
    answer = press(router, ask(router, "campaign new"), "1", "en", read, written.append)
    assert answer is not None and "nothing was saved" in render(answer)
    assert "No campaign" in render(ask(router, "campaign list MY"))
