"""`alerts` as a user sees it: the day's anomalies equal what this test computes from the rows it
seeded, ranked by money at stake, with the owner mentioned and Acknowledge/Snooze buttons; the
data freshness alert; acknowledging and snoozing; bad input answered clearly."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands import alerts
from creatorbot.commands.core import Call, CommandRequest, Services
from creatorbot.commands.i18n import Lang
from creatorbot.commands.registry import commands
from creatorbot.commands.reply import Button, Buttons, Context, Header, Reply, Text, mention_of
from creatorbot.commands.router import Command, Router
from creatorbot.storage import writer
from creatorbot.storage.models import Alert, AlertStatus, Creator
from tests.commands.conftest import NOW, creator_row, metric_row, seed

END = dt.date(2026, 11, 21)  # a Saturday; NOW is Tuesday 24 Nov in Malaysia
HISTORY = 28
WEEKEND = 2.5  # everyone sells 2.5 times as much on Saturdays and Sundays
STAFF = {"Farah": "U0FARAH"}
FARAH = mention_of("U0FARAH")  # how a Reply mentions (and notifies) her
# handle: (a weekday's GMV, the GMV on END); orders are GMV // 5,000 (RM50 an order).
PLAN = {
    "aisyah": (400_000, 50_000),  # a collapse: 5% of a usual Saturday, and no live stream
    "budi": (200_000, 3_000_000),  # six times a usual Saturday
    "chen": (300_000, 750_000),  # a usual Saturday, 2.5 times a weekday: no anomaly
    "dara": (20_000, 500_000),  # ten times her Saturday, but 4 orders on a weekday: too small
}
SLOT = "Banner A"  # 10,000 impressions a day, 2% CTR, 5% of clicks convert; 0.2% CTR on END


def usual(handle: str, day: dt.date) -> int:
    weekday = PLAN[handle][0]
    return int(weekday * WEEKEND) if day.weekday() >= 5 else weekday


def day_row(day: dt.date, handle: str, gmv: int, live: bool = True) -> dict[str, Any]:
    """A daily row: two hours live (aisyah in two sessions), half the GMV sold live."""
    sessions = 2 if handle == "aisyah" else 1
    return metric_row(
        day,
        handle,
        gmv,
        live_sessions=sessions if live else 0,
        live_minutes=120 if live else 0,
        live_gmv=gmv // 2 if live else 0,
    )


def rows() -> list[dict[str, Any]]:
    found = []
    for back in range(HISTORY + 3, -1, -1):
        day = END - dt.timedelta(days=back)
        for handle, (_, last) in PLAN.items():
            gmv = last if day == END else usual(handle, day)
            found.append(day_row(day, handle, gmv, live=day != END or handle != "aisyah"))
    return found


def slot_rows() -> list[dict[str, Any]]:
    return [
        {
            "date": END - dt.timedelta(days=back),
            "market": "MY",
            "slot": SLOT,
            "surface": "ec_center",
            "impressions": 10_000,
            "clicks": 20 if back == 0 else 200,
            "conversions": 1 if back == 0 else 10,
        }
        for back in range(HISTORY + 3, -1, -1)
    ]


@pytest.fixture
def seeded(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    seed(sessions, [creator_row(handle, cm="Farah") for handle in PLAN], rows())
    with sessions.begin() as session:
        writer.write_slot_metrics(pd.DataFrame(slot_rows()), session=session)
    return sessions


def services(sessions: sessionmaker[Session]) -> Services:
    return Services(sessions=sessions, clock=lambda: NOW, staff=STAFF)


@pytest.fixture
def reply(seeded: sessionmaker[Session]) -> Callable[..., Reply]:
    table = {
        **commands(),
        "alerts": Command("alerts", alerts.parse, alerts.answer, "Anomaly alerts", "alerts MY"),
    }
    router = Router(table, services(seeded))

    def send(text: str, locale: str = "en") -> Reply:
        return router.handle(CommandRequest(text=text, user="U0LEAD", locale=locale))

    return send


# The independent computation, in plain Python over the seeded rows, formatted as en_MY does.


def rm(minor: float) -> str:
    return f"RM{minor / 100:,.2f}"


def history(handle: str, field: str, first: dt.date, last: dt.date) -> list[int]:
    return [
        int(row[field])
        for row in rows()
        if row["handle"] == handle and first <= row["date"] <= last
    ]


def expected_entries() -> list[tuple[str, str, str]]:
    """(title without the alert number, reason, money at stake) per subject, most money first."""
    start, before = END - dt.timedelta(days=HISTORY), END - dt.timedelta(days=1)
    usual_gmv = {handle: usual(handle, END) for handle in PLAN}
    usual_orders = {handle: usual(handle, END) // 5_000 for handle in PLAN}
    observed = {handle: last for handle, (_, last) in PLAN.items()}
    per_order = {
        h: sum(history(h, "gmv", start, before)) / sum(history(h, "orders", start, before))
        for h in PLAN
    }
    budi_stake = max(
        observed["budi"] - usual_gmv["budi"],
        (observed["budi"] // 5_000 - usual_orders["budi"]) * per_order["budi"],
    )
    aisyah_stake = max(
        usual_gmv["aisyah"] - observed["aisyah"],
        (usual_orders["aisyah"] - observed["aisyah"] // 5_000) * per_order["aisyah"],
    )
    market_gmv = sum(sum(history(h, "gmv", start, before)) for h in PLAN)
    market_orders = sum(sum(history(h, "orders", start, before)) for h in PLAN)
    slot_stake = (200 - 20) * (10 / 200) * (market_gmv / market_orders)
    budi = (
        f"GMV 6.0× its usual Saturday ({rm(observed['budi'])} vs {rm(usual_gmv['budi'])}); "
        f"Orders 6.0× its usual Saturday ({observed['budi'] // 5_000} vs {usual_orders['budi']})"
    )
    aisyah = (
        f"GMV 95% below its usual Saturday ({rm(observed['aisyah'])} vs "
        f"{rm(usual_gmv['aisyah'])}); Orders 95% below its usual Saturday "
        f"({observed['aisyah'] // 5_000} vs {usual_orders['aisyah']}); Live minutes 100% below "
        "its usual Saturday (0 vs 120); live sessions 0 vs 2"
    )
    slot = "CTR 90% below its usual Saturday (0.20% vs 2.00%)"
    return [
        (f"*Budi (@budi)* · {FARAH}", budi, f"{rm(round(budi_stake))} at stake"),
        (f"*Aisyah (@aisyah)* · {FARAH}", aisyah, f"{rm(round(aisyah_stake))} at stake"),
        (f"*Slot {SLOT}*", slot, f"{rm(round(slot_stake))} at stake"),
    ]


def entries(answer: Reply) -> list[tuple[str, str, str]]:
    texts = [b.text for b in answer.blocks if isinstance(b, Text)]
    found = []
    for text in texts:
        title, reason, stake = text.split("\n")
        found.append((re.sub(r"^\*#\d+ ", "*", title), reason, stake))
    return found


def alert_ids(sessions: sessionmaker[Session]) -> dict[tuple[str, str], int]:
    with sessions.begin() as session:
        return {
            (a.subject_key, a.metric): a.id
            for a in session.scalars(select(Alert).where(Alert.day == END))
        }


def test_the_days_alerts_are_the_anomalies_in_the_rows(
    reply: Callable[..., Reply], seeded: sessionmaker[Session]
) -> None:
    answer = reply("alerts MY as-of:2026-11-21")
    assert answer.ok
    assert answer.blocks[0] == Header("Anomaly alerts · MY · 21 Nov 2026")
    assert entries(answer) == expected_entries()
    ids = alert_ids(seeded)
    buttons = [b for b in answer.blocks if isinstance(b, Buttons)]
    first = [ids[("budi", "gmv")], ids[("aisyah", "gmv")], ids[("Banner A", "ctr")]]
    assert buttons == [
        Buttons(
            (
                Button("Acknowledge", "open", f"alerts ack {n}"),
                Button("Snooze 7 days", "open", f"alerts snooze {n}"),
            )
        )
        for n in first
    ]
    assert isinstance(answer.blocks[-1], Context)
    assert "from 30 orders and RM500.00 on a usual day" in answer.blocks[-1].text


def test_asking_again_shows_the_same_alerts(reply: Callable[..., Reply]) -> None:
    first = render(reply("alerts MY as-of:2026-11-21"))
    assert render(reply("alerts MY as-of:2026-11-21")) == first


def test_without_a_day_it_is_the_latest_and_says_the_data_is_late(
    reply: Callable[..., Reply],
) -> None:
    answer = reply("alerts MY")
    assert answer.blocks[0] == Header("Anomaly alerts · MY · 21 Nov 2026")
    assert answer.blocks[1] == Text(
        "Data is late: the latest data for Malaysia is from 21 Nov 2026, and 23 Nov 2026 has "
        "not arrived yet. Alerts about 23 Nov 2026 wait for it."
    )
    assert entries(Reply(answer.blocks[2:])) == expected_entries()


def test_a_quiet_day_says_so(reply: Callable[..., Reply]) -> None:
    answer = reply("alerts MY as-of:2026-11-20")
    assert answer.ok
    assert Text("No new anomalies in Malaysia on 20 Nov 2026.") in answer.blocks


def call(sessions: sessionmaker[Session], session: Session) -> Call:
    return Call(CommandRequest("", user="scheduler"), session, services(sessions), Lang("en"))


def test_the_job_posts_the_day_before_today(seeded: sessionmaker[Session]) -> None:
    with seeded.begin() as session:
        post = alerts.alert_post("MY", call(seeded, session), local_today=dt.date(2026, 11, 22))
    assert (post.data_day, post.fresh) == (END, True)
    assert post.reply is not None
    assert entries(post.reply) == expected_entries()


def test_stale_data_gets_one_freshness_alert_instead_of_a_collapse(
    seeded: sessionmaker[Session],
) -> None:
    def job(today: dt.date) -> alerts.AlertPost:
        with seeded.begin() as session:
            return alerts.alert_post("MY", call(seeded, session), local_today=today)

    post = job(dt.date(2026, 11, 24))
    assert (post.data_day, post.fresh) == (END, False)
    assert post.reply is not None
    text = render(post.reply)
    assert "Data is late: the latest data for Malaysia is from 21 Nov 2026" in text
    assert "Budi" not in text and "below" not in text
    assert render(job(dt.date(2026, 11, 24)).reply or Reply()) == text  # the same on a rerun
    assert job(dt.date(2026, 11, 25)).reply is None  # still late: already said
    sunday, monday = END + dt.timedelta(days=1), END + dt.timedelta(days=2)
    late = [day_row(sunday, h, usual(h, sunday)) for h in PLAN]
    late += [day_row(monday, h, usual(h, monday) * (6 if h == "chen" else 1)) for h in PLAN]
    with seeded.begin() as session:  # the data arrives later on the 24th
        writer.write_daily_metrics(pd.DataFrame(late), session=session)
    arrived = job(dt.date(2026, 11, 24))
    assert (arrived.data_day, arrived.fresh) == (monday, True)
    assert arrived.reply is not None
    assert [title for title, _, _ in entries(arrived.reply)] == [f"*Chen (@chen)* · {FARAH}"]


def test_acknowledge_and_snooze_answer_and_silence(
    reply: Callable[..., Reply], seeded: sessionmaker[Session]
) -> None:
    reply("alerts MY as-of:2026-11-21")
    ids = alert_ids(seeded)
    acked = render(reply(f"alerts ack {ids[('budi', 'gmv')]}"))
    assert acked == (f"Acknowledged: Budi (@budi) — {expected_entries()[0][1]}.")
    snoozed = render(reply(f"alerts snooze {ids[('aisyah', 'gmv')]}"))
    assert snoozed == "Snoozed until 1 Dec 2026: no alerts about Aisyah (@aisyah) until then."
    left = entries(reply("alerts MY as-of:2026-11-21"))
    assert [title for title, _, _ in left] == [f"*Slot {SLOT}*"]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("alerts XY", "I don't understand “XY”."),
        ("alerts MY when:2026-11-21", "I don't know the option “when:”."),
        ("alerts MY as-of:2026-11-31", "“2026-11-31” is not a date."),
        ("alerts MY as-of:2026-11-22", "There is no data for Malaysia on 22 Nov 2026 yet"),
        ("alerts MY as-of:2024-12-01", "Alerts go back to 18 Dec 2024"),
        ("alerts ack", "Which alert? Write `alerts ack ID`"),
        ("alerts snooze twelve", "Which alert? Write `alerts snooze ID`"),
        ("alerts ack 999", "There is no alert #999."),
        ("alerts snooze #99999999999999999999", "There is no alert #99999999999999999999."),
    ],
)
def test_bad_input_gets_a_clear_answer(reply: Callable[..., Reply], text: str, says: str) -> None:
    answer = reply(text)
    assert not answer.ok
    assert says in render(answer)


def test_a_market_without_data_says_how_to_fill_it(reply: Callable[..., Reply]) -> None:
    assert "There is no data for Italy yet." in render(reply("alerts IT"))


NUMBERED = re.compile(r"(?:^|\n)\*(\d+)\. ")  # "*1. Budi …": a rank, not what `alerts ack` takes


def freshness_alert(sessions: sessionmaker[Session]) -> Alert:
    with sessions.begin() as session:
        [found] = session.scalars(select(Alert).where(Alert.metric == "freshness"))
        session.expunge(found)
        return found


def test_every_number_shown_is_the_one_ack_and_snooze_take(
    reply: Callable[..., Reply], seeded: sessionmaker[Session]
) -> None:
    # The morning post found the data late (recording the data-late notice first), then
    # someone reads the day's alerts and acts on the numbers they see.
    with seeded.begin() as session:
        alerts.alert_post("MY", call(seeded, session), local_today=dt.date(2026, 11, 24))
    answer = reply("alerts MY")
    texts = [b.text for b in answer.blocks if isinstance(b, Text)]
    assert texts[0].startswith("Data is late")
    assert not NUMBERED.search("\n".join(texts))
    ids = alert_ids(seeded)
    entries_and_buttons = [
        (text, buttons)
        for text, buttons in zip(answer.blocks, answer.blocks[1:], strict=False)
        if isinstance(buttons, Buttons) and isinstance(text, Text)
    ]
    shown = [int(re.findall(r"#(\d+)", text.text)[0]) for text, _ in entries_and_buttons]
    assert shown == [ids[("budi", "gmv")], ids[("aisyah", "gmv")], ids[("Banner A", "ctr")]]
    for (text, buttons), number in zip(entries_and_buttons, shown, strict=True):
        assert text.text.startswith(f"*#{number} ")
        assert [b.value for b in buttons.buttons] == [
            f"alerts ack {number}",
            f"alerts snooze {number}",
        ]
    late = freshness_alert(seeded)
    assert late.id not in shown
    refused = reply(f"alerts ack {late.id}")
    assert not refused.ok
    assert render(refused).startswith(
        f"#{late.id} is the data-late notice for Malaysia, not an anomaly: it clears itself "
        "when the missing day arrives, so there is nothing to acknowledge or snooze."
    )
    assert not reply(f"alerts snooze {late.id}").ok
    assert freshness_alert(seeded).status == AlertStatus.OPEN


def test_the_data_late_post_offers_nothing_to_acknowledge(seeded: sessionmaker[Session]) -> None:
    with seeded.begin() as session:
        post = alerts.alert_post("MY", call(seeded, session), local_today=dt.date(2026, 11, 24))
    assert post.reply is not None
    assert not [b for b in post.reply.blocks if isinstance(b, Buttons)]
    text = render(post.reply)
    assert "#" not in text and not NUMBERED.search(text)
    assert "Data is late: the latest data for Malaysia is from 21 Nov 2026" in text


def test_an_owner_filter_keeps_the_alerts_about_their_creators(
    reply: Callable[..., Reply], seeded: sessionmaker[Session]
) -> None:
    with seeded.begin() as session:
        session.execute(update(Creator).where(Creator.handle == "budi").values(cm="Zara"))
    everyone = entries(reply("alerts MY as-of:2026-11-21"))
    budi, aisyah, _slot = everyone
    farah = reply("alerts MY as-of:2026-11-21 cm:farah")
    assert farah.blocks[0] == Header("Anomaly alerts · MY · 21 Nov 2026 · cm:farah")
    assert entries(farah) == [aisyah]  # a slot has no owner: not in anyone's list
    zara = entries(reply("alerts cm:Zara MY as-of:2026-11-21"))
    assert [title.split(" · ")[0] for title, *_ in zara] == ["*Budi (@budi)*"]
    both = entries(reply("alerts MY as-of:2026-11-21 am:Daniel"))
    assert both == [budi, aisyah]
    nobody = render(reply("alerts MY as-of:2026-11-21 cm:nobody"))
    assert "No new anomalies about the creators of cm:nobody in Malaysia on 21 Nov 2026." in nobody
