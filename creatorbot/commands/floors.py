"""An alert floor as people write it, in English, Italian or Malay: `at least 5 orders a day`,
`almeno 5 ordini al giorno`, `sekurang-kurangnya 5 pesanan sehari`, and money the same way
(`at least RM200 a day`, `almeno €50 al giorno`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from creatorbot.commands.core import UserError
from creatorbot.commands.i18n import Lang
from creatorbot.storage.models import Market

# The words that open a floor (two-word ones are matched on their second word after the first).
OPENERS = {"least": "at", "almeno": "", "sekurang-kurangnya": "", "sekurangnya": "", "min": ""}
ORDERS = {"orders", "order", "ordini", "ordine", "pesanan"}
MONEY_WORDS = {"gmv", "rm", "myr", "eur", "euro", "€"}
# What may follow a floor, in any of the three languages: "a day", "al giorno", "sehari".
FILLERS = {"a", "per", "day", "daily", "al", "giorno", "sehari", "se", "hari", "and", "e", "dan"}
MONEY = re.compile(r"^(?:rm|myr|eur|€)?(\d+(?:[.,]\d{1,2})?)(?:rm|myr|eur|€)?$", re.IGNORECASE)


@dataclass(frozen=True)
class FloorWords:
    """What a subscription's words asked for: orders a day, and money a day (major units)."""

    orders: int | None = None
    money: Decimal | None = None


def opens_floor(tokens: list[str]) -> int:
    """How many of the first tokens open a floor (`at least`: 2, `almeno`: 1), else 0."""
    first = tokens[0].lower() if tokens else ""
    if first == "at" and len(tokens) > 1 and tokens[1].lower() == "least":
        return 2
    return 1 if first in OPENERS and OPENERS[first] == "" else 0


def take_floor(tokens: list[str], found: FloorWords, lang: Lang) -> FloorWords:
    """Read one floor from the front of `tokens` (which `opens_floor` said opens one), taking
    the words it reads, and what follows it to the end of its phrase ("a day")."""
    del tokens[: opens_floor(tokens)]
    if not tokens:
        raise _unclear(lang)
    amount = tokens.pop(0)
    unit = tokens[0].lower() if tokens else ""
    if amount.isdigit() and unit in ORDERS:
        tokens.pop(0)
        found = FloorWords(int(amount), found.money)
    else:
        match = MONEY.match(amount)
        money_sign = not amount.isdigit() or unit in MONEY_WORDS
        if match is None or not money_sign:
            raise _unclear(lang)
        if unit in MONEY_WORDS:
            tokens.pop(0)
        try:
            value = Decimal(match.group(1).replace(",", "."))
        except InvalidOperation as exc:
            raise _unclear(lang) from exc
        found = FloorWords(found.orders, value)
    while tokens and tokens[0].lower() in FILLERS:
        tokens.pop(0)
    return found


def _unclear(lang: Lang) -> UserError:
    return UserError(
        lang._(
            "Write the floor as `at least 5 orders a day` or `at least RM200 a day` "
            "(a whole number of orders, an amount of money)."
        )
    )


def floor_phrase(orders: int, gmv: int, market: Market, lang: Lang) -> str:
    """A floor as its reader reads it: "5 orders and RM500.00", "5 orders" or "€50.00" (a
    part at 0 asks for nothing)."""
    money = lang.money(gmv, market.currency, market.minor_units)
    counted = lang.n_("{orders} order", "{orders} orders", orders).format(
        orders=lang.number(orders)
    )
    if orders and gmv:
        return lang._("{orders} and {gmv}").format(orders=counted, gmv=money)
    return money if gmv else counted
