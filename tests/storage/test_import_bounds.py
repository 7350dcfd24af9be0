"""Every import is bounded and strict: hostile files are refused with a reason naming what is
wrong, in a process whose memory stays under 1 GB; values out of bounds are refused, names come
in without chat mentions, and a refused file writes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bench.hostile import database, run_child
from bench.hostile_files import CAMPAIGN_HEADER, DAILY_HEADER, HOSTILE, TIER_HEADER, Hostile
from creatorbot.storage.importers import ImportFailed, import_file
from creatorbot.storage.importers.days import latest_days
from creatorbot.storage.models import Campaign, Creator, DailyMetric, RewardTier, SlotMetric, Tier

MEMORY_MB = 1024
CREATORS = "handle,display_name,market,tier,category,followers,cm,am,joined_on"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return database(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda h: h.name)
def test_hostile_file_is_refused_within_bounded_memory(
    hostile: Hostile, hostile_db: str, tmp_path: Path
) -> None:
    outcome = run_child(hostile.write(tmp_path), hostile.kind, hostile_db)
    assert outcome.peak_mb < MEMORY_MB, outcome
    if hostile.reason:
        assert outcome.refused, outcome.message
        assert "nothing was imported" in outcome.message
        assert hostile.reason in outcome.message
    else:
        assert not outcome.refused, outcome.message


def _csv(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _refusal(sessions: sessionmaker[Session], kind: str, path: Path) -> str:
    with pytest.raises(ImportFailed) as caught, sessions.begin() as session:
        import_file(kind, path, session=session)
    return str(caught.value)


def _creator(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        session.add(
            Creator(
                market="MY",
                handle="alice",
                handle_key="alice",
                display_name="Alice",
                tier="gold",
                category="beauty",
                followers=1,
            )
        )


def _daily(day: str, gmv: str = "1.00", views: str = "1", market: str = "MY") -> str:
    return f"{day},{market},alice,{gmv},1,1,0,{gmv},0,0,1,{views},0"


def test_latest_day_is_tomorrow_in_the_market_zone() -> None:
    # 20:30 UTC on 6 December is 04:30 on the 7th in Kuala Lumpur, 21:30 on the 6th in Rome.
    now = dt.datetime(2026, 12, 6, 20, 30, tzinfo=dt.UTC)
    latest = latest_days({"MY": "Asia/Kuala_Lumpur", "IT": "Europe/Rome"}, now)
    assert latest == {"MY": dt.date(2026, 12, 8), "IT": dt.date(2026, 12, 7)}


def test_days_after_tomorrow_are_refused(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    _creator(sessions)
    tomorrow = dt.datetime.now(ZoneInfo("Asia/Kuala_Lumpur")).date() + dt.timedelta(days=1)
    later = tomorrow + dt.timedelta(days=2)  # two days of margin for a clock crossing midnight
    lines = [DAILY_HEADER, _daily("9999-12-31"), _daily(later.isoformat()), _daily("1999-12-31")]
    message = _refusal(sessions, "daily_metrics", _csv(tmp_path, "late.csv", lines))
    assert 'row 2, column date: "9999-12-31" — a day that has not come yet' in message
    assert f'row 3, column date: "{later}" — a day that has not come yet' in message
    assert "(tomorrow in Asia/Kuala_Lumpur)" in message
    assert 'row 4, column date: "1999-12-31" — expected a date from 2000-01-01 on' in message
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(DailyMetric)) == 0

    yesterday = tomorrow - dt.timedelta(days=2)
    path = _csv(tmp_path, "today.csv", [DAILY_HEADER, _daily(yesterday.isoformat())])
    with sessions.begin() as session:
        assert import_file("daily_metrics", path, session=session).inserted == 1


def test_future_days_refused_for_every_kind_of_figure(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    far = "2990-01-01"
    slots = _csv(
        tmp_path,
        "slots.csv",
        ["date,market,slot,surface,impressions,clicks,conversions", f"{far},MY,top,feed,1,1,1"],
    )
    assert "a day that has not come yet" in _refusal(sessions, "slot_metrics", slots)
    creators = _csv(tmp_path, "creators.csv", [CREATORS, f"bob,Bob,MY,gold,beauty,1,,,{far}"])
    message = _refusal(sessions, "creators", creators)
    assert "column joined_on" in message and "a day that has not come yet" in message
    # A campaign may be planned ahead: its dates keep the calendar's bounds.
    campaigns = _csv(
        tmp_path,
        "campaigns.csv",
        [CAMPAIGN_HEADER, "plan,Plan,MY,mega_sale,2027-11-01,2027-11-11,gmv,100,,"],
    )
    with sessions.begin() as session:
        import_file("campaigns", campaigns, session=session)
    enrollments = _csv(
        tmp_path, "enrollments.csv", ["campaign,handle,enrolled_on", f"plan,bob,{far}"]
    )
    _creator(sessions)
    message = _refusal(sessions, "enrollments", enrollments)
    assert "column enrolled_on" in message and "(tomorrow in Asia/Kuala_Lumpur)" in message


def test_targets_and_thresholds_must_be_above_zero(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    lines = [
        CAMPAIGN_HEADER,
        "a,A,MY,mega_sale,2026-11-01,2026-11-11,gmv,0,,",
        "b,B,MY,mega_sale,2026-11-01,2026-11-11,gmv,0.00,0,",
        "c,C,MY,incentive,2026-11-01,2026-11-11,gmv,,,0:10;500:20",
        "d,D,MY,incentive,2026-11-01,2026-11-11,gmv,1,1,0.01:10",
    ]
    message = _refusal(sessions, "campaigns", _csv(tmp_path, "zero.csv", lines))
    assert 'row 2, column gmv_target: "0" — expected a value greater than 0' in message
    assert 'row 3, column gmv_target: "0.00" — expected a value greater than 0' in message
    assert 'row 3, column creator_target: "0" — expected a value greater than 0' in message
    assert "row 4, column reward_tiers" in message and "“0:10” has a threshold of 0" in message
    assert "row 5" not in message
    assert "4 problems" in message
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Campaign)) == 0
        assert session.scalar(select(func.count()).select_from(RewardTier)) == 0


def test_control_characters_refused_in_every_text_field(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    lines = [
        CREATORS,
        "bob\x00,Bob,MY,gold,beauty,1,,,",
        "carl,Carl\x1b[31m,MY,gold,beauty,1,,,",
        'dina,"Dina\nTan",MY,gold,beauty,1,,,',
        "eve,Eve,MY,gold,beauty,1,Mei\x7f,,",
    ]
    message = _refusal(sessions, "creators", _csv(tmp_path, "control.csv", lines))
    problem = "contains a control character"
    assert f'row 2, column handle: "bob\\u0000" — {problem}' in message
    assert "row 3, column display_name: " in message
    assert "row 4" in message and "column display_name" in message  # a quoted line break
    assert "row 5, column cm" in message
    assert message.count(problem) == 4
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Creator)) == 0


def test_mentions_and_markup_stripped_from_names(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    lines = [
        CREATORS,
        "bob,<!channel> Bob <@U0123|boss>,MY,<!here>gold,beauty,1,@everyone Mei,<#C01|ops>Raj,",
        'carl,"<at user_id=""ou_9"">Boss</at>Carl <at id=all></at>",MY,gold,beauty,1,,,',
        "dina,Dina \ue000U1\ue001 <http://evil.example|click> Tan,MY,gold,beauty,1,@all,,",
        "eve,eve@here.com,MY,gold,beauty,1,,,",
    ]
    with sessions.begin() as session:
        result = import_file("creators", _csv(tmp_path, "names.csv", lines), session=session)
    assert result.inserted == 4
    with sessions.begin() as session:
        stored = {
            row.handle: (row.display_name, row.tier, row.cm, row.am)
            for row in session.scalars(select(Creator))
        }
    assert stored == {
        "bob": ("Bob", "gold", "Mei", "Raj"),
        "carl": ("Carl", "gold", None, None),
        "dina": ("Dina U1 Tan", "gold", None, None),
        "eve": ("eve@here.com", "gold", None, None),  # an address, not a mention
    }
    campaign = [CAMPAIGN_HEADER, "x,<!channel>,MY,mega_sale,2026-11-01,2026-11-11,gmv,,,"]
    message = _refusal(sessions, "campaigns", _csv(tmp_path, "only.csv", campaign))
    assert 'row 2, column name: "<!channel>" — nothing is left once chat mentions' in message


def test_slot_and_tier_names_stripped(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    tiers = [TIER_HEADER, "MY,<@U1> gold,1,100"]
    slots = ["date,market,slot,surface,impressions,clicks,conversions"]
    slots.append("2026-11-01,MY,<!here> top,@channel feed,1,1,1")
    with sessions.begin() as session:
        import_file("tiers", _csv(tmp_path, "t.csv", tiers), session=session)
        import_file("slot_metrics", _csv(tmp_path, "s.csv", slots), session=session)
    with sessions.begin() as session:
        assert session.scalars(select(Tier.tier)).all() == ["gold"]
        assert session.execute(select(SlotMetric.slot, SlotMetric.surface)).one() == (
            "top",
            "feed",
        )


def test_summed_values_are_bounded(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    _creator(sessions)
    # The bound: below 10**10 minor units or counts, so that 2.5 million creators × 366 days
    # of values at the bound still sum within int64.
    assert (10**10 - 1) * 2_500_000 * 366 < 2**63
    lines = [
        DAILY_HEADER,
        _daily("2026-11-01", gmv="99999999.99", views="9999999999"),
        _daily("2026-11-02", gmv="100000000.00"),
        _daily("2026-11-03", views="10000000000"),
    ]
    message = _refusal(sessions, "daily_metrics", _csv(tmp_path, "big.csv", lines))
    assert 'row 3, column gmv: "100000000.00" — expected an amount below 100,000,000' in message
    assert (
        'row 4, column video_views: "10000000000" — expected a whole number ≤ 9,999,999,999'
        in message
    )
    assert "row 2" not in message
    with sessions.begin() as session:
        path = _csv(tmp_path, "edge.csv", lines[:2])
        import_file("daily_metrics", path, session=session)
        assert session.execute(select(DailyMetric.gmv, DailyMetric.video_views)).one() == (
            9_999_999_999,
            9_999_999_999,
        )
    # Targets are compared with sums, never summed over days: they may be larger.
    campaign = [CAMPAIGN_HEADER, "big,Big,MY,mega_sale,2026-11-01,2026-11-11,gmv,5000000000,,"]
    with sessions.begin() as session:
        import_file("campaigns", _csv(tmp_path, "c.csv", campaign), session=session)
        assert session.scalar(select(Campaign.gmv_target)) == 500_000_000_000
