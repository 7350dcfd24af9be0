"""Finding what a command names, or saying helpfully that it does not exist."""

from __future__ import annotations

from collections.abc import Collection

from creatorbot.commands.core import Call, UserError
from creatorbot.commands.parsing import did_you_mean
from creatorbot.storage.handles import handle_key
from creatorbot.storage.models import Campaign, Creator
from creatorbot.storage.queries.campaigns import campaign_by_slug, campaign_slugs, campaigns_like
from creatorbot.storage.queries.creator_search import search_creators
from creatorbot.storage.queries.creators import creator_by_id, find_creators


def find_campaign(slug: str, call: Call) -> Campaign:
    """The campaign with this slug, else the one campaign of the user's markets whose slug
    starts with it or whose name has its words; else a UserError listing the several it may
    be, or with a "did you mean"."""
    campaign = campaign_by_slug(slug, session=call.session)
    if campaign is None:
        like = campaigns_like(slug, session=call.session, markets=call.principal.markets)
        if len(like) == 1:
            return like[0]
        if like:
            listed = ", ".join(f"{c.slug} ({c.name} · {c.market})" for c in like[:10])
            raise UserError(
                call.lang._("“{slug}” may be any of these campaigns: {listed}. Which one?").format(
                    slug=slug, listed=listed
                )
            )
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


def creators_meant(
    name: str, call: Call, market: str | None = None, *, search: bool = False
) -> list[Creator]:
    """Every creator of the user's markets that `name` may mean: `#ID` names one; else the
    creators whose handle equals it up to case, Unicode form and invisible characters; else those
    whose display name is it up to accents and case; else, with `search`, those whose handle or
    name starts with it or holds it (storage/queries/creator_search.py). Several are all
    returned, never one picked for the user."""
    number = creator_number(name)
    if number is not None:
        creator = creator_by_id(number, session=call.session)
        found = [creator] if creator is not None else []
    else:
        found = find_creators(name, session=call.session, market=market)
        key = handle_key(name.strip().lstrip("@"))
        found = [c for c in found if c.handle_key == key] or found
    seen = [
        c for c in found if call.principal.sees(c.market) and (market is None or c.market == market)
    ]
    if seen or not search or number is not None:
        return seen
    visible: Collection[str] | None
    if market is not None:
        visible = {market} if call.principal.sees(market) else set()
    else:
        visible = call.principal.markets  # None: every market
    return search_creators(name, session=call.session, markets=visible)
