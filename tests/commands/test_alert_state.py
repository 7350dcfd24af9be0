"""An alert message shown again: kept as JSON, and each handled entry's buttons replaced by who
handled it and when, in the market's time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from creatorbot.commands.alert_state import shown_now
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Button, Buttons, Context, Header, Reply, Text, mention_of
from creatorbot.commands.reply_codec import decode, encode
from creatorbot.storage.models import Alert, AlertStatus

KL = ZoneInfo("Asia/Kuala_Lumpur")


def post() -> Reply:
    return Reply(
        (
            Header("Anomaly alerts · MY · 23 Nov 2026"),
            Text("*#7 Mira (@mira)* · @Farah\nGMV 97% below its usual Monday"),
            Buttons(
                (
                    Button("Acknowledge", "open", "alerts ack 7"),
                    Button("Snooze 7 days", "open", "alerts snooze 7"),
                )
            ),
            Text("*#9 Nadia (@nadia)*\nOrders 95% below its usual Monday"),
            Buttons(
                (
                    Button("Acknowledge", "open", "alerts ack 9"),
                    Button("Snooze 7 days", "open", "alerts snooze 9"),
                )
            ),
            Context("Each creator … is compared with its own last 28 days."),
        ),
        rows=2,
    )


def alert(alert_id: int, status: AlertStatus, **values: object) -> Alert:
    return Alert(id=alert_id, market="MY", status=status, **values)


def test_a_post_survives_being_kept() -> None:
    assert decode(encode(post())).blocks == post().blocks


def test_only_the_handled_entry_loses_its_buttons() -> None:
    handled = {
        7: alert(
            7,
            AlertStatus.ACKNOWLEDGED,
            handled_by="U2",
            handled_at=dt.datetime(2026, 11, 24, 2, 5, tzinfo=dt.UTC),  # 10:05 in KL
        ),
        9: alert(9, AlertStatus.OPEN),
    }
    shown = shown_now(post(), handled, KL, Lang("en", "MY")).blocks
    assert shown[2] == Context(f"✅ Acknowledged by {mention_of('U2')} on 24 Nov 2026 at 10:05.")
    assert shown[:2] == post().blocks[:2] and shown[3:] == post().blocks[3:]


def test_a_snooze_says_until_when() -> None:
    handled = {
        9: alert(
            9,
            AlertStatus.SNOOZED,
            handled_by="U1",
            snoozed_until=dt.date(2026, 12, 1),
            handled_at=dt.datetime(2026, 11, 24, 16, 30, tzinfo=dt.UTC),  # 00:30 next day in KL
        )
    }
    shown = shown_now(post(), handled, KL, Lang("it", "MY")).blocks
    assert shown[4] == Context(
        f"💤 Silenziato fino al 1 dic 2026 da {mention_of('U1')} il 25 nov 2026 alle 00:30."
    )
    assert isinstance(shown[2], Buttons)
