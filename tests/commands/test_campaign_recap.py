"""`campaign recap`, its payout file, `campaign compare` and `campaign list past`, through the
real router, against figures computed here."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.registry import commands
from creatorbot.commands.reply import File, Reply
from creatorbot.commands.router import Router
from tests.analytics.test_payouts import expected
from tests.commands import recap_world as w
from tests.commands.conftest import NOW

ADMIN = "UADMIN"


@pytest.fixture
def ask(sessions: sessionmaker[Session]) -> Callable[..., Reply]:
    w.build(sessions)
    services = Services(sessions=sessions, clock=lambda: NOW, admins=frozenset({ADMIN}))
    router = Router(commands(), services)

    def send(text: str, user: str = ADMIN, locale: str = "en") -> Reply:
        return router.handle(CommandRequest(text=text, platform="slack", user=user, locale=locale))

    return send


def payout_csv(reply: Reply) -> dict[str, Decimal]:
    (file,) = [b for b in reply.blocks if isinstance(b, File)]
    rows = list(csv.DictReader(io.StringIO(file.content.decode("utf-8-sig"))))
    return {row["handle"]: Decimal(row["paid"]) for row in rows}


def test_the_recap_shows_target_against_result_ranking_rewards_and_worth(ask) -> None:
    seen = render(ask("campaign recap payday"))
    totals = w.window_totals()
    gmv = sum(totals.values())
    assert "Recap · Payday · MY" in seen
    assert f"RM{gmv / 100:,.2f}" in seen
    assert "target missed" in seen if gmv < 10_000_000 else "target reached" in seen
    assert "30 / 40" in seen  # enrolled against the creator target
    top = max(totals, key=lambda h: (totals[h], h == "c000"))
    assert seen.index("Final ranking by GMV") < seen.index(f"@{top}")
    assert "What it was worth" in seen and "Incremental GMV" in seen
    assert "Compared with 120 creators" in seen
    assert "What to do next time" in seen
    assert "No feedback has been logged about this campaign." in seen


def test_the_planted_uplift_is_found(ask) -> None:
    reply = ask("campaign recap payday")
    totals = w.window_totals()
    truth = sum(v - v / 1.3 for v in totals.values())  # about what the 30% added
    fields = {k: v for b in reply.blocks if hasattr(b, "items") for k, v in b.items}
    assert fields["Significant"] == "yes"
    shown = fields["Incremental GMV"]
    low, high = (
        Decimal(part.strip().removeprefix("RM").replace(",", ""))
        for part in shown.split("(")[1].rstrip(")").split(" to ")
    )
    # the noise is ±30% a day: the interval holds the planted lift, roughly
    assert low * 100 <= Decimal(truth) * Decimal("1.3")
    assert high * 100 >= Decimal(truth) * Decimal("0.7")
    assert low > 0


def test_the_payout_file_respects_the_cap(ask) -> None:
    paid = payout_csv(ask("campaign recap payday export"))
    totals = w.window_totals()
    plain = expected(totals, w.TIERS, [], w.CAP)
    assert paid == {h: Decimal(v).scaleb(-2) for h, v in plain.items() if v or h in paid}
    assert sum(paid.values()) <= Decimal(w.CAP).scaleb(-2)


def test_the_payout_file_gives_money_in_the_same_unit_as_the_payouts(ask) -> None:
    # Finance reads a GMV of RM1,234.56 as 1234.56, as it reads what is paid, never as 123456.
    (file,) = [b for b in ask("campaign recap payday export").blocks if isinstance(b, File)]
    rows = list(csv.DictReader(io.StringIO(file.content.decode("utf-8-sig"))))
    totals = w.window_totals()
    assert rows and all(row["metric"] == "gmv" for row in rows)
    assert {row["handle"]: Decimal(row["value"]) for row in rows} == {
        row["handle"]: Decimal(totals[row["handle"]]).scaleb(-2) for row in rows
    }


def test_the_payout_file_shares_tied_prizes(ask) -> None:
    paid = payout_csv(ask("campaign recap race csv"))
    totals = w.window_totals()
    plain = expected(totals, [], w.BANDS, None)
    assert paid == {h: Decimal(v).scaleb(-2) for h, v in plain.items() if v}
    # c016 and c001 tie for first: places 1 and 2 pooled, (3,000 + 1,000) / 2 each
    assert paid["c016"] == paid["c001"] == Decimal("2000.00")


def test_the_payout_file_is_a_spreadsheet_too(ask) -> None:
    reply = ask("campaign recap race export xlsx")
    (file,) = [b for b in reply.blocks if isinstance(b, File)]
    assert file.name == "payouts-race.xlsx" and file.content[:2] == b"PK"


def test_the_payout_file_is_for_leads(ask) -> None:
    assert "is now viewer in MY" in render(ask("access grant <@U2|marco> viewer MY"))
    assert "Your role (viewer) can't do that." in render(ask("campaign recap payday export", "U2"))
    assert "Recap · Payday" in render(ask("campaign recap payday", "U2"))


def test_the_payout_file_asked_in_italian_or_malay_is_for_leads_too(ask) -> None:
    ask("access grant <@U2|marco> cm MY")
    for text, locale in (
        ("campagna bilancio payday esporta", "it"),
        ("kempen rumusan payday eksport", "ms"),
        ("campaign recap payday xlsx", "en"),
    ):
        reply = ask(text, "U2", locale)
        assert not reply.ok and not [b for b in reply.blocks if isinstance(b, File)], text
    italian = ask("campagna bilancio payday esporta", locale="it")
    assert [b.name for b in italian.blocks if isinstance(b, File)] == ["payouts-payday.csv"]


def test_recap_compare_and_past_in_italian_and_malay(ask) -> None:
    assert "Payday" in render(ask("campagna consuntivo payday", locale="it"))
    assert "Payday" in render(ask("kempen banding payday race", locale="ms"))
    assert "payday · MY" in render(ask("campagna elenco passate MY", locale="it"))
    assert "payday · MY" in render(ask("kempen senarai lepas MY", locale="ms"))


def test_no_recap_before_the_end_nor_before_the_last_days_data(ask) -> None:
    running = render(ask("campaign recap later"))
    assert "Later ends on 27 Nov 2026; the recap comes the day after." in running
    waiting = render(ask("campaign recap waiting"))
    assert "Waiting ended on 22 Nov 2026, but that day's data is not in yet" in waiting


def test_compare_two_campaigns_side_by_side(ask) -> None:
    seen = render(ask("campaign compare payday race"))
    assert "Payday against Race" in seen
    for label in ("GMV target", "Incremental GMV", "Payout", "Rewards per unit"):
        assert label in seen
    assert "has no recap yet" in render(ask("campaign compare payday later"))


def test_past_campaigns_with_their_results(ask) -> None:
    seen = render(ask("campaign list past MY"))
    assert "Past campaigns · MY" in seen
    assert "payday · MY" in seen and "race · MY" in seen
    assert "later" not in seen  # still running
    assert "last day's data not in yet" in seen  # `waiting`


def test_the_recap_counts_creators_at_each_tier(ask) -> None:
    reply = ask("campaign recap payday")
    fields = {k: v for b in reply.blocks if hasattr(b, "items") for k, v in b.items}
    totals = w.window_totals()
    for n, (threshold, _) in enumerate(w.TIERS, start=1):
        above = [t for t, _ in w.TIERS if t > threshold]
        exactly = sum(
            1 for v in totals.values() if v >= threshold and not (above and v >= above[0])
        )
        label = next(k for k in fields if k.startswith(f"Tier {n}:"))
        assert fields[label] == f"{exactly} creator" + ("s" if exactly != 1 else "")
