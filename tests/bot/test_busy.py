"""A full worker pool: work past its backlog is refused at once, and the person is told to try
again, on Slack and on Lark, instead of waiting minutes for an answer."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from creatorbot.bot.pool import Busy, WorkPool
from creatorbot.bot.settings import Settings
from creatorbot.commands.core import CommandRequest
from creatorbot.commands.reply import Reply
from tests.bot.lark_harness import LarkBot, running_lark_bot
from tests.bot.slack_harness import SlackBot, running_bot
from tests.bot.test_slack import only_response
from tests.fakes import lark_api as lf
from tests.fakes import lark_events as le
from tests.fakes.slack_requests import slash_command

BUSY = "I'm answering a lot of requests right now. Please try again in a minute."
WAIT = 10.0


def test_the_pool_holds_its_workers_and_backlog_and_no_more() -> None:
    pool = WorkPool(workers=1, backlog=2)
    release = threading.Event()
    try:
        held = [pool.submit(release.wait, WAIT) for _ in range(3)]  # one runs, two wait
        with pytest.raises(Busy):
            pool.submit(print, "never")
        release.set()
        assert [future.result(WAIT) for future in held] == [True] * 3
        # Room again once they are done: as many as before, and again no more.
        release.clear()
        again = [pool.submit(release.wait, WAIT) for _ in range(3)]
        with pytest.raises(Busy):
            pool.submit(print, "never")
        release.set()
        assert [future.result(WAIT) for future in again] == [True] * 3
    finally:
        release.set()
        pool.shutdown()


def test_a_task_that_fails_frees_its_place() -> None:
    pool = WorkPool(workers=1, backlog=0)

    def boom() -> None:
        raise RuntimeError("boom")

    try:
        with pytest.raises(RuntimeError):
            pool.submit(boom).result(WAIT)
        assert pool.submit(lambda: 7).result(WAIT) == 7
    finally:
        pool.shutdown()


def blocked_router(
    router: Any, release: threading.Event
) -> tuple[threading.Event, Callable[..., Reply]]:
    """The router's `handle`, holding its first request until `release` is set; an event set
    once that first request is being held."""
    holding = threading.Event()
    handle = router.handle

    def held(request: CommandRequest) -> Reply:
        if not holding.is_set():
            holding.set()
            release.wait(WAIT)
        return handle(request)

    return holding, held


@pytest.fixture
def slack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[SlackBot, threading.Event, threading.Event]]:
    """A Slack bot with one worker and no backlog, its first command held."""
    release = threading.Event()
    with running_bot(tmp_path, CREATORBOT_WORKERS=1, CREATORBOT_BACKLOG=0) as bot:
        holding, held = blocked_router(bot.app.router, release)
        monkeypatch.setattr(bot.app.router, "handle", held)
        try:
            yield bot, holding, release
        finally:
            release.set()


def test_slack_a_command_past_the_backlog_is_told_to_try_again(
    slack: tuple[SlackBot, threading.Event, threading.Event],
) -> None:
    bot, holding, release = slack
    first, second, third = (bot.fake.response_url(name) for name in ("first", "second", "third"))
    bot.send(slash_command("/leaderboard", "gmv 7d MY", response_url=first))
    assert holding.wait(WAIT)  # the one worker is busy with it

    status, _, seconds = bot.send(slash_command("/leaderboard", "gmv 7d MY", response_url=second))
    assert status == 200 and seconds < 3
    refused = only_response(bot, second)
    assert refused["text"] == BUSY and refused["response_type"] == "ephemeral"

    release.set()  # the first is answered after all, and the next command is too
    assert "amir" in json.dumps(only_response(bot, first)["blocks"])
    bot.send(slash_command("/leaderboard", "gmv 7d MY", response_url=third))
    assert "amir" in json.dumps(only_response(bot, third)["blocks"])


def test_lark_a_message_past_the_backlog_is_told_to_try_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    with running_lark_bot(tmp_path, CREATORBOT_WORKERS=1, CREATORBOT_BACKLOG=0) as bot:
        holding, held = blocked_router(bot.app.router, release)
        monkeypatch.setattr(bot.app.router, "handle", held)
        try:
            ask(bot, "leaderboard gmv 7d MY", "oc_dm1", "ou_farah")
            assert holding.wait(WAIT)
            status, _ = ask(bot, "leaderboard gmv 7d MY", "oc_dm2", "ou_marco")
            assert status == 200 and bot.seconds < 3
            dm = bot.fake.dm("ou_marco")
            bot.fake.wait_for(lambda: len(bot.fake.messages(dm)) >= 1)
            (told,) = bot.fake.messages(dm)
            assert told["msg_type"] == "text" and json.loads(told["content"]) == {"text": BUSY}
            # A button pressed meanwhile gets its answer as a toast, within Lark's 3 seconds.
            run = {"action": "run", "value": "leaderboard gmv 7d MY"}
            status, answer = bot.deliver(le.card_action(run, open_id="ou_marco", chat_id="oc_1"))
            assert status == 200 and bot.seconds < 3
            assert answer == {"toast": {"type": "warning", "content": BUSY}}
        finally:
            release.set()
        (card,) = bot.cards("oc_dm1")  # the first is answered after all, where it was asked
        assert "amir" in json.dumps(card)


def test_lark_the_busy_notice_never_holds_up_the_ack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lark wants its answer within 3 seconds; telling someone the bot is busy is a message to
    send like any other, and Lark may be slow to take it."""
    release = threading.Event()
    with running_lark_bot(tmp_path, CREATORBOT_WORKERS=1, CREATORBOT_BACKLOG=0) as bot:
        holding, held = blocked_router(bot.app.router, release)
        monkeypatch.setattr(bot.app.router, "handle", held)
        try:
            ask(bot, "leaderboard gmv 7d MY", "oc_dm1", "ou_farah")
            assert holding.wait(WAIT)
            bot.fake.delay(lf.CREATE, 4.0)  # every message takes Lark 4 seconds to take
            status, _ = ask(bot, "leaderboard gmv 7d MY", "oc_dm2", "ou_marco")
            assert status == 200 and bot.seconds < 3  # acked at once all the same
            dm = bot.fake.dm("ou_marco")
            bot.fake.wait_for(lambda: len(bot.fake.messages(dm)) >= 1, WAIT)
            (told,) = bot.fake.messages(dm)
            assert json.loads(told["content"]) == {"text": BUSY}
        finally:
            release.set()


def ask(bot: LarkBot, text: str, chat: str, user: str) -> tuple[int, dict[str, Any]]:
    """A direct message to the bot."""
    return bot.deliver(le.message_event(text, chat, chat_type="p2p", open_id=user))


def test_the_pool_counts_what_it_runs_and_what_waits() -> None:
    pool = WorkPool(workers=1, backlog=2)
    release = threading.Event()
    started = threading.Event()

    def block() -> None:
        started.set()
        release.wait(10)

    first = pool.submit(block)
    assert started.wait(10)
    second = pool.submit(lambda: None)
    assert pool.in_flight == 2  # one running, one waiting
    release.set()
    first.result(10), second.result(10)
    deadline = time.monotonic() + 10
    while pool.in_flight and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pool.in_flight == 0
    pool.shutdown()


def test_the_bot_works_out_as_many_answers_at_once_as_it_is_set_to(tmp_path: Path) -> None:
    with running_bot(tmp_path, CREATORBOT_ANSWERING=3) as bot:
        gate = bot.app.router.gate
        taken = [gate.acquire(blocking=False) for _ in range(4)]
        for _ in range(sum(taken)):
            gate.release()
    assert taken == [True, True, True, False]


def test_at_least_one_answer_at_a_time() -> None:
    with pytest.raises(ValidationError, match="CREATORBOT_ANSWERING"):
        Settings(CREATORBOT_ANSWERING="0", _env_file=None)
