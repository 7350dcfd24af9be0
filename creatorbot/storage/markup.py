"""Chat markup in text that came from a file: mention markers, Slack and Lark mentions and links,
taken out so that a name can never notify a channel or smuggle a link when the bot shows it."""

from __future__ import annotations

import re

# The private-use characters that delimit a Reply's own mention token (commands/reply.py): no
# user types them, so text from outside must never carry them.
MENTION_MARKERS = "\ue000\ue001"
_MARKERS = str.maketrans("", "", MENTION_MARKERS)

# Slack's <@U1|x> <!here> <#C1|x> <http…|x>; Lark's <at user_id="…">Name</at> and
# <at id=all></at>; and @channel, @here, @everyone, @all written out.
_MARKUP = re.compile(
    r"<(?:[@#!][^<>]*|(?:https?|mailto|tel|slack):[^<>]*)>"
    r"|<at\b[^<>]*>.*?</at\s*>|</?at\b[^<>]*>"
    r"|(?<![\w@])@(?:channel|here|everyone|all)\b",
    re.IGNORECASE | re.DOTALL,
)
_SPACES = re.compile(r"\s{2,}")
# What any markup starts with: text without these has none (a quick test for a million names).
SUSPECT = re.compile("[<@" + MENTION_MARKERS + "]")


def inert(text: str) -> str:
    """Text without the mention markers: pasted into a comment or a command it must not come
    back as a mention when the bot shows it."""
    return text.translate(_MARKERS)


def plain(text: str) -> str:
    """`text` without mention markers, mentions (Slack, Lark, `@channel`) and Slack links;
    spaces left around them are folded."""
    if not SUSPECT.search(text):
        return text
    return _SPACES.sub(" ", _MARKUP.sub("", inert(text))).strip()
