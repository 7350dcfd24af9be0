"""`campaign enroll SLUG` with a list file dropped in chat (or given at the console): the
same preview as pasted handles, whose Enrol button enrols exactly the creators it showed."""

from __future__ import annotations

import logging

from creatorbot.commands.campaign_enroll import open_campaign, preview
from creatorbot.commands.core import Call, CommandRequest, UserError
from creatorbot.commands.enrol_list import handles_in
from creatorbot.commands.enrol_write import MAX_ENROLL
from creatorbot.commands.imports import Dropped
from creatorbot.commands.parsing import words
from creatorbot.commands.reply import Reply
from creatorbot.commands.router import Router, split_command
from creatorbot.commands.vocabulary import action, command_name
from creatorbot.storage import staged

logger = logging.getLogger(__name__)

COMMAND = "campaign"  # as the audit log names enrolments
MAX_BYTES = 10 * 1024 * 1024  # a list of creators, even a native export of a month: far less


def wants_enrolment(text: str) -> bool:
    """Whether a message sent with (or in answer to) a file is `campaign enroll …`."""
    name, rest = split_command(text)
    first = rest.split(maxsplit=1)[0] if rest.strip() else ""
    return command_name(name) == "campaign" and action("campaign", first) == "enroll"


def bare_enrolment(text: str) -> bool:
    """Whether `text` is `campaign enroll SLUG` naming no creators (what answers a file)."""
    return wants_enrolment(text) and len(split_command(text)[1].split()) == 2


def receive(router: Router, request: CommandRequest, dropped: Dropped, picked: str = "") -> Reply:
    """The enrolment preview of the creators the dropped list names (`request.text` is the
    `campaign enroll SLUG` sent with it); nothing is written. Only a lead or an admin of the
    campaign's market gets the file downloaded. `picked` says how the file was chosen, when
    it was (the latest of several)."""
    arguments = f"{split_command(request.text)[1]} < {dropped.name}"[:500]
    return router.run(request, lambda call: _preview(dropped, call, picked), COMMAND, arguments)


def _preview(dropped: Dropped, call: Call, picked: str = "") -> Reply:
    lang = call.lang
    tokens = words(split_command(call.request.text)[1], lang)[1:]
    if len(tokens) != 1:
        raise UserError(
            lang._("Write `campaign enroll SLUG` with the file: the campaign, and nothing more.")
        )
    campaign = open_campaign(tokens[0], call)
    name = dropped.name
    if dropped.size is not None and dropped.size > MAX_BYTES:
        raise _too_large(name, call)
    try:
        content = dropped.fetch(MAX_BYTES)
    except staged.TooLarge:
        raise _too_large(name, call) from None
    except OSError as exc:
        logger.warning("list file not downloaded: %s", exc, extra={"file": name[:80]})
        raise UserError(
            lang._("I couldn't download “{name}”. Please send it again in a minute.").format(
                name=name
            )
        ) from None
    handles, repeats = handles_in(name, content, MAX_ENROLL, lang)
    note = lang.n_(
        "Read {n} handle from “{name}”.", "Read {n} handles from “{name}”.", len(handles)
    ).format(n=lang.number(len(handles)), name=name)
    if repeats:
        note += " " + lang.n_(
            "{n} repeated handle counted once.", "{n} repeated handles counted once.", repeats
        ).format(n=lang.number(repeats))
    if picked:
        note = f"{picked} {note}"
    return preview(campaign, handles, call, note)


def _too_large(name: str, call: Call) -> UserError:
    megabytes = call.lang.number(MAX_BYTES // (1024 * 1024))
    return UserError(
        call.lang._("“{name}” is too large: a list of creators may be up to {size} MB.").format(
            name=name, size=megabytes
        )
    )
