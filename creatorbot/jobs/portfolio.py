"""The personal morning digest: the owner's portfolio by DM, once a day through the ledger."""

from __future__ import annotations

from creatorbot.commands.owners import names_of
from creatorbot.commands.portfolio import Owner, portfolio
from creatorbot.jobs.registry import JobRun, Post, job
from creatorbot.storage.models import SubscriptionKind


@job("portfolio", SubscriptionKind.PORTFOLIO)
def morning_portfolio(run: JobRun) -> Post:
    """The subscriber's own creators, as `portfolio me` shows them; nothing when no creator
    lists them (their email on the platform, or a name the staff list gives them)."""
    owner = run.subscription.owner
    names = names_of(owner, run.call) if owner else []
    if not names:
        return Post(None)
    emails = [name for name in names if "@" in name]
    others = [name for name in names if "@" not in name]
    mine = Owner(email=emails[0] if emails else None, name=others[0] if others else None)
    return Post(portfolio(mine, run.call))
