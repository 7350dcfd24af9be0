"""Which market a command is about, when the user named one or did not."""

from __future__ import annotations

import datetime as dt

from creatorbot.commands.core import Call, UserError
from creatorbot.commands.i18n import N_, Lang
from creatorbot.commands.reply import Button, Context, Reply, Text
from creatorbot.storage.models import Market
from creatorbot.storage.queries.creators import owned_markets

# A user writing Italian most likely works on Italy, one writing Malay on Malaysia.
MARKET_OF_LANGUAGE = {"it": "IT", "ms": "MY"}
MARKET_BUTTONS = 10  # markets offered as buttons when the user must say which


def is_market_word(word: str, call: Call) -> bool:
    """Whether `word` is a market code (any case)."""
    return word.upper() in call.markets()


def market_word(word: str, call: Call, usage: str) -> str:
    """A two-letter word as a market code; one that is no market is refused with the list."""
    if is_market_word(word, call):
        return word.upper()
    lang = call.lang
    raise UserError(
        lang._("I don't know the market “{market}”. Markets: {markets}.").format(
            market=word, markets=", ".join(call.markets())
        ),
        lang._("Usage: {usage}").format(usage=lang._(usage)),
    )


def resolve_market(requested: str | None, call: Call) -> Market:
    """The market named, else the configured default, else the one the user's language
    suggests, else the user's only market, else the only market; otherwise ask which. Only
    markets the user may see are ever chosen."""
    markets = call.markets()
    lang = call.lang
    if requested:
        code = requested.upper()
        if code not in markets:
            raise UserError(
                lang._("I don't know the market “{market}”. Markets: {markets}.").format(
                    market=requested, markets=", ".join(markets)
                )
            )
        call.require_market(code)
        return markets[code]
    visible = call.principal.visible(list(markets))
    if len(visible) == 1:
        return markets[visible[0]]
    for candidate in (
        _portfolio_market(visible, call),
        call.services.default_market,
        MARKET_OF_LANGUAGE.get(lang.language),
    ):
        if candidate and candidate.upper() in visible:
            return markets[candidate.upper()]
    text = call.request.text.strip()
    raise UserError(
        lang._("Which market? Add one of {markets} to the command.").format(
            markets=", ".join(visible)
        ),
        buttons=tuple(
            Button(f"{lang.market_name(code)} ({code})", "run", f"{text} {code}".strip())
            for code in visible[:MARKET_BUTTONS]
        )
        if text
        else (),
    )


def _portfolio_market(visible: list[str], call: Call) -> str | None:
    """The one market, of those the user sees, of the creators they own as CM or AM."""
    from creatorbot.commands.owner_filter import my_names  # it reaches owners, which is later

    names = my_names(call)
    owned = owned_markets(names, session=call.session) if names else set()
    mine = [code for code in visible if code in owned]
    return mine[0] if len(mine) == 1 else None


IMPORT_HINTS = {
    "daily_metrics": N_("An admin can import it: creatorbot import daily_metrics FILE"),
    "slot_metrics": N_("An admin can import it: creatorbot import slot_metrics FILE"),
}


class NoData(Exception):
    """A market has no data of the kind a command needs (`daily_metrics`, `slot_metrics`)."""

    def __init__(self, market: Market, kind: str = "daily_metrics") -> None:
        super().__init__(market.code)
        self.market = market
        self.kind = kind


def no_data(exc: NoData, lang: Lang) -> Reply:
    """The answer for a market without data: not an error, and how to fill it."""
    lang = lang.for_market(exc.market.code)
    message = lang._("There is no data for {market} yet.").format(
        market=lang.market_name(exc.market.code)
    )
    return Reply((Text(message), Context(lang._(IMPORT_HINTS[exc.kind]))))


def check_as_of(day: dt.date | None, latest: dt.date | None, market: Market, lang: Lang) -> None:
    """Refuse a day after the market's latest day with data, naming that day (a market with
    no data at all is answered as such elsewhere)."""
    if day is None or latest is None or day <= latest:
        return
    lang = lang.for_market(market.code)
    raise UserError(
        lang._("There is no data for {market} on {day} yet: the latest day is {latest}.").format(
            market=lang.market_name(market.code), day=lang.date(day), latest=lang.date(latest)
        )
    )
