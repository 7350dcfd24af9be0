"""The list of chat commands, in one table: name, parser, answer, summary, example."""

from __future__ import annotations

from creatorbot.commands import (
    access,
    alerts,
    audit,
    campaign,
    campaign_setup,
    creator,
    digest,
    feedback,
    help,
    leaderboard,
    match,
    portfolio,
    slots,
    snapshot,
    tiers,
)
from creatorbot.commands.campaign_form import CAMPAIGN_EDIT, CAMPAIGN_NEW
from creatorbot.commands.forms import FEEDBACK
from creatorbot.commands.i18n import N_
from creatorbot.commands.router import Command, FormSpec


def commands() -> dict[str, Command]:
    """Every command, keyed by name, in the order `help` lists them."""
    table = [
        Command(
            "leaderboard",
            leaderboard.parse,
            leaderboard.answer,
            N_("Creators ranked by a metric over a period, with movement"),
            N_("leaderboard gmv 7d MY top 10"),
        ),
        Command(
            "campaign",
            campaign.parse,
            campaign.answer,
            N_("A campaign's GMV and orders to date against its targets"),
            N_("campaign my-1111-2026"),
        ),
        Command(
            "creator",
            creator.parse,
            creator.answer,
            N_("A creator's profile and recent sales"),
            N_("creator aisyah.beauty"),
        ),
        Command(
            "portfolio",
            portfolio.parse,
            portfolio.answer,
            N_("Your creators (or a CM's, for leads): what needs action first"),
            N_('portfolio "Farah Aziz" MY'),
        ),
        Command(
            "tiers",
            tiers.parse,
            tiers.answer,
            N_("Who can level up this month, and who may drop a tier"),
            N_("tiers MY"),
        ),
        Command(
            "slots",
            slots.parse,
            slots.answer,
            N_("Affiliate resource slots: traffic, CTR and CVR against the previous window"),
            N_("slots MY 7d"),
        ),
        Command("match", match.parse, match.answer, match.SUMMARY, N_("match beauty MY")),
        Command(
            "feedback",
            feedback.parse,
            feedback.answer,
            N_("Log creator feedback, or read the report"),
            N_("feedback report campaign:my-1111-2026"),
        ),
        Command(
            "snapshot",
            snapshot.parse,
            snapshot.answer,
            N_("The daily ranking snapshot a subscribed channel gets"),
            N_("snapshot MY"),
        ),
        Command(
            "alerts",
            alerts.parse,
            alerts.answer,
            N_("A day's anomaly alerts, as the alert job posts them"),
            N_("alerts MY"),
        ),
        Command(
            "digest",
            digest.parse,
            digest.answer,
            N_("Scheduled posts in this channel: subscribe, list, pause, run now"),
            N_("digest subscribe snapshot MY at 09:00"),
        ),
        Command(
            "access",
            access.parse,
            access.answer,
            N_("Admins: give people a role in markets, take it back, list who has access"),
            N_("access grant slack:U0123ABCD cm MY"),
        ),
        Command(
            "audit",
            audit.parse,
            audit.answer,
            N_("Admins: the audit log of commands, by person and days"),
            N_("audit 7"),
        ),
        Command("help", help.parse, help.make_answer(commands), N_("This list"), N_("help")),
    ]
    return {command.name: command for command in table}


def forms() -> dict[str, FormSpec]:
    """Every form a platform can open, keyed by name."""
    return {
        FEEDBACK.name: FormSpec(FEEDBACK, feedback.submit),
        CAMPAIGN_NEW.name: FormSpec(
            CAMPAIGN_NEW, campaign_setup.submit_new, campaign_setup.SETUP_ROLE
        ),
        CAMPAIGN_EDIT.name: FormSpec(
            CAMPAIGN_EDIT, campaign_setup.submit_edit, campaign_setup.SETUP_ROLE
        ),
    }
