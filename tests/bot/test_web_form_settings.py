"""The form links' settings: both the secret and the public URL turn the pages on, one without
the other or a short secret stops `creatorbot run`, and none leaves `/f/` unrouted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from creatorbot.bot.app import App, build
from creatorbot.bot.serve import wire
from creatorbot.bot.settings import Settings

SECRET = "x" * 43


@pytest.fixture
def make(tmp_path: Path) -> Iterator[Callable[..., App]]:
    built: list[App] = []

    def app(**values: str) -> App:
        settings = Settings(
            DATABASE_URL=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
            _env_file=None,  # type: ignore[call-arg]
            **values,
        )
        built.append(build(settings))
        return built[-1]

    yield app
    for done in built:
        done.close()


def test_links_on_route_the_form_pages(make: Callable[..., App]) -> None:
    app = make(CREATORBOT_LINK_SECRET=SECRET, CREATORBOT_PUBLIC_URL="https://bot.example.com")
    assert app.services.links is not None and app.services.links.days == 14
    running = wire(app)
    try:
        assert list(running.web.pages) == ["/f/"]
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/f/nothing", "REMOTE_ADDR": "1.2.3.4"}
        assert running.web.respond(environ).status == 404
    finally:
        running.close()


def test_links_off_leave_no_public_page(make: Callable[..., App]) -> None:
    running = wire(make())
    try:
        assert running.web.pages == {}
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/f/x"}
        assert running.web.respond(environ).body == b"not found"
    finally:
        running.close()


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ({"CREATORBOT_LINK_SECRET": SECRET}, "CREATORBOT_PUBLIC_URL is not set"),
        ({"CREATORBOT_PUBLIC_URL": "https://bot.example.com"}, "CREATORBOT_LINK_SECRET is not"),
        (
            {"CREATORBOT_LINK_SECRET": "short", "CREATORBOT_PUBLIC_URL": "https://b.example"},
            "CREATORBOT_LINK_SECRET is shorter than 32 characters",
        ),
    ],
)
def test_links_set_up_in_part_stop_the_start(
    make: Callable[..., App], values: dict[str, str], said: str
) -> None:
    app = make(**values)
    with pytest.raises(ValueError, match=said):
        wire(app)
    assert "short" not in said or app.services.links is None  # the console goes without


def test_by_default_an_address_gets_60_pages_a_minute_and_a_link_20(
    make: Callable[..., App],
) -> None:
    app = make(CREATORBOT_LINK_SECRET=SECRET, CREATORBOT_PUBLIC_URL="https://bot.example.com")
    running = wire(app)
    try:

        def status(path: str, address: str) -> int:
            environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "REMOTE_ADDR": address}
            return running.web.respond(environ).status

        by_one = [status(f"/f/nothing{n}", "203.0.113.9") for n in range(61)]
        assert by_one == [404] * 60 + [429]
        keys = app.settings.link_keys
        assert keys is not None
        token = keys.link_token(987654, dt.datetime(2099, 1, 1, tzinfo=dt.UTC))
        # an unknown link that verifies: counted per link, whoever opens it
        by_many = [status(f"/f/{token}", f"198.51.100.{n}") for n in range(21)]
        assert by_many[-1] == 429 and 429 not in by_many[:20]
    finally:
        running.close()
