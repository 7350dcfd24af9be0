"""A CM's or AM's own creators: 7-day GMV, rank movement in their market, open alerts.

Shown on the Slack App Home; the owner is matched by email or full name against the creators'
CM and AM columns."""

from __future__ import annotations

from dataclasses import dataclass

from creatorbot.commands.core import Call
from creatorbot.commands.labels import creator_label
from creatorbot.commands.leaderboard import LeaderboardQuery, compute_exact, movement_label
from creatorbot.commands.markets import NoData
from creatorbot.commands.reply import Button, Buttons, Column, Context, Header, Reply, Table, Text
from creatorbot.storage.models import Creator
from creatorbot.storage.queries.alerts import open_alert_counts
from creatorbot.storage.queries.creators import owned_creators
from creatorbot.storage.queries.markets import all_markets

SHOWN = 30


@dataclass(frozen=True)
class Owner:
    """Who is asking: the names their creators may list them under."""

    email: str | None = None
    name: str | None = None


def portfolio(owner: Owner, call: Call) -> Reply:
    """The owner's creators, biggest 7-day GMV first, with quick actions."""
    lang = call.lang
    owned = owned_creators([n for n in (owner.email, owner.name) if n], session=call.session)
    mine = [c for c in owned if call.principal.sees(c.market)]
    actions = Buttons(
        (
            Button(lang._("Log feedback"), "form", "feedback", "primary"),
            Button(lang._("Help"), "open", "help"),
        )
    )
    if not mine:
        return Reply(
            (
                Header(lang._("Your creators")),
                Text(
                    lang._(
                        "No creator lists you as their CM or AM yet. Creators are matched by the "
                        "email or full name on your profile."
                    )
                ),
                actions,
            )
        )
    alerts = open_alert_counts((c.handle for c in mine), session=call.session)
    rows = []
    for market in sorted({c.market for c in mine}):
        rows.extend(_market_rows(market, [c for c in mine if c.market == market], alerts, call))
    rows.sort(key=lambda row: -row[0])
    table = Table(
        (
            Column(lang._("Creator")),
            Column(lang._("GMV, last 7 days"), "right"),
            Column(lang._("Rank"), "right"),
            Column(lang._("Open alerts"), "right"),
        ),
        tuple(row[1] for row in rows[:SHOWN]),
        total=len(rows),
    )
    first = mine[0].market
    quick = Buttons(
        (
            *actions.buttons,
            Button(lang._("Leaderboard"), "open", f"leaderboard gmv 7d {first}"),
        )
    )
    return Reply(
        (
            Header(lang._("Your creators")),
            table,
            Context(lang._("Ranks are by 7-day GMV in the creator's market.")),
            quick,
        ),
        rows=len(rows),
    )


def _market_rows(
    market: str, creators: list[Creator], alerts: dict[str, int], call: Call
) -> list[tuple[int, tuple[str, str, str, str]]]:
    lang = call.lang.for_market(market)
    info = all_markets(session=call.session)[market]
    try:
        # every owned creator needs their rank, not only the top rows a board keeps
        board = compute_exact(LeaderboardQuery(market=market), call).ranked
    except NoData:
        board = None
    records = [] if board is None else board.to_dict("records")
    by_id = {int(r["creator_id"]): r for r in records}
    rows = []
    for creator in creators:
        entry = by_id.get(creator.id)
        gmv = int(entry["value"]) if entry is not None else 0
        rank = "—"
        if entry is not None:
            moved = None if entry["new"] else int(entry["movement"])
            rank = f"#{entry['rank']} {movement_label(moved, lang)}"
        cells = (
            creator_label(creator.display_name, creator.handle),
            lang.money(gmv, info.currency, info.minor_units),
            rank,
            str(alerts.get(creator.handle, 0)),
        )
        rows.append((gmv, cells))
    return rows
