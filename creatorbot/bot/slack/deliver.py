"""Reply → what Slack shows: charts uploaded first (files_upload_v2), exports sent to the asker
privately, then Block Kit blocks, with the actions creatorbot adds to an answer (Share in
channel)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from http.client import HTTPException
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.webhook import WebhookResponse

from creatorbot.bot.slack.blocks import SlackMessage, render_message
from creatorbot.commands.i18n import Lang
from creatorbot.commands.labels import rows_shown
from creatorbot.commands.reply import Button, Buttons, File, Image, Reply

logger = logging.getLogger(__name__)

SHARE = "share"
# What a Web API call or an upload raises when Slack refused it or the connection failed (an
# upload URL answering 5xx raises HTTPError, a dropped connection RemoteDisconnected: OSErrors).
SLACK_FAILURES = (SlackApiError, SlackRequestError, OSError, HTTPException)
# What Slack answers for a message whose table block it will not take: `invalid_blocks` from a
# workspace (or client) without table blocks, the other two for a second table in a message.
# The message was not posted, so sending its code-block twin cannot post the answer twice.
TABLE_REFUSALS = frozenset({"invalid_blocks", "only_one_table_allowed", "invalid_attachments"})

T = TypeVar("T")


class TableBlocks:
    """Whether answers carry Slack's table block: yes unless the setting forces the code block,
    and no more, for this process, once Slack refused one that its code-block twin replaced
    (the workspace does not show table blocks; each later answer would be refused first)."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled

    def refused(self, error: str) -> None:
        if self.enabled:
            logger.warning(
                "Slack refused a table block: tables go as code blocks from now on",
                extra={"error": error},
            )
        self.enabled = False


def sent(send: Callable[[SlackMessage], T], message: SlackMessage, tables: TableBlocks) -> T:
    """`send(message)`; when Slack refuses its table block, `send` of its code-block twin."""
    try:
        return send(message)
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "")
        if message.plain is None or error not in TABLE_REFUSALS:
            raise
        result = send(message.plain)
        tables.refused(error)
        return result


def answered(
    respond: Callable[..., WebhookResponse],
    message: SlackMessage,
    tables: TableBlocks,
    **options: Any,
) -> WebhookResponse:
    """The message sent through a response_url; when Slack refuses its table block (a 4xx
    whose body names the error), its code-block twin is sent instead."""
    response = respond(text=message.text, blocks=message.blocks, **options)
    refusal = _refusal(response)
    if message.plain is None or refusal not in TABLE_REFUSALS:
        return response
    response = respond(text=message.plain.text, blocks=message.plain.blocks, **options)
    if response.status_code < 400:
        tables.refused(refusal)
    return response


def with_share_button(reply: Reply, text: str, lang: Lang) -> Reply:
    """An ephemeral answer gets a button that posts the same answer to the channel."""
    if not reply.ok or not text:
        return reply
    share = Buttons((Button(lang._("Share in channel"), SHARE, text),))
    return replace(reply, blocks=(*reply.blocks, share))


def _refusal(response: WebhookResponse) -> str:
    """The error a response_url answered: its plain-text body (`invalid_blocks`), or the
    `error` of a JSON one; "" for an answer taken."""
    if not 400 <= response.status_code < 500:
        return ""
    body = str(response.body or "").strip()
    if body.startswith("{"):
        try:
            return str(json.loads(body).get("error") or "")
        except (ValueError, AttributeError):
            return ""
    return body


def upload_charts(client: WebClient, reply: Reply, *, required: bool = False) -> dict[int, str]:
    """Upload each chart of the reply (not shared to any channel) and map its block index to the
    Slack file id the image block shows. A chart that fails to upload is left out, logged, so an
    answer still arrives; when `required` (a scheduled post, which is retried later) the failure
    is raised instead, so that no channel gets the post without its chart."""
    files: dict[int, str] = {}
    for index, block in enumerate(reply.blocks):
        if not isinstance(block, Image):
            continue
        try:
            response = client.files_upload_v2(
                content=block.png, filename="chart.png", title=block.title, alt_txt=block.alt
            )
            uploaded: list[dict[str, Any]] = response.get("files") or [response.get("file")]
            files[index] = str(uploaded[0]["id"])
        except (*SLACK_FAILURES, KeyError, IndexError, TypeError):
            if required:
                raise
            logger.exception("chart upload failed", extra={"title": block.title})
    return files


def send_privately(client: WebClient, reply: Reply, user: str) -> dict[int, str]:
    """Upload each file of the reply (an export) into `user`'s direct messages with creatorbot,
    never into the channel they asked in: an answer only they see must not leave a file in the
    channel's list (Slack Connect guests included). Block index → the file's link, for the
    answer to point at."""
    files = [(index, block) for index, block in enumerate(reply.blocks) if isinstance(block, File)]
    if not files:
        return {}
    dm = str(client.conversations_open(users=user)["channel"]["id"])
    links: dict[int, str] = {}
    for index, block in files:
        response = client.files_upload_v2(
            channel=dm, content=block.content, filename=block.name, title=block.title or block.name
        )
        uploaded: list[dict[str, Any]] = response.get("files") or [response.get("file") or {}]
        if uploaded and uploaded[0].get("permalink"):
            links[index] = str(uploaded[0]["permalink"])
    return links


def share_files(client: WebClient, reply: Reply, channel: str) -> int:
    """Share each file of a scheduled post in its channel, which subscribed to the post; never
    for an answer to someone (see send_privately)."""
    shared = 0
    for block in reply.blocks:
        if isinstance(block, File):
            client.files_upload_v2(
                channel=channel,
                content=block.content,
                filename=block.name,
                title=block.title or block.name,
            )
            shared += 1
    return shared


def message_for(
    client: WebClient,
    reply: Reply,
    lang: Lang,
    *,
    charts_required: bool = False,
    files: Mapping[int, str] | None = None,
    tables: bool = False,
) -> SlackMessage:
    """The Block Kit message for a reply, charts uploaded (see upload_charts for `required`);
    `files` links File blocks to where they were sent (see send_privately). With `tables` (a
    message, sent through `sent` or `answered`), its first table is a table block; never in a
    modal or the App Home, where Slack refuses one."""
    return render_message(
        reply,
        images=upload_charts(client, reply, required=charts_required),
        files=files,
        more_label=rows_shown(lang),
        shortened_label=lang._("This answer was shortened to fit in Slack."),
        tables=tables,
    )
