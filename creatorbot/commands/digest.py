"""`digest`: a channel's scheduled posts — subscribe, list, pause, resume, run now, war-room,
unsubscribe. The jobs floor posts them; this command only manages the subscriptions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import event
from sqlalchemy.orm import object_session

from creatorbot.commands.core import Call, UserError
from creatorbot.commands.floors import FloorWords, floor_phrase, opens_floor, take_floor
from creatorbot.commands.i18n import N_, Lang
from creatorbot.commands.markets import is_market_word, resolve_market
from creatorbot.commands.parsing import unknown_word, words
from creatorbot.commands.policy import ME
from creatorbot.commands.reply import Block, Column, Context, Header, Reply, Table, Text
from creatorbot.commands.run_labels import local_moment, period_label
from creatorbot.commands.vocabulary import meaning_of, words_of
from creatorbot.storage import ledger
from creatorbot.storage.models import (
    Campaign,
    Market,
    Run,
    RunStatus,
    Subscription,
    SubscriptionKind,
    SuspendReason,
)
from creatorbot.storage.queries.anomaly_scan import default_floor, floor_of
from creatorbot.storage.queries.markets import all_markets
from creatorbot.storage.subscriptions import (
    channel_subscriptions,
    lift_suspension,
    owner_subscriptions,
    subscribe,
)

USAGE = N_(
    "digest subscribe snapshot|alerts|feedback [market] [at HH:MM] | "
    "digest subscribe alerts me [market] [at HH:MM] [at least N orders a day] | "
    "digest subscribe portfolio me [at HH:MM] | digest list | "
    "digest run|pause|resume|unsubscribe ID | digest war-room ID on|off"
)
ACTIONS = ("subscribe", "list", "run", "pause", "resume", "unsubscribe", "war-room")
DEFAULT_AT = "09:00"
KIND_LABELS = {
    SubscriptionKind.SNAPSHOT: N_("daily ranking snapshot"),
    SubscriptionKind.ALERTS: N_("anomaly alerts"),
    SubscriptionKind.FEEDBACK: N_("feedback prompts"),
    SubscriptionKind.PORTFOLIO: N_("morning portfolio"),
}
# A channel follows a campaign with `campaign follow` (commands/campaign_follow.py), not with
# `digest subscribe`; its subscription is listed and managed here like the others.
CAMPAIGN_LABEL = N_("campaign posts")
STATUS_LABELS = {
    RunStatus.PENDING: N_("queued"),
    RunStatus.CLAIMED: N_("posting"),
    RunStatus.POSTED: N_("posted"),
    RunStatus.QUIET: N_("nothing new"),
    RunStatus.FAILED: N_("failed"),
    RunStatus.SKIPPED: N_("skipped"),
}
CONSOLE_CHANNEL = "console"
SUSPENDED = {
    SuspendReason.UNINSTALLED: N_("Paused: the app was uninstalled from this workspace on {date}."),
    SuspendReason.REVOKED: N_("Paused: the app's access to this workspace was revoked on {date}."),
}


@dataclass(frozen=True)
class DigestQuery:
    """One digest action and its arguments."""

    action: str
    kind: SubscriptionKind | None = None
    market: str | None = None
    at: str = DEFAULT_AT
    subscription: int | None = None
    on: bool = True
    me: bool = False  # personal: to the user's DM, about their own creators
    floor: FloorWords = FloorWords()


def parse(text: str, call: Call) -> DigestQuery:
    """`subscribe KIND [market] [at HH:MM]`, `list`, `ACTION ID`, `war-room ID on|off`."""
    tokens = words(text, call.lang)
    if not tokens:
        return DigestQuery("list")
    action = tokens[0].lower()
    if action not in ACTIONS:
        raise unknown_word(tokens[0], ACTIONS, call.lang, USAGE)
    rest = tokens[1:]
    if action == "list":
        if rest:
            raise unknown_word(rest[0], (), call.lang, USAGE)
        return DigestQuery("list")
    if action == "subscribe":
        return _parse_subscribe(rest, call)
    if not rest:
        raise UserError(
            call.lang._("Which subscription? Give its number from `digest list`."),
            call.lang._("Usage: {usage}").format(usage=call.lang._(USAGE)),
        )
    number = _subscription_id(rest[0], call.lang)
    if action != "war-room":
        if len(rest) > 1:
            raise unknown_word(rest[1], (), call.lang, USAGE)
        return DigestQuery(action, subscription=number)
    switch = (meaning_of("switches", rest[1]) or "") if len(rest) == 2 else ""
    if switch not in ("on", "off"):
        raise UserError(
            call.lang._("Say `on` or `off`: digest war-room {id} on").format(id=number),
            call.lang._("Usage: {usage}").format(usage=call.lang._(USAGE)),
        )
    return DigestQuery(action, subscription=number, on=switch == "on")


def _parse_subscribe(rest: list[str], call: Call) -> DigestQuery:
    kinds = [kind.value for kind in KIND_LABELS]
    meant = meaning_of("kinds", rest[0]) if rest else None
    if meant is None:
        own = [words_of("kinds", kind, call.lang.language)[0] for kind in kinds]
        asked = call.lang._("Subscribe to what? One of: {kinds}.").format(kinds=", ".join(own))
        if rest:
            unknown = unknown_word(rest[0], dict.fromkeys([*own, *kinds]), call.lang, USAGE)
            raise UserError(f"{unknown.message} {asked}", *unknown.hints)
        raise UserError(asked, call.lang._("Usage: {usage}").format(usage=call.lang._(USAGE)))
    kind = SubscriptionKind(meant)
    market, at, me, floor = None, DEFAULT_AT, False, FloorWords()
    tokens = rest[1:]
    while tokens:
        if opens_floor(tokens):
            floor = take_floor(tokens, floor, call.lang)
            continue
        word = tokens.pop(0)
        if meaning_of("times", word) == "at" and tokens:
            at = _parse_time(tokens.pop(0), call.lang)
        elif ":" in word and word[0].isdigit():
            at = _parse_time(word, call.lang)
        elif word.lower() in ME:
            me = True
        elif market is None and is_market_word(word, call):
            market = word.upper()
        else:
            raise unknown_word(word, ("at", "me", "at least"), call.lang, USAGE)
    return DigestQuery("subscribe", kind=kind, market=market, at=at, me=me, floor=floor)


def _parse_time(value: str, lang: Lang) -> str:
    hours, _, minutes = value.partition(":")
    if hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60:
        return f"{int(hours):02d}:{int(minutes):02d}"
    raise UserError(
        lang._("“{value}” is not a time of day. Write it as HH:MM, e.g. 09:00.").format(value=value)
    )


def _subscription_id(value: str, lang: Lang) -> int:
    if value.lstrip("#").isdigit():
        return int(value.lstrip("#"))
    raise UserError(
        lang._("“{value}” is not a subscription number; `digest list` shows them.").format(
            value=value
        )
    )


def answer(query: DigestQuery, call: Call) -> Reply:
    """Do the action and say what changed, in the user's language."""
    if query.action == "subscribe":
        return _subscribe(query, call)
    if query.action == "list":
        return _list(call)
    subscription = _own(query.subscription, call)
    lang = call.lang
    what = _describe(subscription, lang)
    if query.action == "unsubscribe":
        call.session.delete(subscription)
        return Reply((Text(lang._("Unsubscribed: {what}.").format(what=what)),))
    if query.action in ("pause", "resume"):
        if query.action == "resume" and subscription.suspended_at is not None:
            # The workspace's posts stopped together; whoever brings the app back resumes them.
            lift_suspension(
                subscription.platform,
                subscription.workspace,
                now=call.services.clock(),
                session=call.session,
            )
        subscription.paused = query.action == "pause"
        message = lang._("Paused: {what}.") if subscription.paused else lang._("Resumed: {what}.")
        return Reply((Text(message.format(what=what)),))
    if query.action == "war-room":
        return _war_room(subscription, query.on, call)
    return _run_now(subscription, call)


def _subscribe(query: DigestQuery, call: Call) -> Reply:
    assert query.kind is not None
    lang = call.lang
    _check_personal(query, lang)
    market = resolve_market(query.market, call)
    request = call.request
    floor = query.floor
    subscription = subscribe(
        platform=request.platform,
        workspace=request.workspace,
        # A personal subscription goes to the user's DM, wherever it was asked for.
        channel=request.user if query.me else request.channel or CONSOLE_CHANNEL,
        kind=query.kind,
        market=market.code,
        at_time=query.at,
        locale=request.locale,
        created_by=request.user,
        now=call.services.clock(),
        session=call.session,
        owner=request.user if query.me else None,
        min_orders=floor.orders,
        min_gmv=None if floor.money is None else int(floor.money * 10**market.minor_units),
    )
    if query.me:
        message = lang._(
            "Subscribed you to the {what}, by direct message, at {time} {zone} time. "
            "Its number: {id}."
        )
    else:
        message = lang._(
            "Subscribed this channel to the {what}, at {time} {zone} time. Its number: {id}."
        )
    blocks: list[Block] = [
        Text(
            message.format(
                what=lang._(KIND_LABELS[query.kind]) + " · " + lang.market_name(market.code),
                time=query.at,
                zone=market.timezone,
                id=subscription.id,
            )
        )
    ]
    if query.kind is SubscriptionKind.ALERTS:
        blocks.append(Context(_floor_text(subscription, market, lang.for_market(market.code))))
    hint = lang._("`digest run {id}` posts one now; `digest list` shows them all.")
    blocks.append(Context(hint.format(id=subscription.id)))
    return Reply(tuple(blocks))


def _check_personal(query: DigestQuery, lang: Lang) -> None:
    """A portfolio is always someone's; a floor is for alerts only."""
    if query.kind is SubscriptionKind.PORTFOLIO and not query.me:
        raise UserError(
            lang._("The morning portfolio is personal: it goes to you by direct message."),
            lang._("Try: digest subscribe portfolio me at 09:00"),
        )
    if query.floor != FloorWords() and query.kind is not SubscriptionKind.ALERTS:
        raise UserError(lang._("A floor (`at least …`) is for alert subscriptions only."))


def _floor_text(subscription: Subscription, market: Market, lang: Lang) -> str:
    """Which creators its alerts judge: the subscription's floor, the team's where it sets none."""
    floor = floor_of(market, subscription.min_orders, subscription.min_gmv)
    floor = floor or default_floor(market)
    return lang._("Alerts about creators from {floor} on a usual day.").format(
        floor=floor_phrase(floor.orders, floor.gmv, market, lang)
    )


def _list(call: Call) -> Reply:
    lang = call.lang
    mine = _channel(call)
    admin = call.principal.admin
    if not mine:
        if not admin:
            return Reply(
                (
                    Text(lang._("You have no personal subscriptions.")),
                    Context(lang._("Try: digest subscribe portfolio me at 09:00")),
                )
            )
        return Reply(
            (
                Text(lang._("This channel has no subscriptions.")),
                Context(lang._("Try: digest subscribe snapshot MY at 09:00")),
            )
        )
    runs = ledger.runs_of([s.id for s in mine], session=call.session)
    last: dict[int, Run] = {}
    for run in runs:
        if run.status is not RunStatus.PENDING:
            last[run.subscription_id] = run
    zones = {code: ZoneInfo(m.timezone) for code, m in all_markets(session=call.session).items()}
    zone_of = {s.id: zones[s.market] for s in mine}
    rows = tuple(_row(s, last.get(s.id), zone_of[s.id], lang) for s in mine)
    blocks: list = [
        Header(
            lang._("Scheduled posts in this channel") if admin else lang._("Your scheduled posts")
        ),
        Table(
            (
                Column("#", "right"),
                Column(lang._("What")),
                Column(lang._("When")),
                Column(lang._("State")),
                Column(lang._("Last post")),
            ),
            rows,
        ),
    ]
    suspended = next((s for s in mine if s.suspended_at is not None), None)
    if suspended is not None:
        blocks.append(Text(_suspension(suspended, call)))
    failed = [run for run in runs if run.status is RunStatus.FAILED]
    for run in failed[-5:]:
        blocks.append(Text(_failure(run, zone_of[run.subscription_id], lang)))
    skipped = [run for run in runs if run.status is RunStatus.SKIPPED]
    if skipped:
        periods = ", ".join(
            f"#{run.subscription_id} {period_label(run.period, zone_of[run.subscription_id], lang)}"
            for run in skipped[-5:]
        )
        blocks.append(
            Context(
                lang._(
                    "Missed while no scheduler was running, too late to post: {periods}."
                ).format(periods=periods)
            )
        )
    return Reply(tuple(blocks), rows=len(rows))


def _suspension(subscription: Subscription, call: Call) -> str:
    """Why the workspace's posts stopped, since when (the market's day), and how to start
    them again."""
    assert subscription.suspended_at is not None
    lang = call.lang
    reason = SuspendReason(subscription.suspended_reason or SuspendReason.REVOKED)
    zone = ZoneInfo(all_markets(session=call.session)[subscription.market].timezone)
    stamp = subscription.suspended_at
    stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)  # SQLite: stored as UTC
    when = lang.date(stamp.astimezone(zone).date())
    hint = lang._(
        "Once the app is back, `digest resume {id}` starts this workspace's scheduled posts again."
    )
    return lang._(SUSPENDED[reason]).format(date=when) + " " + hint.format(id=subscription.id)


def _row(
    subscription: Subscription, last: Run | None, zone: ZoneInfo, lang: Lang
) -> tuple[str, ...]:
    stopped = subscription.paused or subscription.suspended_at is not None
    state = lang._("paused") if stopped else lang._("active")
    if subscription.war_room:
        state += " · " + lang._("war-room")
    return (
        f"#{subscription.id}",
        _describe(subscription, lang, numbered=False),  # the number has its own column
        subscription.at_time,
        state,
        f"{period_label(last.period, zone, lang)} · {lang._(STATUS_LABELS[last.status])}"
        if last
        else "—",
    )


def _failure(run: Run, zone: ZoneInfo, lang: Lang) -> str:
    if run.next_attempt_at:
        retry_at = run.next_attempt_at
        retry_at = retry_at if retry_at.tzinfo else retry_at.replace(tzinfo=dt.UTC)  # SQLite
        retry = lang._("retrying at {time}").format(time=local_moment(retry_at, zone, lang))
    else:
        retry = lang._("gave up; `digest run {id}` tries again").format(id=run.subscription_id)
    return lang.n_(
        "*#{id} {period}* failed after {n} attempt ({error}); {retry}.",
        "*#{id} {period}* failed after {n} attempts ({error}); {retry}.",
        run.attempts,
    ).format(
        id=run.subscription_id,
        period=period_label(run.period, zone, lang),
        n=run.attempts,
        error=(run.error or "").splitlines()[0][:120] if run.error else "?",
        retry=retry,
    )


def _war_room(subscription: Subscription, on: bool, call: Call) -> Reply:
    lang = call.lang
    if subscription.kind is not SubscriptionKind.SNAPSHOT:
        raise UserError(lang._("War-room mode is for snapshot subscriptions only."))
    subscription.war_room = on
    if on:
        message = lang._(
            "War-room on for {what}: on mega-sale days it posts every hour, "
            "and goes back to daily when the sale ends."
        )
    else:
        message = lang._("War-room off for {what}: one post a day.")
    return Reply((Text(message.format(what=_describe(subscription, lang))),))


def _run_now(subscription: Subscription, call: Call) -> Reply:
    if subscription.suspended_at is not None:  # the runner would leave it queued for ever
        raise UserError(_suspension(subscription, call))
    now = call.services.clock()
    job = JOB_OF_KIND[subscription.kind]
    period = f"manual:{now.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%S}"
    queued = ledger.queue(job, subscription.id, period, now=now, session=call.session)
    lang = call.lang
    if queued is None:
        raise UserError(lang._("That post was asked for a moment ago; it is on its way."))
    # The runner must see the queued row: it is woken once this unit of work has committed.
    event.listen(call.session, "after_commit", lambda _: call.services.wake_jobs(), once=True)
    return Reply((Text(lang._("Posting now: {what}.").format(what=_describe(subscription, lang))),))


# The job a `digest run` of each kind posts (names declared by the jobs floor's @job).
JOB_OF_KIND = {
    SubscriptionKind.SNAPSHOT: "snapshot",
    SubscriptionKind.ALERTS: "alerts",
    SubscriptionKind.FEEDBACK: "feedback",
    SubscriptionKind.PORTFOLIO: "portfolio",
    SubscriptionKind.CAMPAIGN: "campaign-reminder",
}


def _channel(call: Call) -> list[Subscription]:
    """The channel's subscriptions and the user's own (wherever they ask from); only their own
    for anyone but an admin (a channel's posts are the admins' to manage)."""
    request = call.request
    mine = owner_subscriptions(
        request.platform, request.workspace, request.user, session=call.session
    )
    if not call.principal.admin:
        return mine
    found = channel_subscriptions(
        request.platform,
        request.workspace,
        request.channel or CONSOLE_CHANNEL,
        session=call.session,
    )
    known = {s.id for s in found}
    return sorted([*found, *(s for s in mine if s.id not in known)], key=lambda s: s.id)


def _own(number: int | None, call: Call) -> Subscription:
    """A subscription of this channel (or the user's own) by number; a clear error for any
    other."""
    found = next((s for s in _channel(call) if s.id == number), None)
    if found is None:
        if not call.principal.admin:
            raise UserError(
                call.lang._("You have no subscription #{id}.").format(id=number),
                call.lang._("`digest list` shows yours."),
            )
        raise UserError(
            call.lang._("This channel has no subscription #{id}.").format(id=number),
            call.lang._("`digest list` shows this channel's subscriptions."),
        )
    return found


def _describe(subscription: Subscription, lang: Lang, *, numbered: bool = True) -> str:
    if subscription.kind is SubscriptionKind.CAMPAIGN:
        session = object_session(subscription)
        campaign = session.get(Campaign, subscription.campaign_id) if session else None
        followed = campaign.slug if campaign else "?"
        described = f"{lang._(CAMPAIGN_LABEL)} · {followed}"
        return f"#{subscription.id} {described}" if numbered else described
    kind = lang._(KIND_LABELS[subscription.kind])
    described = f"{kind} · {lang.market_name(subscription.market)}"
    if numbered:
        described = f"#{subscription.id} {described}"
    if subscription.owner:
        described += " · " + lang._("yours, by DM")
    if subscription.min_orders is not None:
        described += " · " + lang._("from {n} orders a day").format(
            n=lang.number(subscription.min_orders)
        )
    elif subscription.min_gmv is not None:
        described += " · " + lang._("with its own floor")
    return described
