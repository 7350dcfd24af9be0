"""`creator HANDLE [market]`: who a creator is and what they sold in the last 7 and 30 days.

Contact details (email, phone) are never part of the answer."""

from __future__ import annotations

from dataclasses import dataclass

from creatorbot.analytics.windows import window_for
from creatorbot.commands.core import Call, UserError
from creatorbot.commands.markets import is_market_word
from creatorbot.commands.parsing import did_you_mean, words
from creatorbot.commands.reply import Context, Fields, Header, Reply
from creatorbot.storage.queries.creators import creator_totals, find_creators, handles_like
from creatorbot.storage.queries.markets import all_markets, latest_day

USAGE = "creator HANDLE [market]"


@dataclass(frozen=True)
class CreatorQuery:
    """A parsed `creator` request: a handle or display name, optionally a market."""

    name: str
    market: str | None = None


def parse(text: str, call: Call) -> CreatorQuery:
    """The handle (or a quoted display name), optionally followed by a market code."""
    tokens = words(text, call.lang)
    market = None
    if len(tokens) > 1 and is_market_word(tokens[-1], call):
        market = tokens.pop().upper()
    if not tokens:
        raise UserError(
            call.lang._("Which creator? Write `creator HANDLE`, e.g. `creator aisyah.beauty`.")
        )
    return CreatorQuery(" ".join(tokens), market)


def answer(query: CreatorQuery, call: Call) -> Reply:
    """Profile and 7/30-day GMV and orders; asks which market when a handle is in two."""
    lang = call.lang
    found = find_creators(query.name, session=call.session, market=query.market)
    if not found:
        hint = did_you_mean(query.name, handles_like(query.name, session=call.session), lang)
        message = lang._("I can't find a creator called “{name}”.").format(name=query.name)
        raise UserError(" ".join(p for p in (message, hint) if p))
    if len({c.market for c in found}) > 1:
        markets = ", ".join(sorted({c.market for c in found}))
        raise UserError(
            lang._(
                "“{name}” is a creator in {markets}. Add the market, e.g. `creator {name} {m}`."
            ).format(name=query.name, markets=markets, m=found[0].market)
        )
    creator = found[0]
    market = all_markets(session=call.session)[creator.market]
    lang = lang.for_market(market.code)
    end = latest_day(market.code, session=call.session)

    def money(minor: int) -> str:
        return lang.money(minor, market.currency, market.minor_units)

    fields: list[tuple[str, str]] = [
        (lang._("Tier"), creator.tier),
        (lang._("Category"), creator.category),
        (lang._("Followers"), lang.number(creator.followers)),
        (lang._("Creator Manager"), creator.cm or "—"),
        (lang._("Account Manager"), creator.am or "—"),
    ]
    context = lang._("No sales data yet.")
    if end is not None:
        for period, label_gmv, label_orders in (
            ("7d", lang._("GMV, last 7 days"), lang._("Orders, last 7 days")),
            ("30d", lang._("GMV, last 30 days"), lang._("Orders, last 30 days")),
        ):
            window = window_for(period, end)
            totals = creator_totals(creator.id, window.start, window.end, session=call.session)
            fields.append((label_gmv, money(totals["gmv"])))
            fields.append((label_orders, lang.number(totals["orders"])))
        context = lang._("Data through {day}.").format(day=lang.date(end))
    title = f"{creator.display_name} (@{creator.handle}) · {market.code}"
    return Reply((Header(title), Fields(tuple(fields)), Context(context)))
