"""Buttons at the console: the last answer's buttons, pressed by typing their number or label."""

from __future__ import annotations

from creatorbot.commands.reply import Button, Buttons, Reply

# Buttons whose value is a command to run (Slack's and Lark's re-run, open and share).
COMMANDS = frozenset({"run", "open", "share"})


def buttons_of(reply: Reply) -> list[Button]:
    """The reply's buttons in the order the console numbers them (from 1)."""
    return [b for block in reply.blocks if isinstance(block, Buttons) for b in block.buttons]


def pressed(reply: Reply | None, typed: str) -> Button | None:
    """The button `typed` presses: its number (`2`), its label (`Show more`, any case), or one
    word or the start of it (`more`, `@amir`, `refr`) when only one button has it; None when
    `typed` presses none and is a command."""
    buttons = buttons_of(reply) if reply is not None else []
    words = typed.casefold().split()
    if not buttons or not words:
        return None
    if len(words) == 1 and words[0].isdigit():
        number = int(words[0])
        return buttons[number - 1] if 1 <= number <= len(buttons) else None
    wanted = " ".join(words)
    for button in buttons:
        if _label(button) == wanted:
            return button
    found = [b for b in buttons if wanted in _label(b).split() or _label(b).startswith(wanted)]
    return found[0] if len(found) == 1 else None


def command_of(button: Button) -> str | None:
    """The command a button runs at the console; None for one only a chat can show (a form)."""
    return button.value if button.action in COMMANDS and button.value.strip() else None


def _label(button: Button) -> str:
    return " ".join(button.label.casefold().split())
