"""`creatorbot run` as several worker processes: how many it starts, a dead worker started
again (the primary too, which takes the scheduler back), `digest run` answered by another
worker posted at once by the primary's scheduler, SIGTERM stopping all cleanly, and a worker
refusing to start stopping the bot with exit code 2."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import urllib.request
from pathlib import Path

from pydantic import SecretStr

from creatorbot.bot.app import build
from creatorbot.bot.processes import process_count
from creatorbot.bot.settings import Settings
from creatorbot.storage.models import SubscriptionKind
from creatorbot.storage.subscriptions import subscribe
from tests.bot.bot_process import BotProcess, children
from tests.bot.world import seed_world
from tests.fakes.lark_api import APP_ID, APP_SECRET, FakeLark
from tests.fakes.lark_ws import FakeLarkWs
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import post, signed_headers, slash_command

SECRET = "processes-signing-secret"
START = 60.0
HELPS = 4
PG = "postgresql+psycopg://db.internal/creatorbot"
SLACK_HTTP = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": SECRET}


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_every_core_on_postgresql_one_on_sqlite_unless_told() -> None:
    assert process_count(settings(DATABASE_URL=PG, **SLACK_HTTP), available=4) == 4
    assert process_count(settings(**SLACK_HTTP), available=4) == 1  # SQLite
    told = settings(DATABASE_URL=PG, CREATORBOT_PROCESSES=3, **SLACK_HTTP)
    assert process_count(told, available=4) == 3
    assert process_count(settings(CREATORBOT_PROCESSES=2, **SLACK_HTTP), available=4) == 2


def test_one_process_when_nothing_arrives_over_http() -> None:
    socket_mode = settings(
        DATABASE_URL=PG, SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1", CREATORBOT_PROCESSES=4
    )
    assert process_count(socket_mode, available=4) == 1
    lark_ws = settings(DATABASE_URL=PG, LARK_APP_ID="cli_1", LARK_APP_SECRET=SecretStr("s"))
    assert process_count(lark_ws.model_copy(update={"lark_mode": "websocket"}), available=4) == 1
    # the creators' form pages are HTTP: several processes serve them beside Socket Mode
    pages = socket_mode.model_copy(
        update={"link_secret": SecretStr("x" * 40), "public_url": "https://bot.example.com"}
    )
    assert process_count(pages, available=4) == 4


def scheduler_holder(db: Path) -> int:
    """The process holding the SQLite scheduler lock (it writes its pid in the lock file)."""
    lock = Path(f"{db}.scheduler.lock")
    text = lock.read_text().strip() if lock.exists() else ""
    return int(text) if text else 0


def test_workers_are_started_again_and_digest_run_reaches_the_primary(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    app = build(settings(DATABASE_URL=f"sqlite:///{db}"))
    seed_world(app)
    now = dt.datetime.now(dt.UTC)
    with app.sessions.begin() as session:  # nothing due today: only `digest run` posts
        subscription = subscribe(
            platform="slack",
            workspace="T1",
            channel="CD",
            kind=SubscriptionKind.SNAPSHOT,
            market="MY",
            at_time="00:00",
            locale="en",
            created_by="U1",
            now=now,
            session=session,
        )
        asked = subscription.id
    app.close()
    with FakeSlack() as fake:
        fake.add_user("U1", locale="en-US")
        bot = BotProcess.start(
            tmp_path,
            "bot",
            {
                "DATABASE_URL": f"sqlite:///{db}",
                "SLACK_BOT_TOKEN": "xoxb-processes",
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": fake.api_url,
                "CREATORBOT_PROCESSES": "2",
                "CREATORBOT_SCHEDULER_TICK_SECONDS": "300",  # no heartbeat within the test
                "CREATORBOT_RANKING_WARM": "false",
                "LOG_LEVEL": "INFO",
            },
        )
        try:
            bot.wait("two workers", lambda: len(bot.workers()) == 2, START)
            bot.wait("ready", lambda: bot.get("/readyz") == 200, START)
            bot.wait("a scheduler", lambda: scheduler_holder(db) in bot.workers(), START)
            primary = scheduler_holder(db)
            [other] = [pid for pid in bot.workers() if pid != primary]

            # The primary stopped for a moment: the other worker takes `digest run`, and the
            # post goes out as soon as the primary runs again, not at the next heartbeat.
            os.kill(primary, signal.SIGSTOP)
            url = fake.response_url("digest")
            body = slash_command("/digest", f"run {asked}", channel_id="CD", response_url=url)
            status, _, _ = post(f"{bot.url}/slack/events", body, signed_headers(body, SECRET))
            assert status == 200
            fake.wait_for(lambda: bool(fake.responses(url)), 30)
            assert "Posting now" in str(fake.responses(url)[0])
            assert fake.posts("CD") == []
            os.kill(primary, signal.SIGCONT)
            fake.wait_for(lambda: len(fake.posts("CD")) == 1, 30)

            # /metrics adds up every worker's counts, whichever worker answers the scrape.
            for n in range(HELPS):
                url = fake.response_url(f"help-{n}")
                body = slash_command("/creatorbot", "help", response_url=url)
                assert post(f"{bot.url}/slack/events", body, signed_headers(body, SECRET))[0] == 200
                fake.wait_for(lambda url=url: bool(fake.responses(url)), 30)
            scrapes = [acks_counted(bot) for _ in range(6)]

            # Killed outright, each worker is started again; the new primary leads.
            os.kill(other, signal.SIGKILL)
            bot.wait("another worker", lambda: other not in bot.workers(), START)
            bot.wait("two workers again", lambda: len(bot.workers()) == 2, START)
            os.kill(primary, signal.SIGKILL)
            bot.wait(
                "a new primary leading",
                lambda: (
                    scheduler_holder(db) not in (0, primary)
                    and scheduler_holder(db) in bot.workers()
                ),
                START,
            )
            bot.wait("ready again", lambda: bot.get("/readyz") == 200, START)
            workers = bot.workers()
        finally:
            for pid in bot.workers():
                os.kill(pid, signal.SIGCONT)  # a worker left stopped would not drain
            code = bot.stop()
    assert code == 0, bot.tail()
    assert len(workers) == 2 and primary not in workers and other not in workers
    assert all(children(pid) == [] and not Path(f"/proc/{pid}").exists() for pid in workers)
    assert len(fake.posts("CD")) == 1
    assert scrapes == [1 + HELPS] * len(scrapes)  # `digest run` and the helps, each once


def acks_counted(bot: BotProcess) -> float:
    """Slack requests acknowledged, as the bot's /metrics counts them."""
    with urllib.request.urlopen(f"{bot.url}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    found = re.search(r'^creatorbot_ack_seconds_count\{platform="slack"\} (\S+)$', text, re.M)
    assert found, text
    assert "process_resident_memory_bytes" in text
    return float(found.group(1))


def test_a_worker_refusing_to_start_stops_the_bot(tmp_path: Path) -> None:
    bot = BotProcess.start(
        tmp_path,
        "refused",
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": "http://127.0.0.1:9/api/",
            "CREATORBOT_PROCESSES": "2",
            "CREATORBOT_LINK_SECRET": "too-short",  # wire() refuses it: exit code 2
            "CREATORBOT_PUBLIC_URL": "https://bot.example.com",
        },
    )
    assert bot.process.wait(timeout=START) == 2, bot.tail()
    assert "CREATORBOT_LINK_SECRET is shorter" in bot.log.read_text()


def test_the_long_connection_is_opened_once_and_every_worker_reports_it(tmp_path: Path) -> None:
    with FakeLark() as fake, FakeLarkWs() as ws:
        fake.ws_url = ws.url
        bot = BotProcess.start(
            tmp_path,
            "lark",
            {
                "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
                "LARK_APP_ID": APP_ID,
                "LARK_APP_SECRET": APP_SECRET,
                "LARK_DOMAIN": fake.base_url,
                "LARK_MODE": "websocket",
                # the creators' form pages come over HTTP: worth two processes
                "CREATORBOT_LINK_SECRET": "l" * 40,
                "CREATORBOT_PUBLIC_URL": "https://bot.example.com",
                "CREATORBOT_PROCESSES": "2",
                "CREATORBOT_RANKING_WARM": "false",
            },
        )
        try:
            bot.wait("two workers", lambda: len(bot.workers()) == 2, START)
            ws.wait_connected(START)
            # Readiness says "lark": "ok" whichever worker answers: ten answers in a row.
            bot.wait("ready", lambda: all(bot.get("/readyz") == 200 for _ in range(10)), START)
            ws.wait_for(lambda: ws.pings >= 1, START)
            held, ever = ws.connections, ws.handshakes
            ws.stop()  # Lark's side goes away: no worker may still say ready
            bot.wait("not ready", lambda: all(bot.get("/readyz") == 503 for _ in range(10)), START)
        finally:
            code = bot.stop()
    assert (held, ever) == (1, 1)
    assert code == 0, bot.tail()
