"""`campaign enroll SLUG` and its list file sent as two messages in one chat, in either order:
the command takes the user's latest file there from the last WINDOW, or, with none, asks for
the list and takes their next file there within WINDOW. The platform names the chat and fetches
the file (commands/enrol_file.py previews it); files of others or of other chats never count."""

from __future__ import annotations

from typing import Any

from creatorbot.commands.campaign_enroll import open_campaign
from creatorbot.commands.core import Call, CommandRequest, UserError
from creatorbot.commands.enrol_file import COMMAND
from creatorbot.commands.i18n import Lang
from creatorbot.commands.parsing import words
from creatorbot.commands.reply import Context, Reply, Text
from creatorbot.commands.router import Router, split_command
from creatorbot.storage import chat_lists
from creatorbot.storage.chat_lists import WINDOW, SeenFile


def remember(router: Router, request: CommandRequest, name: str, ref: dict[str, Any]) -> None:
    """`request.user` sent the file `name` in `request.channel` now (`ref` fetches it)."""
    with router.services.sessions.begin() as session:
        chat_lists.seen(
            platform=request.platform,
            workspace=request.workspace,
            user=request.user,
            chat=request.channel,
            name=name,
            ref=ref,
            now=router.services.clock(),
            session=session,
        )


def waiting(router: Router, request: CommandRequest) -> str | None:
    """The `campaign enroll SLUG` waiting for this file of `request.user` in `request.channel`,
    taken once; None when none waits."""
    with router.services.sessions.begin() as session:
        return chat_lists.take_wait(
            platform=request.platform,
            user=request.user,
            chat=request.channel,
            now=router.services.clock(),
            session=session,
        )


def latest(router: Router, request: CommandRequest) -> tuple[SeenFile, int] | None:
    """The latest file `request.user` sent in `request.channel` within WINDOW, and how many
    they sent there in that time; None without one."""
    with router.services.sessions.begin() as session:
        files = chat_lists.recent(
            platform=request.platform,
            user=request.user,
            chat=request.channel,
            now=router.services.clock(),
            session=session,
        )
    return (files[0], len(files)) if files else None


def picked(locale: str, count: int, name: str) -> str:
    """What the preview says of the file `name` when it was the latest of `count` ("" when it
    was the only one)."""
    if count < 2:
        return ""
    lang = Lang(locale)
    return lang.n_(
        "You sent {n} file here in the last {minutes} minutes: I read the latest, “{name}”.",
        "You sent {n} files here in the last {minutes} minutes: I read the latest, “{name}”.",
        count,
    ).format(n=lang.number(count), minutes=_minutes(lang), name=name)


def ask(router: Router, request: CommandRequest) -> Reply:
    """`campaign enroll SLUG` with no list yet: if the campaign may take creators from the
    asker, it waits for their next file in this chat, and the answer asks for it."""
    return router.run(request, _ask, COMMAND, split_command(request.text)[1][:500])


def _ask(call: Call) -> Reply:
    lang = call.lang
    request = call.request
    tokens = words(split_command(request.text)[1], lang)[1:]
    if len(tokens) != 1:
        raise UserError(
            lang._("Write `campaign enroll SLUG` with the file: the campaign, and nothing more.")
        )
    campaign = open_campaign(tokens[0], call)
    chat_lists.wait(
        platform=request.platform,
        workspace=request.workspace,
        user=request.user,
        chat=request.channel,
        text=request.text,
        now=call.services.clock(),
        session=call.session,
    )
    asked = lang._(
        "Send me the list of creators to enrol in {name} (CSV, XLSX or TXT) within {minutes} "
        "minutes: I'll read the next file you send here as that list."
    ).format(name=campaign.name, minutes=_minutes(lang))
    instead = lang._(
        "Name the creators: handles (@aisyah.beauty @farah) or filters "
        "(segment:potential category:beauty tier:L2 top 100)."
    )
    return Reply((Text(asked), Context(instead)))


def _minutes(lang: Lang) -> str:
    return lang.number(int(WINDOW.total_seconds() // 60))
