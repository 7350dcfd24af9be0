"""Enrolment written: the creators a preview kept for its Enrol button (storage/pending.py),
checked again at the click — whoever joined an overlapping campaign meanwhile is named and
left out, nobody else is added — then written through the enrollments write path, audited."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from creatorbot.commands.campaign_setup import audit, local_today
from creatorbot.commands.core import Call, UserError
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Button, Buttons, Reply, Text
from creatorbot.storage import pending
from creatorbot.storage.handles import shown
from creatorbot.storage.models import Campaign
from creatorbot.storage.queries.enrolment import creators_by_id, enrolled_ids, in_overlapping
from creatorbot.storage.queries.markets import all_markets
from creatorbot.storage.writer import write_enrollments

CONFIRM = "confirm"
MAX_ENROLL = 5000  # creators one preview may enrol at once
LISTED = 20  # handles named per group in a preview
_TOKEN = re.compile(r"^[0-9a-f]{32}$", re.IGNORECASE)


@dataclass(frozen=True)
class Groups:
    """Known creators sorted out against the campaign: how many it has already, those in an
    overlapping campaign (with its slug), and those to add, (creator id, handle) each."""

    already: int
    clashes: list[tuple[int, str, str]] = field(default_factory=list)
    adding: list[tuple[int, str]] = field(default_factory=list)


def is_token(word: str) -> bool:
    """Whether `word` is a preview's token (what its Enrol button carries)."""
    return bool(_TOKEN.match(word))


def sort_out(campaign: Campaign, known: list[tuple[int, str]], call: Call) -> Groups:
    """`known` creators as they stand now: already in the campaign, in an overlapping one, or
    to add."""
    already = enrolled_ids(campaign.id, session=call.session)
    fresh = [(cid, handle) for cid, handle in known if cid not in already]
    taken = in_overlapping(campaign, [cid for cid, _ in fresh], session=call.session)
    return Groups(
        len(known) - len(fresh),
        [(cid, handle, taken[cid]) for cid, handle in fresh if cid in taken],
        [(cid, handle) for cid, handle in fresh if cid not in taken],
    )


def confirm(campaign: Campaign, token: str, call: Call) -> Reply:
    """The Enrol button: the creators its preview kept, as they stand now, enrolled."""
    lang = call.lang
    kept = pending.find(token, now=call.services.clock(), session=call.session)
    if kept is None or kept.campaign_id != campaign.id:
        raise UserError(
            lang._("This preview has expired (they last 24 hours): ask for it again."),
            lang._("Write `campaign enroll {slug}` with the creators.").format(slug=campaign.slug),
        )
    if (kept.platform, kept.user_id) != (call.request.platform, call.request.user):
        raise UserError(lang._("Only the person who asked for this preview can confirm it."))
    handles = creators_by_id(campaign.market, kept.creator_ids, session=call.session)
    known = [(cid, handles[cid]) for cid in kept.creator_ids if cid in handles]
    return enrol(campaign, sort_out(campaign, known, call), call)


def enrol(
    campaign: Campaign, groups: Groups, call: Call, unknown: list[str] | None = None
) -> Reply:
    """Write `groups.adding`, audit it, and say so, naming who was left out and why (in an
    overlapping campaign, or `unknown` handles typed with `confirm`)."""
    lang = call.lang
    adding = groups.adding
    if adding:
        market = all_markets(session=call.session)[campaign.market]
        frame = pd.DataFrame(
            {
                "campaign": campaign.slug,
                "handle": [handle for _, handle in adding],
                "enrolled_on": local_today(market, call),
            }
        )
        write_enrollments(frame, session=call.session)
        handles = " ".join(f"@{h}" for _, h in adding)
        audit(call, f"enroll {campaign.slug}: +{len(adding)} {handles}"[:4000])
    total = len(enrolled_ids(campaign.id, session=call.session))
    text = lang.n_(
        "Enrolled {n} creator in {name}; it has {total} now.",
        "Enrolled {n} creators in {name}; it has {total} now.",
        len(adding),
    ).format(n=lang.number(len(adding)), name=campaign.name, total=lang.number(total))
    blocks: list = [Text(text)]
    if groups.clashes:
        blocks.append(clash_text(groups.clashes, lang))
    if unknown:
        blocks.append(Text(lang._("*Unknown:* {handles}").format(handles=listed(unknown, lang))))
    blocks.append(
        Buttons(
            (
                Button(lang._("Campaign"), "open", f"campaign {campaign.slug}"),
                Button(lang._("Leaderboard"), "open", f"leaderboard campaign:{campaign.slug}"),
            )
        )
    )
    return Reply(tuple(blocks), rows=len(adding))


def clash_text(clashes: list[tuple[int, str, str]], lang: Lang) -> Text:
    """Who is not added for being in an overlapping campaign, each with its slug."""
    taken = {handle: slug for _, handle, slug in clashes}
    return Text(
        lang._("*Not added, already in an overlapping campaign:* {handles}").format(
            handles=listed(list(taken), lang, taken)
        )
    )


def listed(handles: list[str], lang: Lang, notes: dict[str, str] | None = None) -> str:
    """The first LISTED handles as a reader sees them (each with its note, if any), and how
    many more there are."""
    notes = notes or {}
    named = [
        f"@{shown(h)} ({notes[h]})" if h in notes else f"@{shown(h)}" for h in handles[:LISTED]
    ]
    text = ", ".join(named)
    if len(handles) > LISTED:
        text += " " + lang._("and {n} more").format(n=lang.number(len(handles) - LISTED))
    return text
