"""A fake Lark/Feishu Open API on 127.0.0.1 that records calls and answers 429/5xx on demand."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.lark_tables import card_table_problems
from tests.fakes.loopback import LoopbackFake, Request, Resets
from tests.fakes.slack_api import _multipart_parts

APP_ID = "cli_test_app"
APP_SECRET = "test-app-secret"
TENANT_KEY = "tenant_test"
TOKEN_TTL = 7200
UUID_WINDOW = 3600.0

# Method names the fake records calls under, usable with fail()/delay()/reset_after()/calls().
TOKEN = "auth.v3.tenant_access_token.internal"
CREATE = "im.v1.messages.create"
REPLY = "im.v1.messages.reply"
PATCH = "im.v1.messages.patch"
IMAGE = "im.v1.images.create"
FILE = "im.v1.files.create"
RESOURCE = "im.v1.messages.resources.get"  # a file a user sent, downloaded (im:message:readonly)
BOT_INFO = "bot.v3.info"
CONTACT_USER = "contact.v3.users.get"
GET_MESSAGE = "im.v1.messages.get"  # a message of a chat the bot is in (im:message)
CONTACT_IDS = "contact.v3.users.batch_get_id"  # open_ids by email (contact:user.id:readonly)
WS_ENDPOINT = "callback.ws.endpoint"  # the long connection's endpoint discovery (no token)
BOT_OPEN_ID = "ou_bot"

RATE_LIMITED = 99991400
# Error codes the fake answers with; the auth ones are Lark's, the 2300xx ones are approximations.
MISSING_TOKEN = 99991661
INVALID_TOKEN = 99991663
BAD_SECRET = 10014
INVALID_PARAM = 230001
NOT_FOUND = 230011
NO_USER_AUTHORITY = 41050  # the user is outside the app's contacts range (or unknown)

# What the endpoint discovery tells the SDK's long-connection client (seconds; -1: forever).
WS_CLIENT_CONFIG = {
    "PingInterval": 120,
    "ReconnectCount": -1,
    "ReconnectInterval": 120,
    "ReconnectNonce": 30,
}

Params = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One request the fake received; `failed` when it did not answer code 0 (injected or not);
    `dropped` when it acted but closed the connection instead of answering (reset_after)."""

    method: str
    params: Params
    headers: dict[str, str]
    at: float
    failed: bool = False
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)
    dropped: bool = False


@dataclass
class _Fault:
    status: int
    code: int
    reset: int
    times: int


@dataclass(frozen=True)
class _Reply:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # a download's bytes, sent instead of the JSON body

    @property
    def ok(self) -> bool:
        return self.status == 200 and (self.raw is not None or self.body.get("code") == 0)


class FakeLark(LoopbackFake):
    """The Open API endpoints the bot uses: tenant token, send/reply/patch messages, image upload,
    a user's departments (contact v3 user get; set_departments() fills the directory).

    im.* calls need `Authorization: Bearer <token>` with a token this fake issued for
    app_id/app_secret. Messages are kept per chat; a `uuid` seen within an hour returns the
    first message again. reset() forgets calls, messages, images, tokens and faults.
    `POST /callback/ws/endpoint` hands the long connection `ws_url` (set it to a FakeLarkWs's).
    """

    def __init__(self, app_id: str = APP_ID, app_secret: str = APP_SECRET) -> None:
        super().__init__()
        self.app_id = app_id
        self.app_secret = app_secret
        self._lock = threading.RLock()
        self._serial = 0
        self._tokens: dict[str, float] = {}
        self._messages: dict[str, dict[str, Any]] = {}
        self._order: list[str] = []
        self._uuids: dict[str, tuple[str, float]] = {}
        self._images: dict[str, dict[str, Any]] = {}
        self._files: dict[str, dict[str, Any]] = {}
        self._inbound: dict[str, dict[str, Any]] = {}
        self._resources: dict[tuple[str, str], bytes] = {}
        self._patches: list[dict[str, Any]] = []
        self._contacts: dict[str, list[str]] = {}
        self._emails: dict[str, str] = {}
        self._calls: list[Call] = []
        self._requests_total = 0
        self._forced: dict[str, list[_Fault]] = {}
        self._delays: dict[str, float] = {}
        self._resets = Resets()
        # Wall clock for token expiry and the uuid window; tests may replace it to move time.
        self.clock: Callable[[], float] = time.time
        # Called (under the fake's lock) with each authorised im call before it is answered;
        # the call still takes effect, as with FakeSlack.on_call.
        self.on_call: Callable[[str, Params], None] | None = None
        # Where the long-connection endpoint discovery sends the SDK's WebSocket client.
        self.ws_url: str | None = None

    # ---- faults and tokens

    def fail(
        self,
        method: str,
        *,
        status: int = 429,
        times: int = 1,
        reset: int = 1,
        code: int | None = None,
    ) -> None:
        """Fail the next `times` calls of `method`: 429 + code 99991400 + reset header, or 5xx.
        `status=400, code=RATE_LIMITED` is the rate limit as Lark's older APIs answer it (HTTP
        400, the same code and headers)."""
        if times <= 0:
            return
        chosen = code if code is not None else (RATE_LIMITED if status == 429 else status)
        with self._lock:
            self._forced.setdefault(method, []).append(_Fault(status, chosen, reset, times))

    def delay(self, method: str, seconds: float) -> None:
        with self._lock:
            self._delays[method] = seconds

    def reset_after(self, method: str, *, times: int = 1) -> None:
        """The next `times` calls of `method` take effect (a message is stored, an image kept)
        and then the connection is closed without a response: the caller cannot tell whether
        Lark acted. A fail() queued for the same call wins over this."""
        with self._lock:
            self._resets.add(method, times)

    def clear_faults(self) -> None:
        with self._lock:
            self._forced.clear()
            self._delays.clear()
            self._resets.clear()

    def expire_tokens(self) -> None:
        """Make every issued tenant token invalid, as after its `expire` seconds."""
        with self._lock:
            self._tokens.clear()

    # ---- the directory

    def add_person(self, open_id: str, email: str) -> None:
        """A user of the tenant the app can find by email."""
        with self._lock:
            self._emails[email.lower()] = open_id

    def set_departments(self, open_id: str, departments: list[str]) -> None:
        """Put a user in exactly these departments (open_department_ids, `od-…`); a user never
        set is outside the app's contacts range."""
        with self._lock:
            self._contacts[open_id] = list(departments)

    # ---- reading what happened

    @property
    def requests_total(self) -> int:
        with self._lock:
            return self._requests_total

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def messages(self, chat_id: str | None = None) -> list[dict[str, Any]]:
        """Stored messages (sent and replies) in order, optionally of one chat; content as sent."""
        with self._lock:
            found = [self._messages[m] for m in self._order]
            return [dict(m) for m in found if chat_id is None or m["chat_id"] == chat_id]

    def cards(self, chat_id: str | None = None) -> list[dict[str, Any]]:
        """The current (patched) card JSON of each interactive message, decoded."""
        return [
            json.loads(m["content"])
            for m in self.messages(chat_id)
            if m["msg_type"] == "interactive"
        ]

    def patches(self, message_id: str | None = None) -> list[dict[str, Any]]:
        """Successful card updates: message_id and the decoded card."""
        with self._lock:
            return [
                dict(p)
                for p in self._patches
                if message_id is None or p["message_id"] == message_id
            ]

    def images(self) -> list[dict[str, Any]]:
        """Uploaded images: image_key, image_type, length and content (bytes)."""
        with self._lock:
            return [dict(i) for i in self._images.values()]

    def files(self) -> list[dict[str, Any]]:
        """Uploaded files: file_key, file_type, file_name and content (bytes)."""
        with self._lock:
            return [dict(f) for f in self._files.values()]

    def file_messages(self, chat_id: str | None = None) -> list[dict[str, Any]]:
        """The file messages the bot sent (optionally in one chat): chat_id, how it was addressed
        (receive_id_type, receive_id; None for a reply), file_name and content."""
        with self._lock:
            found = []
            for message in self.messages(chat_id):
                if message["msg_type"] != "file":
                    continue
                upload = self._files[json.loads(message["content"])["file_key"]]
                found.append(
                    {
                        "chat_id": message["chat_id"],
                        "receive_id_type": message["receive_id_type"],
                        "receive_id": message["receive_id"],
                        "file_name": upload["file_name"],
                        "content": upload["content"],
                    }
                )
            return found

    def receive(self, message: dict[str, Any], sender: str = "") -> None:
        """Keep a message a user (`sender`, an open_id) sent (the `message` of an
        im.message.receive_v1 event), so the bot can reply to it and read it back; it is not
        listed by messages(), which shows what the bot sent."""
        with self._lock:
            self._inbound[str(message["message_id"])] = {
                "message_id": message["message_id"],
                "chat_id": message["chat_id"],
                "root_id": message.get("root_id") or None,
                "msg_type": message.get("message_type") or "text",
                "body": {"content": message.get("content") or "{}"},
                "sender": {"id": sender, "id_type": "open_id", "sender_type": "user"},
            }

    def add_resource(self, message_id: str, file_key: str, content: bytes) -> None:
        """The file a user's file message (`message_id`, its content's `file_key`) carries,
        served by the message resource API to a caller with a tenant token."""
        with self._lock:
            self._resources[(message_id, file_key)] = content

    @staticmethod
    def dm(open_id: str) -> str:
        """The chat id under which messages sent to a user (receive_id_type=open_id) are kept."""
        return f"oc_dm_{open_id}"

    def summary(self) -> str:
        calls = self.calls()
        lines = [f"{len(calls)} call(s), {self.requests_total} request(s)"]
        for c in calls[-30:]:
            flag = f" FAILED {c.status} {c.response.get('code')}" if c.failed else ""
            flag += " DROPPED" if c.dropped else ""
            shown = {k: v for k, v in c.params.items() if not isinstance(v, bytes)}
            lines.append(f"  {c.method}{flag} {json.dumps(shown, default=str)[:160]}")
        return "\n".join(lines)

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
            self._requests_total = 0
            self._tokens.clear()
            self._messages.clear()
            self._order.clear()
            self._uuids.clear()
            self._images.clear()
            self._files.clear()
            self._inbound.clear()
            self._patches.clear()
        self.clear_faults()

    # ---- HTTP plumbing

    def handle(self, req: Request) -> None:
        parts = urlsplit(req.path)
        length = int(req.headers.get("Content-Length") or 0)
        raw = req.rfile.read(length) if length else b""
        with self._lock:
            self._requests_total += 1
        method, handler = self._route(req.command, parts.path)
        params: Params = dict(parse_qsl(parts.query, keep_blank_values=True))
        try:
            params.update(_decode_body(raw, req.headers.get("Content-Type", "")))
        except ValueError:
            handler = None
        if method in (REPLY, PATCH, GET_MESSAGE):
            params["message_id"] = parts.path.split("/")[5]
        if method == CONTACT_USER:
            params["user_id"] = parts.path.split("/")[5]
        if method == RESOURCE:
            params["message_id"], params["file_key"] = parts.path.split("/")[5:8:2]
        with self._lock:
            seconds = self._delays.get(method, 0.0)
        if seconds:
            time.sleep(seconds)
        with self._lock:
            fault = self._take_fault(method)
            if fault is not None:
                reply = _fault_reply(fault)
            elif handler is None:
                reply = _Reply(400 if method else 404, _error(INVALID_PARAM, "bad request"))
            else:
                reply = self._answer(method, params, req.headers.get("Authorization", ""), handler)
            dropped = fault is None and self._resets.take(method)
            self._calls.append(
                Call(
                    method=method or parts.path,
                    params=params,
                    headers=dict(req.headers.items()),
                    at=time.time(),
                    failed=not reply.ok,
                    status=reply.status,
                    response=reply.body,
                    dropped=dropped,
                )
            )
        if dropped:
            req.close_connection = True  # no status line: the client sees the connection drop
            return
        _send(req, reply)

    def _route(self, verb: str, path: str) -> tuple[str, Callable[[Params], _Reply] | None]:
        segments = path.strip("/").split("/")
        if verb == "POST" and path == "/open-apis/auth/v3/tenant_access_token/internal":
            return TOKEN, self._token
        if verb == "POST" and path == "/open-apis/im/v1/messages":
            return CREATE, self._create
        if verb == "POST" and path == "/open-apis/im/v1/images":
            return IMAGE, self._image
        if verb == "POST" and path == "/open-apis/im/v1/files":
            return FILE, self._file
        if verb == "GET" and path == "/open-apis/bot/v3/info":
            return BOT_INFO, self._bot_info
        if verb == "POST" and path == "/callback/ws/endpoint":
            return WS_ENDPOINT, self._ws_endpoint
        if verb == "POST" and path == "/open-apis/contact/v3/users/batch_get_id":
            return CONTACT_IDS, self._contact_ids
        if verb == "GET" and segments[:4] == ["open-apis", "contact", "v3", "users"]:
            return (CONTACT_USER, self._contact_user) if len(segments) == 5 else ("", None)
        if segments[:3] == ["open-apis", "im", "v1"] and len(segments) >= 5:
            if segments[3] == "messages" and len(segments) == 6 and segments[5] == "reply":
                return (REPLY, self._reply) if verb == "POST" else ("", None)
            if segments[3] == "messages" and len(segments) == 5 and verb == "PATCH":
                return PATCH, self._patch
            if segments[3] == "messages" and len(segments) == 5 and verb == "GET":
                return GET_MESSAGE, self._get_message
            if segments[3] == "messages" and len(segments) == 7 and segments[5] == "resources":
                return (RESOURCE, self._resource) if verb == "GET" else ("", None)
        return "", None

    def _answer(
        self, method: str, params: Params, auth: str, handler: Callable[[Params], _Reply]
    ) -> _Reply:
        if method not in (TOKEN, WS_ENDPOINT):
            token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
            if not token:
                return _Reply(400, _error(MISSING_TOKEN, "Missing access token for authorization"))
            expires = self._tokens.get(token)
            if expires is None or expires <= self.clock():
                return _Reply(400, _error(INVALID_TOKEN, "Invalid access token for authorization"))
            if self.on_call is not None:
                self.on_call(method, params)
        return handler(params)

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._forced.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.times -= 1
        if fault.times <= 0:
            queue.pop(0)
        return fault

    def _next_id(self, prefix: str) -> str:
        self._serial += 1
        return f"{prefix}{self._serial:06d}{secrets.token_hex(4)}"

    # ---- endpoints

    def _token(self, params: Params) -> _Reply:
        if params.get("app_id") != self.app_id or params.get("app_secret") != self.app_secret:
            return _Reply(200, _error(BAD_SECRET, "app secret invalid"))
        token = self._next_id("t-")
        self._tokens[token] = self.clock() + TOKEN_TTL
        body = {"code": 0, "msg": "ok", "tenant_access_token": token, "expire": TOKEN_TTL}
        return _Reply(200, body)

    def _create(self, params: Params) -> _Reply:
        kind, to = params.get("receive_id_type"), str(params.get("receive_id") or "")
        if kind not in ("chat_id", "open_id") or not to:
            return _Reply(400, _error(INVALID_PARAM, "receive_id_type chat_id|open_id and id"))
        chat_id = to if kind == "chat_id" else self.dm(to)
        return self._store(params, chat_id=chat_id, parent=None, receiver=(str(kind), to))

    def _reply(self, params: Params) -> _Reply:
        parent = self._messages.get(params["message_id"]) or self._inbound.get(params["message_id"])
        if parent is None:
            return _Reply(400, _error(NOT_FOUND, "message not found"))
        return self._store(params, chat_id=parent["chat_id"], parent=parent)

    def _store(
        self,
        params: Params,
        *,
        chat_id: str,
        parent: dict[str, Any] | None,
        receiver: tuple[str, str] | None = None,
    ) -> _Reply:
        problem = _check_content(params, self._images, self._files)
        if problem:
            return _Reply(400, _error(INVALID_PARAM, problem))
        now = self.clock()
        uuid = params.get("uuid")
        if uuid:
            seen = self._uuids.get(str(uuid))
            if seen is not None and now - seen[1] < UUID_WINDOW:
                return _Reply(200, _ok(_view(self._messages[seen[0]])))
        message_id = self._next_id("om_")
        stamp = str(int(now * 1000))
        message: dict[str, Any] = {
            "message_id": message_id,
            "chat_id": chat_id,
            "msg_type": params["msg_type"],
            "content": params["content"],
            "uuid": uuid,
            "receive_id_type": receiver[0] if receiver else None,
            "receive_id": receiver[1] if receiver else None,
            "root_id": (parent.get("root_id") or parent["message_id"]) if parent else None,
            "parent_id": parent["message_id"] if parent else None,
            "reply_in_thread": bool(params.get("reply_in_thread")) if parent else False,
            "create_time": stamp,
            "update_time": stamp,
            "updated": False,
        }
        self._messages[message_id] = message
        self._order.append(message_id)
        if uuid:
            self._uuids[str(uuid)] = (message_id, now)
        return _Reply(200, _ok(_view(message)))

    def _patch(self, params: Params) -> _Reply:
        message = self._messages.get(params["message_id"])
        if message is None:
            return _Reply(400, _error(NOT_FOUND, "message not found"))
        if message["msg_type"] != "interactive":
            return _Reply(400, _error(INVALID_PARAM, "only interactive messages can be patched"))
        content = params.get("content")
        try:
            card = json.loads(content) if isinstance(content, str) else None
        except ValueError:
            card = None
        if not isinstance(card, dict):
            return _Reply(400, _error(INVALID_PARAM, "content must be a card JSON string"))
        if any(key not in self._images for key in _image_keys(card)):
            return _Reply(400, _error(INVALID_PARAM, "the card shows an image never uploaded"))
        if card_table_problems(card):
            return _Reply(400, _error(INVALID_PARAM, "; ".join(card_table_problems(card))))
        message["content"] = content
        message["updated"] = True
        message["update_time"] = str(int(self.clock() * 1000))
        self._patches.append({"message_id": message["message_id"], "card": card})
        return _Reply(200, _ok({}))

    def _file(self, params: Params) -> _Reply:
        content = params.get("file")
        if not params.get("file_type") or not params.get("file_name"):
            return _Reply(400, _error(INVALID_PARAM, "file_type and file_name are required"))
        if not isinstance(content, bytes):
            return _Reply(400, _error(INVALID_PARAM, "a file is required"))
        key = self._next_id("file_v3_")
        self._files[key] = {
            "file_key": key,
            "file_type": params["file_type"],
            "file_name": params["file_name"],
            "content": content,
        }
        return _Reply(200, _ok({"file_key": key}))

    def _get_message(self, params: Params) -> _Reply:
        """GET /open-apis/im/v1/messages/{message_id}: a message a user sent, as `items`."""
        found = self._inbound.get(str(params["message_id"]))
        if found is None or "msg_type" not in found:
            return _Reply(400, _error(NOT_FOUND, "message not found"))
        return _Reply(200, _ok({"items": [dict(found)]}))

    def _resource(self, params: Params) -> _Reply:
        """GET /open-apis/im/v1/messages/{message_id}/resources/{file_key}?type=file: the bytes,
        or Lark's JSON error for a file it does not know."""
        if params.get("type") not in ("file", "image"):
            return _Reply(400, _error(INVALID_PARAM, "type must be file or image"))
        content = self._resources.get((str(params["message_id"]), str(params["file_key"])))
        if content is None:
            return _Reply(400, _error(NOT_FOUND, "resource not found"))
        return _Reply(200, {}, {"Content-Type": "application/octet-stream"}, raw=content)

    def _ws_endpoint(self, params: Params) -> _Reply:
        if params.get("AppID") != self.app_id or params.get("AppSecret") != self.app_secret:
            return _Reply(200, _error(BAD_SECRET, "app secret invalid"))
        if not self.ws_url:
            return _Reply(200, _error(INVALID_PARAM, "no long-connection server attached"))
        data = {"URL": self.ws_url, "ClientConfig": dict(WS_CLIENT_CONFIG)}
        return _Reply(200, {"code": 0, "msg": "ok", "data": data})

    def _contact_user(self, params: Params) -> _Reply:
        """contact v3 user get: the user's department_ids, as open_department_ids only when
        asked for them (the default is also open_department_id, as on Lark)."""
        if params.get("user_id_type", "open_id") != "open_id":
            return _Reply(400, _error(INVALID_PARAM, "this fake knows users by open_id only"))
        if params.get("department_id_type", "open_department_id") != "open_department_id":
            return _Reply(400, _error(INVALID_PARAM, "this fake knows open_department_ids only"))
        departments = self._contacts.get(str(params["user_id"]))
        if departments is None:
            return _Reply(400, _error(NO_USER_AUTHORITY, "no user authority error"))
        user = {"open_id": params["user_id"], "department_ids": list(departments)}
        return _Reply(200, _ok({"user": user}))

    def _contact_ids(self, params: Params) -> _Reply:
        """contact v3 users batch_get_id: each email asked, with the open_id of its user when
        the user is known (and in the app's contacts range), without one otherwise."""
        if params.get("user_id_type", "open_id") != "open_id":
            return _Reply(400, _error(INVALID_PARAM, "this fake knows users by open_id only"))
        emails = params.get("emails") or []
        if not isinstance(emails, list) or len(emails) > 50:
            return _Reply(400, _error(INVALID_PARAM, "emails: a list of at most 50"))
        users = []
        for email in emails:
            found = self._emails.get(str(email).lower())
            users.append({"email": email, **({"user_id": found} if found else {})})
        return _Reply(200, _ok({"user_list": users}))

    def _bot_info(self, params: Params) -> _Reply:
        bot = {"open_id": BOT_OPEN_ID, "app_name": "creatorbot", "activate_status": 2}
        return _Reply(200, {"code": 0, "msg": "ok", "bot": bot})

    def _image(self, params: Params) -> _Reply:
        image = params.get("image")
        if params.get("image_type") not in ("message", "avatar") or not isinstance(image, bytes):
            return _Reply(400, _error(INVALID_PARAM, "image_type and an image file are required"))
        key = self._next_id("img_v3_")
        self._images[key] = {
            "image_key": key,
            "image_type": params["image_type"],
            "length": len(image),
            "content": image,
        }
        return _Reply(200, _ok({"image_key": key}))


def _image_keys(node: object) -> list[str]:
    """Every img_key a card refers to."""
    if isinstance(node, list):
        return [key for item in node for key in _image_keys(item)]
    if not isinstance(node, dict):
        return []
    own = [str(node["img_key"])] if "img_key" in node else []
    return own + [key for value in node.values() for key in _image_keys(value)]


def _ok(data: dict[str, Any]) -> dict[str, Any]:
    return {"code": 0, "msg": "success", "data": data}


def _error(code: int, msg: str) -> dict[str, Any]:
    return {"code": code, "msg": msg}


def _fault_reply(fault: _Fault) -> _Reply:
    if fault.status == 429 or fault.code == RATE_LIMITED:
        headers = {"x-ogw-ratelimit-limit": "50", "x-ogw-ratelimit-reset": str(fault.reset)}
        return _Reply(fault.status, _error(fault.code, "request trigger frequency limit"), headers)
    return _Reply(fault.status, _error(fault.code, "internal error"))


def _view(message: dict[str, Any]) -> dict[str, Any]:
    """A stored message as the API returns it in `data`."""
    return {
        "message_id": message["message_id"],
        "root_id": message["root_id"],
        "parent_id": message["parent_id"],
        "msg_type": message["msg_type"],
        "create_time": message["create_time"],
        "update_time": message["update_time"],
        "deleted": False,
        "updated": message["updated"],
        "chat_id": message["chat_id"],
        "sender": {
            "id": APP_ID,
            "id_type": "app_id",
            "sender_type": "app",
            "tenant_key": TENANT_KEY,
        },
        "body": {"content": message["content"]},
    }


def _check_content(
    params: Params, images: dict[str, dict[str, Any]], files: dict[str, dict[str, Any]]
) -> str:
    """Why the msg_type/content pair would be refused, or "" when it is fine."""
    msg_type, content = params.get("msg_type"), params.get("content")
    if msg_type not in ("text", "interactive", "image", "post", "file"):
        return f"unsupported msg_type {msg_type!r}"
    if not isinstance(content, str):
        return "content must be a JSON string"
    try:
        decoded = json.loads(content)
    except ValueError:
        return "content is not valid JSON"
    if not isinstance(decoded, dict):
        return "content must be a JSON object"
    if msg_type == "text" and not isinstance(decoded.get("text"), str):
        return "text content needs a text field"
    if msg_type == "image" and decoded.get("image_key") not in images:
        return "unknown image_key"
    if msg_type == "file" and decoded.get("file_key") not in files:
        return "unknown file_key"
    if msg_type == "interactive" and any(key not in images for key in _image_keys(decoded)):
        return "the card shows an image that was never uploaded"
    if msg_type == "interactive" and card_table_problems(decoded):
        return "; ".join(card_table_problems(decoded))
    return ""


def _decode_body(raw: bytes, content_type: str) -> Params:
    if not raw:
        return {}
    if "multipart" in content_type:
        return _multipart_fields(raw, content_type)
    decoded = json.loads(raw)
    if not isinstance(decoded, dict):
        raise ValueError("body must be a JSON object")
    return decoded


def _multipart_fields(body: bytes, content_type: str) -> Params:
    """Form fields as text, except the uploads (`image`, `file`), kept as bytes: the SDK sends
    them without a filename."""
    fields: Params = {}
    for disposition, payload in _multipart_parts(body, content_type):
        name = disposition.partition('name="')[2].partition('"')[0]
        binary = name in ("image", "file") or "filename=" in disposition
        fields[name] = payload if binary else payload.decode("utf-8", "replace")
    return fields


def _send(req: BaseHTTPRequestHandler, reply: _Reply) -> None:
    data = json.dumps(reply.body).encode() if reply.raw is None else reply.raw
    headers = {"Content-Type": "application/json; charset=utf-8", **reply.headers}
    req.send_response(reply.status)
    req.send_header("Content-Length", str(len(data)))
    for name, value in headers.items():
        req.send_header(name, value)
    req.end_headers()
    req.wfile.write(data)
