"""What a form's type-ahead list offers: the creators and campaigns of the markets the user may
see, the busiest first, what was typed matched as the creator search matches a name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select

from creatorbot.commands.core import Call
from creatorbot.commands.forms import Choice, FormLink, label_key
from creatorbot.commands.lookups import creator_number
from creatorbot.storage.handles import shown
from creatorbot.storage.models import Campaign, Creator
from creatorbot.storage.queries.busiest import busiest_creators
from creatorbot.storage.queries.campaigns import campaigns_like
from creatorbot.storage.queries.creator_search import recent_gmv, search_creators
from creatorbot.storage.queries.creators import creator_by_id
from creatorbot.storage.queries.markets import latest_day

MAX_CHOICES = 100  # Slack's limit for an options list; a Lark select is kept as short
WEEK = 7  # days of GMV that say who is busiest
CREATORS = "creators"
CAMPAIGNS = "campaigns"


def creator_choice(creator: Creator) -> Choice:
    """How a creator is offered: `#ID` (what the form's checks take) as `@handle · Name · MY`."""
    label = f"@{shown(creator.handle)} · {creator.display_name} · {creator.market}"
    return Choice(f"#{creator.id}", label)


def campaign_choice(campaign: Campaign) -> Choice:
    """How a campaign is offered: its slug, as `Name · MY`."""
    return Choice(campaign.slug, f"{campaign.name} · {campaign.market}")


def prefilled(form: str, **fields: Choice) -> str:
    """The button value that opens `form` with these fields chosen (value and label)."""
    prefill: dict[str, str] = {}
    for name, choice in fields.items():
        prefill[name] = choice.value
        prefill[label_key(name)] = choice.label
    return str(FormLink(form, prefill))


def creator_choices(typed: str, call: Call) -> list[Choice]:
    """The creators of the user's markets whose handle or name starts with (else holds) what was
    typed, `@` and accents ignored, or `#ID`; nothing typed: the busiest. The most GMV in the
    last 7 days first, at most MAX_CHOICES."""
    visible = call.principal.visible(list(call.markets()))
    if not visible:
        return []
    ends = {m: end for m in visible if (end := latest_day(m, session=call.session))}
    wanted = typed.strip()
    if not wanted:
        busiest = busiest_creators(ends, MAX_CHOICES, session=call.session)
        return [creator_choice(c) for c, _ in busiest]
    number = creator_number(wanted)
    if number is not None:
        one = creator_by_id(number, session=call.session)
        return [creator_choice(one)] if one is not None and one.market in visible else []
    found = search_creators(wanted, session=call.session, markets=visible)
    gmv = recent_gmv(found, ends, WEEK, session=call.session)
    found.sort(key=lambda c: (-gmv.get(c.id, -1), c.handle, c.market))
    return [creator_choice(c) for c in found[:MAX_CHOICES]]


def campaign_choices(typed: str, call: Call) -> list[Choice]:
    """The campaigns of the user's markets whose slug starts with what was typed or whose name
    has its words; nothing typed: all of them. Running ones first, then upcoming, then the
    latest to end; at most MAX_CHOICES."""
    visible = call.principal.visible(list(call.markets()))
    if not visible:
        return []
    wanted = typed.strip()
    if wanted:
        found = campaigns_like(wanted, session=call.session, markets=visible)
    else:
        query = select(Campaign).where(Campaign.market.in_(visible))
        found = list(call.session.scalars(query))
    today = call.today()
    found.sort(key=lambda c: _campaign_order(c, today))
    return [campaign_choice(c) for c in found[:MAX_CHOICES]]


def _campaign_order(campaign: Campaign, today: dt.date) -> tuple[int, int, str]:
    if campaign.starts_on <= today <= campaign.ends_on:
        return (0, campaign.ends_on.toordinal(), campaign.slug)
    if campaign.starts_on > today:
        return (1, campaign.starts_on.toordinal(), campaign.slug)
    return (2, -campaign.ends_on.toordinal(), campaign.slug)


SOURCES: dict[str, Callable[[str, Call], list[Choice]]] = {
    CREATORS: creator_choices,
    CAMPAIGNS: campaign_choices,
}
