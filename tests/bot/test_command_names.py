"""What the platforms offer people to click or type (the Lark bot menu, the Slack slash
commands) runs only commands the registry holds."""

from __future__ import annotations

from creatorbot.bot.lark.handlers import MENU_COMMANDS
from creatorbot.bot.slack.adapter import SLASH_COMMANDS
from creatorbot.commands.registry import commands
from creatorbot.commands.router import UMBRELLA, split_command


def test_every_menu_entry_and_slash_command_runs_a_registered_command() -> None:
    registered = set(commands())
    ran = {split_command(text)[0] for text in MENU_COMMANDS.values()}
    assert not ran - registered, ran - registered
    slashed = {name.lstrip("/") for name in SLASH_COMMANDS} - {UMBRELLA}
    assert not slashed - registered, slashed - registered
