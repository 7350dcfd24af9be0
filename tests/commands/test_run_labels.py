"""A scheduled post's period and times as a reader sees them: the market's calendar and clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from creatorbot.commands.i18n import Lang
from creatorbot.commands.run_labels import period_label

KL = ZoneInfo("Asia/Kuala_Lumpur")


@pytest.mark.parametrize(
    ("key", "language", "expected"),
    [
        ("2026-11-24", "en", "24 Nov 2026"),
        ("2026-11-24T14", "en", "24 Nov 2026 14:00"),
        ("2026-W48", "en", "week of 23 Nov 2026"),
        ("manual:2026-11-24T01:30:00", "en", "run now, 24 Nov 2026 09:30"),  # 01:30 UTC
        ("manual:2026-11-23T23:10:00.123456", "en", "run now, 24 Nov 2026 07:10"),
        ("campaign:my-1111", "en", "campaign:my-1111"),
        ("2026-11-24", "it", "24 nov 2026"),
    ],
)
def test_periods_read_in_the_markets_calendar(key: str, language: str, expected: str) -> None:
    assert period_label(key, KL, Lang(language, "MY")) == expected


def test_a_local_time_is_the_markets_not_utc() -> None:
    moment = dt.datetime(2026, 11, 24, 1, 34, tzinfo=dt.UTC)
    assert period_label(f"manual:{moment.isoformat()}", KL, Lang("en", "MY")).endswith("09:34")
