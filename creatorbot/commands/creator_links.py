"""`feedback link @creator [campaign:SLUG]`, `feedback links campaign:SLUG [cm:me] [export]`
and `feedback revoke @creator [campaign:SLUG]`: the signed links that let creators answer the
feedback form themselves, on the web."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from creatorbot.commands.core import Call, UserError
from creatorbot.commands.i18n import N_, language_of
from creatorbot.commands.link_tokens import LinkKeys
from creatorbot.commands.lookups import creators_meant, find_campaign
from creatorbot.commands.owner_filter import OwnerScope, owner_scope
from creatorbot.commands.parsing import unknown_word
from creatorbot.commands.reply import Column, Context, File, Header, Reply, Table, Text
from creatorbot.commands.spreadsheet import CSV_MIME, XLSX_MIME, Cell, csv_bytes, xlsx_bytes
from creatorbot.commands.vocabulary import is_export_word, option
from creatorbot.storage.form_links import Enrolled, enrolled_creators, issue_links, revoke_links
from creatorbot.storage.handles import shown
from creatorbot.storage.models import Campaign, Creator

USAGE = N_(
    "feedback link @creator [campaign:SLUG] | feedback links campaign:SLUG [cm:me] [export] "
    "[csv|xlsx] | feedback revoke @creator [campaign:SLUG]"
)
LINK_ACTIONS = ("link", "links", "revoke")
FORMATS = ("csv", "xlsx")
SHOWN = 20  # links listed in chat; the export has them all
EXPORT_COLUMNS = (
    "handle",
    "display_name",
    "market",
    "cm",
    "am",
    "language",
    "link",
    "expires_on",
)
SAFE_NAME = re.compile(r"[^A-Za-z0-9_.]+")


@dataclass(frozen=True)
class LinkQuery:
    """Which links: one creator's (`link`, `revoke`) or a campaign's enrolled creators'
    (`links`, optionally only some owners', optionally as a file)."""

    action: Literal["link", "links", "revoke"]
    creator: str | None = None
    campaign: str | None = None
    owners: OwnerScope | None = None
    export: bool = False
    xlsx: bool = False


def parse_links(action: str, tokens: Sequence[str], call: Call) -> LinkQuery:
    """The words after `feedback link`, `feedback links` or `feedback revoke`."""
    creator = campaign = None
    owners = None
    export = xlsx = False
    for token in tokens:
        key, colon, value = token.partition(":")
        if colon and option(key) == "campaign" and value:
            campaign = value
        elif action == "links" and (scope := owner_scope(token, call)):
            owners = scope
        elif action == "links" and is_export_word(token):
            export = True
        elif action == "links" and token.lower() in FORMATS:
            export, xlsx = True, token.lower() == "xlsx"
        elif action != "links" and creator is None and not colon:
            creator = token
        else:
            allowed = ("campaign:SLUG", "cm:me", "export", *FORMATS)
            raise unknown_word(
                token, allowed if action == "links" else allowed[:1], call.lang, USAGE
            )
    lang = call.lang
    if action == "links" and campaign is None:
        raise UserError(lang._("Name the campaign, e.g. feedback links campaign:my-1111-2026."))
    if action != "links" and creator is None:
        raise UserError(lang._("Name the creator, e.g. feedback link @aisyah.beauty."))
    kind: Literal["link", "links", "revoke"] = (
        "links" if action == "links" else "revoke" if action == "revoke" else "link"
    )
    return LinkQuery(kind, creator, campaign, owners, export, xlsx)


def answer_links(query: LinkQuery, call: Call) -> Reply:
    """One creator's link, a campaign's links (in chat or as a file), or a revocation."""
    if query.action == "revoke":
        return _revoke(query, call)
    keys = _keys(call)
    if query.action == "link":
        return _one(query, keys, call)
    return _campaign(query, keys, call)


def _keys(call: Call) -> LinkKeys:
    keys = call.services.links
    if keys is None or not keys.public_url:
        raise UserError(
            call.lang._(
                "Links to the feedback form are not set up here: an admin sets "
                "CREATORBOT_LINK_SECRET and CREATORBOT_PUBLIC_URL."
            )
        )
    return keys


def _creator(name: str, call: Call) -> Creator:
    """The one creator of the user's markets `name` means, else a UserError."""
    lang = call.lang
    found = creators_meant(name, call)
    if not found:
        raise UserError(lang._("I can't find a creator called “{name}”.").format(name=name))
    if len(found) > 1:
        choices = lang._(" or ").join(
            f"#{c.id} (@{shown(c.handle)} · {c.market})" for c in found[:5]
        )
        raise UserError(
            lang._(
                "“{name}” may be more than one creator: {choices}. Write the number, e.g. {id}."
            ).format(name=shown(name), choices=choices, id=f"#{found[0].id}")
        )
    return found[0]


def _campaign_for(slug: str | None, creator: Creator, call: Call) -> Campaign | None:
    if slug is None:
        return None
    campaign = find_campaign(slug, call)
    if campaign.market != creator.market:
        raise UserError(
            call.lang._("{campaign} is a campaign of {market}; @{handle} is not.").format(
                campaign=campaign.name,
                market=call.lang.market_name(campaign.market),
                handle=shown(creator.handle),
            )
        )
    return campaign


def _issue(
    creator_ids: Sequence[int], campaign: Campaign | None, keys: LinkKeys, call: Call
) -> dict[int, tuple[str, dt.datetime]]:
    """(address, expiry) per creator: a live link that keeps at least half its life is
    given again, else a new one."""
    now = call.services.clock()
    life = dt.timedelta(days=keys.days)
    issued = issue_links(
        creator_ids,
        campaign.id if campaign else None,
        now=now,
        expires_at=now + life,
        reuse_after=now + life / 2,
        created_by=call.request.user,
        session=call.session,
    )
    return {
        creator_id: (keys.url(keys.link_token(link.link_id, link.expires_at)), link.expires_at)
        for creator_id, link in issued.items()
    }


def _one(query: LinkQuery, keys: LinkKeys, call: Call) -> Reply:
    lang = call.lang
    creator = _creator(query.creator or "", call)
    campaign = _campaign_for(query.campaign, creator, call)
    url, expires = _issue([creator.id], campaign, keys, call)[creator.id]
    about = f"@{shown(creator.handle)}" + (f" · {campaign.name}" if campaign else "")
    language = lang.language_name(_language(call, creator.market))
    note = lang._(
        "Valid until {date}; opens in {language}. Anyone with the link can answer as this "
        "creator: send it only to them."
    ).format(date=lang.date(expires.date()), language=language)
    return Reply(
        (Header(lang._("Feedback link · {about}").format(about=about)), Text(url), Context(note)),
        rows=1,
    )


def _campaign(query: LinkQuery, keys: LinkKeys, call: Call) -> Reply:
    lang = call.lang
    campaign = find_campaign(query.campaign or "", call)
    owners = query.owners.names if query.owners else None
    creators = [
        c
        for c in enrolled_creators(campaign.id, owners=owners, session=call.session)
        if call.principal.sees(c.market)
    ]
    title = lang._("Feedback links · {campaign}").format(campaign=campaign.name)
    if not creators:
        return Reply((Header(title), Text(lang._("No enrolled creator to send a link to."))))
    links = _issue([c.creator_id for c in creators], campaign, keys, call)
    if query.export:
        return _export(campaign, creators, links, title, query.xlsx, call)
    rows = tuple((f"@{shown(c.handle)}", links[c.creator_id][0]) for c in creators[:SHOWN])
    blocks: list[Header | Table | Context] = [
        Header(title),
        Table((Column(lang._("Creator")), Column(lang._("Link"))), rows, len(creators)),
    ]
    if len(creators) > SHOWN:
        more = lang._("{shown} of {count} creators: add `export` for every link as a file.")
        blocks.append(
            Context(more.format(shown=lang.number(SHOWN), count=lang.number(len(creators))))
        )
    return Reply(tuple(blocks), rows=len(creators))


def _export(
    campaign: Campaign,
    creators: Sequence[Enrolled],
    links: dict[int, tuple[str, dt.datetime]],
    title: str,
    xlsx: bool,
    call: Call,
) -> Reply:
    """Every link as a CSV or XLSX file, for an outreach tool or a mail merge."""
    lang = call.lang
    languages = {c.market: _language(call, c.market) for c in creators}

    def cells(c: Enrolled) -> tuple[Cell, ...]:
        url, expires = links[c.creator_id]
        return (
            c.handle,
            c.display_name,
            c.market,
            c.cm or "",
            c.am or "",
            languages[c.market],
            url,
            expires.date(),
        )

    rows = [cells(c) for c in creators]
    scope = SAFE_NAME.sub("-", campaign.slug).strip("-") or "campaign"
    name = f"feedback-links-{scope}-{call.today().isoformat()}"
    if xlsx:
        file = File(f"{name}.xlsx", xlsx_bytes("links", EXPORT_COLUMNS, rows), XLSX_MIME, title)
    else:
        file = File(f"{name}.csv", csv_bytes(EXPORT_COLUMNS, rows), CSV_MIME, title)
    line = lang.n_(
        "The link of {count} creator is in the attached file.",
        "The links of {count} creators are in the attached file.",
        len(rows),
    )
    return Reply(
        (Header(title), Text(line.format(count=lang.number(len(rows)))), file), rows=len(rows)
    )


def _revoke(query: LinkQuery, call: Call) -> Reply:
    lang = call.lang
    creator = _creator(query.creator or "", call)
    campaign = _campaign_for(query.campaign, creator, call)
    count = revoke_links(
        creator.id,
        campaign.id if campaign else None,
        now=call.services.clock(),
        session=call.session,
    )
    if count == 0:
        return Reply(
            (
                Text(
                    lang._("@{handle} has no link that still works.").format(
                        handle=shown(creator.handle)
                    )
                ),
            )
        )
    line = lang.n_(
        "Revoked {count} link of @{handle}: it now opens a page saying it no longer works.",
        "Revoked {count} links of @{handle}: they now open a page saying they no longer work.",
        count,
    )
    return Reply(
        (Text(line.format(count=lang.number(count), handle=shown(creator.handle))),), rows=count
    )


def _language(call: Call, market: str) -> str:
    """The language a market's creators are written to: the market's first."""
    found = call.markets().get(market)
    first = (found.locales if found else "").split(",")[0].strip()
    return language_of(first)
