"""Reply → what Lark shows: charts uploaded as images, the card, then each export as a file
message (to the asker's own chat with the bot, for an answer)."""

from __future__ import annotations

import logging

from creatorbot.bot.lark.api import Card, LarkApi, LarkError
from creatorbot.bot.lark.card import render_card
from creatorbot.commands.i18n import Lang
from creatorbot.commands.labels import rows_shown
from creatorbot.commands.reply import File, Image, Reply

logger = logging.getLogger(__name__)


def upload_charts(api: LarkApi, reply: Reply, *, required: bool = False) -> dict[int, str]:
    """Upload each chart of the reply; its block index → img_key. A chart that fails to upload
    is left out of the card, logged, rather than losing the whole answer; when `required` (a
    scheduled post, which is retried later) the failure is raised, so no chat gets the post
    without its chart."""
    keys: dict[int, str] = {}
    for index, block in enumerate(reply.blocks):
        if isinstance(block, Image):
            try:
                keys[index] = api.upload_image(block.png)
            except LarkError:
                if required:
                    raise
                logger.exception("chart upload failed", extra={"title": block.title})
    return keys


def card_for(api: LarkApi, reply: Reply, lang: Lang, *, charts_required: bool = False) -> Card:
    """The card for a reply, its charts uploaded (see upload_charts for `required`)."""
    return render_card(
        reply,
        images=upload_charts(api, reply, required=charts_required),
        more_label=rows_shown(lang),
        shortened_label=lang._("This answer was shortened to fit in Lark."),
    )


def send_files(api: LarkApi, reply: Reply, to: str, *, uuid: str | None = None) -> int:
    """Send each export of the reply as a file message to `to`; how many went out. An answer's
    files go to the asker (`ou_…`: their chat with the bot), never to a group; a scheduled
    post's to its subscribed chat. With `uuid` (a post's), each file's message gets one derived
    from it, idempotent too."""
    sent = 0
    for block in reply.blocks:
        if isinstance(block, File):
            key = api.upload_file(block.name, block.content)
            file_uuid = f"{uuid[:40]}-f{sent}" if uuid else None  # Lark allows 50 characters
            api.send(to, "file", {"file_key": key}, uuid=file_uuid)
            sent += 1
    return sent
