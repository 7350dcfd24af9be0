"""The list of chat commands, in one table: name, parser, answer, summary, example.

A command's module is imported when the command is first asked (`later`): `ask "leaderboard
MY"` loads the leaderboard alone, not pandas and charts for every other command; a bot
imports them all once it is ready (`load_all`)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from creatorbot.commands import help
from creatorbot.commands.campaign_form import CAMPAIGN_EDIT, CAMPAIGN_NEW
from creatorbot.commands.forms import FEEDBACK
from creatorbot.commands.i18n import N_
from creatorbot.commands.policy import SETUP_ROLE
from creatorbot.commands.router import Command, FormSpec

MODULES = (
    "access",
    "alerts",
    "audit",
    "campaign",
    "campaign_setup",
    "creator",
    "digest",
    "feedback",
    "leaderboard",
    "match",
    "portfolio",
    "slots",
    "snapshot",
    "tiers",
)


def later(module: str, name: str) -> Callable[..., Any]:
    """`creatorbot.commands.MODULE.NAME`, imported at its first call."""
    path = f"creatorbot.commands.{module}"

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(import_module(path), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = f"{module}.{name}"
    return call


def load_all() -> None:
    """Import every command's module now (a bot once ready: no first question waits for it)."""
    for module in MODULES:
        import_module(f"creatorbot.commands.{module}")


def commands() -> dict[str, Command]:
    """Every command, keyed by name, in the order `help` lists them."""
    table = [
        Command(
            "leaderboard",
            later("leaderboard", "parse"),
            later("leaderboard", "answer"),
            N_("Creators ranked by a metric over a period, with movement"),
            N_("leaderboard gmv 7d MY top 10"),
        ),
        Command(
            "campaign",
            later("campaign", "parse"),
            later("campaign", "answer"),
            N_("A campaign's GMV and orders to date against its targets"),
            N_("campaign my-1111-2026"),
        ),
        Command(
            "creator",
            later("creator", "parse"),
            later("creator", "answer"),
            N_("A creator's profile and recent sales"),
            N_("creator aisyah.beauty"),
        ),
        Command(
            "portfolio",
            later("portfolio", "parse"),
            later("portfolio", "answer"),
            N_("Your creators (or a CM's, for leads): what needs action first"),
            N_('portfolio "Farah Aziz" MY'),
        ),
        Command(
            "tiers",
            later("tiers", "parse"),
            later("tiers", "answer"),
            N_("Who can level up this month, and who may drop a tier"),
            N_("tiers MY"),
        ),
        Command(
            "slots",
            later("slots", "parse"),
            later("slots", "answer"),
            N_("Affiliate resource slots: traffic, CTR and CVR against the previous window"),
            N_("slots MY 7d"),
        ),
        Command(
            "match",
            later("match", "parse"),
            later("match", "answer"),
            N_("Creators to propose to a merchant of a category, best matches first"),
            N_("match beauty MY"),
        ),
        Command(
            "feedback",
            later("feedback", "parse"),
            later("feedback", "answer"),
            N_("Log creator feedback, or read the report"),
            N_("feedback report campaign:my-1111-2026"),
        ),
        Command(
            "snapshot",
            later("snapshot", "parse"),
            later("snapshot", "answer"),
            N_("The daily ranking snapshot a subscribed channel gets"),
            N_("snapshot MY"),
        ),
        Command(
            "alerts",
            later("alerts", "parse"),
            later("alerts", "answer"),
            N_("A day's anomaly alerts, as the alert job posts them"),
            N_("alerts MY"),
        ),
        Command(
            "digest",
            later("digest", "parse"),
            later("digest", "answer"),
            N_("Scheduled posts in this channel: subscribe, list, pause, run now"),
            N_("digest subscribe snapshot MY at 09:00"),
        ),
        Command(
            "access",
            later("access", "parse"),
            later("access", "answer"),
            N_("Admins: give people a role in markets, take it back, list who has access"),
            N_("access grant slack:U0123ABCD cm MY"),
        ),
        Command(
            "audit",
            later("audit", "parse"),
            later("audit", "answer"),
            N_("Admins: the audit log of commands, by person and days"),
            N_("audit 7"),
        ),
        Command("help", help.parse, help.make_answer(commands), N_("This list"), N_("help")),
    ]
    return {command.name: command for command in table}


def forms() -> dict[str, FormSpec]:
    """Every form a platform can open, keyed by name."""
    return {
        FEEDBACK.name: FormSpec(FEEDBACK, later("feedback", "submit")),
        CAMPAIGN_NEW.name: FormSpec(
            CAMPAIGN_NEW, later("campaign_setup", "submit_new"), SETUP_ROLE
        ),
        CAMPAIGN_EDIT.name: FormSpec(
            CAMPAIGN_EDIT, later("campaign_setup", "submit_edit"), SETUP_ROLE
        ),
    }
