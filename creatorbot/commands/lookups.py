"""Finding what a command names, or saying helpfully that it does not exist."""

from __future__ import annotations

from creatorbot.commands.core import Call, UserError
from creatorbot.commands.parsing import did_you_mean
from creatorbot.storage.handles import handle_key
from creatorbot.storage.models import Campaign, Creator
from creatorbot.storage.queries.campaigns import campaign_by_slug, campaign_slugs
from creatorbot.storage.queries.creators import creator_by_id, find_creators


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


def creator_number(name: str) -> int | None:
    """The number in `#123`, how a "which one?" answer names each creator; else None."""
    digits = name.strip().removeprefix("#")
    if name.strip().startswith("#") and digits.isascii() and digits.isdigit():
        return int(digits)
    return None


def creators_meant(name: str, call: Call, market: str | None = None) -> list[Creator]:
    """Every creator of the user's markets that `name` may mean: `#ID` names one; else the
    creators whose handle equals it up to case, Unicode form and invisible characters; else those
    whose display name is it. Several are all returned, never one picked for the user."""
    number = creator_number(name)
    if number is not None:
        creator = creator_by_id(number, session=call.session)
        found = [creator] if creator is not None else []
    else:
        found = find_creators(name, session=call.session, market=market)
        key = handle_key(name.strip().lstrip("@"))
        found = [c for c in found if c.handle_key == key] or found
    return [
        c for c in found if call.principal.sees(c.market) and (market is None or c.market == market)
    ]
