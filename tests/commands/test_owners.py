"""Owners as chat users: found by email through the platform, the answer kept a while, the
staff list overriding, and a failed lookup never breaking what asked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.core import Call, CommandRequest, Services
from creatorbot.commands.owners import owner_user
from creatorbot.commands.reply import Reply, Text
from creatorbot.commands.router import Router

NOW = dt.datetime(2026, 11, 24, 1, 30, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


class Directory:
    """A platform's directory: who has which email, the questions asked, failures on demand."""

    def __init__(self) -> None:
        self.people = {"farah@example.com": "U1"}
        self.asked: list[str] = []
        self.down = False

    def __call__(self, platform: str, workspace: str, email: str) -> str | None:
        self.asked.append(email)
        if self.down:
            raise ConnectionError("Slack is out of reach")
        return self.people.get(email.lower())


def resolver(
    sessions: sessionmaker[Session], directory: Directory, staff: dict[str, str]
) -> Callable[..., str | None]:
    """owner_user as a command calls it, at a given instant."""
    clock = [NOW]
    services = Services(
        sessions=sessions,
        clock=lambda: clock[0],
        lookup_user=directory,
        staff=staff,
        admins=frozenset({"U9"}),
    )
    router = Router([], services)

    def resolve(name: str, at: dt.datetime = NOW, platform: str = "slack") -> str | None:
        clock[0] = at
        found: list[str | None] = []
        request = CommandRequest(text="", platform=platform, workspace="T1", user="U9")

        def ask(call: Call) -> Reply:
            found.append(owner_user(name, call))
            return Reply((Text("ok"),))

        router.run(request, ask)
        return found[0]

    return resolve


def test_an_email_is_asked_once_a_week_and_a_stranger_once_a_day(
    sessions: sessionmaker[Session],
) -> None:
    directory = Directory()
    resolve = resolver(sessions, directory, {})
    assert resolve("farah@example.com") == "U1"
    assert resolve("Farah@Example.com", NOW + 6 * DAY) == "U1"  # kept (emails ignore case)
    assert directory.asked == ["farah@example.com"]
    directory.people["farah@example.com"] = "U5"  # a new account
    assert resolve("farah@example.com", NOW + 7 * DAY) == "U5"
    assert resolve("new@example.com") is None
    assert resolve("new@example.com", NOW + DAY / 2) is None
    directory.people["new@example.com"] = "U6"  # joined the workspace
    assert resolve("new@example.com", NOW + DAY) == "U6"
    assert directory.asked == [
        "farah@example.com",
        "farah@example.com",
        "new@example.com",
        "new@example.com",
    ]


def test_a_failed_lookup_answers_none_and_is_not_kept(sessions: sessionmaker[Session]) -> None:
    directory = Directory()
    resolve = resolver(sessions, directory, {})
    directory.down = True
    assert resolve("farah@example.com") is None
    directory.down = False
    assert resolve("farah@example.com", NOW + dt.timedelta(minutes=1)) == "U1"


def test_the_staff_list_overrides_and_names_are_never_looked_up(
    sessions: sessionmaker[Session],
) -> None:
    directory = Directory()
    resolve = resolver(sessions, directory, {"farah@example.com": "U8", "Nurul Huda": "U4"})
    assert resolve("farah@example.com") == "U8"
    assert resolve("nurul huda") == "U4"
    assert resolve("Jason Lim") is None  # a name, not an email: nothing to look up
    assert resolve("farah2@example.com", platform="console") is None  # no directory there
    assert directory.asked == []
