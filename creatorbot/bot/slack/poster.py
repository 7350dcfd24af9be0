"""Jobs' posts on Slack: a Reply to a channel, tagged with its ledger key in message metadata
so that, after a crash, the runner can find in the channel's history whether it went out."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from creatorbot.bot.slack.deliver import message_for, upload_files
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Reply
from creatorbot.jobs.posting import PostFailed, Target

RATE_LIMIT_RETRIES = 6  # each waits Slack's Retry-After; a post is only sent again after a 429
EVENT_TYPE = "creatorbot_post"
HISTORY_LIMIT = 200  # a recovered post is recent: the last 200 messages of the channel hold it


class SlackPoster:
    """The `Poster` of the Slack platform."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post(self, target: Target, reply: Reply, *, key: str) -> str:
        """Upload the charts, post the blocks with the key, share the files; `channel:ts`."""
        lang = Lang(target.locale)
        try:
            message = message_for(self.client, reply, lang)
            response = self.client.chat_postMessage(
                channel=target.channel,
                text=message.text,
                blocks=message.blocks,
                metadata={"event_type": EVENT_TYPE, "event_payload": {"key": key}},
                unfurl_links=False,
            )
            upload_files(self.client, reply, target.channel)
        except SlackApiError as exc:
            raise PostFailed(_describe(exc)) from exc
        return f"{response['channel']}:{response['ts']}"

    def find(self, target: Target, key: str) -> str | None:
        """The `channel:ts` of a recent message in the channel that carries `key`."""
        try:
            history = self.client.conversations_history(
                channel=target.channel, include_all_metadata=True, limit=HISTORY_LIMIT
            )
        except SlackApiError as exc:
            raise PostFailed(_describe(exc)) from exc
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


def _key_of(message: dict[str, Any]) -> str | None:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != EVENT_TYPE:
        return None
    return (metadata.get("event_payload") or {}).get("key")


def _describe(exc: SlackApiError) -> str:
    response = exc.response
    return f"Slack {response.status_code}: {response.get('error', 'error')}"
