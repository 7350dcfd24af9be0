"""Which market a command is about, when the user named one or did not."""

from __future__ import annotations

from creatorbot.commands.core import Call, UserError
from creatorbot.storage.models import Market
from creatorbot.storage.queries.markets import all_markets

# A user writing Italian most likely works on Italy, one writing Malay on Malaysia.
MARKET_OF_LANGUAGE = {"it": "IT", "ms": "MY"}


def is_market_word(word: str, call: Call) -> bool:
    """Whether `word` is a market code (any case)."""
    return word.upper() in all_markets(session=call.session)


def resolve_market(requested: str | None, call: Call) -> Market:
    """The market named, else the configured default, else the one the user's language
    suggests, else the only market; otherwise ask which."""
    markets = all_markets(session=call.session)
    lang = call.lang
    candidates = [
        requested,
        call.services.default_market,
        MARKET_OF_LANGUAGE.get(lang.language),
        next(iter(markets)) if len(markets) == 1 else None,
    ]
    for code in candidates:
        if code and code.upper() in markets:
            return markets[code.upper()]
        if code == requested and requested:
            raise UserError(
                lang._("I don't know the market “{market}”. Markets: {markets}.").format(
                    market=requested, markets=", ".join(markets)
                )
            )
    raise UserError(
        lang._("Which market? Add one of {markets} to the command.").format(
            markets=", ".join(markets)
        )
    )
