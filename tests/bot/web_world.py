"""A small world for the creators' web form: MY and IT creators, an IT campaign they are
enrolled in, the form pages over it, and a WSGI call that returns what a browser would get."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.http import HttpResponse, WebApp
from creatorbot.bot.metrics import Metrics
from creatorbot.bot.web.pages import PREFIX, FormPages
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.link_tokens import LinkKeys
from creatorbot.commands.registry import commands, forms
from creatorbot.commands.router import Router
from tests.commands.conftest import creator_row, seed

START = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
SECRET = b"k" * 40
KEYS = LinkKeys(SECRET, None, "https://forms.example.com", 14)
CAMPAIGN = {
    "slug": "it-black-friday",
    "name": "Black Friday IT",
    "market": "IT",
    "kind": "mega_sale",
    "starts_on": dt.date(2026, 11, 20),
    "ends_on": dt.date(2026, 11, 30),
    "metric": "gmv",
    "gmv_target": None,
    "creator_target": None,
    "reward_tiers": [],
}


@dataclass
class Clock:
    """A clock the test moves."""

    now: dt.datetime = START

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class Web:
    """The bot's HTTP front with the form pages, the chat router, and the clock they share."""

    app: WebApp
    router: Router
    clock: Clock
    pages: FormPages
    remote: str = "10.0.0.1"
    seen: list[HttpResponse] = field(default_factory=list)

    def chat(self, text: str, user: str = "tester") -> str:
        from creatorbot.bot.render_text import render

        return render(self.router.handle(CommandRequest(text=text, user=user)))

    def link(self, handle: str, campaign: str | None = None) -> str:
        """The path of the link `feedback link` gives for a creator."""
        text = f"feedback link @{handle}" + (f" campaign:{campaign}" if campaign else "")
        found = re.search(r"https://forms\.example\.com(/f/[A-Za-z0-9_-]+)", self.chat(text))
        assert found, self.chat(text)
        return found.group(1)

    def request(
        self,
        method: str,
        target: str,
        body: bytes = b"",
        *,
        content_type: str = "application/x-www-form-urlencoded",
        headers: dict[str, str] | None = None,
        remote: str | None = None,
    ) -> HttpResponse:
        parts = urlsplit(target)
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": parts.path,
            "QUERY_STRING": parts.query,
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": content_type if body else "",
            "REMOTE_ADDR": remote or self.remote,
            "wsgi.input": io.BytesIO(body),
        }
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        response = self.app.respond(environ)
        self.seen.append(response)
        return response

    def get(self, target: str, **kwargs: object) -> HttpResponse:
        return self.request("GET", target, **kwargs)  # type: ignore[arg-type]

    def post(self, target: str, values: dict[str, str], **kwargs: object) -> HttpResponse:
        return self.request("POST", target, urlencode(values).encode(), **kwargs)  # type: ignore[arg-type]

    def send(self, path: str, **answers: str) -> HttpResponse:
        """Open the link, then send the form with `answers` and the ticket it carried."""
        ticket = csrf_of(self.get(path))
        return self.post(path, {"csrf": ticket, **answers})


def csrf_of(response: HttpResponse) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', response.body.decode())
    assert found, response.body.decode()[:500]
    return found.group(1)


def seed_world(sessions: sessionmaker[Session]) -> None:
    """giulia and marco (IT, CM Marco) enrolled in the IT campaign; amir (MY, CM Farah)."""
    seed(
        sessions,
        [
            creator_row("giulia", "IT", cm="Marco", am="Wei", display_name="Giulia Rossi"),
            creator_row("marco.live", "IT", cm="Marco", am=None),
            creator_row("amir", "MY", cm="Farah", am="Daniel"),
        ],
        [],
        [CAMPAIGN],
        [
            {"campaign": CAMPAIGN["slug"], "handle": h, "enrolled_on": dt.date(2026, 11, 19)}
            for h in ("giulia", "marco.live")
        ],
    )


def make_web(
    sessions: sessionmaker[Session], clock: Callable[[], dt.datetime] | None = None, **limits: int
) -> Web:
    clock = clock or Clock()
    assert isinstance(clock, Clock)
    services = Services(sessions=sessions, clock=clock, links=KEYS)
    pages = FormPages(services, KEYS, **limits)
    app = WebApp({}, Metrics(), pages={PREFIX: pages}, too_large=pages.too_large)
    return Web(app, Router(commands(), services, forms()), clock, pages)
