"""`campaign follow SLUG [at HH:MM]`: this channel hears about one campaign — its start, each of
its last `remind_days` days, and its recap — through a subscription of kind CAMPAIGN with the
campaign's id (listed, paused and removed with `digest` like any other); `campaign unfollow
SLUG` stops it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from creatorbot.commands.campaign_setup import check_lead
from creatorbot.commands.core import Call, UserError
from creatorbot.commands.digest import CONSOLE_CHANNEL, DEFAULT_AT, _parse_time
from creatorbot.commands.lookups import find_campaign
from creatorbot.commands.reply import Context, Reply, Text
from creatorbot.commands.vocabulary import meaning_of
from creatorbot.storage.hold import hold_name
from creatorbot.storage.models import Subscription, SubscriptionKind
from creatorbot.storage.queries.markets import all_markets
from creatorbot.storage.subscriptions import subscribe


@dataclass(frozen=True)
class FollowQuery:
    """`campaign follow SLUG [at HH:MM]` or `campaign unfollow SLUG`."""

    action: str
    slug: str
    at: str = DEFAULT_AT


def parse(action: str, tokens: list[str], call: Call) -> FollowQuery:
    """The slug, then for `follow` an optional time."""
    lang = call.lang
    if not tokens:
        asked = lang._("Which campaign? Write `campaign {action} SLUG`.")
        raise UserError(asked.format(action=action))
    slug, rest, at = tokens[0], tokens[1:], DEFAULT_AT
    while rest and action == "follow":
        word = rest.pop(0)
        if meaning_of("times", word) == "at" and rest:
            at = _parse_time(rest.pop(0), lang)
        elif ":" in word and word[:1].isdigit():
            at = _parse_time(word, lang)
        else:
            rest.insert(0, word)
            break
    if rest:
        raise UserError(lang._("I don't understand “{word}”.").format(word=" ".join(rest)))
    return FollowQuery(action, slug, at)


def following(call: Call, campaign_id: int) -> list[Subscription]:
    """This channel's subscriptions to one campaign."""
    request = call.request
    query = select(Subscription).where(
        Subscription.platform == request.platform,
        Subscription.workspace == request.workspace,
        Subscription.channel == (request.channel or CONSOLE_CHANNEL),
        Subscription.kind == SubscriptionKind.CAMPAIGN,
        Subscription.campaign_id == campaign_id,
    )
    return list(call.session.scalars(query))


def answer(query: FollowQuery, call: Call) -> Reply:
    """Subscribe the channel to the campaign, or stop."""
    lang = call.lang
    campaign = find_campaign(query.slug, call)
    check_lead(campaign.market, call)
    request = call.request
    channel = request.channel or CONSOLE_CHANNEL
    if query.action == "follow":  # the same follow sent twice at once: one subscription
        held = f"follow:{request.platform}:{request.workspace}:{channel}:{campaign.id}"
        hold_name(held, session=call.session)
    found = following(call, campaign.id)
    if query.action == "unfollow":
        if not found:
            not_followed = lang._("This channel does not follow {name}.")
            raise UserError(not_followed.format(name=campaign.name))
        for subscription in found:
            call.session.delete(subscription)
        stopped = lang._("This channel no longer follows {name}.")
        return Reply((Text(stopped.format(name=campaign.name)),))
    if found:
        raise UserError(
            lang._("This channel already follows {name} (subscription #{id}).").format(
                name=campaign.name, id=found[0].id
            )
        )
    subscription = subscribe(
        platform=request.platform,
        workspace=request.workspace,
        channel=channel,
        kind=SubscriptionKind.CAMPAIGN,
        market=campaign.market,
        at_time=query.at,
        locale=request.locale,
        created_by=request.user,
        now=call.services.clock(),
        session=call.session,
    )
    subscription.campaign_id = campaign.id
    zone = all_markets(session=call.session)[campaign.market].timezone
    reminders = (
        lang.n_(
            "a reminder on each of its last {n} day",
            "a reminder on each of its last {n} days",
            campaign.remind_days,
        ).format(n=campaign.remind_days)
        if campaign.remind_days
        else lang._("no reminders (none set)")
    )
    text = lang._(
        "This channel follows {name}: a post when it starts, {reminders} and its recap, "
        "at {time} {zone} time. Its number: {id}."
    ).format(name=campaign.name, reminders=reminders, time=query.at, zone=zone, id=subscription.id)
    hint = lang._(
        "`digest list` shows it; `digest pause {id}` or `campaign unfollow {slug}` stops it."
    )
    return Reply((Text(text), Context(hint.format(id=subscription.id, slug=campaign.slug))))
