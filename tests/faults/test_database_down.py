"""The database goes away under the real bot (in a command, a scheduled post, a form submit, or
under its pool): a clear answer, nothing half-written, and back without a restart."""

from __future__ import annotations

import datetime as dt
import json
import queue
import random
import re
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import psycopg
import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from sqlalchemy import Connection, event, func, make_url, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from creatorbot.jobs.catalog import jobs
from creatorbot.jobs.posting import Posters
from creatorbot.jobs.registry import JobRun, JobSpec, Post
from creatorbot.jobs.runner import Runner
from creatorbot.jobs.scheduler import Scheduler
from creatorbot.storage import db, leader, links
from creatorbot.storage.failures import database_unreachable
from creatorbot.storage.leader import LeaderLock
from creatorbot.storage.models import (
    Base,
    FeedbackResponse,
    Run,
    RunStatus,
    Subscription,
)
from tests.bot.slack_harness import SlackBot, running_bot
from tests.bot.world import NOW, subscribe_channels
from tests.fakes.slack_requests import slash_command, view_submission
from tests.faults.conftest import Database
from tests.faults.proxy import Proxy

# What the world seeded by `seed_world` adds up to over its 7 days, worked out here: amir sells
# RM250.00 a day, bella RM120.00, giulia €99.99 (amounts are stored in minor units).
AMIR_7D = f"RM{7 * 25_000 / 100:,.2f}"
BELLA_7D = f"RM{7 * 12_000 / 100:,.2f}"
GIULIA_7D = f"{7 * 9_999 / 100:.2f}".replace(".", ",") + "\u00a0€"
REFERENCE = re.compile(r"\((?:reference|riferimento) [0-9a-f]{8}\)")
WAIT = 10.0  # seconds: generous, for what should take milliseconds


def shown(answer: dict[str, Any]) -> str:
    """Everything a user reads in an answer: its blocks and the notification text."""
    return json.dumps([answer.get("text"), answer.get("blocks")], ensure_ascii=False)


def ask(bot: SlackBot, command: str, text: str, user: str = "U1", channel: str = "C1") -> str:
    """Send a slash command and return the one answer the user gets."""
    url = bot.fake.response_url(f"{command}-{time.monotonic_ns()}")
    status, _body, seconds = bot.send(
        slash_command(command, text, user_id=user, channel_id=channel, response_url=url)
    )
    assert status == 200 and seconds < 3  # acked in time, database or not
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) >= 1, WAIT)
    bot.settle()  # a second answer would have been sent by now
    answers = bot.fake.responses(url)
    assert len(answers) == 1, answers
    return shown(answers[0])


def assert_plain_words(answer: str, proxy: Proxy) -> None:
    """An answer for a person: no traceback, no driver, no address."""
    for leak in ("Traceback", "Error", "psycopg", "sqlalchemy", "127.0.0.1", str(proxy.port)):
        assert leak not in answer


def backends(database: Database) -> int:
    """The bot's connections the server still has (named after the schema)."""
    with database.direct.connect() as conn:
        query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")
        return int(conn.execute(query, {"name": database.schema}).scalar_one())


def cut(proxy: Proxy, database: Database, *, stay_up: bool = False) -> None:
    """Take the database away from the bot (or only its live connections), and wait until the
    server has let go of them too (and of the scheduler's lock with them)."""
    if stay_up:
        proxy.drop()
    else:
        proxy.down()
    deadline = time.monotonic() + WAIT
    while backends(database):
        assert time.monotonic() < deadline, "the server kept the bot's connections"
        time.sleep(0.02)


def count(database: Database, model: type[Base]) -> int:
    """How many rows of `model` the database really has, read around the bot."""
    with database.direct.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(model)) or 0)


@contextmanager
def down_at_commit(bot: SlackBot, proxy: Proxy) -> Iterator[None]:
    """The database goes the moment the bot commits its next transaction: everything was
    written, nothing was committed."""
    fired: list[bool] = []

    def go(_conn: Connection) -> None:
        if not fired:
            fired.append(True)
            proxy.down()

    event.listen(bot.app.engine, "commit", go)
    try:
        yield
    finally:
        event.remove(bot.app.engine, "commit", go)
    assert fired, "the bot committed nothing"


# --- a command ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "arguments", "down", "back"),
    [
        (
            "U1",
            "gmv 7d MY",
            ("I can't reach the database right now", "try again"),
            (AMIR_7D, BELLA_7D),
        ),
        ("U2", "IT", ("Non riesco a raggiungere il database", "Riprova"), (GIULIA_7D,)),
    ],
    ids=["english", "italian"],
)
def test_a_command_while_the_database_is_down_says_so_then_works_once_it_is_back(
    bot: SlackBot,
    proxy: Proxy,
    database: Database,
    user: str,
    arguments: str,
    down: tuple[str, ...],
    back: tuple[str, ...],
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert all(figure in ask(bot, "/leaderboard", arguments, user) for figure in back)
    cut(proxy, database)

    caplog.clear()
    answer = ask(bot, "/leaderboard", arguments, user)
    assert all(words in answer for words in down)
    # The log says why in a line per failure (the command's, its audit entry's), no traceback.
    failures = [r for r in caplog.records if r.levelname == "ERROR"]
    assert failures and not any(r.exc_info for r in failures)
    assert {r.getMessage() for r in failures} >= {"command failed: database unreachable"}
    assert REFERENCE.search(answer)
    assert not any(figure in answer for figure in back)
    assert_plain_words(answer, proxy)

    proxy.up()  # no restart: the same bot, the same engine, the next command
    answer = ask(bot, "/leaderboard", arguments, user)
    assert all(figure in answer for figure in back)
    assert "database" not in answer


def test_a_change_cut_off_at_its_commit_is_not_half_made(
    bot: SlackBot, proxy: Proxy, database: Database
) -> None:
    with down_at_commit(bot, proxy):
        answer = ask(bot, "/digest", "subscribe snapshot MY at 09:00", channel="C4")
    assert "I can't reach the database right now, so nothing was changed" in answer
    assert_plain_words(answer, proxy)
    assert count(database, Subscription) == 0

    proxy.up()
    assert "This channel has no subscriptions." in ask(bot, "/digest", "list", channel="C4")
    assert "Subscribed this channel" in ask(
        bot, "/digest", "subscribe snapshot MY at 09:00", channel="C4"
    )
    listed = ask(bot, "/digest", "list", channel="C4")
    assert listed.count("09:00") == 1  # one subscription, not a ghost of the first try


def test_connections_cut_under_the_pool_are_replaced_before_the_next_command(
    bot: SlackBot, proxy: Proxy, database: Database
) -> None:
    assert AMIR_7D in ask(bot, "/leaderboard", "gmv 7d MY")
    assert bot.app.engine.pool.checkedin() >= 1  # what the next command would be handed
    opened = proxy.accepted

    cut(proxy, database, stay_up=True)  # e.g. a failover or an idle timeout on the way

    assert AMIR_7D in ask(bot, "/leaderboard", "gmv 7d MY")
    assert proxy.accepted > opened  # the dead connections were found out and replaced


# --- a scheduled post --------------------------------------------------------------------------


class Heartbeat:
    """The real scheduler, ticking only when told to: `beat()` runs one tick and waits for it."""

    def __init__(self, bot: SlackBot, runner: Runner, clock: Callable[[], dt.datetime]) -> None:
        self.scheduler = Scheduler(
            runner, LeaderLock(bot.app.engine), bot.app.sessions, clock, tick_seconds=3600
        )
        self._done: queue.Queue[JobExecutionEvent] = queue.Queue()
        self.scheduler.aps.add_listener(self._finished, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)

    def _finished(self, finished: JobExecutionEvent) -> None:
        if finished.job_id == "tick":
            self._done.put(finished)

    def start(self) -> None:
        """Start as the leader, and wait for the first tick."""
        assert self.scheduler.start(standby=True)
        self._done.get(timeout=WAIT)

    def beat(self) -> None:
        """One tick, now; returns once it is over. A tick never fails: an outage is the
        scheduler's to handle, not APScheduler's."""
        self.scheduler.wake()
        finished = self._done.get(timeout=WAIT)
        assert finished.exception is None, finished.exception

    def stop(self) -> None:
        self.scheduler.shutdown()


def ledger(database: Database) -> list[RunStatus]:
    """The state of every run in the ledger, read around the bot."""
    with database.direct.connect() as conn:
        return list(conn.scalars(select(Run.status).order_by(Run.id)))


def build_then(spec: JobSpec, before: Callable[[], None]) -> JobSpec:
    """`spec`, with `before` happening as its post starts being built (after the claim)."""

    def build(run: JobRun) -> Post:
        before()
        return spec.build(run)

    return replace(spec, build=build)


@pytest.mark.parametrize("moment", ["before the tick", "while building", "after posting"])
def test_a_scheduled_post_through_an_outage_goes_out_exactly_once(
    bot: SlackBot, proxy: Proxy, database: Database, moment: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A lock name of its own keeps this test and other runs in the same schema apart.
    monkeypatch.setattr(leader, "LOCK_NAME", f"scheduler:{random.getrandbits(62)}")
    clock = [NOW - dt.timedelta(hours=1)]  # 08:30 in Kuala Lumpur: the 09:00 post is not due
    subscribe_channels(bot.app, "slack", "T1", ("C9",))
    specs = jobs()
    if moment == "while building":
        specs["snapshot"] = build_then(specs["snapshot"], proxy.down)
    if moment == "after posting":  # Slack has the post; the bot never hears back in time

        def down_once_posted(method: str, _params: Any) -> None:
            if method == "chat.postMessage":
                proxy.down()

        bot.fake.on_call = down_once_posted
    posters = Posters(bot.running.posters())
    runner = Runner(bot.app.services, posters, specs, worker="w1", grace=dt.timedelta(hours=3))
    heartbeat = Heartbeat(bot, runner, lambda: clock[0])
    heartbeat.start()
    try:
        clock[0] = NOW  # 09:30 there: due
        if moment == "before the tick":
            cut(proxy, database)
        heartbeat.beat()
        bot.fake.on_call = None
        cut(proxy, database)  # (already down: wait until the server let go of the lock too)
        assert heartbeat.scheduler.aps.running  # the scheduler lives on
        if moment == "after posting":
            assert len(bot.fake.posts("C9")) == 1
            assert ledger(database) == [RunStatus.CLAIMED]  # to be recovered, not posted again
        else:
            assert bot.fake.posts("C9") == []
            expected = [RunStatus.CLAIMED] if moment == "while building" else []
            assert ledger(database) == expected

        proxy.up()
        runner.jobs = jobs()  # the database stays up from here
        heartbeat.beat()
        assert len(bot.fake.posts("C9")) == 1
        assert ledger(database) == [RunStatus.POSTED]
        heartbeat.beat()  # and a later tick posts nothing more
    finally:
        heartbeat.stop()
    (post,) = bot.fake.posts("C9")
    posted = json.dumps(post["blocks"], ensure_ascii=False)
    assert AMIR_7D in posted and BELLA_7D in posted


# --- a form submit ----------------------------------------------------------------------------


def open_feedback_form(bot: SlackBot, user: str) -> dict[str, Any]:
    """`/feedback` opens the modal (that needs no database); the view as Slack keeps it, with
    the id Slack gave it."""
    before = len(bot.fake.views())
    bot.send(slash_command("/feedback", "", user_id=user, response_url=bot.fake.response_url()))
    bot.fake.wait_for(lambda: len(bot.fake.views()) > before, WAIT)
    opened = [c for c in bot.fake.calls("views.open") if not c.failed][-1]
    view: dict[str, Any] = opened.response["view"]
    return view


def submit(bot: SlackBot, view: dict[str, Any], user: str) -> dict[str, Any]:
    """Submit the feedback modal as `user`; Slack's ack body."""
    values = {
        "creator": {"creator": {"type": "plain_text_input", "value": "amir"}},
        "rating": {"rating": {"type": "static_select", "selected_option": {"value": "4"}}},
        "topic": {"topic": {"type": "static_select", "selected_option": {"value": "payout"}}},
        "comment": {"comment": {"type": "plain_text_input", "value": "Paid late again"}},
    }
    body = view_submission(
        view["callback_id"],
        values,
        user_id=user,
        view_id=view["id"],
        private_metadata=view["private_metadata"],
    )
    status, answer, seconds = bot.send(body)
    assert status == 200 and seconds < 3
    ack: dict[str, Any] = json.loads(answer)
    return ack


@pytest.mark.parametrize(
    ("user", "words"),
    [
        ("U1", ("Nothing was saved", "I can't reach the database", "try again")),
        ("U2", ("Non è stato salvato nulla", "non riesco a raggiungere il database", "Riprova")),
    ],
    ids=["english", "italian"],
)
@pytest.mark.parametrize("moment", ["down", "at commit"])
def test_a_form_submitted_while_the_database_is_away_is_refused_then_saved_once(
    bot: SlackBot,
    proxy: Proxy,
    database: Database,
    moment: str,
    user: str,
    words: tuple[str, ...],
) -> None:
    view = open_feedback_form(bot, user)
    if moment == "down":
        cut(proxy, database)
        ack = submit(bot, view, user)
    else:
        with down_at_commit(bot, proxy):
            ack = submit(bot, view, user)

    assert ack["response_action"] == "errors"  # the modal stays open, what was typed with it
    (message,) = ack["errors"].values()
    assert all(part in message for part in words)
    assert REFERENCE.search(message)
    assert_plain_words(message, proxy)
    assert count(database, FeedbackResponse) == 0

    proxy.up()
    ack = submit(bot, view, user)
    assert ack["response_action"] == "update"
    assert count(database, FeedbackResponse) == 1
    report = ask(bot, "/feedback", "report", user)
    assert "Paid late again" in report and "4 / 5" in report


def test_a_form_whose_saved_answer_was_lost_is_kept_once_when_sent_again(
    bot: SlackBot, proxy: Proxy, database: Database
) -> None:
    """The worst moment: the server committed the response, then the connection went before
    the bot heard so. The modal says nothing was saved; sent again, it is still kept once."""
    view = open_feedback_form(bot, "U1")
    lost: list[bool] = []

    def connection_lost_after_commit(_session: Session) -> None:
        if not lost:
            lost.append(True)
            proxy.down()
            cause = psycopg.OperationalError("server closed the connection unexpectedly")
            raise OperationalError("COMMIT", None, cause)

    event.listen(bot.app.sessions, "after_commit", connection_lost_after_commit)
    try:
        ack = submit(bot, view, "U1")
    finally:
        event.remove(bot.app.sessions, "after_commit", connection_lost_after_commit)
    assert lost and ack["response_action"] == "errors"
    assert count(database, FeedbackResponse) == 1  # it was saved all the same

    proxy.up()
    ack = submit(bot, view, "U1")  # the same modal, the same answers
    assert ack["response_action"] == "update"
    assert count(database, FeedbackResponse) == 1
    ack = submit(bot, open_feedback_form(bot, "U1"), "U1")  # a new form is a new response
    assert count(database, FeedbackResponse) == 2


def test_a_broken_query_is_not_mistaken_for_an_outage(bot: SlackBot, database: Database) -> None:
    with database.direct.begin() as conn:
        conn.execute(text("ALTER TABLE feedback_responses RENAME TO feedback_gone"))
    try:
        ack = submit(bot, open_feedback_form(bot, "U1"), "U1")
    finally:
        with database.direct.begin() as conn:
            conn.execute(text("ALTER TABLE feedback_gone RENAME TO feedback_responses"))
    (message,) = ack["errors"].values()
    assert "something went wrong on our side" in message
    assert "database" not in message


# --- a database that answers nothing -----------------------------------------------------------


def test_a_database_that_never_answers_is_given_up_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(links, "CONNECT_TIMEOUT_SECONDS", 2)  # psycopg's least; the default is 5
    with socket.create_server(("127.0.0.1", 0)) as silent:  # takes the connection, says nothing
        engine = db.make_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{silent.getsockname()[1]}/x"
        )
        started = time.monotonic()
        with pytest.raises(OperationalError) as caught:
            engine.connect()
        engine.dispose()
    assert time.monotonic() - started < 30  # generous: without a timeout psycopg waits 130 s
    assert database_unreachable(caught.value)


# --- a database that stops answering ----------------------------------------------------------


@contextmanager
def frozen_at_first_statement(bot: SlackBot, proxy: Proxy) -> Iterator[None]:
    """The database stops answering as the bot sends its next statement, on a connection the
    pool had already opened: a paused server, a proxy on the way that hangs. Thawed afterwards."""
    fired: list[bool] = []

    def freeze(*_args: Any) -> None:
        if not fired:
            fired.append(True)
            proxy.freeze()

    event.listen(bot.app.engine, "before_cursor_execute", freeze)
    try:
        yield
    finally:
        event.remove(bot.app.engine, "before_cursor_execute", freeze)
        proxy.up()
    assert fired, "the bot sent no statement"


def test_a_command_on_a_database_that_stops_answering_is_given_up_on(
    tmp_path: Path,
    database: Database,
    proxy: Proxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Small limits, so the test is quick: 1 s on the server, 0.5 s more on the client, and a
    # connect (the audit entry's, through the frozen proxy) given up after psycopg's least.
    monkeypatch.setattr(links, "ANSWER_GRACE_SECONDS", 0.5)
    monkeypatch.setattr(links, "CONNECT_TIMEOUT_SECONDS", 2)
    settings = {"CREATORBOT_STATEMENT_TIMEOUT_SECONDS": 1}
    with running_bot(tmp_path, database_url=database.through(proxy), **settings) as bot:
        assert AMIR_7D in ask(bot, "/leaderboard", "gmv 7d MY")
        assert bot.app.engine.pool.checkedin() >= 1  # an established connection, ready

        url = bot.fake.response_url("frozen")
        with frozen_at_first_statement(bot, proxy):
            started = time.monotonic()
            status, _body, seconds = bot.send(
                slash_command("/leaderboard", "gmv 7d MY", response_url=url)
            )
            assert status == 200 and seconds < 3
            bot.fake.wait_for(lambda: len(bot.fake.responses(url)) >= 1, WAIT)
            waited = time.monotonic() - started
        answer = shown(bot.fake.responses(url)[0])
        assert "I can't reach the database right now" in answer
        assert REFERENCE.search(answer)
        assert_plain_words(answer, proxy)
        # The statement's 1.5 s and the audit entry's connect of 2 s, give or take: bounded.
        assert waited < 8, waited

        assert AMIR_7D in ask(bot, "/leaderboard", "gmv 7d MY")  # thawed: answered again


def test_a_statement_running_too_long_is_cancelled_by_the_server(
    database: Database, proxy: Proxy
) -> None:
    engine = db.make_engine(database.through(proxy), statement_timeout=0.5)
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("SHOW statement_timeout")) == "500ms"
            started = time.monotonic()
            with pytest.raises(OperationalError) as caught:
                conn.execute(text("SELECT pg_sleep(5)"))
            assert time.monotonic() - started < 3
            # The server cancelled it: the database is there, the statement was too slow.
            assert isinstance(caught.value.orig, psycopg.errors.QueryCanceled)
            assert not database_unreachable(caught.value)
    finally:
        engine.dispose()


def test_connections_ask_for_tcp_keepalives_and_a_url_may_say_otherwise(
    database: Database, proxy: Proxy
) -> None:
    url = make_url(database.through(proxy))
    options = f"{url.query['options']} -c statement_timeout=7s"
    engine = db.make_engine(
        url.update_query_dict({"options": options, "keepalives_idle": "45"}).render_as_string(
            hide_password=False
        ),
        statement_timeout=0.5,
    )
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("SHOW statement_timeout")) == "7s"  # the URL's
            raw = conn.connection.dbapi_connection
            assert raw is not None
            asked = raw.info.get_parameters()  # type: ignore[attr-defined]
    finally:
        engine.dispose()
    assert asked["keepalives"] == "1"
    assert asked["keepalives_idle"] == "45"  # the URL's
    assert asked["keepalives_interval"] == "10" and asked["keepalives_count"] == "3"
    assert asked["tcp_user_timeout"] == "30000"
