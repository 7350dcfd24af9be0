"""Posts on Slack that must not go out twice (jobs' posts, answers to messages, shared
answers): each is tagged with a key in its message metadata, never resent blindly, and after a
connection lost mid-post the channel's history (or the thread's) tells whether it went out."""

from __future__ import annotations

import logging
from http.client import HTTPException
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from creatorbot.bot.long_lists import with_csv
from creatorbot.bot.slack.blocks import SlackMessage
from creatorbot.bot.slack.deliver import (
    SLACK_FAILURES,
    TableBlocks,
    message_for,
    sent,
    share_files,
)
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Reply
from creatorbot.jobs.posting import NotInstalled, PostFailed, Target

logger = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 6  # each waits Slack's Retry-After; a post is only sent again after a 429
EVENT_TYPE = "creatorbot_post"
HISTORY_LIMIT = 200  # a recovered post is recent: the last 200 messages of the channel hold it
CONNECTION_LOST = (OSError, HTTPException)  # a reset, a close without an answer, a timeout
# Slack's answers when the workspace no longer accepts the bot's token (app uninstalled, token
# revoked or expired, workspace or bot deactivated): every post would be refused alike.
TOKEN_REFUSED = frozenset(
    {"token_revoked", "token_expired", "invalid_auth", "account_inactive", "not_authed"}
)


class SlackPoster:
    """The `Poster` of the Slack platform."""

    def __init__(self, client: WebClient, tables: TableBlocks | None = None) -> None:
        self.client = client
        self.sender = without_blind_resends(client)
        self.tables = tables or TableBlocks()

    def post(self, target: Target, reply: Reply, *, key: str) -> str:
        """Upload the charts, post the blocks with the key, share the files; `channel:ts`. A chart
        that does not upload fails the post (the runner retries it) rather than dropping it."""
        lang = Lang(target.locale)
        reply = with_csv(reply, lang)  # the channel subscribed: the CSV is shared there
        try:
            channel = self._channel(target)
            message = message_for(
                self.client, reply, lang, charts_required=True, tables=self.tables.enabled
            )
            ref = sent(lambda m: self._send(channel, m, key), message, self.tables)
            share_files(self.client, reply, channel)
        except SLACK_FAILURES as exc:
            raise _failure(exc) from exc
        return ref

    def _channel(self, target: Target) -> str:
        """Where a post goes: a personal subscription names its user (`U…`), whose direct
        messages with the app are opened (scope im:write); a channel is itself."""
        if not target.channel.startswith(("U", "W")):
            return target.channel
        opened = self.client.conversations_open(users=target.channel)
        return str(opened["channel"]["id"])

    def _send(self, channel: str, message: SlackMessage, key: str) -> str:
        """chat.postMessage, once; a post not found after a lost connection fails, for the
        runner to look again before it posts again."""
        ts = post_once(
            self.sender, self.client, channel, message, key, attempts=1, unfurl_links=False
        )
        return f"{channel}:{ts}"

    def find(self, target: Target, key: str) -> str | None:
        """The `channel:ts` of a recent message in the channel that carries `key`."""
        try:
            channel = self._channel(target)
            ts = find_key(self.client, channel, key)
        except SLACK_FAILURES as exc:
            raise _failure(exc) from exc
        return None if ts is None else f"{channel}:{ts}"

    def update(self, target: Target, ref: str, reply: Reply) -> None:
        """chat.update of the message `channel:ts`: everyone in the channel sees the new one."""
        channel, _, ts = ref.rpartition(":")
        try:
            message = message_for(
                self.client, reply, Lang(target.locale), tables=self.tables.enabled
            )
            sent(
                lambda m: self.client.chat_update(
                    channel=channel, ts=ts, text=m.text, blocks=m.blocks
                ),
                message,
                self.tables,
            )
        except SLACK_FAILURES as exc:
            raise _failure(exc) from exc

    def reply_in_thread(self, target: Target, ref: str, reply: Reply, *, key: str) -> str:
        """A reply in the thread of the message `channel:ts`, once (tagged with `key`)."""
        channel, _, ts = ref.rpartition(":")
        try:
            message = message_for(
                self.client, reply, Lang(target.locale), tables=self.tables.enabled
            )
            posted = sent(
                lambda m: post_once(self.sender, self.client, channel, m, key, thread_ts=ts),
                message,
                self.tables,
            )
        except SLACK_FAILURES as exc:
            raise _failure(exc) from exc
        return f"{channel}:{posted}"

    def user_by_email(self, workspace: str, email: str) -> str | None:
        """users.lookupByEmail (scope users:read.email); None when Slack knows no such user."""
        try:
            found = self.client.users_lookupByEmail(email=email)
        except SlackApiError as exc:
            if exc.response.get("error") == "users_not_found":
                return None
            raise _failure(exc) from exc
        except SLACK_FAILURES as exc:
            raise _failure(exc) from exc
        return str(found["user"]["id"])


def post_once(
    sender: WebClient,
    client: WebClient,
    channel: str,
    message: SlackMessage,
    key: str,
    *,
    thread_ts: str | None = None,
    attempts: int = 2,
    **options: Any,
) -> str:
    """chat.postMessage through `sender` (see without_blind_resends), tagged with `key`; the
    message's ts. When the connection is lost before Slack answers, Slack may have stored the
    message all the same: the channel's history (or the thread's) says, and a message found
    there is the message; one not found is posted again, `attempts` times in all, then the
    lost connection is raised."""
    for attempt in range(1, attempts + 1):
        try:
            response = sender.chat_postMessage(
                channel=channel,
                text=message.text,
                blocks=message.blocks,
                thread_ts=thread_ts,
                metadata={"event_type": EVENT_TYPE, "event_payload": {"key": key}},
                **options,
            )
            return str(response["ts"])
        except CONNECTION_LOST:
            found = find_key(client, channel, key, thread_ts=thread_ts)
            if found is not None:
                logger.info("post found after a lost connection", extra={"key": key})
                return found
            if attempt == attempts:
                raise
            logger.info("post not found after a lost connection: again", extra={"key": key})
    raise AssertionError("attempts must be at least 1")


def find_key(
    client: WebClient, channel: str, key: str, *, thread_ts: str | None = None
) -> str | None:
    """The ts of a recent message in the channel (or in the thread of `thread_ts`) that carries
    `key` in its metadata."""
    if thread_ts:
        found = client.conversations_replies(
            channel=channel, ts=thread_ts, include_all_metadata=True, limit=HISTORY_LIMIT
        )
    else:
        found = client.conversations_history(
            channel=channel, include_all_metadata=True, limit=HISTORY_LIMIT
        )
    for message in found.get("messages") or []:
        if _key_of(message) == key:
            return str(message["ts"])
    return None


def slack_client(token: str, api_url: str) -> WebClient:
    """A Web API client that waits out rate limits (429 + Retry-After) and tries again."""
    client = WebClient(token=token, base_url=api_url)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


def slack_poster(token: str, api_url: str, *, table_blocks: bool = True) -> SlackPoster:
    """A poster of its own, for processes that post without serving Slack (`jobs tick`)."""
    return SlackPoster(slack_client(token, api_url), TableBlocks(table_blocks))


def without_blind_resends(client: WebClient) -> WebClient:
    """The same client without slack_sdk's retry after a lost connection, which would post the
    message a second time when Slack had stored the first; rate-limit retries stay."""
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        retry_handlers=[
            handler
            for handler in client.retry_handlers
            if not isinstance(handler, ConnectionErrorRetryHandler)
        ],
    )


def _key_of(message: dict[str, Any]) -> str | None:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != EVENT_TYPE:
        return None
    return (metadata.get("event_payload") or {}).get("key")


def _failure(exc: Exception) -> PostFailed:
    """What the runner is told of a failed call: NotInstalled when Slack refused the token."""
    if isinstance(exc, SlackApiError) and exc.response.get("error") in TOKEN_REFUSED:
        return NotInstalled(_describe(exc))
    return PostFailed(_describe(exc))


def _describe(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return f"Slack {exc.response.status_code}: {exc.response.get('error', 'error')}"
    return f"Slack: {type(exc).__name__}: {exc}"
