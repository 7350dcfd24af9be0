"""Files dropped in a DM to the bot on Slack: fetch the bytes (files.info, then the private
download URL with the bot token), post the preview, and answer its Import and Cancel buttons by
editing the message (chat.update) as the import goes. A file shared with `campaign enroll SLUG`
(or answered with it in its thread, or sent in the DM within minutes of it, before or after) is
a list of creators to enrol instead."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient

from creatorbot.bot.download import download
from creatorbot.bot.slack import convert
from creatorbot.bot.slack.deliver import SLACK_FAILURES, message_for
from creatorbot.bot.slack.groups import UserGroups
from creatorbot.bot.slack.poster import post_once
from creatorbot.commands.core import CommandRequest
from creatorbot.commands.i18n import Lang
from creatorbot.commands.import_actions import CANCEL, IMPORT
from creatorbot.commands.reply import Reply
from creatorbot.commands.router import Router

if TYPE_CHECKING:
    from creatorbot.commands.imports import Dropped

logger = logging.getLogger(__name__)

ACTIONS = (IMPORT, CANCEL)


class SlackDrops:
    """A dropped file's preview, and what its buttons do; called from the worker pool."""

    def __init__(
        self,
        *,
        router: Router,
        client: WebClient,
        sender: WebClient,
        profiles: convert.Profiles,
        groups: UserGroups,
    ) -> None:
        self.router = router
        self.client = client
        self.sender = sender
        self.profiles = profiles
        self.groups = groups

    def receive(self, event: dict[str, Any], files: list[dict[str, Any]] | None = None) -> None:
        """Each file of a DM message (or `files`, those of the message it answers): its
        preview (or why not), posted once in the DM; an enrolment preview when the message
        says `campaign enroll SLUG`, or when one sent in the DM waits for its list. A file
        shared without it is remembered for one sent soon after."""
        from creatorbot.commands import enrol_file, enrol_later, imports  # (pandas): first file

        user = str(event.get("user") or "")
        channel = str(event.get("channel") or "")
        team = str(event.get("team") or "")
        text = convert.command_of_message(str(event.get("text") or ""))
        enrolling = enrol_file.wants_enrolment(text)
        request = self._request(user, channel, team, text)
        shares = (event.get("files") or []) if files is None else files
        if not enrolling:
            for shared in shares:
                file_id = str(shared.get("id") or "")
                name = str(shared.get("name") or shared.get("title") or file_id)
                enrol_later.remember(self.router, request, name, {"file_id": file_id})
            waited = enrol_later.waiting(self.router, request)
            if waited:
                enrolling, request = True, self._request(user, channel, team, waited)
        lang = Lang(request.locale)
        for shared in shares:
            file_id = str(shared.get("id") or "")
            if not file_id:
                continue
            try:
                dropped = self._dropped(file_id)
            except (*SLACK_FAILURES, KeyError, TypeError):
                logger.exception("dropped file not described", extra={"file": file_id})
                text = lang._(
                    "Sorry, I couldn't answer that just now. Please try again in a minute."
                )
                self.client.chat_postEphemeral(channel=channel, user=user, text=text)
                continue
            if enrolling:
                reply = enrol_file.receive(self.router, request, dropped)
            else:
                reply = imports.receive(self.router, request, dropped)
            message = message_for(self.client, reply, lang)
            key = f"drop:{channel}:{file_id}:{event.get('ts', '')}" if files else None
            post_once(
                self.sender, self.client, channel, message, key or f"drop:{channel}:{file_id}"
            )

    def answered(self, event: dict[str, Any]) -> bool:
        """`campaign enroll SLUG` written in the thread of a file the user shared in the DM:
        that file's enrolment preview; False when the thread's first message has no file."""
        channel = str(event.get("channel") or "")
        thread = str(event.get("thread_ts") or "")
        found = self.client.conversations_replies(channel=channel, ts=thread, limit=1)
        first = (found.get("messages") or [{}])[0]
        files = first.get("files") if first.get("ts") == thread else None
        if not files or first.get("user") != event.get("user"):
            return False
        self.receive(event, list(files))
        return True

    def latest(self, event: dict[str, Any]) -> bool:
        """`campaign enroll SLUG` sent on its own in the DM: the enrolment preview of the
        latest file the user shared there within minutes; False when there is none."""
        from creatorbot.commands import enrol_file, enrol_later

        user = str(event.get("user") or "")
        channel = str(event.get("channel") or "")
        text = convert.command_of_message(str(event.get("text") or ""))
        request = self._request(user, channel, str(event.get("team") or ""), text)
        found = enrol_later.latest(self.router, request)
        if found is None:
            return False
        seen, count = found
        file_id = str(seen.ref.get("file_id") or "")
        dropped = self._dropped(file_id)  # the name files.info gives: a share event has none
        note = enrol_later.picked(request.locale, count, dropped.name)
        reply = enrol_file.receive(self.router, request, dropped, note)
        message = message_for(self.client, reply, Lang(request.locale))
        key = f"drop:{channel}:{file_id}:{event.get('ts', '')}"
        post_once(self.sender, self.client, channel, message, key)
        return True

    def mentioned(self, event: dict[str, Any]) -> None:
        """A file shared with an @mention in a channel: imports happen in the DM, not here."""
        user = str(event.get("user") or "")
        lang = Lang(self.profiles.get(user).locale)
        text = lang._("To import a file, send it to me in a direct message.")
        self.client.chat_postEphemeral(
            channel=str(event.get("channel") or ""), user=user, text=text
        )

    def click(self, body: dict[str, Any], action: dict[str, Any], name: str) -> None:
        """Import or Cancel: the preview message becomes the progress, then the result; a click
        that finds nothing to do is told so privately."""
        from creatorbot.commands import imports

        user = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id", "")
        ts = (body.get("container") or {}).get("message_ts") or (body.get("message") or {}).get(
            "ts", ""
        )
        request = self._request(user, channel, (body.get("team") or {}).get("id", ""))
        lang = Lang(request.locale)
        token = str(action.get("value") or "")
        edit = partial(self._edit, channel, ts, lang)
        outcome = imports.click(self.router, request, name, token, edit)
        if outcome.replaces:
            edit(outcome.reply)
        else:
            self.client.chat_postEphemeral(channel=channel, user=user, text=outcome.reply.summary)

    # --- plumbing ---------------------------------------------------------------------------

    def _dropped(self, file_id: str) -> Dropped:
        """What Slack says of the file (files.info); its bytes only when `fetch` is called."""
        from creatorbot.commands.imports import Dropped

        info: dict[str, Any] = self.client.files_info(file=file_id)["file"]
        size = info.get("size")
        url = str(info.get("url_private_download") or info.get("url_private") or "")
        token = self.client.token or ""
        fetch: Callable[[int], bytes] = partial(download, url, {"Authorization": f"Bearer {token}"})
        name = str(info.get("name") or info.get("title") or file_id)
        return Dropped(name, int(size) if isinstance(size, int) else None, fetch)

    def _edit(self, channel: str, ts: str, lang: Lang, reply: Reply) -> None:
        message = message_for(self.client, reply, lang)
        self.client.chat_update(channel=channel, ts=ts, text=message.text, blocks=message.blocks)

    def _request(self, user: str, channel: str, team: str, text: str = "") -> CommandRequest:
        return convert.request(
            text,
            user=user,
            channel=channel,
            team=team,
            locale=self.profiles.get(user).locale,
            member_of=partial(self.groups.of, user),
        )
