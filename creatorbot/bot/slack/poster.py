"""Jobs' posts on Slack: a Reply to a channel, tagged with its ledger key in message metadata
so that, after a crash or a connection lost mid-post, the channel's history tells whether it
went out."""

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

from creatorbot.bot.slack.blocks import SlackMessage
from creatorbot.bot.slack.deliver import SLACK_FAILURES, message_for, upload_files
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

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self.sender = _without_blind_resends(client)

    def post(self, target: Target, reply: Reply, *, key: str) -> str:
        """Upload the charts, post the blocks with the key, share the files; `channel:ts`. A chart
        that does not upload fails the post (the runner retries it) rather than dropping it."""
        lang = Lang(target.locale)
        try:
            message = message_for(self.client, reply, lang, charts_required=True)
            ref = self._send(target, message, key)
            upload_files(self.client, reply, target.channel)
        except SLACK_FAILURES as exc:
            raise _failure(exc) from exc
        return ref

    def _send(self, target: Target, message: SlackMessage, key: str) -> str:
        """chat.postMessage, once. When the connection is lost before Slack answers, Slack may
        have stored the message all the same: the history says, and a post found there is the
        post; one not found fails, for the runner to look again before it posts again."""
        try:
            response = self.sender.chat_postMessage(
                channel=target.channel,
                text=message.text,
                blocks=message.blocks,
                metadata={"event_type": EVENT_TYPE, "event_payload": {"key": key}},
                unfurl_links=False,
            )
        except CONNECTION_LOST:
            found = self.find(target, key)
            if found is None:
                raise
            logger.info("post found after a lost connection", extra={"key": key, "ref": found})
            return found
        return f"{response['channel']}:{response['ts']}"

    def find(self, target: Target, key: str) -> str | None:
        """The `channel:ts` of a recent message in the channel that carries `key`."""
        try:
            history = self.client.conversations_history(
                channel=target.channel, include_all_metadata=True, limit=HISTORY_LIMIT
            )
        except SLACK_FAILURES as exc:
            raise _failure(exc) from exc
        for message in history.get("messages") or []:
            if _key_of(message) == key:
                return f"{target.channel}:{message['ts']}"
        return None


def slack_client(token: str, api_url: str) -> WebClient:
    """A Web API client that waits out rate limits (429 + Retry-After) and tries again."""
    client = WebClient(token=token, base_url=api_url)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


def slack_poster(token: str, api_url: str) -> SlackPoster:
    """A poster of its own, for processes that post without serving Slack (`jobs tick`)."""
    return SlackPoster(slack_client(token, api_url))


def _without_blind_resends(client: WebClient) -> WebClient:
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
