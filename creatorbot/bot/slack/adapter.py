"""The Slack platform: builds the Bolt app once, registers every listener in one table, and
serves `POST /slack/events` (HTTP mode) or a Socket Mode connection."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App as BoltApp
from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.http import HttpRequest, HttpResponse, text
from creatorbot.bot.metrics import Metrics
from creatorbot.bot.slack.blocks import ACTION_PREFIX
from creatorbot.bot.slack.deliver import TableBlocks
from creatorbot.bot.slack.handlers import SlackHandlers
from creatorbot.bot.slack.installs import Installs
from creatorbot.bot.slack.modal import CALLBACK_PREFIX
from creatorbot.bot.slack.poster import SlackPoster, slack_client
from creatorbot.commands.router import Router

logger = logging.getLogger(__name__)

SLASH_COMMANDS = (
    "/leaderboard",
    "/campaign",
    "/creator",
    "/portfolio",
    "/tiers",
    "/feedback",
    "/digest",
    "/creatorbot",
)
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
        previous_signing_secret: str | None = None,
        table_blocks: bool = True,
    ) -> None:
        self.client = slack_client(token, api_url)
        # One for the answers and the scheduled posts: a refusal is learnt once for both.
        self.tables = TableBlocks(table_blocks)
        self.metrics = metrics
        # The current secret, and during a rotation the one it replaces: a request signed with
        # either is Slack's, so the switch in Slack's console and the redeploy need not coincide.
        self.verifiers = [
            SignatureVerifier(secret)
            for secret in (signing_secret, previous_signing_secret)
            if secret
        ]
        self.bolt = QuietBolt(
            client=self.client,
            signing_secret=signing_secret,
            request_verification_enabled=False,  # handle_http verifies, against both secrets
            token_verification_enabled=False,  # no auth.test at start: the first call tells
            raise_error_for_unhandled_request=False,
            listener_executor=ThreadPoolExecutor(BOLT_THREADS, thread_name_prefix="bolt"),
            # Named, or Bolt reads the whole call stack with its source lines to name itself:
            # a second of a start under load. Under slack_bolt: Bolt sets the level of the
            # logger of that name, which must not be one of the bot's own.
            name="slack_bolt.creatorbot",
        )
        self.handlers = SlackHandlers(
            router=router,
            client=self.client,
            pool=pool,
            metrics=metrics,
            sessions=sessions,
            clock=clock,
            tables=self.tables,
        )
        self.installs = Installs(sessions, clock)
        register(self.bolt, self.handlers, self.installs)
        self.socket: SocketModeHandler | None = None

    def handle_http(self, request: HttpRequest) -> HttpResponse:
        """`POST /slack/events`: verified (signature by the current or the previous secret,
        5-minute window), then dispatched by Bolt and acked fast."""
        started = time.perf_counter()
        body = request.body.decode("utf-8", errors="replace")
        if not self.verified(request, body):
            self.metrics.requests.labels(platform="slack", outcome="unauthorized").inc()
            return text(401, "invalid request")
        response = self.bolt.dispatch(
            BoltRequest(body=body, query=request.query, headers=dict(request.headers))
        )
        outcome = "unauthorized" if response.status == 401 else str(response.status)
        self.metrics.requests.labels(platform="slack", outcome=outcome).inc()
        self.metrics.ack_seconds.labels(platform="slack").observe(time.perf_counter() - started)
        headers = {k: ", ".join(v) for k, v in response.headers.items()}
        return HttpResponse(response.status, (response.body or "").encode(), headers)

    def verified(self, request: HttpRequest, body: str) -> bool:
        """Whether Slack signed `body` with one of our secrets within the last 5 minutes. A
        missing or malformed timestamp is simply unauthenticated (not a 500)."""
        timestamp = request.header("X-Slack-Request-Timestamp")
        signature = request.header("X-Slack-Signature")
        if timestamp is None or not timestamp.isdigit() or not signature:
            return False
        return any(v.is_valid(body, timestamp, signature) for v in self.verifiers)

    def poster(self) -> SlackPoster:
        """Scheduled posts go out through the same client (and its rate-limit retries)."""
        return SlackPoster(self.client, self.tables)

    def socket_mode(self, app_token: str) -> SocketModeHandler:
        """A Socket Mode connection (no public URL needed); `.start()` blocks, `.connect()` not."""
        self.socket = SocketModeHandler(self.bolt, app_token)
        return self.socket

    def connected(self) -> bool:
        """Whether Slack can reach the bot: the Socket Mode connection is up, or (HTTP) the
        signing secret to verify its requests is set."""
        if self.socket is not None:
            return bool(self.socket.client.is_connected())
        return bool(self.verifiers)


class QuietBolt(BoltApp):
    """Bolt, answering a request no listener wants (someone else's button, a closed modal, a
    shortcut, an event we did not ask for) with a quiet 200: Bolt's 404
    would make Slack retry the event, or show the user an error for a click we mean to ignore.
    Overriding dispatch covers HTTP and Socket Mode alike."""

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        response = super().dispatch(req)
        if response.status != 404:
            return response
        logger.info("slack request left unanswered on purpose", extra=_kind_of(req.body))
        return BoltResponse(status=200, body="")


def _kind_of(body: dict[str, Any]) -> dict[str, str]:
    """What kind of request a body is, for the log (never its content)."""
    found = body.get("event")
    event: dict[str, Any] = found if isinstance(found, dict) else {}
    return {"type": str(body.get("type"))[:40], "event": str(event.get("type") or "")[:40]}


def register(bolt: BoltApp, handlers: SlackHandlers, installs: Installs) -> None:
    """Every Slack listener, in one place."""
    bolt.middleware(handlers.drop_duplicates)
    for command in SLASH_COMMANDS:
        bolt.command(command)(handlers.on_command)
    bolt.action(re.compile("^" + re.escape(ACTION_PREFIX)))(handlers.on_action)
    bolt.view(re.compile("^" + re.escape(CALLBACK_PREFIX)))(handlers.on_submit)
    bolt.options(re.compile(".*"))(handlers.on_options)  # a form's type-ahead lists
    bolt.event("app_mention")(handlers.on_mention)
    bolt.event("message")(handlers.on_message)
    bolt.event("app_home_opened")(handlers.on_home_opened)
    bolt.event("app_uninstalled")(installs.on_uninstalled)
    bolt.event("tokens_revoked")(installs.on_tokens_revoked)
    bolt.error(handlers.on_error)
