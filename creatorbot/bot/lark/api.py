"""The Lark Open API calls creatorbot makes (send, reply, update a card, upload an image or a
file, download a file a user sent, who the bot is, a user's departments), paced at 5 messages a
second per chat and retried on rate limits."""

from __future__ import annotations

import collections
import io
import json
import logging
import threading
import time
import uuid as uuids
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import lark_oapi as lark
from lark_oapi.api.contact.v3 import (
    BatchGetIdUserRequest,
    BatchGetIdUserRequestBody,
    GetUserRequest,
)
from lark_oapi.api.im.v1 import (
    CreateFileRequest,
    CreateFileRequestBody,
    CreateImageRequest,
    CreateImageRequestBody,
    CreateMessageRequest,
    CreateMessageRequestBody,
    PatchMessageRequest,
    PatchMessageRequestBody,
    ReplyMessageRequest,
    ReplyMessageRequestBody,
)
from lark_oapi.core.token.manager import TokenManager

from creatorbot.bot.download import download

logger = logging.getLogger(__name__)

RATE_LIMITED = 99991400  # Lark's "request trigger frequency limit"
TOKEN_REFUSED = {99991663, 99991664}  # the tenant token is invalid or expired: fetch a new one
PER_CHAT = 5  # messages a second Lark accepts in one chat (or to one user)
RETRIES = 6  # each waits the reset header (rate limits) or a doubling pause (5xx)
MAX_WAIT = 30.0  # seconds; a longer reset is clamped, then tried again
TIMEOUT = 10.0  # seconds per HTTP call
Card = dict[str, Any]


class LarkError(Exception):
    """A call Lark refused or that never got an answer, after the retries."""

    def __init__(self, method: str, code: int | None, msg: str, status: int | None = None):
        super().__init__(f"Lark {method}: {status or '-'} code {code}: {msg}")
        self.code = code
        self.status = status


class Pacer:
    """At most PER_CHAT sends a second to one chat: a caller past the limit waits its turn."""

    def __init__(
        self,
        per_second: int = PER_CHAT,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_second = per_second
        self.clock = clock
        self.sleep = sleep
        self._sent: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()

    def wait(self, chat: str) -> None:
        """Return once a message to `chat` may go out, and count it."""
        while True:
            with self._lock:
                now = self.clock()
                sent = self._sent[chat]
                while sent and now - sent[0] >= 1.0:
                    sent.popleft()
                if len(sent) < self.per_second:
                    sent.append(now)
                    return
                pause = 1.0 - (now - sent[0])
            self.sleep(max(pause, 0.001))


class LarkApi:
    """One tenant's client: the SDK keeps the tenant token fresh; this adds pacing and retries."""

    def __init__(
        self,
        app_id: str,
        app_secret: str,
        domain: str,
        *,
        pacer: Pacer | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = (
            lark.Client.builder()
            .app_id(app_id)
            .app_secret(app_secret)
            .domain(domain.rstrip("/"))
            .timeout(TIMEOUT)
            .log_level(lark.LogLevel.WARNING)
            .build()
        )
        self.pacer = pacer or Pacer()
        self.sleep = sleep
        self._bot: str | None = None

    # --- messages ---------------------------------------------------------------------------

    def send_card(self, to: str, card: Card, *, uuid: str | None = None) -> str:
        """Post a card to a chat (`oc_…`) or, as a direct message, to a user (`ou_…`); the new
        message's id. `uuid` makes a retry within the hour return the first message."""
        return self.send(to, "interactive", card, uuid=uuid)

    def send(self, to: str, msg_type: str, content: dict[str, Any], *, uuid: str | None) -> str:
        """Post one message of any type; its message id."""
        body = (
            CreateMessageRequestBody.builder()
            .receive_id(to)
            .msg_type(msg_type)
            .content(json.dumps(content, ensure_ascii=False))
            .uuid(uuid or uuids.uuid4().hex)
            .build()
        )
        request = (
            CreateMessageRequest.builder()
            .receive_id_type("open_id" if to.startswith("ou_") else "chat_id")
            .request_body(body)
            .build()
        )
        self.pacer.wait(to)
        data = self._call("im.message.create", lambda: self.client.im.v1.message.create(request))
        return str(data["message_id"])

    def reply_card(self, message_id: str, card: Card, *, chat: str, uuid: str | None = None) -> str:
        """Answer a message with a card, in its thread when it has one; the answer's id. Like
        every send, it carries a `uuid` (a fresh one unless given): a retry after a lost
        connection returns the first answer instead of making a second."""
        body = (
            ReplyMessageRequestBody.builder()
            .msg_type("interactive")
            .content(json.dumps(card, ensure_ascii=False))
            .uuid(uuid or uuids.uuid4().hex)
            .build()
        )
        request = ReplyMessageRequest.builder().message_id(message_id).request_body(body).build()
        self.pacer.wait(chat)
        data = self._call("im.message.reply", lambda: self.client.im.v1.message.reply(request))
        return str(data["message_id"])

    def update_card(self, message_id: str, card: Card) -> None:
        """Replace a card the bot sent (it was sent with `update_multi`, so everyone sees it)."""
        body = PatchMessageRequestBody.builder().content(json.dumps(card, ensure_ascii=False))
        request = (
            PatchMessageRequest.builder().message_id(message_id).request_body(body.build()).build()
        )
        self._call("im.message.patch", lambda: self.client.im.v1.message.patch(request))

    # --- uploads ----------------------------------------------------------------------------

    def upload_image(self, png: bytes) -> str:
        """Upload a chart; the `img_key` a card shows it by."""

        def call() -> Any:
            body = CreateImageRequestBody.builder().image_type("message").image(io.BytesIO(png))
            request = CreateImageRequest.builder().request_body(body.build()).build()
            return self.client.im.v1.image.create(request)

        return str(self._call("im.image.create", call)["image_key"])

    def upload_file(self, name: str, content: bytes) -> str:
        """Upload an export (CSV, XLSX); the `file_key` a file message sends it by."""
        kind = "xls" if name.endswith((".xlsx", ".xls")) else "stream"

        def call() -> Any:
            body = (
                CreateFileRequestBody.builder()
                .file_type(kind)
                .file_name(name)
                .file(io.BytesIO(content))
            )
            return self.client.im.v1.file.create(
                CreateFileRequest.builder().request_body(body.build()).build()
            )

        return str(self._call("im.file.create", call)["file_key"])

    def download_file(self, message_id: str, file_key: str, limit: int) -> bytes:
        """The file a user sent in message `message_id` (message resource API; the app needs
        `im:message:readonly`, `im:message` or `im:message.history:readonly`: `im:resource`
        is for uploads), at most `limit` bytes: `TooLarge` past it, refused by its declared
        length before the body is read."""
        config = self.client.config
        if config is None:
            raise LarkError("im.message.resource.get", None, "no client configuration")
        token = TokenManager.get_self_tenant_token(config)
        url = (
            f"{config.domain}/open-apis/im/v1/messages/{quote(message_id, safe='')}"
            f"/resources/{quote(file_key, safe='')}?type=file"
        )
        return download(url, {"Authorization": f"Bearer {token}"}, limit)

    def get_message(self, message_id: str) -> dict[str, Any] | None:
        """A message of a chat the bot is in (its msg_type, body.content, sender), as Lark
        gives it; None when Lark does not (deleted, not the bot's chat)."""
        request = (
            lark.BaseRequest.builder()
            .http_method(lark.HttpMethod.GET)
            .uri(f"/open-apis/im/v1/messages/{quote(message_id, safe='')}")
            .token_types({lark.AccessTokenType.TENANT})
            .build()
        )
        try:
            data = self._call("im.message.get", lambda: self.client.request(request))
        except LarkError:
            logger.info("message not read", extra={"message_id": message_id[:40]})
            return None
        items = data.get("items") or []
        return items[0] if items and isinstance(items[0], dict) else None

    # --- who the bot is ---------------------------------------------------------------------

    def bot_open_id(self) -> str | None:
        """The bot's own open_id (to tell an @mention of the bot from others), fetched once."""
        if self._bot is None:
            request = (
                lark.BaseRequest.builder()
                .http_method(lark.HttpMethod.GET)
                .uri("/open-apis/bot/v3/info")
                .token_types({lark.AccessTokenType.TENANT})
                .build()
            )
            try:
                body = self._call("bot.info", lambda: self.client.request(request), whole=True)
            except LarkError:
                logger.warning("the bot's open_id is unknown; any @mention counts")
                return None
            self._bot = str((body.get("bot") or {}).get("open_id") or "") or None
        return self._bot

    # --- who is in which department ---------------------------------------------------------

    def departments_of(self, open_id: str) -> list[str]:
        """The open_department_ids of the departments a user is directly in (contact v3 user
        get: needs `contact:contact.base:readonly` and `contact:user.department:readonly`, and
        the user inside the app's contacts range). Tried twice at most: a command waits on it."""
        request = (
            GetUserRequest.builder()
            .user_id(open_id)
            .user_id_type("open_id")
            .department_id_type("open_department_id")
            .build()
        )
        data = self._call(
            "contact.user.get", lambda: self.client.contact.v3.user.get(request), retries=1
        )
        user = data.get("user")
        departments = user.get("department_ids") if isinstance(user, dict) else None
        return [str(department) for department in departments or []]

    def open_id_by_email(self, email: str) -> str | None:
        """The open_id of the user with this email (contact v3 users batch_get_id: needs
        `contact:user.id:readonly`); None when Lark finds none in the app's contacts range.
        Tried twice at most: a post waits on it."""
        body = BatchGetIdUserRequestBody.builder().emails([email]).build()
        request = BatchGetIdUserRequest.builder().user_id_type("open_id").request_body(body).build()
        data = self._call(
            "contact.user.batch_get_id",
            lambda: self.client.contact.v3.user.batch_get_id(request),
            retries=1,
        )
        for user in data.get("user_list") or []:
            if isinstance(user, dict) and user.get("user_id"):
                return str(user["user_id"])
        return None

    # --- plumbing ---------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        send: Callable[[], Any],
        whole: bool = False,
        retries: int = RETRIES,
    ) -> dict[str, Any]:
        """Make the call, waiting out rate limits and retrying server errors (`retries` times at
        most); its `data`."""
        pause = 0.5
        fresh_token = False
        for attempt in range(retries + 1):
            try:
                response = send()
            except Exception as exc:  # a reset connection, a timeout: the uuid makes it safe
                if attempt == retries:
                    raise LarkError(method, None, str(exc)) from exc
                self.sleep(pause)
                pause *= 2
                continue
            raw = response.raw
            status = raw.status_code if raw is not None else None
            body = _json(raw.content if raw is not None else None)
            code = body.get("code", response.code)
            if code == 0 and (status is None or status < 400):
                return body if whole else dict(body.get("data") or {})
            if code in TOKEN_REFUSED and not fresh_token:
                self.forget_token()
                fresh_token = True
                continue
            retry_after = _reset(raw.headers if raw is not None else {})
            rate_limited = status == 429 or code == RATE_LIMITED
            if attempt < retries and (rate_limited or (status or 0) >= 500):
                wait = min(retry_after if rate_limited and retry_after else pause, MAX_WAIT)
                logger.info(
                    "Lark asked to wait",
                    extra={"method": method, "status": status, "code": code, "wait": wait},
                )
                self.sleep(wait)
                pause *= 2
                continue
            raise LarkError(method, code, str(body.get("msg") or response.msg or ""), status)
        raise LarkError(method, None, "no answer")  # a fresh token asked on the last attempt

    def forget_token(self) -> None:
        """Drop the SDK's cached tenant token (a process-wide cache keyed by app id), so the
        next call fetches a fresh one: after a secret reset, or a token Lark revoked early."""
        config = self.client.config
        if config is not None:
            TokenManager.cache.set(f"self_tenant_token:{config.app_id}", "", 0)


def _json(content: bytes | None) -> dict[str, Any]:
    try:
        decoded = json.loads(content or b"{}")
    except ValueError:
        return {}
    return decoded if isinstance(decoded, dict) else {}


def _reset(headers: dict[str, str]) -> float:
    """Seconds until Lark's rate-limit window resets (`x-ogw-ratelimit-reset`), 0 if unknown."""
    for key, value in headers.items():
        if key.lower() == "x-ogw-ratelimit-reset":
            try:
                return max(float(value), 0.0)
            except ValueError:
                return 0.0
    return 0.0
