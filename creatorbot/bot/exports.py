"""Where an answer's files (exports) go: only to the person who asked, in their own chat with
creatorbot, never to the channel or group the question came from; the answer says where they are.

A scheduled post is the exception: a subscribed channel is its audience, so the posters share a
post's files there (no job attaches one today)."""

from __future__ import annotations

from dataclasses import replace

from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Context, File, Reply, mention_of


def files_of(reply: Reply) -> list[File]:
    """The files the reply attaches, in order."""
    return [block for block in reply.blocks if isinstance(block, File)]


def in_your_chat(reply: Reply, lang: Lang) -> Reply:
    """An answer only the asker sees: it says their files are in their chat with creatorbot."""
    count = len(files_of(reply))
    return _noted(
        reply,
        lang.n_(
            "The file is in your chat with creatorbot.",
            "The files are in your chat with creatorbot.",
            count,
        ),
    )


def sent_to(reply: Reply, lang: Lang, user: str) -> Reply:
    """An answer others see too (a channel thread, a group): it tells the asker, by mention,
    that their files went to their own chat with creatorbot."""
    count = len(files_of(reply))
    note = lang.n_(
        "{user}, I sent you the file in your chat with creatorbot.",
        "{user}, I sent you the files in your chat with creatorbot.",
        count,
    )
    return _noted(reply, note.format(user=mention_of(user)))


def kept_back(reply: Reply, lang: Lang) -> Reply:
    """An answer shared in a channel by its asker: the message goes, its files do not."""
    count = len(files_of(reply))
    return _noted(
        reply,
        lang.n_(
            "The file is not shared in the channel: only the person who asked gets it.",
            "The files are not shared in the channel: only the person who asked gets them.",
            count,
        ),
    )


def _noted(reply: Reply, note: str) -> Reply:
    """The reply with `note` right after its last file; the same reply when it has none."""
    last = max((i for i, block in enumerate(reply.blocks) if isinstance(block, File)), default=-1)
    if last < 0:
        return reply
    blocks = (*reply.blocks[: last + 1], Context(note), *reply.blocks[last + 1 :])
    return replace(reply, blocks=blocks)
