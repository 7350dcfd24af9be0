"""Every table of the command floor that names chat commands (who may run them, which post in
the channel) names only commands the registry holds: a dead entry is a rule that guards
nothing."""

from __future__ import annotations

from creatorbot.commands.policy import ADMIN_ONLY
from creatorbot.commands.registry import commands
from creatorbot.commands.router import PUBLIC_IN_CHANNEL


def test_every_command_the_policy_names_is_registered() -> None:
    registered = set(commands())
    assert not ADMIN_ONLY - registered, ADMIN_ONLY - registered
    assert not PUBLIC_IN_CHANNEL - registered, PUBLIC_IN_CHANNEL - registered
