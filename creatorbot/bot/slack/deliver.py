"""Reply → what Slack shows: charts uploaded first (files_upload_v2), exports sent to the asker
privately, then Block Kit blocks, with the actions creatorbot adds to an answer (Share in
channel)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from http.client import HTTPException
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from creatorbot.bot.slack.blocks import SlackMessage, render_message
from creatorbot.commands.i18n import Lang
from creatorbot.commands.labels import rows_shown
from creatorbot.commands.reply import Button, Buttons, File, Image, Reply

logger = logging.getLogger(__name__)

SHARE = "share"
# What a Web API call or an upload raises when Slack refused it or the connection failed (an
# upload URL answering 5xx raises HTTPError, a dropped connection RemoteDisconnected: OSErrors).
SLACK_FAILURES = (SlackApiError, SlackRequestError, OSError, HTTPException)


def with_share_button(reply: Reply, text: str, lang: Lang) -> Reply:
    """An ephemeral answer gets a button that posts the same answer to the channel."""
    if not reply.ok or not text:
        return reply
    share = Buttons((Button(lang._("Share in channel"), SHARE, text),))
    return replace(reply, blocks=(*reply.blocks, share))


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
) -> SlackMessage:
    """The Block Kit message for a reply, charts uploaded (see upload_charts for `required`);
    `files` links File blocks to where they were sent (see send_privately)."""
    return render_message(
        reply,
        images=upload_charts(client, reply, required=charts_required),
        files=files,
        more_label=rows_shown(lang),
        shortened_label=lang._("This answer was shortened to fit in Slack."),
    )
