"""The Slack app manifest asks for exactly what the adapter listens to."""

from __future__ import annotations

from pathlib import Path

import yaml

from creatorbot.bot.slack.adapter import SLASH_COMMANDS

MANIFEST = yaml.safe_load((Path(__file__).parents[2] / "manifest.yml").read_text(encoding="utf-8"))


def test_every_slash_command_is_declared() -> None:
    declared = [c["command"] for c in MANIFEST["features"]["slash_commands"]]
    assert sorted(declared) == sorted(SLASH_COMMANDS)


def test_events_interactivity_and_home() -> None:
    settings = MANIFEST["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "app_home_opened",
        "message.im",
    }
    assert settings["interactivity"]["is_enabled"]
    # the feedback form's type-ahead lists ask for their options at the same address
    interactivity = settings["interactivity"]
    assert interactivity["message_menu_options_url"] == interactivity["request_url"]
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"]


def test_scopes_cover_what_the_bot_calls() -> None:
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    # commands, chat.postMessage, users.info with locale and email, files_upload_v2, mentions
    needed = {"commands", "chat:write", "users:read", "users:read.email", "files:write"}
    assert needed | {"app_mentions:read", "im:history"} <= scopes
    # conversations.history, where a scheduled post is looked for by its ledger key
    assert {"channels:history", "groups:history"} <= scopes
    # usergroups.users.list, the members of a user group given a role
    assert "usergroups:read" in scopes
    # conversations.open: an export goes to the asker's DM, never to the channel asked in
    assert "im:write" in scopes
    # files.info and the private download of a file dropped in a DM to be imported
    assert "files:read" in scopes
