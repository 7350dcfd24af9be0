"""Native exports: the day (date column, date-range line, file name, --day; several days
refused), the market (given, inferred from the currency, else refused), the values exports
write, new creators, recognition of every language, and the preview."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.importers import ImportFailed, import_file, prepare
from creatorbot.storage.importers.native.values import number
from creatorbot.storage.importers.preview_text import preview_lines
from creatorbot.storage.models import Creator
from tests.storage import native_exports as ne
from tests.storage.native_world import add_creators, stored

DAY = dt.date(2026, 12, 1)
HEADER = "Creator name,Creator username,Creator-attributed GMV,Attributed orders,Video views"


def export(folder: Path, name: str, lines: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "top", "day", "source"),
    [
        ("creators.csv", ["Date range: 2026-12-01 ~ 2026-12-01"], None, "date range line"),
        ("creators.csv", ["Periodo: 01/12/2026 - 01/12/2026"], None, "date range line"),
        ("creator_data_20261201.csv", [], None, "file name"),
        ("Creator data 2026-12-01.csv", [], dt.date(2026, 11, 5), "file name"),
        ("creators.csv", [], DAY, "--day option"),
    ],
)
def test_the_day_of_an_export_without_a_date_column(
    sessions: sessionmaker[Session],
    tmp_path: Path,
    name: str,
    top: list[str],
    day: dt.date | None,
    source: str,
) -> None:
    add_creators(sessions, tmp_path, "MY", ["ana"])
    path = export(tmp_path, name, [*top, HEADER, "Ana,ana,RM1,2,3"])
    with sessions.begin() as session:
        prepared = prepare(path, session=session, day=day, market="MY")
    assert prepared.preview.days == (DAY,)
    assert prepared.preview.day_source == source
    assert f"Rows: 1 for 2026-12-01 (day from the {source})" in preview_lines(prepared.preview)


@pytest.mark.parametrize(
    ("name", "top", "shown"),
    [
        (
            "creators.csv",
            ["Date range: 2026-12-01 ~ 2026-12-07"],
            "covers 2026-12-01 to 2026-12-07",
        ),
        ("creators.csv", ["Periodo: 01/12/2026 - 07/12/2026"], "covers 2026-12-01 to 2026-12-07"),
        (
            "creator_data_20261201-20261207.csv",
            [],
            "covers 2026-12-01 to 2026-12-07 (its file name)",
        ),
    ],
)
def test_an_export_over_several_days_is_refused(
    sessions: sessionmaker[Session], tmp_path: Path, name: str, top: list[str], shown: str
) -> None:
    add_creators(sessions, tmp_path, "MY", ["ana"])
    path = export(tmp_path, name, [*top, HEADER, "Ana,ana,RM1,2,3"])
    with pytest.raises(ImportFailed) as failed, sessions.begin() as session:
        import_file(None, path, session=session, market="MY", day=DAY)
    assert shown in str(failed.value)
    assert "export each day on its own" in str(failed.value)
    with sessions() as session:
        assert stored(session) == []


def test_a_row_over_several_days_and_an_export_naming_no_day_are_refused(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    add_creators(sessions, tmp_path, "MY", ["ana"])
    path = export(tmp_path, "c.csv", [HEADER + ",Date", "Ana,ana,1,2,3,2026-12-01 ~ 2026-12-07"])
    several = pytest.raises(ImportFailed, match="row 2, column Date.*covers several days")
    with several, sessions.begin() as session:
        import_file(None, path, session=session, market="MY")
    path = export(tmp_path, "c.csv", [HEADER, "Ana,ana,1,2,3"])
    nowhere = pytest.raises(ImportFailed, match="pass the day: --day YYYY-MM-DD")
    with nowhere, sessions.begin() as session:
        import_file(None, path, session=session, market="MY")


def test_the_market_is_given_inferred_from_the_currency_or_asked_for(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    add_creators(sessions, tmp_path, "MY", ["ana"])
    add_creators(sessions, tmp_path, "IT", ["ana"])
    ringgit = export(tmp_path, "a_20261201.csv", [HEADER, 'Ana,ana,"RM1,234.50",2,3'])
    euro = export(tmp_path, "b_20261201.csv", [HEADER.replace(",", ";"), "Ana;ana;€ 1.234,56;2;3"])
    plain = export(tmp_path, "c_20261201.csv", [HEADER, "Ana,ana,1234.50,2,3"])
    with sessions.begin() as session:
        assert prepare(ringgit, session=session).preview.market == "MY"
        assert prepare(euro, session=session).preview.market == "IT"
        assert prepare(plain, session=session, market="IT").preview.market_source == "given"
        with pytest.raises(ImportFailed, match="pass it with --market"):
            prepare(plain, session=session)
        with pytest.raises(ImportFailed, match="market MY counts in MYR, but .* in EUR"):
            prepare(euro, session=session, market="MY")


@pytest.mark.parametrize(
    ("written", "comma", "canonical"),
    [
        ("RM1,234.50", False, "1234.50"),
        ("€ 1.234,56", True, "1234.56"),
        ("1.234,56 €", True, "1234.56"),
        ("1 234,56", True, "1234.56"),
        ("12,5", True, "12.5"),
        ("1,234", False, "1234"),
        ("1.234.567", True, "1234567"),
        ("5.93%", False, "5.93"),
        ("5,93%", True, "5.93"),
        ("--", False, ""),
        ("", False, ""),
        ("MYR 0.29", False, "0.29"),
        ("-5", False, "-5"),  # still refused as a negative amount
    ],
)
def test_values_as_exports_write_them(written: str, comma: bool, canonical: str) -> None:
    assert number(pd.Series([written]), comma=comma).tolist() == [canonical]


def test_dashes_are_zero_and_amounts_stay_exact(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    add_creators(sessions, tmp_path, "MY", ["ana", "ben"])
    path = export(
        tmp_path,
        "c_20261201.csv",
        [HEADER + ",CTR", 'Ana,ana,"RM1,234,567.89",--,--,5.93%', "Ben,ben,RM0.29,1,--,--"],
    )
    with sessions.begin() as session:
        import_file(None, path, session=session)
    with sessions() as session:
        rows = stored(session)
    assert [(r["handle"], r["gmv"], r["orders"], r["video_views"]) for r in rows] == [
        ("ana", 123456789, 0, 0),
        ("ben", 29, 1, 0),
    ]


def test_a_creator_export_creates_its_new_creators(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    add_creators(sessions, tmp_path, "MY", ["ana"])
    path = export(
        tmp_path,
        "c_20261201.csv",
        [HEADER, "Ana,ana,RM1,1,1", "Nur Aina,@nur.aina,RM2,2,2", "Wei,wei,RM3,3,3"],
    )
    with sessions.begin() as session:
        prepared = prepare(path, session=session)
        assert (prepared.preview.unknown_creators, prepared.preview.creates_creators) == (2, True)
        assert "Unknown creators: 2, to be created" in "\n".join(preview_lines(prepared.preview))
    with sessions.begin() as session:
        import_file(None, path, session=session)
    with sessions() as session:
        made = session.execute(
            select(Creator.handle, Creator.display_name, Creator.tier, Creator.category)
            .where(Creator.handle != "ana")
            .order_by(Creator.handle)
        ).all()
        assert [tuple(row) for row in made] == [
            ("nur.aina", "Nur Aina", "new", "uncategorised"),
            ("wei", "Wei", "new", "uncategorised"),
        ]
        assert len(stored(session)) == 3


@pytest.mark.parametrize(
    ("language", "header"),
    [
        ("id", "Nama kreator,Nama pengguna kreator,GMV yang diatribusikan ke kreator,Pesanan"),
        ("th", "ชื่อครีเอเตอร์,ชื่อผู้ใช้ครีเอเตอร์,GMV ที่มาจากครีเอเตอร์,คำสั่งซื้อ"),
        (
            "vi",
            "Tên nhà sáng tạo,Tên người dùng của nhà sáng tạo,"
            "GMV được phân bổ cho nhà sáng tạo,Đơn hàng",
        ),
        ("en", "CREATOR NAME ,creator username,  Affiliate-attributed GMV,Attributed orders"),
    ],
)
def test_every_language_and_old_header_is_recognised(
    sessions: sessionmaker[Session], tmp_path: Path, language: str, header: str
) -> None:
    add_creators(sessions, tmp_path, "MY", ["ana"])
    path = export(tmp_path, "c_20261201.csv", [header, "Ana,ana,7.5,2"])
    with sessions.begin() as session:
        prepared = prepare(path, session=session, market="MY")
    assert (prepared.preview.format, prepared.preview.language) == ("creator_performance", language)
    assert prepared.preview.unmatched == ()
    with sessions.begin() as session:
        import_file(None, path, session=session, market="MY")
    with sessions() as session:
        assert [(r["gmv"], r["orders"]) for r in stored(session)] == [(750, 2)]


def test_the_preview_names_what_is_read_and_what_is_not(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    add_creators(sessions, tmp_path, "MY", ["ana"])
    frame = ne.canonical_day(["ana"], "MY", DAY, seed=1)
    rows = ne.performance_rows(frame, "en", ne.ENGLISH)
    rows = [[*row, extra] for row, extra in zip(rows, ["Notes", "x"], strict=True)]
    path = ne.write(rows, tmp_path, "creator_data", ne.ENGLISH)
    with sessions.begin() as session:
        preview = prepare(path, session=session).preview
    lines = preview_lines(preview)
    assert (
        lines[0]
        == "creator_data.csv: creator performance export (English headers), read as daily_metrics"
    )
    assert "Market: MY (inferred from the currency)" in lines
    assert "Columns: matched 17 of 18; not read: Notes" in lines
    assert "New rows: 1; updated rows: 0" in lines


def test_a_canonical_file_is_still_recognised(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    add_creators(sessions, tmp_path, "MY", ["ana"])
    path = ne.canonical_csv(ne.canonical_day(["ana"], "MY", DAY, seed=1), tmp_path)
    with sessions.begin() as session:
        preview = prepare(path, session=session).preview
    assert (preview.format, preview.kind, preview.language) == ("canonical", "daily_metrics", None)
    assert "canonical.csv: canonical daily_metrics file" in preview_lines(preview)
