"""Finding what a command names, or saying helpfully that it does not exist."""

from __future__ import annotations

from creatorbot.commands.core import Call, UserError
from creatorbot.commands.parsing import did_you_mean
from creatorbot.storage.models import Campaign
from creatorbot.storage.queries.campaigns import campaign_by_slug, campaign_slugs


def find_campaign(slug: str, call: Call) -> Campaign:
    """The campaign with this slug, or a UserError with a "did you mean"."""
    campaign = campaign_by_slug(slug, session=call.session)
    if campaign is None:
        slugs = campaign_slugs(session=call.session, markets=call.principal.markets)
        hint = did_you_mean(slug, slugs, call.lang)
        message = call.lang._("There is no campaign “{slug}”.").format(slug=slug)
        raise UserError(" ".join(part for part in (message, hint) if part))
    call.require_market(campaign.market)
    return campaign
