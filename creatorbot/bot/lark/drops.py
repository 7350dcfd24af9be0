"""Files dropped in a private chat with the bot on Lark: fetch the bytes (message resource API),
send the preview card, and answer its Import and Cancel buttons by patching the card as the
import goes."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from creatorbot.bot.lark.api import LarkApi
from creatorbot.bot.lark.deliver import card_for
from creatorbot.bot.lark.poster import post_uuid
from creatorbot.commands.core import CommandRequest
from creatorbot.commands.i18n import Lang
from creatorbot.commands.import_actions import CANCEL, IMPORT
from creatorbot.commands.reply import Reply
from creatorbot.commands.router import Router

logger = logging.getLogger(__name__)

ACTIONS = (IMPORT, CANCEL)
FILE = "file"  # the message_type of a file message
MakeRequest = Callable[[str, str, str, str], CommandRequest]  # text, user, chat, tenant


class LarkDrops:
    """A dropped file's preview card, and what its buttons do; called from the worker pool."""

    def __init__(self, *, router: Router, api: LarkApi, request: MakeRequest) -> None:
        self.router = router
        self.api = api
        self.request = request

    def receive(self, message: dict[str, Any], user: str, tenant: str) -> None:
        """A file message in the private chat: its preview (or why not), sent once."""
        try:
            content = json.loads(message.get("content") or "{}")
        except ValueError:
            content = {}
        file_key = str(content.get("file_key") or "") if isinstance(content, dict) else ""
        message_id = str(message.get("message_id") or "")
        if not file_key or not message_id:
            logger.warning("file message without a file", extra={"message_id": message_id})
            return
        name = str(content.get("file_name") or file_key)
        chat = str(message.get("chat_id") or "")
        request = self.request("", user, chat, tenant)
        fetch = partial(self.api.download_file, message_id, file_key)
        from creatorbot.commands import imports  # the import path (pandas): with the first file

        reply = imports.receive(self.router, request, imports.Dropped(name, None, fetch))
        card = card_for(self.api, reply, Lang(request.locale))
        self.api.send_card(chat or user, card, uuid=post_uuid(f"drop:{message_id}"))

    def click(self, name: str, request: CommandRequest, token: str, message_id: str) -> None:
        """Import or Cancel: the card becomes the progress, then the result; a click that finds
        nothing to do is told so in a private message."""
        lang = Lang(request.locale)
        edit = partial(self._edit, message_id, lang)
        from creatorbot.commands import imports

        outcome = imports.click(self.router, request, name, token, edit)
        if outcome.replaces:
            edit(outcome.reply)
        else:
            self.api.send(request.user, "text", {"text": outcome.reply.summary}, uuid=None)

    def _edit(self, message_id: str, lang: Lang, reply: Reply) -> None:
        self.api.update_card(message_id, card_for(self.api, reply, lang))
