"""Imports refuse creators a reader cannot tell apart — handles equal up to case, Unicode form
or invisible characters — within a file and against the creators stored for the market, and
rows naming a creator only up to those differences; the error names row, column and value, with
the invisible characters written out."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.importers import ImportFailed, import_file
from creatorbot.storage.models import Creator

CREATOR_HEADER = ["handle", "display_name", "market", "tier", "category", "followers", "cm", "am"]
NFC = unicodedata.normalize("NFC", "josé")
NFD = unicodedata.normalize("NFD", "josé")


def creators_file(tmp_path: Path, *handles: tuple[str, str]) -> Path:
    """A creators file of (handle, market) rows."""
    path = tmp_path / "creators.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([*CREATOR_HEADER, "joined_on"])
        for handle, market in handles:
            writer.writerow([handle, "Someone", market, "gold", "beauty", "10", "", "", ""])
    return path


def rows_file(tmp_path: Path, name: str, header: list[str], rows: list[list[str]]) -> Path:
    path = tmp_path / f"{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([header, *rows])
    return path


def run(sessions: sessionmaker[Session], kind: str, path: Path) -> None:
    with sessions.begin() as session:
        import_file(kind, path, session=session)


def refused(sessions: sessionmaker[Session], kind: str, path: Path) -> str:
    with sessions() as session:
        before = sorted(session.scalars(select(Creator.handle)))
    with pytest.raises(ImportFailed) as failure:
        run(sessions, kind, path)
    with sessions() as session:
        assert sorted(session.scalars(select(Creator.handle))) == before  # nothing written
    return str(failure.value)


@pytest.mark.parametrize(
    ("first", "second", "shown_second"),
    [
        ("Aisyah.Beauty", "aisyah.beauty", "aisyah.beauty"),
        ("aisyah.beauty", "aisyah\u200b.beauty", "aisyah\\u200b.beauty"),
        ("aisyah.beauty", "\ufeffaisyah.beauty", "\\ufeffaisyah.beauty"),
        ("aisyah.beauty", "aisyah.bea\u00adu\u200dty", "aisyah.bea\\u00adu\\u200dty"),
        (NFC, NFD, "jose\\u0301"),
        ("aisyah", "ａｉｓｙａｈ", "ａｉｓｙａｈ"),
    ],
    ids=["case", "zero-width space", "BOM", "soft hyphen and ZWJ", "NFD", "full-width"],
)
def test_look_alike_handles_in_one_file_are_refused(
    sessions: sessionmaker[Session], tmp_path: Path, first: str, second: str, shown_second: str
) -> None:
    path = creators_file(tmp_path, (first, "MY"), ("bob", "MY"), (second, "MY"))
    message = refused(sessions, "creators", path)
    assert message.startswith("creators.csv: 1 problem, nothing was imported\n")
    assert f'row 4, column handle: "{shown_second}" — ' in message
    assert "row 2" in message.split(" — ", 1)[1]


def test_the_same_handle_in_two_markets_is_two_creators(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    run(
        sessions,
        "creators",
        creators_file(tmp_path, ("Aisyah.Beauty", "MY"), ("aisyah.beauty", "IT")),
    )
    with sessions() as session:
        assert len(session.scalars(select(Creator)).all()) == 2


def test_a_look_alike_of_a_stored_creator_is_refused_and_the_stored_one_updated(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    run(sessions, "creators", creators_file(tmp_path, ("aisyah.beauty", "MY"), (NFC, "MY")))
    for typed, shown in (
        ("Aisyah.Beauty", "Aisyah.Beauty"),
        ("aisyah\u200b.beauty", "aisyah\\u200b.beauty"),
        (NFD, "jose\\u0301"),
    ):
        message = refused(
            sessions, "creators", creators_file(tmp_path, ("bob", "MY"), (typed, "MY"))
        )
        assert f'row 3, column handle: "{shown}" — ' in message
        stored = "josé" if typed == NFD else "aisyah.beauty"
        assert f"“{stored}”" in message and "MY" in message
    run(sessions, "creators", creators_file(tmp_path, ("aisyah.beauty", "MY")))  # exact: an update
    run(sessions, "creators", creators_file(tmp_path, ("Aisyah.Beauty", "IT")))  # another market


@pytest.mark.parametrize(
    ("kind", "header", "row", "column"),
    [
        (
            "daily_metrics",
            ["date", "market", "handle", "gmv", "orders", "items_sold", "live_gmv", "video_gmv"]
            + ["live_sessions", "live_minutes", "video_posts", "video_views", "new_followers"],
            ["2026-01-05", "MY", "{handle}", "10.00", "1", "1", "5.00", "5.00", "1", "60", "1"]
            + ["100", "1"],
            "handle",
        ),
        (
            "enrollments",
            ["campaign", "handle", "enrolled_on"],
            ["my-1111", "{handle}", "2025-10-20"],
            "handle",
        ),
    ],
)
def test_rows_naming_a_creator_only_up_to_case_or_invisibles_say_did_you_mean(
    sessions: sessionmaker[Session],
    tmp_path: Path,
    kind: str,
    header: list[str],
    row: list[str],
    column: str,
) -> None:
    run(sessions, "creators", creators_file(tmp_path, ("aisyah.beauty", "MY")))
    campaign = [
        "my-1111",
        "11.11",
        "MY",
        "mega_sale",
        "2025-11-01",
        "2025-11-11",
        "gmv",
        "",
        "",
        "",
    ]
    campaigns = ["slug", "name", "market", "kind", "starts_on", "ends_on", "metric", "gmv_target"]
    run(
        sessions,
        "campaigns",
        rows_file(
            tmp_path, "campaigns", [*campaigns, "creator_target", "reward_tiers"], [campaign]
        ),
    )
    for typed, shown in (
        ("Aisyah.Beauty", "Aisyah.Beauty"),
        ("aisyah\u200b.beauty", "aisyah\\u200b.beauty"),
    ):
        cells = [cell.format(handle=typed) for cell in row]
        message = refused(sessions, kind, rows_file(tmp_path, kind, header, [cells]))
        assert (
            f'row 2, column {column}: "{shown}" — no creator with this handle in market MY; '
            "did you mean “aisyah.beauty”?"
        ) in message
