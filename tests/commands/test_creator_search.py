"""Finding a creator as people type them: a pasted @handle, a handle's first letters or a part
of it, a display name without its accents; one match answers, several are listed to pick from
(market, tier, the last 7 days' GMV), and nothing from a market the user cannot see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.registry import commands
from creatorbot.commands.reply import Buttons, Header, Reply, Table
from creatorbot.commands.router import Router
from creatorbot.storage.grants import grant
from creatorbot.storage.models import Role
from tests.commands.conftest import NOW, creator_row, metric_row, seed

END = NOW.date() - dt.timedelta(days=1)
PEOPLE = {  # handle: (market, display name, tier, GMV a day in minor units)
    "aisyah.beauty": ("MY", "Nur Aisyah", "platinum", 120_000),
    "aisyah.home": ("MY", "Aisyah Rahman", "silver", 15_000),
    "aisyah.it": ("IT", "Aisyah Italia", "gold", 40_000),
    "zng": ("MY", "Zoë  Ng", "gold", 30_000),
    "beautyqueen": ("MY", "Queen B", "bronze", 5_000),
    "sara.k": ("MY", "Sara Lee", "gold", 20_000),
    "saralee": ("MY", "Sara Lee", "silver", 0),
}


@pytest.fixture
def ask(sessions: sessionmaker[Session]) -> Callable[..., Reply]:
    creators = [
        creator_row(h, market=m, display_name=name, tier=tier)
        for h, (m, name, tier, _) in PEOPLE.items()
    ]
    metrics = [
        metric_row(END - dt.timedelta(days=back), h, gmv, market=m)
        for back in range(10)
        for h, (m, _, _, gmv) in PEOPLE.items()
        if gmv
    ]
    seed(sessions, creators, metrics)
    with sessions.begin() as session:
        grant("slack", "UMY", Role.VIEWER, ["MY"], by="setup", now=NOW, session=session)
    services = Services(
        sessions=sessions, clock=lambda: NOW, charts=False, admins=frozenset({"UADMIN"})
    )
    router = Router(commands(), services)

    def send(text: str, user: str = "UMY") -> Reply:
        return router.handle(CommandRequest(text=text, platform="slack", user=user, channel="C1"))

    return send


def opened(reply: Reply) -> str:
    """The creator a card is about, by its header; '' when the answer is not a card."""
    header = reply.blocks[0]
    return header.text if isinstance(header, Header) else ""


def listed(reply: Reply) -> list[tuple[str, ...]]:
    [table] = [b for b in reply.blocks if isinstance(b, Table)]
    return [row[1:] for row in table.rows]


def week(handle: str) -> str:
    market, _, _, gmv = PEOPLE[handle]
    amount = gmv * 7 / 100
    return f"RM{amount:,.2f}" if market == "MY" else f"€{amount:,.2f}"


@pytest.mark.parametrize(
    ("typed", "card"),
    [
        ("aisyah.beauty", "Nur Aisyah (@aisyah.beauty) · MY"),
        ("@aisyah.beauty", "Nur Aisyah (@aisyah.beauty) · MY"),  # pasted from TikTok
        ("@AISYAH.BEAUTY", "Nur Aisyah (@aisyah.beauty) · MY"),
        ("aisyah.b", "Nur Aisyah (@aisyah.beauty) · MY"),  # the first letters of one handle
        ("zoe ng", "Zoë  Ng (@zng) · MY"),  # the name without its accent or double space
        ("ZOË", "Zoë  Ng (@zng) · MY"),
        ("ueen b", "Queen B (@beautyqueen) · MY"),  # a part of a name
        ("tyque", "Queen B (@beautyqueen) · MY"),  # a part of a handle
    ],
)
def test_one_creator_meant_opens_their_card(
    ask: Callable[..., Reply], typed: str, card: str
) -> None:
    answer = ask(f"creator {typed}")
    assert answer.ok, render(answer)
    assert opened(answer) == card


def test_several_meant_are_listed_busiest_first_with_market_tier_and_week(
    ask: Callable[..., Reply],
) -> None:
    answer = ask("creator aisyah")
    assert answer.ok
    assert not opened(answer)
    assert "“aisyah” may be any of these creators. Which one?" in render(answer)
    assert listed(answer) == [
        ("Nur Aisyah (@aisyah.beauty)", "MY", "platinum", week("aisyah.beauty")),
        ("Aisyah Rahman (@aisyah.home)", "MY", "silver", week("aisyah.home")),
    ]  # not the Italian one: this user sees Malaysia only
    [buttons] = [b for b in answer.blocks if isinstance(b, Buttons)]
    assert [b.label for b in buttons.buttons] == ["@aisyah.beauty · MY", "@aisyah.home · MY"]
    assert "aisyah.it" not in render(answer) and "Italia" not in render(answer)
    everyone = ask("creator aisyah", user="UADMIN")
    assert ("Aisyah Italia (@aisyah.it)", "IT", "gold", week("aisyah.it")) in listed(everyone)


def test_a_shared_display_name_lists_every_creator_it_names(ask: Callable[..., Reply]) -> None:
    answer = ask("creator sara lee")
    assert listed(answer) == [
        ("Sara Lee (@sara.k)", "MY", "gold", week("sara.k")),
        ("Sara Lee (@saralee)", "MY", "silver", "RM0.00"),
    ]


def test_nothing_from_an_unseen_market_and_no_hint_of_it(ask: Callable[..., Reply]) -> None:
    answer = render(ask("creator italia"))
    assert "I can't find a creator called “italia”." in answer
    assert "aisyah.it" not in answer.lower()
    assert "I can't find" in render(ask("creator qx"))  # two letters: no part-of search


def test_another_markets_many_namesakes_never_hide_the_users_one(
    sessions: sessionmaker[Session], ask: Callable[..., Reply]
) -> None:
    many = [creator_row(f"zara{n:03d}", market="IT", display_name=f"Zara {n}") for n in range(250)]
    seed(sessions, [*many, creator_row("zaraz", display_name="Zara Malaysia")], [])
    assert opened(ask("creator zara")) == "Zara Malaysia (@zaraz) · MY"
