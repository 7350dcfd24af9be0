"""Which market a native export is for: exports carry no market column, so it is the one the
user named, else the configured default, else the one whose currency the amounts are written
in, when only one stored market has it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.importers import messages
from creatorbot.storage.importers.errors import ImportFailed, RowError
from creatorbot.storage.models import Market

GIVEN = messages.MARKET_GIVEN
INFERRED = messages.MARKET_INFERRED


def resolve(
    source: str, market: str | None, seen: Iterable[str], *, session: Session
) -> tuple[str, str]:
    """The export's market and how it was known. `seen` are the currency codes its amounts
    or its currency column write. Raises `ImportFailed` when it cannot be told."""
    currencies = {
        code: currency for code, currency in session.execute(select(Market.code, Market.currency))
    }
    seen = {code.upper() for code in seen}
    known = ", ".join(sorted(currencies))

    def refuse(problem: str) -> ImportFailed:
        return ImportFailed(source, [RowError(None, None, None, problem)])

    if market is not None:
        if market not in currencies:
            raise refuse(messages.UNKNOWN_MARKET.format(known=known))
        foreign = sorted(seen - {currencies[market]})
        if foreign:
            raise refuse(
                messages.OTHER_CURRENCY.format(
                    market=market, currency=currencies[market], seen=", ".join(foreign)
                )
            )
        return market, GIVEN
    fitting = [code for code, currency in currencies.items() if seen and currency in seen]
    if len(seen) == 1 and len(fitting) == 1:
        return fitting[0], INFERRED
    raise refuse(messages.NO_MARKET.format(known=known))
