"""`portfolio [@cm|me] [market]`: an owner's creators, what needs action first — 7-day GMV and
its change, tier and the gap to the next, segments, open alerts, running campaigns and the
latest feedback. Also the Slack App Home tab (the owner matched by profile email or name)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import numpy as np

from creatorbot.analytics.creators import next_tier
from creatorbot.commands.core import Call, UserError
from creatorbot.commands.feedback import topic_label
from creatorbot.commands.i18n import N_, Lang
from creatorbot.commands.labels import change_label, creator_label
from creatorbot.commands.markets import is_market_word, resolve_market
from creatorbot.commands.owner_filter import ME, my_names, owners_of
from creatorbot.commands.parsing import words
from creatorbot.commands.reply import Block, Button, Buttons, Context, Header, Reply, Text
from creatorbot.commands.segments import URGENCY, segment_label
from creatorbot.storage.models import Creator, Market, Role
from creatorbot.storage.queries.markets import all_markets
from creatorbot.storage.queries.portfolio import Feedback, shown_creators
from creatorbot.storage.ranking.portfolio import Owned, owned_figures
from creatorbot.storage.ranking.state import market_state

USAGE = N_("portfolio [@cm|me] [market]")
SHOWN = 10


@dataclass(frozen=True)
class Owner:
    """Who is asking on the App Home: the names their creators may list them under."""

    email: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class PortfolioQuery:
    """A parsed `portfolio` request: whose (None: the asker's) and which market."""

    owner: str | None = None
    market: str | None = None


def parse(text: str, call: Call) -> PortfolioQuery:
    """An owner (`me`, `@name`, an email, a quoted full name) and a market, in any order."""
    market = None
    named: list[str] = []
    for word in words(text, call.lang):
        if len(word) == 2 and word.isalpha() and is_market_word(word, call):
            market = word.upper()
        elif word.lower().lstrip("@") not in ME:
            named.append(word)
    owner = " ".join(named).strip() or None
    return PortfolioQuery(owner, market)


def answer(query: PortfolioQuery, call: Call) -> Reply:
    """The portfolio asked for: the asker's own, or (a lead's question) a CM's or AM's of the
    lead's markets."""
    lang = call.lang
    mine = my_names(call)
    if query.owner is None:
        names, whose = _own(mine, call), None
    else:
        owners = owners_of(query.owner, call)
        if {n.lower() for n in owners.names} & {n.lower() for n in mine}:
            names, whose = list(owners.names), None
        elif not call.principal.may(Role.LEAD):
            raise UserError(
                lang._("Only a lead can see another owner's portfolio; `portfolio me` shows yours.")
            )
        else:
            names, whose = list(owners.names), owners.written.lstrip("@")
    markets = _markets(query.market, call)
    return build(names, markets, call, whose=whose)


def _own(names: tuple[str, ...], call: Call) -> list[str]:
    if not names:
        raise UserError(
            call.lang._(
                "I don't know your email or name here, so I can't tell which creators are "
                "yours. Name their CM or AM instead."
            )
        )
    return list(names)


def _markets(requested: str | None, call: Call) -> list[Market]:
    if requested:
        return [resolve_market(requested, call)]
    markets = all_markets(session=call.session)
    return [markets[code] for code in call.principal.visible(list(markets))]


def portfolio(owner: Owner, call: Call) -> Reply:
    """The App Home tab: the owner's creators in every market they may see."""
    names = [n for n in (owner.email, owner.name) if n]
    return build(names, _markets(None, call), call, whose=None)


@dataclass(frozen=True)
class _Entry:
    """One owned creator with what orders the list."""

    market: Market
    creator_id: int
    urgency: int
    alerts: int
    gmv_7d: int
    gmv_prev_7d: int
    gmv_30d: int
    segments: tuple[str, ...]


def build(names: list[str], markets: list[Market], call: Call, *, whose: str | None) -> Reply:
    """The portfolio of the creators whose CM or AM is one of `names`, in `markets`."""
    lang = call.lang
    title = (
        lang._("Your creators")
        if whose is None
        else lang._("{owner}'s creators").format(owner=whose)
    )
    entries: list[_Entry] = []
    counts = dict.fromkeys(URGENCY, 0)
    total = alerts = 0
    latest: dict[str, dt.date] = {}
    tiers: dict[str, list[tuple[str, int, int]]] = {}
    for market in markets:
        # The market's tiers and open alerts come with its state: one statement, not three.
        state = market_state(market.code, session=call.session, tiers=True, alerts=True)
        end = state.latest
        owned = (
            None
            if end is None
            else owned_figures(market.code, end, names, session=call.session, state=state)
        )
        if end is None or owned is None or not len(owned.ids):
            continue
        latest[market.code] = end
        tiers[market.code] = [(t.tier, t.rank, t.min_gmv_30d) for t in state.tiers or ()]
        total += len(owned.ids)
        for name in URGENCY:
            counts[name] += int(owned.segments[name].sum())
        found, market_alerts = _first(market, owned, state.alerts or Counter())
        entries += found
        alerts += market_alerts
    actions = Buttons((Button(lang._("Log feedback"), "form", "feedback", "primary"),))
    if not total and whose is not None:
        raise UserError(
            lang._("No creator in your markets lists {owner} as their CM or AM.").format(
                owner=whose
            )
        )
    if not total:
        message = lang._(
            "No creator lists you as their CM or AM yet. Creators are matched by the email or "
            "full name on your profile."
        )
        return Reply((Header(title), Text(message), actions))
    entries.sort(key=lambda e: (e.urgency, -e.alerts, -e.gmv_7d, e.market.code, e.creator_id))
    shown = entries[:SHOWN]
    summary = [lang.n_("{n} creator", "{n} creators", total).format(n=lang.number(total))]
    summary += [
        f"{segment_label(name, lang)} {lang.number(count)}"
        for name, count in counts.items()
        if count
    ]
    if alerts:
        summary.append(lang.n_("{n} open alert", "{n} open alerts", alerts).format(n=alerts))
    blocks: list[Block] = [Header(title), Text(" · ".join(summary))]
    blocks.append(Text("\n\n".join(_lines(shown, latest, tiers, len(markets) > 1, call))))
    if total > len(shown):
        blocks.append(
            Context(
                lang._("The {shown} that need action first, of {total}.").format(
                    shown=len(shown), total=lang.number(total)
                )
            )
        )
    first = shown[0].market.code
    blocks.append(
        Buttons(
            (
                *actions.buttons,
                Button(lang._("Tiers"), "open", f"tiers {first}"),
                Button(
                    lang._("Attention"), "open", f"leaderboard gmv 7d {first} segment:attention"
                ),
            )
        )
    )
    return Reply(tuple(blocks), rows=len(shown))


def _first(market: Market, owned: Owned, by_creator: Counter[int]) -> tuple[list[_Entry], int]:
    """The market's owned creators that need action first (at most SHOWN), and the open alerts
    about all of them (`by_creator`: the market's open alerts by creator id)."""
    alert_count = np.zeros(len(owned.ids), dtype=np.int64)
    if by_creator:
        ids = np.array(list(by_creator), dtype=np.int64)
        counts = np.array(list(by_creator.values()), dtype=np.int64)
        at = np.searchsorted(owned.ids, ids)
        mine = at < len(owned.ids)
        mine[mine] = owned.ids[at[mine]] == ids[mine]
        alert_count[at[mine]] = counts[mine]
    urgency, settled = owned.ranked(URGENCY)
    # Creators without alerts keep their settled order (urgency, GMV, id): the first SHOWN of
    # them, with every creator that has alerts, hold the SHOWN first of the whole order.
    alerted = np.flatnonzero(alert_count)
    quiet = settled[: SHOWN + len(alerted)]
    quiet = quiet[alert_count[quiet] == 0][:SHOWN]
    chosen = np.concatenate((alerted, quiet))
    keys = (owned.ids[chosen], -owned.gmv_7d[chosen], -alert_count[chosen], urgency[chosen])
    order = chosen[np.lexsort(keys)][:SHOWN]
    entries = [
        _Entry(
            market=market,
            creator_id=int(owned.ids[i]),
            urgency=int(urgency[i]),
            alerts=int(alert_count[i]),
            gmv_7d=int(owned.gmv_7d[i]),
            gmv_prev_7d=int(owned.gmv_prev_7d[i]),
            gmv_30d=int(owned.gmv_30d[i]),
            segments=tuple(name for name in URGENCY if owned.segments[name][i]),
        )
        for i in order.tolist()
    ]
    return entries, int(alert_count.sum())


def _lines(
    entries: list[_Entry],
    latest: dict[str, dt.date],
    tiers: dict[str, list[tuple[str, int, int]]],
    several: bool,
    call: Call,
) -> list[str]:
    """Two short lines per creator: who, money and tier; then segments, alerts, campaigns and
    the latest feedback (`latest`: each market's latest day; `tiers`: its tiers, lowest
    first)."""
    codes = {e.market.code for e in entries}
    shown = shown_creators(
        [e.creator_id for e in entries], {c: latest[c] for c in codes}, session=call.session
    )
    lines = []
    for entry in entries:
        found = shown[entry.creator_id]
        lang = call.lang.for_market(entry.market.code)
        lines.append(
            _about(entry, found.creator, tiers[entry.market.code], several, lang)
            + "\n"
            + _doing(entry, found.campaigns, found.feedback, lang)
        )
    return lines


def _about(
    entry: _Entry, creator: Creator, tiers: list[tuple[str, int, int]], several: bool, lang: Lang
) -> str:
    market = entry.market

    def money(minor: int) -> str:
        return lang.money(minor, market.currency, market.minor_units)

    ratio = (
        None if entry.gmv_prev_7d == 0 else (entry.gmv_7d - entry.gmv_prev_7d) / entry.gmv_prev_7d
    )
    where = f" · {market.code}" if several else ""
    head = f"*{creator_label(creator.display_name, creator.handle)}*{where}"
    week = lang._("7d {gmv} ({change})").format(
        gmv=money(entry.gmv_7d), change=change_label(ratio, lang)
    )
    step = next_tier(creator.tier, entry.gmv_30d, tiers)
    if step is None:
        tier = creator.tier
    elif step.missing:
        tier = lang._("{tier}, {missing} to {next}").format(
            tier=creator.tier, missing=money(step.missing), next=step.name
        )
    else:
        tier = lang._("{tier}, past {next}").format(tier=creator.tier, next=step.name)
    return f"{head} — {week} · {tier}"


def _doing(entry: _Entry, campaigns: list[str], feedback: Feedback | None, lang: Lang) -> str:
    parts = (
        [", ".join(segment_label(name, lang) for name in entry.segments)] if entry.segments else []
    )
    if entry.alerts:
        parts.append(
            lang.n_("{n} open alert", "{n} open alerts", entry.alerts).format(n=entry.alerts)
        )
    if campaigns:
        parts.append(", ".join(campaigns[:2]))
    if feedback is not None:
        parts.append(
            lang._("feedback {stars} {topic} ({day})").format(
                stars="★" * feedback.rating,
                topic=topic_label(feedback.topic, lang),
                day=lang.date(feedback.created_at.date()),
            )
        )
    return "   " + (" · ".join(parts) if parts else lang._("nothing to act on"))
