"""Files dropped in a private chat with the bot on Lark: fetch the bytes (message resource API),
send the preview card, and answer its Import and Cancel buttons by patching the card as the
import goes. A file is a list of creators to enrol instead when `campaign enroll SLUG` answers
it (Lark's reply), or is sent in the same chat within minutes of it, before or after (a file
message carries no text of its own)."""

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

    def arrived(self, message: dict[str, Any], user: str, tenant: str) -> None:
        """A file message: remembered for a `campaign enroll SLUG` sent soon after; taken as
        the list of one waiting for it in this chat; else, in the private chat, its import
        preview (in a group a file is only remembered)."""
        from creatorbot.commands import enrol_later

        found = _file_of(message)
        if found is None:
            return
        file_key, name = found
        request = self.request("", user, str(message.get("chat_id") or ""), tenant)
        ref = {"message_id": str(message.get("message_id")), "file_key": file_key}
        enrol_later.remember(self.router, request, name, ref)
        waited = enrol_later.waiting(self.router, request)
        if waited:
            self.receive(message, user, tenant, waited, "waited")
        elif message.get("chat_type") == "p2p":
            self.receive(message, user, tenant)

    def receive(
        self, message: dict[str, Any], user: str, tenant: str, text: str = "", answer: str = ""
    ) -> None:
        """A file message: its preview (or why not), sent once; with `text` (`campaign enroll
        SLUG`, sent in the message `answer`), the enrolment preview of the list it holds."""
        found = _file_of(message)
        if found is None:
            return
        file_key, name = found
        message_id = str(message.get("message_id") or "")
        chat = str(message.get("chat_id") or "")
        request = self.request(text, user, chat, tenant)
        fetch = partial(self.api.download_file, message_id, file_key)
        from creatorbot.commands import enrol_file, imports  # the import path (pandas): first file

        dropped = imports.Dropped(name, None, fetch)
        if text:
            reply = enrol_file.receive(self.router, request, dropped)
        else:
            reply = imports.receive(self.router, request, dropped)
        card = card_for(self.api, reply, Lang(request.locale))
        once = f"drop:{message_id}:{answer}" if answer else f"drop:{message_id}"
        self.api.send_card(chat or user, card, uuid=post_uuid(once))

    def answered(self, message: dict[str, Any], user: str, tenant: str, text: str) -> bool:
        """`campaign enroll SLUG` sent as a reply to a file the user sent in the private chat:
        that file's enrolment preview; False when the message answered is no file of theirs."""
        parent = self.api.get_message(str(message.get("parent_id") or ""))
        if parent is None or parent.get("msg_type") != FILE:
            return False
        if str((parent.get("sender") or {}).get("id") or "") != user:
            return False
        file_message = {
            "message_id": message.get("parent_id"),
            "chat_id": message.get("chat_id"),
            "content": (parent.get("body") or {}).get("content") or "{}",
        }
        self.receive(file_message, user, tenant, text, str(message.get("message_id") or ""))
        return True

    def latest(self, message: dict[str, Any], user: str, tenant: str, text: str) -> bool:
        """`campaign enroll SLUG` sent on its own: the enrolment preview of the latest file
        the user sent in this chat within minutes; False when there is none."""
        from creatorbot.commands import enrol_file, enrol_later, imports

        chat = str(message.get("chat_id") or "")
        request = self.request(text, user, chat, tenant)
        found = enrol_later.latest(self.router, request)
        if found is None:
            return False
        seen, count = found
        file_message = str(seen.ref.get("message_id") or "")
        fetch = partial(self.api.download_file, file_message, str(seen.ref.get("file_key") or ""))
        note = enrol_later.picked(request.locale, count, seen.name)
        reply = enrol_file.receive(
            self.router, request, imports.Dropped(seen.name, None, fetch), note
        )
        card = card_for(self.api, reply, Lang(request.locale))
        once = f"drop:{file_message}:{message.get('message_id', '')}"
        self.api.send_card(chat or user, card, uuid=post_uuid(once))
        return True

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


def _file_of(message: dict[str, Any]) -> tuple[str, str] | None:
    """A file message's file_key and file name; None (logged) when it names no file."""
    try:
        content = json.loads(message.get("content") or "{}")
    except ValueError:
        content = {}
    file_key = str(content.get("file_key") or "") if isinstance(content, dict) else ""
    message_id = str(message.get("message_id") or "")
    if not file_key or not message_id:
        logger.warning("file message without a file", extra={"message_id": message_id})
        return None
    return file_key, str(content.get("file_name") or file_key)
