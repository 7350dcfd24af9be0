"""`tiers [market] [cm:NAME|me] [am:NAME|me]`: who can reach the next tier by the month's end
(pace needed against pace now), and who will drop a tier at today's pace."""

from __future__ import annotations

from dataclasses import dataclass

from creatorbot.commands.core import Call, UserError
from creatorbot.commands.i18n import N_
from creatorbot.commands.labels import creator_label
from creatorbot.commands.markets import is_market_word, resolve_market
from creatorbot.commands.owner_filter import Owners, owner_scope
from creatorbot.commands.parsing import unknown_word, words
from creatorbot.commands.reply import Block, Button, Buttons, Column, Context, Header, Reply, Table
from creatorbot.storage.ranking.segments import segment_boards
from creatorbot.storage.ranking.state import market_state

USAGE = N_("tiers [market] [cm:NAME|me] [am:NAME|me]")
SHOWN = 15
OPTIONS = ("cm", "am")


@dataclass(frozen=True)
class TiersQuery:
    """A parsed `tiers` request."""

    market: str | None = None
    owners: Owners | None = None
    filters: str = ""  # the owner filter as written


def parse(text: str, call: Call) -> TiersQuery:
    """A market code and an owner filter, in any order."""
    market, owners, written = None, None, ""
    for word in words(text, call.lang):
        if scope := owner_scope(word, call):
            owners, written = Owners(scope.names, scope.written), word
        elif len(word) == 2 and word.isalpha() and is_market_word(word, call):
            market = word.upper()
        else:
            raise unknown_word(word, [f"{o}:" for o in OPTIONS], call.lang, USAGE)
    return TiersQuery(market, owners, written)


def answer(query: TiersQuery, call: Call) -> Reply:
    """The level-up board and the tiers at risk, each its best rows."""
    market = resolve_market(query.market, call)
    lang = call.lang.for_market(market.code)
    state = market_state(market.code, session=call.session)
    if state.run is None:
        raise UserError(lang._("{market} has no sales data yet.").format(market=market.code))
    end = state.run.end_day
    owners = None if query.owners is None else list(query.owners.names)

    def money(minor: int | None) -> str:
        return lang.money(int(minor or 0), market.currency, market.minor_units)

    # Each board in its stored order: level-up the smallest stretch first (pace needed over
    # pace now); at risk those nearest to keeping their tier first.
    boards = segment_boards(
        market.code,
        ("level-up", "at-risk"),
        state,
        session=call.session,
        limit=SHOWN,
        owners=owners,
    )
    rising, rising_count = boards["level-up"]
    falling, falling_count = boards["at-risk"]
    title = lang._("Tiers · {market} · {day}").format(market=market.code, day=lang.date(end))
    blocks: list[Block] = [Header(title)]
    if rising:
        blocks.append(
            Table(
                (
                    Column(lang._("Can level up this month")),
                    Column(lang._("Short by"), "right"),
                    Column(lang._("Needs a day"), "right"),
                    Column(lang._("Now a day"), "right"),
                ),
                tuple(
                    (
                        f"{creator_label(c.display_name, c.handle)} → {s.tier}",
                        money(int(s.target or 0) - int(s.gmv_now or 0)),
                        money(s.pace_needed),
                        money(s.pace_now),
                    )
                    for s, c in rising
                ),
                total=rising_count,
            )
        )
    if falling:
        blocks.append(
            Table(
                (
                    Column(lang._("May drop a tier")),
                    Column(lang._("At month end"), "right"),
                    Column(lang._("Tier needs"), "right"),
                    Column(lang._("Needs a day"), "right"),
                ),
                tuple(
                    (
                        f"{creator_label(c.display_name, c.handle)} · {s.tier}",
                        money(s.gmv_now),
                        money(s.target),
                        money(s.pace_needed),
                    )
                    for s, c in falling
                ),
                total=falling_count,
            )
        )
    if not rising and not falling:
        blocks.append(Context(lang._("Nobody is close to a new tier or at risk of dropping one.")))
    days = rising[0][0].days if rising else falling[0][0].days if falling else None
    notes = [
        lang._(
            "Tiers go by 30-day GMV. Level-up: within reach of the next tier by the month's end "
            "at a pace they can keep; at risk: at the last 7 days' pace, below their own tier "
            "at the month's end."
        )
    ]
    if days is not None:
        notes.append(
            lang.n_("{n} day left this month.", "{n} days left this month.", days).format(n=days)
        )
    if query.filters:
        notes.append(query.filters)
    blocks.append(Context(" ".join(notes)))
    shown = [c for _, c in rising[:3]]
    blocks.append(
        Buttons(
            tuple(
                Button(f"@{c.handle}", "open", f"creator {c.handle} {market.code}") for c in shown
            )
            + (
                Button(
                    lang._("Leaderboard"),
                    "open",
                    f"leaderboard gmv 30d {market.code} segment:level-up",
                ),
            )
        )
    )
    return Reply(tuple(blocks), rows=len(rising) + len(falling))
