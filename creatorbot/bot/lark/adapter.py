"""The Lark platform: `POST /lark/events` (HTTP callback mode: signature, timestamp, token and
decryption checked here) or the SDK's long connection (WebSocket, no public URL), both handing
plain event dicts to the same handlers."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

import lark_oapi as lark
import lark_oapi.ws.client as ws_client
from lark_oapi.core.utils import AESCipher
from lark_oapi.event.callback.model.p2_card_action_trigger import (
    P2CardActionTrigger,
    P2CardActionTriggerResponse,
)
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.http import HttpRequest, HttpResponse, text
from creatorbot.bot.lark import legacy
from creatorbot.bot.lark.api import LarkApi
from creatorbot.bot.lark.handlers import (
    CARD_ACTION,
    CARD_BUDGET,
    CARD_BUDGET_LONG_CONNECTION,
    EVENTS,
    LarkHandlers,
)
from creatorbot.bot.lark.poster import LarkPoster
from creatorbot.bot.metrics import Metrics
from creatorbot.commands.router import Router

logger = logging.getLogger(__name__)

PATH = "/lark/events"
MAX_SKEW = 300  # seconds between Lark signing a request and us receiving it
JSON_TYPE = {"Content-Type": "application/json; charset=utf-8"}


class LarkConfigError(ValueError):
    """The Lark settings cannot work (HTTP mode without its verification token or encrypt key)."""


class Unauthenticated(Exception):
    """A callback that is not provably from Lark."""


class LarkPlatform:
    """Everything Lark: the API client, the handlers, the two ways events come in."""

    def __init__(
        self,
        *,
        app_id: str,
        app_secret: str,
        domain: str,
        verification_token: str | None,
        encrypt_key: str | None,
        long_connection: bool,
        router: Router,
        pool: Executor,
        metrics: Metrics,
        sessions: sessionmaker[Session],
        clock: Callable[[], dt.datetime],
        locale: str = "en",
        wall: Callable[[], float] = time.time,
    ) -> None:
        if not long_connection and not (verification_token and encrypt_key):
            raise LarkConfigError(
                "Lark's HTTP callback mode needs LARK_VERIFICATION_TOKEN and LARK_ENCRYPT_KEY "
                "(Developer Console → Events & Callbacks → Encryption strategy); "
                "or set LARK_MODE=websocket to use the long connection instead"
            )
        self.app_id = app_id
        self.app_secret = app_secret
        self.domain = domain.rstrip("/")
        self.verification_token = verification_token or ""
        self.encrypt_key = encrypt_key or ""
        self.long_connection = long_connection
        self.metrics = metrics
        self.wall = wall
        self.api = LarkApi(app_id, app_secret, self.domain)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._client: lark.ws.Client | None = None
        self._closing = threading.Event()
        self.handlers = LarkHandlers(
            router=router,
            api=self.api,
            pool=pool,
            metrics=metrics,
            sessions=sessions,
            clock=clock,
            locale=locale,
            card_budget=CARD_BUDGET_LONG_CONNECTION if long_connection else CARD_BUDGET,
        )

    # --- HTTP callback mode -----------------------------------------------------------------

    def handle_http(self, request: HttpRequest) -> HttpResponse:
        """`POST /lark/events`: authenticated, deduplicated, answered at once."""
        started = time.perf_counter()
        try:
            body = self.authenticate(request)
        except Unauthenticated as exc:
            self.metrics.requests.labels(platform="lark", outcome="unauthorized").inc()
            logger.warning("Lark callback refused", extra={"reason": str(exc)})
            return text(401, "invalid request")
        except ValueError:
            self.metrics.requests.labels(platform="lark", outcome="malformed").inc()
            return text(400, "malformed request")
        if body.get("type") == "url_verification":
            answer: dict[str, Any] = {"challenge": body.get("challenge")}
        else:
            answer = self.handlers.dispatch(body)
        self.metrics.ack_seconds.labels(platform="lark").observe(time.perf_counter() - started)
        return HttpResponse(200, json.dumps(answer, ensure_ascii=False).encode(), JSON_TYPE)

    def authenticate(self, request: HttpRequest) -> dict[str, Any]:
        """The callback's plaintext body, once shown to come from Lark: the signature over
        timestamp, nonce, key and body matches, the timestamp is recent, the body decrypts
        with our key and carries our verification token. Raises Unauthenticated or ValueError."""
        envelope = _object(request.body)
        body = self._decrypt(envelope) if "encrypt" in envelope else envelope
        if body.get("type") == "url_verification":  # not signed; token only
            challenge = body.get("challenge")
            if not isinstance(challenge, str) or not challenge:
                raise ValueError("a URL check without its challenge")
        elif legacy.is_card_action(body):  # signed otherwise, and its token is the card's
            self._check_signature(request, old_card=True)
            return legacy.as_card_action(body)
        else:
            self._check_signature(request)
        header: dict[str, Any] = body["header"] if isinstance(body.get("header"), dict) else body
        token = str(header.get("token") or "")
        if not hmac.compare_digest(token.encode(), self.verification_token.encode()):
            raise Unauthenticated("verification token does not match")
        return body

    def _check_signature(self, request: HttpRequest, old_card: bool = False) -> None:
        """Lark's signature headers, within 5 minutes: sha256 keyed with the encrypt key, or
        for the old card callbacks sha1 keyed with the verification token."""
        timestamp = request.header("X-Lark-Request-Timestamp") or ""
        nonce = request.header("X-Lark-Request-Nonce") or ""
        signature = request.header("X-Lark-Signature") or ""
        if not timestamp.isdigit() or not signature:
            raise Unauthenticated("missing signature headers")
        if abs(self.wall() - int(timestamp)) > MAX_SKEW:
            raise Unauthenticated("stale timestamp")
        if old_card:
            token = self.verification_token
            if not legacy.signature_matches(timestamp, nonce, token, request.body, signature):
                raise Unauthenticated("old card callback signature does not match")
            return
        signed = (timestamp + nonce + self.encrypt_key).encode() + request.body
        expected = hashlib.sha256(signed).hexdigest()
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            raise Unauthenticated("signature does not match")

    def _decrypt(self, envelope: dict[str, Any]) -> dict[str, Any]:
        try:
            plaintext = AESCipher(self.encrypt_key).decrypt_str(str(envelope["encrypt"]))
        except Exception as exc:  # wrong key, bad padding, not base64: not from Lark
            raise Unauthenticated("body does not decrypt with our key") from exc
        return _object(plaintext.encode())

    # --- long-connection mode ---------------------------------------------------------------

    def event_handler(self) -> lark.EventDispatcherHandler:
        """The SDK dispatcher the long connection feeds: each event goes back to a plain dict
        and through the same handlers (synchronous, returning fast; async ones never run)."""
        builder = lark.EventDispatcherHandler.builder("", "")
        for kind in EVENTS:
            if kind != CARD_ACTION:
                builder.register_p2_customized_event(kind, self._plain_event)
        builder.register_p2_card_action_trigger(self._plain_card_action)
        return builder.build()

    def _plain_event(self, data: Any) -> None:
        self.handlers.dispatch(json.loads(lark.JSON.marshal(data)))

    def _plain_card_action(self, data: P2CardActionTrigger) -> P2CardActionTriggerResponse:
        answer = self.handlers.dispatch(json.loads(lark.JSON.marshal(data)))
        return P2CardActionTriggerResponse(answer)

    def connect(self) -> threading.Thread:
        """Open the long connection in a thread of its own, with an event loop of its own (the
        SDK runs a module-level loop, which must not be the main thread's; so one long
        connection per process). `close()` ends it."""
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            ws_client.loop = loop
            self._loop = loop
            ready.set()
            client = lark.ws.Client(
                self.app_id,
                self.app_secret,
                event_handler=self.event_handler(),
                domain=self.domain,
                log_level=lark.LogLevel.WARNING,
            )
            self._client = client
            try:
                client.start()
            except Exception:
                if not self._closing.is_set():
                    self.metrics.errors.labels(platform="lark", stage="connect").inc()
                    logger.exception("Lark long connection stopped")
            finally:
                _finish(loop)

        self._thread = threading.Thread(target=run, name="lark-ws", daemon=True)
        self._thread.start()
        ready.wait(timeout=5)
        return self._thread

    def connected(self) -> bool:
        """Whether Lark can reach the bot: the long connection is open (the SDK holds its
        WebSocket while connected and drops it when it closes, reconnecting or not), or (HTTP
        callbacks) the verification token and encrypt key are set."""
        if not self.long_connection:
            return bool(self.verification_token and self.encrypt_key)
        if self._thread is None or not self._thread.is_alive() or self._client is None:
            return False
        return _open(getattr(self._client, "_conn", None))

    def close(self) -> None:
        """End the long connection, if one is open: stop its loop and wait for its thread."""
        if self._loop is None or self._thread is None:
            return
        self._closing.set()
        if not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        logger.info("Lark long connection closed")

    def poster(self) -> LarkPoster:
        """Scheduled posts go out through the same API client (pacing and retries included)."""
        return LarkPoster(self.api)


def _open(connection: object) -> bool:
    """Whether the SDK's WebSocket (websockets' new or legacy client, or none) is open."""
    if connection is None:
        return False
    state = getattr(connection, "state", None)
    if state is not None:
        return getattr(state, "name", "") == "OPEN"
    return bool(getattr(connection, "open", False))


def _finish(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what the SDK left running on its loop, then close the loop."""
    with contextlib.suppress(RuntimeError):
        tasks = asyncio.all_tasks(loop)
        for task in tasks:
            task.cancel()
        if tasks:
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    loop.close()


def _object(raw: bytes) -> dict[str, Any]:
    decoded = json.loads(raw)  # ValueError when not JSON
    if not isinstance(decoded, dict):
        raise ValueError("not a JSON object")
    return decoded
