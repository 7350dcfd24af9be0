"""`campaign enroll SLUG` from pasted handles, a filter (`segment:potential category:beauty
tier:L2 top 100`, read as `leaderboard` reads it) or a dropped list (commands/enrol_file.py),
first as a preview — who is added, who is unknown, who is already in an overlapping campaign of
the market — whose Enrol button enrols exactly the creators it showed (commands/enrol_write.py);
`campaign unenroll SLUG @handle…`. Both go through the enrollments write path (atomic,
idempotent, the campaign's stats refreshed) and are audited."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from creatorbot.commands import enrol_write, leaderboard
from creatorbot.commands.campaign_setup import audit, check_lead, local_today
from creatorbot.commands.core import Call, UserError
from creatorbot.commands.enrol_write import CONFIRM, MAX_ENROLL, listed, sort_out
from creatorbot.commands.labels import metric_label
from creatorbot.commands.lookups import find_campaign
from creatorbot.commands.reply import Button, Buttons, Context, Fields, Header, Reply, Text
from creatorbot.commands.vocabulary import option
from creatorbot.storage import pending
from creatorbot.storage.handles import handle_key
from creatorbot.storage.models import Campaign
from creatorbot.storage.queries.enrolment import creators_by_handle, enrolled_ids
from creatorbot.storage.queries.markets import all_markets
from creatorbot.storage.writer import remove_enrollments

FILTER_PERIOD = "30d"  # a filter ranks creators over this window unless it names another
FILTER_KEYS = frozenset({"tier", "category", "segment", "cm", "am", "as-of"})
_TOP = re.compile(r"^(?:top|primi|teratas):?(\d*)$", re.IGNORECASE)


@dataclass(frozen=True)
class EnrollQuery:
    """`campaign enroll SLUG [confirm] handles|filters` or `campaign unenroll SLUG handles`."""

    action: str
    slug: str
    words: tuple[str, ...]
    confirm: bool = False
    token: str = ""  # the preview's pending set, which its Enrol button confirms


def parse(action: str, tokens: list[str], call: Call) -> EnrollQuery:
    """The slug, `confirm` (the preview's button), then handles or filters."""
    lang = call.lang
    if not tokens:
        raise UserError(
            lang._("Which campaign? Write `campaign {action} SLUG` and the creators.").format(
                action=action
            )
        )
    slug, rest = tokens[0], tokens[1:]
    confirm = bool(rest) and rest[0].lower() == CONFIRM
    rest = rest[1:] if confirm else rest
    if confirm and len(rest) == 1 and enrol_write.is_token(rest[0]):
        return EnrollQuery(action, slug, (), True, rest[0].lower())
    if not rest:
        hints = (
            lang._(
                "Or send me a list of handles (CSV, XLSX or TXT) with this command as its "
                "message; on Lark, answer the file with it."
            ),
        )
        raise UserError(
            lang._(
                "Name the creators: handles (@aisyah.beauty @farah) or filters "
                "(segment:potential category:beauty tier:L2 top 100)."
            ),
            *(hints if action == "enroll" else ()),
        )
    return EnrollQuery(action, slug, tuple(rest), confirm)


def is_filter(words: tuple[str, ...]) -> bool:
    """Whether the words are filters (`tier:L2`, `top 100`) rather than handles."""
    return any(
        _TOP.match(w) or (":" in w and option(w.partition(":")[0]) in FILTER_KEYS) for w in words
    )


def answer(query: EnrollQuery, call: Call) -> Reply:
    """The preview, the enrolment once confirmed, or the creators taken out."""
    campaign = open_campaign(query.slug, call)
    if query.action == "unenroll":
        return _unenroll(campaign, query, call)
    if query.token:
        return enrol_write.confirm(campaign, query.token, call)
    if is_filter(query.words):
        # A filter is run for the preview only: its button enrols the creators shown then.
        handles, note = _filtered(campaign, query.words, call)
        return preview(campaign, handles, call, note)
    handles = [h for h in (w.lstrip("@").strip(",;") for w in query.words) if h]
    if query.confirm:  # handles typed with `confirm`: exactly those, no preview
        found = creators_by_handle(campaign.market, handles, session=call.session)
        known = list(dict.fromkeys(found[handle_key(h)] for h in handles if handle_key(h) in found))
        unknown = [h for h in dict.fromkeys(handles) if handle_key(h) not in found]
        return enrol_write.enrol(campaign, sort_out(campaign, known, call), call, unknown)
    return preview(campaign, handles, call)


def open_campaign(slug: str, call: Call) -> Campaign:
    """The campaign `slug` names, if the asker may change its creators and it has not ended."""
    campaign = find_campaign(slug, call)
    check_lead(campaign.market, call)
    market = all_markets(session=call.session)[campaign.market]
    if local_today(market, call) > campaign.ends_on:
        raise UserError(
            call.lang._("{name} has ended: its creators can no longer change.").format(
                name=campaign.name
            )
        )
    return campaign


def preview(campaign: Campaign, handles: list[str], call: Call, note: str = "") -> Reply:
    """Who of `handles` would be added, who is unknown, who is already in an overlapping
    campaign, who is already enrolled; the creators to add are kept for the Enrol button."""
    lang = call.lang
    found = creators_by_handle(campaign.market, handles, session=call.session)
    unknown = [h for h in dict.fromkeys(handles) if handle_key(h) not in found]
    known = list(dict.fromkeys(found[handle_key(h)] for h in handles if handle_key(h) in found))
    groups = sort_out(campaign, known, call)
    adding, clashes = groups.adding, groups.clashes
    title = lang._("Enrol in {name}: preview").format(name=campaign.name)
    fields = Fields(
        (
            (lang._("To add"), lang.number(len(adding))),
            (lang._("Already enrolled"), lang.number(groups.already)),
            (
                lang._("Unknown in {market}").format(market=campaign.market),
                lang.number(len(unknown)),
            ),
            (lang._("In an overlapping campaign"), lang.number(len(clashes))),
        )
    )
    blocks: list = [Header(title), fields]
    if adding:
        added = listed([h for _, h in adding], lang)
        blocks.append(Text(lang._("*Added:* {handles}").format(handles=added)))
    if unknown:
        blocks.append(Text(lang._("*Unknown:* {handles}").format(handles=listed(unknown, lang))))
    if clashes:
        blocks.append(enrol_write.clash_text(clashes, lang))
    if note:
        blocks.append(Context(note))
    if adding:
        token = pending.keep(
            campaign.id,
            [cid for cid, _ in adding],
            platform=call.request.platform,
            workspace=call.request.workspace,
            user=call.request.user,
            now=call.services.clock(),
            session=call.session,
        )
        command = " ".join(["campaign enroll", campaign.slug, CONFIRM, token])
        label = lang.n_("Enrol {n} creator", "Enrol {n} creators", len(adding)).format(
            n=lang.number(len(adding))
        )
        blocks.append(Buttons((Button(label, "run", command, "primary"),)))
        blocks.append(Context(lang._("The button enrols these creators; it works for 24 hours.")))
    else:
        blocks.append(Context(lang._("Nobody to add.")))
    return Reply(tuple(blocks), rows=len(adding))


def _filtered(campaign: Campaign, words: tuple[str, ...], call: Call) -> tuple[list[str], str]:
    """The handles a filter picks in the campaign's market: its creators ranked by the metric
    (GMV unless one is named) over the window (30 days unless one is named), the first `top N`
    (all of them, up to MAX_ENROLL, without one)."""
    lang = call.lang
    top, rest = MAX_ENROLL, []
    items = list(words)
    while items:
        word = items.pop(0)
        matched = _TOP.match(word)
        if matched:
            number = matched.group(1) or (items.pop(0) if items else "")
            if not number.isdigit() or int(number) < 1:
                raise UserError(lang._("`top` needs a number, e.g. top 100."))
            top = min(int(number), MAX_ENROLL)
        else:
            rest.append(word)
    query = leaderboard.parse(" ".join(rest), call)
    if query.market and query.market.upper() != campaign.market:
        raise UserError(
            lang._("Campaign {slug} runs in {market}, not {other}.").format(
                slug=campaign.slug, market=campaign.market, other=query.market.upper()
            )
        )
    query = replace(query, market=campaign.market, top=top)
    if query.period is None and query.named is None:
        query = replace(query, period=FILTER_PERIOD)
    board = leaderboard.compute(query, call)
    handles = board.ranked["handle"].head(top).tolist()
    note = lang._(
        "Picked by {metric} over {window}: the first {n} creators the filter ranks."
    ).format(
        metric=metric_label(query.metric, lang),
        window=lang.window(board.window.start, board.window.end),
        n=lang.number(len(handles)),
    )
    return [str(h) for h in handles], note


def _unenroll(campaign: Campaign, query: EnrollQuery, call: Call) -> Reply:
    lang = call.lang
    if is_filter(query.words):
        raise UserError(lang._("Name the creators to take out by handle."))
    handles = [w.lstrip("@").strip(",;") for w in query.words if w.strip("@,;")]
    found = creators_by_handle(campaign.market, handles, session=call.session)
    already = enrolled_ids(campaign.id, session=call.session)
    leaving = [found[k] for k in dict.fromkeys(map(handle_key, handles)) if k in found]
    leaving = [(cid, h) for cid, h in leaving if cid in already]
    removed = remove_enrollments(campaign.id, [cid for cid, _ in leaving], session=call.session)
    if removed:
        names = " ".join(f"@{h}" for _, h in leaving)
        audit(call, f"unenroll {campaign.slug}: -{removed} {names}"[:4000])
    not_in = [h for h in handles if handle_key(h) not in {handle_key(x) for _, x in leaving}]
    blocks: list = [
        Text(
            lang.n_(
                "Took {n} creator out of {name}.", "Took {n} creators out of {name}.", removed
            ).format(n=lang.number(removed), name=campaign.name)
        )
    ]
    if not_in:
        blocks.append(
            Context(lang._("Not in the campaign: {handles}").format(handles=listed(not_in, lang)))
        )
    return Reply(tuple(blocks), rows=removed)
