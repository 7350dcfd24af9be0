"""A fake Slack Web API on 127.0.0.1 that records every call and answers 429/5xx on demand."""

from __future__ import annotations

import contextlib
import json
import mimetypes
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from functools import partial
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from tests.fakes.loopback import LoopbackFake, Request, Resets
from tests.fakes.slack_tables import table_refusal

# Pseudo-methods for the two endpoints that are not Web API methods, usable with fail()/delay()
# and reset_after().
UPLOAD = "upload"
RESPONSE_URL = "response_url"
DOWNLOAD = "download"  # a file's url_private_download, as a user's file is fetched

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T1"
TEAM_NAME = "Test"
TEAM_URL = "https://test.slack.com/"
APP_ID = "A1"

# Params slack_sdk sends as JSON strings inside form bodies; decoded so tests read plain data.
_JSON_PARAMS = ("blocks", "attachments", "view", "files")
_TS_BASE = 1_700_000_000
_TRUE = (True, 1, "1", "true", "True")

Params = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One request the fake received; `failed` when it did not answer ok (injected or not);
    `dropped` when it acted but closed the connection instead of answering (reset_after)."""

    method: str
    params: Params
    headers: dict[str, str]
    at: float
    failed: bool = False
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)
    url: str = ""
    dropped: bool = False


@dataclass
class _Fault:
    status: int
    retry_after: int
    error: str
    times: int = 1


@dataclass
class _Ratio:
    ratio: float
    fault: _Fault
    rng: random.Random


@dataclass(frozen=True)
class _Reply:
    status: int
    body: dict[str, Any] | str | bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        if isinstance(self.body, dict):
            return self.status == 200 and bool(self.body.get("ok"))
        return self.status == 200


class FakeSlack(LoopbackFake):
    """The Slack Web API, response URLs and file upload URLs, served from one local port.

    Web API calls are recorded under their method name ("chat.postMessage"); raw uploads under
    "upload" and response_url posts under "response_url", so all three take faults and delays.
    reset() forgets calls, files and faults but keeps the users, channels and groups added.
    """

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.RLock()
        self._users: dict[str, dict[str, Any]] = {}
        self._channels: dict[str, dict[str, Any]] = {}
        self._groups: dict[str, dict[str, Any]] = {}
        self._serial = 0
        self._response_urls = 0
        self._methods: dict[str, Callable[[Params], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.publish": self._views_publish,
            "views.update": self._views_update,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "conversations.info": self._conversations_info,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "usergroups.users.list": self._usergroups_users_list,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "files.info": self._files_info,
        }
        self._calls: list[Call] = []
        self._requests_total = 0
        self._forced: dict[str, list[_Fault]] = {}
        self._ratios: dict[str, _Ratio] = {}
        self._delays: dict[str, float] = {}
        self._resets = Resets()
        self._pending: dict[str, dict[str, Any]] = {}
        self._files: dict[str, dict[str, Any]] = {}
        self._uploads: list[dict[str, Any]] = []
        self._history: dict[str, list[dict[str, Any]]] = {}
        self._said: dict[str, list[dict[str, Any]]] = {}  # users' messages, by channel
        # Called (under the fake's lock) with each Web API call before it is answered; what the
        # call does still happens: a test can kill the caller right there, after Slack acted but
        # before the caller heard of it, the worst moment for it to die.
        self.on_call: Callable[[str, Params], None] | None = None
        # Whether the workspace shows table blocks; without, Slack refuses them (invalid_blocks).
        self.table_blocks = True

    # ---- addresses

    @property
    def api_url(self) -> str:
        """What WebClient(base_url=...) and SLACK_API_URL take."""
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "r") -> str:
        """A fresh response_url; what is posted to it is read back with responses(url)."""
        with self._lock:
            self._response_urls += 1
            return f"{self.base_url}/response/{name}-{self._response_urls}"

    # ---- directory

    def add_user(
        self,
        user_id: str,
        *,
        locale: str = "en-US",
        email: str | None = None,
        real_name: str | None = None,
        tz: str = "UTC",
        name: str | None = None,
    ) -> None:
        name = name or user_id.lower()
        with self._lock:
            self._users[user_id] = {
                "id": user_id,
                "team_id": TEAM_ID,
                "name": name,
                "real_name": real_name or name,
                "tz": tz,
                "locale": locale,
                "email": email or f"{name}@example.com",
                "is_bot": False,
            }

    def add_channel(
        self,
        channel_id: str,
        *,
        external: bool = False,
        pending: bool = False,
        name: str | None = None,
    ) -> None:
        """A channel conversations.info describes: shared with another organisation
        (`external`), or invited to share and not yet accepted (`pending`)."""
        with self._lock:
            self._channels[channel_id] = {
                "name": name or channel_id.lower(),
                "external": external,
                "pending": pending,
            }

    def add_group(
        self, group_id: str, *, handle: str | None = None, users: Sequence[str] = ()
    ) -> str:
        """A user group (`S…`) with these members; the mention of it as Slack sends it in an
        escaped slash command (`<!subteam^S0123ABC|@cm-my>`)."""
        handle = handle or group_id.lower()
        with self._lock:
            self._groups[group_id] = {"handle": handle, "users": list(users)}
        return f"<!subteam^{group_id}|@{handle}>"

    def set_group_members(self, group_id: str, users: Sequence[str]) -> None:
        """Replace a user group's members, as an admin editing it in Slack."""
        with self._lock:
            self._groups[group_id]["users"] = list(users)

    def add_file(
        self,
        user_id: str,
        name: str,
        content: bytes,
        *,
        size: int | None = None,
        channel: str | None = None,
    ) -> dict[str, Any]:
        """A file a user shared (in their DM with the bot unless `channel`): the file object as
        a `message` event's `files` lists it, with only its id, as Slack does when the app must
        ask files.info. files.info reports `size` (default: the true one); the content is served
        at its url_private_download to a caller with a bot token only."""
        with self._lock:
            file_id = self._next_id("F")
            where = channel or self.dm(user_id)
            url = f"{self.base_url}/files-pri/{TEAM_ID}-{file_id}/download/{name}"
            self._files[file_id] = {
                "id": file_id,
                "name": name,
                "title": name,
                "mimetype": mimetypes.guess_type(name)[0] or "application/octet-stream",
                "size": len(content) if size is None else size,
                "user": user_id,
                "url_private": url.replace("/download/", "/"),
                "url_private_download": url,
                "permalink": f"{TEAM_URL}files/{user_id}/{file_id}/{name}",
                "channels": [where],
                "content": content,
            }
        return {"id": file_id, "mode": "hosted", "file_access": "check_file_info"}

    def add_message(
        self, user_id: str, channel: str, ts: str, text: str, files: list[dict[str, Any]]
    ) -> None:
        """A message a user posted (with `files`, as add_file returns them): conversations.replies
        lists it as its thread's first message; posts() and shown() do not (the bot's only)."""
        message = {"type": "message", "user": user_id, "text": text, "ts": ts, "files": files}
        with self._lock:
            self._said.setdefault(channel, []).append(message)

    @staticmethod
    def dm(user_id: str) -> str:
        """The id of the bot's direct-message channel with a user (what conversations.open
        answers for that user)."""
        return f"D{user_id}"

    # ---- fault injection

    def fail(
        self,
        method: str,
        *,
        status: int = 429,
        times: int = 1,
        retry_after: int = 1,
        error: str | None = None,
    ) -> None:
        """Fail the next `times` calls of `method`: 429 with Retry-After, 5xx, or 200 not ok.

        `error` defaults to "ratelimited", or "internal_error" for a 5xx.
        """
        if times <= 0:
            return
        with self._lock:
            self._forced.setdefault(method, []).append(
                _Fault(status, retry_after, _error_for(status, error), times)
            )

    def fail_ratio(
        self,
        method: str,
        ratio: float,
        *,
        status: int = 429,
        retry_after: int = 0,
        seed: int = 0,
        error: str | None = None,
    ) -> None:
        """Fail each call of `method` when a seeded random.Random draws below `ratio`."""
        fault = _Fault(status, retry_after, _error_for(status, error))
        with self._lock:
            self._ratios[method] = _Ratio(ratio, fault, random.Random(seed))

    def delay(self, method: str, seconds: float) -> None:
        with self._lock:
            self._delays[method] = seconds

    def reset_after(self, method: str, *, times: int = 1) -> None:
        """The next `times` calls of `method` take effect (a post is stored and in the history)
        and then the connection is closed without a response: the caller cannot tell whether
        Slack acted. A fail() queued for the same call wins over this."""
        with self._lock:
            self._resets.add(method, times)

    def clear_faults(self) -> None:
        with self._lock:
            self._forced.clear()
            self._ratios.clear()
            self._delays.clear()
            self._resets.clear()

    # ---- reading what happened

    @property
    def requests_total(self) -> int:
        with self._lock:
            return self._requests_total

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def posts(self, channel: str | None = None) -> list[Params]:
        """Params of the successful chat.postMessage calls, optionally in one channel."""
        return [
            c.params
            for c in self.calls("chat.postMessage")
            if not c.failed and (channel is None or c.params.get("channel") == channel)
        ]

    def shown(self, channel: str) -> list[dict[str, Any]]:
        """The channel's messages as its members see them now (chat.update applied), oldest
        first; thread replies carry `thread_ts`."""
        with self._lock:
            return [dict(m) for m in self._history.get(channel, [])]

    def ephemerals(self) -> list[Params]:
        return [c.params for c in self.calls("chat.postEphemeral") if not c.failed]

    def responses(self, url: str | None = None) -> list[Params]:
        """JSON bodies posted to response URLs (all of them, or one)."""
        return [
            c.params
            for c in self.calls(RESPONSE_URL)
            if not c.failed and (url is None or c.url == url)
        ]

    def views(self, method: str = "views.open") -> list[Params]:
        """Params (with `view` decoded) of the successful calls of one views.* method."""
        return [c.params for c in self.calls(method) if not c.failed]

    def uploads(self) -> list[dict[str, Any]]:
        """Completed file uploads: file_id, filename, title, length, content, channel_id, ...,
        permalink and `shared`, the conversations the file was shared in ([] for a private one)."""
        with self._lock:
            return [dict(u) for u in self._uploads]

    def files_in(self, channel: str) -> list[dict[str, Any]]:
        """The uploads shared in one conversation: what its file list shows."""
        return [u for u in self.uploads() if channel in u["shared"]]

    def summary(self) -> str:
        calls = self.calls()
        lines = [f"{len(calls)} call(s), {self.requests_total} request(s)"]
        for c in calls[-30:]:
            flag = f" FAILED {c.status} {c.response.get('error', '')}".rstrip() if c.failed else ""
            flag += " DROPPED" if c.dropped else ""
            shown = {k: v for k, v in c.params.items() if k != "content"}
            lines.append(f"  {c.method}{flag} {json.dumps(shown, default=str)[:160]}")
        return "\n".join(lines)

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
            self._requests_total = 0
            self._pending.clear()
            self._files.clear()
            self._uploads.clear()
            self._history.clear()
            self._said.clear()
        self.clear_faults()

    # ---- HTTP plumbing

    def handle(self, req: Request) -> None:
        parts = urlsplit(req.path)
        length = int(req.headers.get("Content-Length") or 0)
        raw = req.rfile.read(length) if length else b""
        with self._lock:
            self._requests_total += 1
        method, params, answer = self._route(parts.path, parts.query, raw, req.headers)
        with self._lock:
            seconds = self._delays.get(method, 0.0)
        if seconds:
            time.sleep(seconds)
        with self._lock:
            fault = self._take_fault(method)
            reply = _fault_reply(fault) if fault else answer()
            dropped = fault is None and self._resets.take(method)
            self._calls.append(
                Call(
                    method=method,
                    params=params,
                    headers=dict(req.headers.items()),
                    at=time.time(),
                    failed=not reply.ok,
                    status=reply.status,
                    response=reply.body if isinstance(reply.body, dict) else {},
                    url=f"{self.base_url}{parts.path}",
                    dropped=dropped,
                )
            )
        if dropped:
            req.close_connection = True  # no status line: the client sees RemoteDisconnected
            return
        _send(req, reply)

    def _route(
        self, path: str, query: str, raw: bytes, headers: Message
    ) -> tuple[str, Params, Callable[[], _Reply]]:
        """The recorded method name, the decoded params and how to answer if no fault hits."""
        content_type = headers.get("Content-Type", "")
        if path.startswith("/api/"):
            method = path.removeprefix("/api/")
            try:
                params = _decode_params(query, raw, content_type)
            except ValueError:
                return method, {}, partial(_Reply, 200, _error("invalid_json"))
            return method, params, partial(self._web_api, method, params, headers)
        if path.startswith("/upload/"):
            file_id = path.removeprefix("/upload/")
            content = _multipart_file(raw, content_type) if "multipart" in content_type else raw
            params = {"file_id": file_id, "length": len(content), "content": content}
            return UPLOAD, params, partial(self._upload, file_id, content)
        if path.startswith("/files-pri/"):
            file_id = path.removeprefix("/files-pri/").split("/")[0].partition("-")[2]
            params = {"file": file_id, "authorization": headers.get("Authorization", "")}
            return DOWNLOAD, params, partial(self._download, file_id, headers)
        if path.startswith("/response/"):
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                return RESPONSE_URL, {"raw": raw}, partial(_Reply, 400, "invalid_payload")
            refused = table_refusal(body.get("blocks"), supported=self.table_blocks)
            if refused:  # a response_url answers a refusal in plain text, as Slack does
                return RESPONSE_URL, body, partial(_Reply, 400, refused)
            return RESPONSE_URL, body, partial(_Reply, 200, "ok")
        return path, {}, partial(_Reply, 404, "not found")

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._forced.get(method)
        if queue:
            fault = queue[0]
            fault.times -= 1
            if fault.times <= 0:
                queue.pop(0)
            return fault
        ratio = self._ratios.get(method)
        if ratio is not None and ratio.rng.random() < ratio.ratio:
            return ratio.fault
        return None

    def _web_api(self, method: str, params: Params, headers: Message) -> _Reply:
        auth = headers.get("Authorization", "")
        if not auth.startswith(("Bearer xoxb-", "Bearer xoxp-")):
            return _Reply(200, {"ok": False, "error": "not_authed"})
        handler = self._methods.get(method)
        if handler is None:
            return _Reply(200, {"ok": False, "error": "unknown_method"})
        if self.on_call is not None:
            self.on_call(method, params)
        return _Reply(200, handler(params))

    def _next_ts(self) -> str:
        self._serial += 1
        micros = self._serial * 100
        return f"{_TS_BASE + micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        self._serial += 1
        return f"{prefix}{self._serial:09d}"

    # ---- Web API methods (called under the lock)

    def _auth_test(self, params: Params) -> dict[str, Any]:
        return {
            "ok": True,
            "url": TEAM_URL,
            "team": TEAM_NAME,
            "user": "creatorbot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _message(self, params: Params, ts: str) -> dict[str, Any]:
        message = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "text": params.get("text", ""),
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if params.get(key):
                message[key] = params[key]
        return message

    def _refused(self, params: Params, surface: str = "message") -> str:
        """The error Slack answers for the tables in a message's (or a view's) blocks."""
        blocks = params.get("blocks") if surface == "message" else params["view"].get("blocks")
        return table_refusal(blocks, surface=surface, supported=self.table_blocks)

    def _chat_post_message(self, params: Params) -> dict[str, Any]:
        if not params.get("channel"):
            return _error("channel_not_found")
        if refused := self._refused(params):
            return _error(refused)
        if not any(params.get(k) for k in ("text", "blocks", "attachments")):
            return _error("no_text")
        ts = self._next_ts()
        message = self._message(params, ts)
        self._history.setdefault(params["channel"], []).append(message)
        return {"ok": True, "channel": params["channel"], "ts": ts, "message": message}

    def _chat_post_ephemeral(self, params: Params) -> dict[str, Any]:
        if not params.get("channel"):
            return _error("channel_not_found")
        if not params.get("user"):
            return _error("user_not_found")
        if not any(params.get(k) for k in ("text", "blocks", "attachments")):
            return _error("no_text")
        if refused := self._refused(params):
            return _error(refused)
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_update(self, params: Params) -> dict[str, Any]:
        if not params.get("channel"):
            return _error("channel_not_found")
        if not params.get("ts"):
            return _error("message_not_found")
        if refused := self._refused(params):
            return _error(refused)
        ts = params["ts"]
        history = self._history.get(params["channel"], [])
        found = next((n for n, m in enumerate(history) if m["ts"] == ts), None)
        if found is not None:  # what everyone in the channel now sees
            kept = {k: v for k, v in history[found].items() if k in ("thread_ts", "metadata")}
            history[found] = {**self._message(params, ts), **kept}
        return {
            "ok": True,
            "channel": params["channel"],
            "ts": ts,
            "text": params.get("text", ""),
            "message": self._message(params, ts),
        }

    def _chat_delete(self, params: Params) -> dict[str, Any]:
        if not params.get("channel"):
            return _error("channel_not_found")
        if not params.get("ts"):
            return _error("message_not_found")
        return {"ok": True, "channel": params["channel"], "ts": params["ts"]}

    def _view(self, view: dict[str, Any], view_id: str | None = None) -> dict[str, Any]:
        view_id = view_id or self._next_id("V")
        return {
            "id": view_id,
            "team_id": TEAM_ID,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "root_view_id": view_id,
            "hash": f"{self._serial}.hash",
            "private_metadata": "",
            "callback_id": "",
            "state": {"values": {}},
            **view,
        }

    def _views_open(self, params: Params) -> dict[str, Any]:
        if not params.get("trigger_id"):
            return _error("invalid_trigger_id")
        if not isinstance(params.get("view"), dict):
            return _error("invalid_arguments")
        if refused := self._refused(params, "modal"):
            return _error(refused)
        return {"ok": True, "view": self._view(params["view"])}

    def _views_publish(self, params: Params) -> dict[str, Any]:
        if not params.get("user_id"):
            return _error("user_not_found")
        if not isinstance(params.get("view"), dict):
            return _error("invalid_arguments")
        if refused := self._refused(params, "home"):
            return _error(refused)
        return {"ok": True, "view": self._view(params["view"])}

    def _views_update(self, params: Params) -> dict[str, Any]:
        if not (params.get("view_id") or params.get("external_id")):
            return _error("not_found")
        if not isinstance(params.get("view"), dict):
            return _error("invalid_arguments")
        if refused := self._refused(params, "modal"):
            return _error(refused)
        return {"ok": True, "view": self._view(params["view"], params.get("view_id"))}

    def _users_info(self, params: Params) -> dict[str, Any]:
        known = self._users.get(params.get("user", ""))
        if known is None:
            return _error("user_not_found")
        offset = ZoneInfo(known["tz"]).utcoffset(datetime.now(UTC).replace(tzinfo=None))
        user: dict[str, Any] = {
            "id": known["id"],
            "team_id": known["team_id"],
            "name": known["name"],
            "real_name": known["real_name"],
            "deleted": False,
            "is_bot": known["is_bot"],
            "tz": known["tz"],
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "profile": {
                "real_name": known["real_name"],
                "display_name": known["name"],
                "email": known["email"],
            },
        }
        if params.get("include_locale") in _TRUE:
            user["locale"] = known["locale"]
        return {"ok": True, "user": user}

    def _users_lookup_by_email(self, params: Params) -> dict[str, Any]:
        """The user with this email (scope users:read.email); users_not_found for others."""
        email = str(params.get("email") or "").lower()
        if not email:
            return _error("invalid_email")
        for known in self._users.values():
            if known["email"].lower() == email:
                return {"ok": True, "user": {**self._users_info({"user": known["id"]})["user"]}}
        return _error("users_not_found")

    def _conversations_history(self, params: Params) -> dict[str, Any]:
        """The channel's messages, newest first; metadata only when asked for."""
        oldest = float(params.get("oldest") or 0)
        limit = int(params.get("limit") or 100)
        wanted = params.get("include_all_metadata") in _TRUE
        messages = [
            m if wanted else {k: v for k, v in m.items() if k != "metadata"}
            for m in reversed(self._history.get(params.get("channel", ""), []))
            if float(m["ts"]) > oldest
        ]
        return {"ok": True, "messages": messages[:limit], "has_more": len(messages) > limit}

    def _conversations_replies(self, params: Params) -> dict[str, Any]:
        """A thread: its messages, oldest first: what the bot posted, and the users' messages
        added by add_message (the parent is listed only when one of them is it); metadata when
        asked."""
        thread = str(params.get("ts") or "")
        if not thread:
            return _error("thread_not_found")
        limit = int(params.get("limit") or 1000)
        wanted = params.get("include_all_metadata") in _TRUE
        channel = params.get("channel", "")
        posted = self._said.get(channel, []) + self._history.get(channel, [])
        messages = [
            m if wanted else {k: v for k, v in m.items() if k != "metadata"}
            for m in sorted(posted, key=lambda m: float(m["ts"]))
            if thread in (m["ts"], m.get("thread_ts"))
        ]
        return {"ok": True, "messages": messages[:limit], "has_more": len(messages) > limit}

    def _usergroups_users_list(self, params: Params) -> dict[str, Any]:
        """A user group's member ids (scope usergroups:read); no_such_subteam for others."""
        group = self._groups.get(params.get("usergroup", ""))
        if group is None:
            return _error("no_such_subteam")
        return {"ok": True, "users": list(group["users"])}

    def _conversations_open(self, params: Params) -> dict[str, Any]:
        """The bot's direct-message channel with one user (scope im:write); opening it again
        answers the same id, as Slack does."""
        users = [u for u in str(params.get("users") or "").split(",") if u]
        if params.get("channel"):
            return {"ok": True, "no_op": True, "channel": {"id": params["channel"]}}
        if len(users) != 1:
            return _error("invalid_arguments" if not users else "not_supported")
        if users[0] not in self._users:
            return _error("user_not_found")
        return {"ok": True, "no_op": True, "channel": {"id": self.dm(users[0])}}

    def _conversations_info(self, params: Params) -> dict[str, Any]:
        channel_id = params.get("channel")
        if not channel_id:
            return _error("channel_not_found")
        if channel_id.startswith("D"):
            return {"ok": True, "channel": {"id": channel_id, "is_im": True, "is_channel": False}}
        # A channel never added is a plain internal one, so tests add only the special ones.
        known = self._channels.get(channel_id, {"name": channel_id.lower(), "external": False})
        return {
            "ok": True,
            "channel": {
                "id": channel_id,
                "name": known["name"],
                "is_channel": True,
                "is_private": False,
                "is_member": True,
                "is_shared": known["external"],
                "is_ext_shared": known["external"],
                "is_pending_ext_shared": known.get("pending", False),
                "is_org_shared": False,
            },
        }

    def _files_get_upload_url(self, params: Params) -> dict[str, Any]:
        if not params.get("filename") or not str(params.get("length", "")).isdigit():
            return _error("invalid_arguments")
        file_id = self._next_id("F")
        self._pending[file_id] = {
            "file_id": file_id,
            "filename": params["filename"],
            "declared_length": int(params["length"]),
            "alt_txt": params.get("alt_txt"),
            "content": None,
        }
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _upload(self, file_id: str, content: bytes) -> _Reply:
        with self._lock:
            pending = self._pending.get(file_id)
            if pending is None:
                return _Reply(404, "file not found")
            pending["content"] = content
        return _Reply(200, f"OK - {len(content)}")

    def _files_complete_upload(self, params: Params) -> dict[str, Any]:
        files = params.get("files")
        if not isinstance(files, list) or not files:
            return _error("invalid_arguments")
        if any(self._pending.get(f.get("id", ""), {}).get("content") is None for f in files):
            return _error("file_not_found")
        channels = [c for c in str(params.get("channels") or "").split(",") if c]
        channel_id = params.get("channel_id") or None
        completed = []
        for f in files:
            pending = self._pending.pop(f["id"])
            filename, content = pending["filename"], pending["content"]
            title = f.get("title") or filename
            # Without channel_id or channels the file is private, in no conversation's list.
            shared = [channel_id] if channel_id else channels
            info = {
                "id": f["id"],
                "name": filename,
                "title": title,
                "mimetype": mimetypes.guess_type(filename)[0] or "application/octet-stream",
                "size": len(content),
                "user": BOT_USER_ID,
                "permalink": f"{TEAM_URL}files/{BOT_USER_ID}/{f['id']}/{filename}",
                "channels": shared,
            }
            self._files[f["id"]] = info
            self._uploads.append(
                {
                    "file_id": f["id"],
                    "filename": filename,
                    "title": title,
                    "length": len(content),
                    "content": content,
                    "channel_id": channel_id,
                    "channels": channels,
                    "initial_comment": params.get("initial_comment"),
                    "thread_ts": params.get("thread_ts"),
                    "permalink": info["permalink"],
                    "shared": list(shared),
                }
            )
            completed.append(info)
        return {"ok": True, "files": completed}

    def _files_info(self, params: Params) -> dict[str, Any]:
        info = self._files.get(params.get("file", ""))
        if info is None:
            return _error("file_not_found")
        return {"ok": True, "file": {k: v for k, v in info.items() if k != "content"}}

    def _download(self, file_id: str, headers: Message) -> _Reply:
        """A private file's bytes for a bot token; anyone else gets Slack's sign-in page."""
        if not headers.get("Authorization", "").startswith("Bearer xoxb-"):
            page = b"<html><body>Sign in to Slack</body></html>"
            return _Reply(200, page, {"Content-Type": "text/html; charset=utf-8"})
        with self._lock:
            info = self._files.get(file_id)
        if info is None or "content" not in info:
            return _Reply(404, "file not found")
        return _Reply(200, bytes(info["content"]), {"Content-Type": str(info["mimetype"])})


def _error(code: str) -> dict[str, Any]:
    return {"ok": False, "error": code}


def _error_for(status: int, error: str | None) -> str:
    if error is not None:
        return error
    return "internal_error" if status >= 500 else "ratelimited"


def _fault_reply(fault: _Fault) -> _Reply:
    headers = {"Retry-After": str(fault.retry_after)} if fault.status == 429 else {}
    return _Reply(fault.status, _error(fault.error), headers)


def _decode_params(query: str, body: bytes, content_type: str) -> Params:
    """Params as slack_sdk sends them: query string, then a JSON, form or multipart body."""
    params: Params = dict(parse_qsl(query, keep_blank_values=True))
    if body and "json" in content_type:
        params.update(json.loads(body))
    elif body and "multipart" in content_type:
        params.update(_multipart_fields(body, content_type))
    elif body:
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    for key in _JSON_PARAMS:
        value = params.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            # Left as sent when malformed, so the test sees what the bot sent.
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params


def _multipart_parts(body: bytes, content_type: str) -> list[tuple[str, bytes]]:
    """(Content-Disposition header, payload) of each part of a multipart/form-data body."""
    boundary = content_type.partition("boundary=")[2].strip().strip('"').encode()
    parts = []
    for chunk in body.split(b"--" + boundary):
        head, sep, payload = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if sep:
            disposition = next(
                (
                    line.decode("utf-8", "replace")
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-disposition")
                ),
                "",
            )
            parts.append((disposition, payload.removesuffix(b"\r\n")))
    return parts


def _multipart_fields(body: bytes, content_type: str) -> Params:
    fields: Params = {}
    for disposition, payload in _multipart_parts(body, content_type):
        name = disposition.partition('name="')[2].partition('"')[0]
        is_file = "filename=" in disposition
        fields[name] = payload if is_file else payload.decode("utf-8", "replace")
    return fields


def _multipart_file(body: bytes, content_type: str) -> bytes:
    parts = _multipart_parts(body, content_type)
    files = [payload for disposition, payload in parts if "filename=" in disposition]
    return (files or [payload for _, payload in parts] or [b""])[0]


def _send(req: BaseHTTPRequestHandler, reply: _Reply) -> None:
    if isinstance(reply.body, dict):
        data, content_type = json.dumps(reply.body).encode(), "application/json; charset=utf-8"
    elif isinstance(reply.body, bytes):
        data, content_type = reply.body, "application/octet-stream"
    else:
        data, content_type = reply.body.encode(), "text/plain; charset=utf-8"
    headers = {"Content-Type": content_type, **reply.headers}
    req.send_response(reply.status)
    req.send_header("Content-Length", str(len(data)))
    for name, value in headers.items():
        req.send_header(name, value)
    req.end_headers()
    req.wfile.write(data)
