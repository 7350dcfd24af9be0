"""The Slack platform: builds the Bolt app once, registers every listener in one table, and
serves `POST /slack/events` (HTTP mode) or a Socket Mode connection."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor

from slack_bolt import App as BoltApp
from slack_bolt import BoltRequest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.http import HttpRequest, HttpResponse, text
from creatorbot.bot.metrics import Metrics
from creatorbot.bot.slack.blocks import ACTION_PREFIX
from creatorbot.bot.slack.handlers import SlackHandlers
from creatorbot.bot.slack.modal import CALLBACK_PREFIX
from creatorbot.bot.slack.poster import SlackPoster, slack_client
from creatorbot.commands.router import Router

logger = logging.getLogger(__name__)

SLASH_COMMANDS = ("/leaderboard", "/campaign", "/creator", "/feedback", "/digest", "/creatorbot")
PATH = "/slack/events"
BOLT_THREADS = 32  # Bolt runs a listener until its ack(); ours ack at once and hand off


class SlackPlatform:
    """Everything Slack: the Web API client, Bolt, the listeners, the two ways in."""

    def __init__(
        self,
        *,
        token: str,
        signing_secret: str,
        api_url: str,
        router: Router,
        pool: Executor,
        metrics: Metrics,
        sessions: sessionmaker[Session],
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.client = slack_client(token, api_url)
        self.metrics = metrics
        self.bolt = BoltApp(
            client=self.client,
            signing_secret=signing_secret,
            token_verification_enabled=False,  # no auth.test at start: the first call tells
            raise_error_for_unhandled_request=False,
            listener_executor=ThreadPoolExecutor(BOLT_THREADS, thread_name_prefix="bolt"),
        )
        self.handlers = SlackHandlers(
            router=router,
            client=self.client,
            pool=pool,
            metrics=metrics,
            sessions=sessions,
            clock=clock,
        )
        register(self.bolt, self.handlers)

    def handle_http(self, request: HttpRequest) -> HttpResponse:
        """`POST /slack/events`: verified by Bolt (signature, 5-minute window), acked fast."""
        started = time.perf_counter()
        timestamp = request.header("X-Slack-Request-Timestamp")
        if timestamp is None or not timestamp.isdigit():
            # Bolt would fail on a malformed timestamp with a 500; it is simply unauthenticated.
            self.metrics.requests.labels(platform="slack", outcome="unauthorized").inc()
            return text(401, "invalid request")
        response = self.bolt.dispatch(
            BoltRequest(
                body=request.body.decode("utf-8", errors="replace"),
                query=request.query,
                headers=dict(request.headers),
            )
        )
        outcome = "unauthorized" if response.status == 401 else str(response.status)
        self.metrics.requests.labels(platform="slack", outcome=outcome).inc()
        self.metrics.ack_seconds.labels(platform="slack").observe(time.perf_counter() - started)
        headers = {k: ", ".join(v) for k, v in response.headers.items()}
        return HttpResponse(response.status, (response.body or "").encode(), headers)

    def poster(self) -> SlackPoster:
        """Scheduled posts go out through the same client (and its rate-limit retries)."""
        return SlackPoster(self.client)

    def socket_mode(self, app_token: str) -> SocketModeHandler:
        """A Socket Mode connection (no public URL needed); `.start()` blocks, `.connect()` not."""
        return SocketModeHandler(self.bolt, app_token)


def register(bolt: BoltApp, handlers: SlackHandlers) -> None:
    """Every Slack listener, in one place."""
    bolt.middleware(handlers.drop_duplicates)
    for command in SLASH_COMMANDS:
        bolt.command(command)(handlers.on_command)
    bolt.action(re.compile("^" + re.escape(ACTION_PREFIX)))(handlers.on_action)
    bolt.view(re.compile("^" + re.escape(CALLBACK_PREFIX)))(handlers.on_submit)
    bolt.event("app_mention")(handlers.on_mention)
    bolt.event("message")(handlers.on_message)
    bolt.event("app_home_opened")(handlers.on_home_opened)
    bolt.error(handlers.on_error)
