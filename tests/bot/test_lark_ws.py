"""Lark long-connection mode end to end: the SDK's WebSocket client against fakes on 127.0.0.1."""

from __future__ import annotations

import asyncio
import copy
import threading
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lark_oapi.ws.client as ws_client
import pytest

from creatorbot.bot.app import App, build
from creatorbot.bot.lark.adapter import LarkPlatform
from creatorbot.bot.metrics import Metrics
from creatorbot.bot.serve import wire
from creatorbot.bot.settings import Settings
from tests.bot.world import NOW, seed_world
from tests.fakes import lark_events as le
from tests.fakes.lark_api import APP_ID, APP_SECRET, CREATE, PATCH, REPLY, WS_ENDPOINT, FakeLark
from tests.fakes.lark_ws import FakeLarkWs


@dataclass
class WsBot:
    """The bot holding a long connection to the fakes; `loop` is the SDK's, on `thread`."""

    app: App
    platform: LarkPlatform
    pool: ThreadPoolExecutor
    metrics: Metrics
    fake: FakeLark
    ws: FakeLarkWs
    thread: threading.Thread
    loop: asyncio.AbstractEventLoop
    main_loop: asyncio.AbstractEventLoop | None  # the main thread's, before connect()

    def counted(self, name: str, **labels: str) -> float:
        sample = self.metrics.registry.get_sample_value(name, {"platform": "lark", **labels})
        return sample or 0.0


def settings(tmp_path: Path, fake: FakeLark) -> Settings:
    return Settings(
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        LARK_APP_ID=APP_ID,
        LARK_APP_SECRET=APP_SECRET,
        LARK_DOMAIN=fake.base_url,
        LARK_MODE="websocket",
        _env_file=None,
    )


def main_thread_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop the main thread's policy holds (None when it holds none)."""
    assert threading.current_thread() is threading.main_thread()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            return asyncio.get_event_loop_policy().get_event_loop()
        except RuntimeError:
            return None


@contextmanager
def long_connected_bot(tmp_path: Path, app_secret: str = APP_SECRET) -> Iterator[WsBot]:
    """The real LarkPlatform in long-connection mode (no verification token, no encrypt key),
    connected through the fake Open API's endpoint discovery to the fake WebSocket server."""
    original = ws_client.loop
    with FakeLark() as fake, FakeLarkWs() as ws:
        fake.ws_url = ws.url
        app = build(settings(tmp_path, fake), clock=lambda: NOW)
        seed_world(app)
        metrics = Metrics()
        pool = ThreadPoolExecutor(4, thread_name_prefix="work")
        platform = LarkPlatform(
            app_id=APP_ID,
            app_secret=app_secret,
            domain=fake.base_url,
            verification_token=None,
            encrypt_key=None,
            long_connection=True,
            router=app.router,
            pool=pool,
            metrics=metrics,
            sessions=app.sessions,
            clock=app.services.clock,
        )
        main_loop = main_thread_loop()
        thread = platform.connect()
        fake.wait_for(lambda: bool(fake.calls(WS_ENDPOINT)))
        if app_secret == APP_SECRET:
            ws.wait_connected()
        else:
            thread.join(timeout=5)
        loop = ws_client.loop
        try:
            yield WsBot(app, platform, pool, metrics, fake, ws, thread, loop, main_loop)
        finally:
            ws.stop()  # first, so the client's connection closes while its loop still runs
            platform.close()
            assert not thread.is_alive(), "the long-connection thread did not stop"
            assert loop.is_closed()
            ws_client.loop = original
            pool.shutdown(wait=True)
            app.close()


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[WsBot]:
    with long_connected_bot(tmp_path) as running:
        yield running


def test_the_bot_finds_the_endpoint_connects_and_pings(bot: WsBot) -> None:
    (discovery,) = bot.fake.calls(WS_ENDPOINT)
    assert discovery.params == {"AppID": APP_ID, "AppSecret": APP_SECRET}
    assert not discovery.failed
    bot.ws.wait_for(lambda: bot.ws.pings >= 1)  # the first ping goes out at once; pong answers
    assert bot.ws.handshakes == 1
    assert bot.thread.is_alive()
    assert bot.ws.problems == []


def test_a_direct_message_is_answered_with_a_card_through_the_open_api(bot: WsBot) -> None:
    answer = bot.ws.push(le.message_event("help", "oc_dm_ws", chat_type="p2p"))

    assert answer is not None
    assert answer["code"] == 200
    assert "data" not in answer  # an event's handler returns nothing; the answer is the card
    bot.fake.wait_for(lambda: len(bot.fake.cards("oc_dm_ws")) == 1)
    (card,) = bot.fake.cards("oc_dm_ws")
    assert card["schema"] == "2.0"
    assert "leaderboard" in str(card)
    assert bot.counted("creatorbot_requests_total", outcome="im.message.receive_v1") == 1
    assert bot.ws.problems == []


def test_a_card_action_gets_its_new_card_back_over_the_websocket(bot: WsBot) -> None:
    click = le.card_action({"action": "run", "value": "help"}, "ou_1", "om_1", chat_id="oc_c")

    answer = bot.ws.push(click)

    assert answer is not None
    assert answer["code"] == 200
    card = answer["data"]["card"]
    assert card["type"] == "raw"
    assert card["data"]["schema"] == "2.0"
    assert "leaderboard" in str(card["data"])
    # The card came back in the response frame: nothing was sent, replied or patched.
    bot.pool.shutdown(wait=True)
    assert [c.method for c in bot.fake.calls() if c.method in (CREATE, REPLY, PATCH)] == []
    assert bot.ws.problems == []


def test_the_same_event_delivered_twice_is_answered_once(bot: WsBot) -> None:
    message = le.message_event("help", "oc_dm_twice", chat_type="p2p")
    click = le.card_action({"action": "run", "value": "help"}, chat_id="oc_dm_twice")

    first_message = bot.ws.push(message)
    again_message = bot.ws.push(copy.deepcopy(message))
    first_click = bot.ws.push(click)
    again_click = bot.ws.push(copy.deepcopy(click))

    assert first_message is not None and again_message is not None
    assert first_click is not None and again_click is not None
    assert "card" in first_click["data"]
    assert again_click["data"] == {}  # dropped: no toast, no card
    bot.pool.shutdown(wait=True)  # every answer handed to the pool has gone out
    assert len(bot.fake.cards("oc_dm_twice")) == 1
    assert bot.counted("creatorbot_requests_total", outcome="duplicate") == 2


def test_the_long_connection_has_a_thread_and_event_loop_of_its_own(bot: WsBot) -> None:
    seen: list[tuple[threading.Thread, asyncio.AbstractEventLoop]] = []
    dispatch = bot.platform.handlers.dispatch

    def spy(body: dict[str, Any]) -> dict[str, Any]:
        seen.append((threading.current_thread(), asyncio.get_running_loop()))
        return dispatch(body)

    bot.platform.handlers.dispatch = spy  # type: ignore[method-assign]
    assert bot.ws.push(le.message_event("help", "oc_dm_loop", chat_type="p2p")) is not None

    ((thread, loop),) = seen
    assert thread is bot.thread
    assert thread.name == "lark-ws" and thread.daemon
    assert thread is not threading.main_thread()
    # The SDK's module-level loop is the one events run on, and it runs on that thread.
    assert loop is bot.loop is ws_client.loop
    assert loop.is_running()

    async def where() -> int:
        return threading.get_ident()

    ident = asyncio.run_coroutine_threadsafe(where(), ws_client.loop).result(timeout=2)
    assert ident == bot.thread.ident != threading.main_thread().ident
    # The main thread keeps the loop it had before connect(), idle, and can still run its own.
    mine = main_thread_loop()
    assert mine is bot.main_loop
    assert mine is not loop
    assert mine is None or not mine.is_running()
    own = asyncio.new_event_loop()
    try:
        assert own.run_until_complete(asyncio.sleep(0, "still mine")) == "still mine"
    finally:
        own.close()


def test_a_wrong_app_secret_ends_the_long_connection_with_an_error_counted(
    tmp_path: Path,
) -> None:
    with long_connected_bot(tmp_path, app_secret="not-the-secret") as bot:
        assert not bot.thread.is_alive()
        (discovery,) = bot.fake.calls(WS_ENDPOINT)
        assert discovery.failed
        assert bot.ws.handshakes == 0
        assert bot.counted("creatorbot_errors_total", stage="connect") == 1


def test_websocket_mode_needs_no_verification_token_and_serves_no_callback_route(
    tmp_path: Path,
) -> None:
    with FakeLark() as fake:
        app = build(settings(tmp_path, fake), clock=lambda: NOW)
        running = wire(app)
        try:
            platform = running.platforms["lark"]
            assert platform.long_connection
            assert platform.verification_token == "" and platform.encrypt_key == ""
            assert "/lark/events" not in running.web.routes
        finally:
            running.close()
            app.close()
