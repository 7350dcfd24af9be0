"""The importers: good files round-trip exactly and idempotently, bad files change nothing."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage import writer
from creatorbot.storage.importers import KINDS, ImportFailed, ImportResult, RowError, import_file
from creatorbot.storage.models import (
    Base,
    Campaign,
    Creator,
    DailyMetric,
    Enrollment,
    RewardTier,
    SlotMetric,
    Tier,
)
from creatorbot.storage.money import from_minor

Rows = list[list[str]]

# One good file per kind: a header and three rows. Money has two decimals so it reads back as
# written; "0.29" and "1234567.89" are the classic binary-float traps.
GOOD: dict[str, tuple[list[str], Rows]] = {
    "creators": (
        ["handle", "display_name", "market", "tier", "category", "followers", "cm", "am"]
        + ["joined_on", "email", "notes"],
        [
            ["alice", "Alice Tan", "MY", "gold", "beauty", "120000", "Mei", "Raj", "2025-03-01"]
            + ["alice@example.com", "ignored"],
            ["bob", "Bob Lim", "MY", "silver", "gadgets", "5400", "", "", "", "", ""],
            ["carla", "Carla Rossi", "IT", "gold", "fashion", "88000", "Giulia", "", "2024-11-15"]
            + ["", ""],
        ],
    ),
    "daily_metrics": (
        ["date", "market", "handle", "gmv", "orders", "items_sold", "live_gmv", "video_gmv"]
        + ["live_sessions", "live_minutes", "video_posts", "video_views", "new_followers"],
        [
            ["2026-01-05", "MY", "alice", "1234.56", "10", "12", "1000.00", "234.56", "1", "90"]
            + ["2", "15000", "40"],
            ["2026-01-05", "MY", "bob", "0.29", "1", "1", "0.00", "0.29", "0", "0", "1", "300"]
            + ["0"],
            ["2026-01-06", "IT", "carla", "1234567.89", "700", "950", "1000000.00", "34567.89"]
            + ["3", "240", "5", "1200000", "310"],
        ],
    ),
    "campaigns": (
        ["slug", "name", "market", "kind", "starts_on", "ends_on", "metric", "gmv_target"]
        + ["creator_target", "reward_tiers"],
        [
            ["my-1111", "11.11 Mega Sale", "MY", "mega_sale", "2025-11-01", "2025-11-11", "gmv"]
            + ["500000.00", "200", ""],
            ["it-sprint", "Sprint di primavera", "IT", "incentive", "2026-03-01", "2026-03-31"]
            + ["orders", "", "", "5000:100.00;20000:500.29"],
            ["my-ip", "IP Day", "MY", "ip_event", "2026-02-01", "2026-02-01", "live_gmv"]
            + ["1234567.89", "", ""],
        ],
    ),
    "enrollments": (
        ["campaign", "handle", "enrolled_on"],
        [
            ["my-1111", "alice", "2025-10-20"],
            ["my-1111", "bob", "2025-10-21"],
            ["it-sprint", "carla", "2026-02-25"],
        ],
    ),
    "tiers": (
        ["market", "tier", "rank", "min_gmv_30d"],
        [
            ["MY", "gold", "1", "50000.00"],
            ["MY", "silver", "2", "0.29"],
            ["IT", "gold", "1", "1234567.89"],
        ],
    ),
    "slot_metrics": (
        ["date", "market", "slot", "surface", "impressions", "clicks", "conversions"],
        [
            ["2026-01-05", "MY", "ec-banner-1", "ec_center", "100000", "2500", "120"],
            ["2026-01-06", "MY", "ec-banner-1", "ec_center", "98000", "2400", "0"],
            ["2026-01-05", "IT", "landing-hero", "landing_page", "45000", "900", "31"],
        ],
    ),
}
NEEDS = {"daily_metrics": ("creators",), "enrollments": ("creators", "campaigns")}
TABLES = [t for t in Base.metadata.sorted_tables if t.name not in {"markets"}]


# --- writing files -------------------------------------------------------------------------


def write_csv(path: Path, header: list[str], rows: Rows, encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as out:
        csv.writer(out).writerows([header, *rows])
    return path


def write_xlsx(path: Path, header: list[str], rows: Rows) -> Path:
    """Cells typed as a spreadsheet would hold them: dates as dates, numbers as numbers."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(value) for value in row])
    book.save(path)
    return path


def _cell(value: str) -> Any:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:  # a spreadsheet keeps 2026-02-30 as text
            return value
    if re.fullmatch(r"\d+", value):
        return int(value)
    if re.fullmatch(r"\d+\.\d+", value):
        return float(value)
    return value


def write(folder: Path, kind: str, fmt: str, header: list[str], rows: Rows) -> Path:
    path = folder / f"{kind}.{fmt}"
    return write_csv(path, header, rows) if fmt == "csv" else write_xlsx(path, header, rows)


def good_file(folder: Path, kind: str, fmt: str = "csv") -> Path:
    header, rows = GOOD[kind]
    return write(folder, kind, fmt, header, rows)


# --- the database --------------------------------------------------------------------------


def run(sessions: sessionmaker[Session], kind: str, path: Path, **options: Any) -> ImportResult:
    with sessions.begin() as session:
        return import_file(kind, path, session=session, **options)


def seed(sessions: sessionmaker[Session], folder: Path, kind: str) -> None:
    """Import, from good files, whatever `kind` refers to."""
    for needed in NEEDS.get(kind, ()):
        run(sessions, needed, good_file(folder, needed))


def snapshot(sessions: sessionmaker[Session]) -> dict[str, list[tuple[Any, ...]]]:
    with sessions() as session:
        return {
            table.name: sorted(tuple(row) for row in session.execute(select(table)))
            for table in TABLES
        }


def reach(metric: str, threshold: int) -> str:
    """A reward threshold as written in the file: an amount for money metrics, else a count."""
    return money(threshold) if metric in ("gmv", "live_gmv", "video_gmv") else str(threshold)


def money(minor: int | None) -> str:
    return "" if minor is None else str(from_minor(minor))


def day(value: dt.date | None) -> str:
    return "" if value is None else value.isoformat()


def read_back(session: Session, kind: str) -> list[dict[str, str]]:
    """The stored rows of `kind`, spelled as the canonical file spells them."""
    match kind:
        case "creators":
            return [
                {
                    "handle": c.handle,
                    "display_name": c.display_name,
                    "market": c.market,
                    "tier": c.tier,
                    "category": c.category,
                    "followers": str(c.followers),
                    "cm": c.cm or "",
                    "am": c.am or "",
                    "joined_on": day(c.joined_on),
                    "email": c.email or "",
                }
                for c in session.scalars(select(Creator))
            ]
        case "daily_metrics":
            rows = session.execute(
                select(DailyMetric, Creator.handle).join(
                    Creator, Creator.id == DailyMetric.creator_id
                )
            )
            return [
                {
                    "date": day(m.date),
                    "market": m.market,
                    "handle": handle,
                    **{name: money(getattr(m, name)) for name in writer.DAILY_MONEY},
                    **{name: str(getattr(m, name)) for name in writer.DAILY_COUNTS},
                }
                for m, handle in rows
            ]
        case "campaigns":
            return [
                {
                    "slug": c.slug,
                    "name": c.name,
                    "market": c.market,
                    "kind": c.kind.value,
                    "starts_on": day(c.starts_on),
                    "ends_on": day(c.ends_on),
                    "metric": c.metric,
                    "gmv_target": money(c.gmv_target),
                    "creator_target": "" if c.creator_target is None else str(c.creator_target),
                    "reward_tiers": ";".join(
                        f"{reach(c.metric, t.threshold)}:{money(t.reward)}" for t in c.reward_tiers
                    ),
                }
                for c in session.scalars(select(Campaign))
            ]
        case "enrollments":
            query = select(Campaign.slug, Creator.handle, Enrollment.enrolled_on).select_from(
                Enrollment
            )
            query = query.join(Campaign).join(Creator)
            return [
                {"campaign": slug, "handle": handle, "enrolled_on": day(on)}
                for slug, handle, on in session.execute(query)
            ]
        case "tiers":
            return [
                {
                    "market": t.market,
                    "tier": t.tier,
                    "rank": str(t.rank),
                    "min_gmv_30d": money(t.min_gmv_30d),
                }
                for t in session.scalars(select(Tier))
            ]
        case "slot_metrics":
            return [
                {
                    "date": day(s.date),
                    "market": s.market,
                    "slot": s.slot,
                    "surface": s.surface,
                    "impressions": str(s.impressions),
                    "clicks": str(s.clicks),
                    "conversions": str(s.conversions),
                }
                for s in session.scalars(select(SlotMetric))
            ]
    raise AssertionError(kind)


def as_written(kind: str) -> list[dict[str, str]]:
    """The good file's rows as dicts of the columns `read_back` spells out."""
    header, rows = GOOD[kind]
    return [dict(zip(header, row, strict=True)) for row in rows]


def same_rows(stored: list[dict[str, str]], written: list[dict[str, str]]) -> bool:
    def key(row: dict[str, str]) -> str:
        return repr(sorted(row.items()))

    columns = set(stored[0]) if stored else set()
    trimmed = [{k: v for k, v in row.items() if k in columns} for row in written]
    return sorted(stored, key=key) == sorted(trimmed, key=key)


# --- good files ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", KINDS)
def test_good_file_round_trips(
    sessions: sessionmaker[Session], tmp_path: Path, kind: str, fmt: str
) -> None:
    seed(sessions, tmp_path, kind)

    result = run(sessions, kind, good_file(tmp_path, kind, fmt))

    assert result == ImportResult(kind, rows=3, inserted=3, updated=0)
    with sessions() as session:
        assert same_rows(read_back(session, kind), as_written(kind))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", KINDS)
def test_reimport_is_idempotent(
    sessions: sessionmaker[Session], tmp_path: Path, kind: str, fmt: str
) -> None:
    seed(sessions, tmp_path, kind)
    path = good_file(tmp_path, kind, fmt)
    run(sessions, kind, path)
    before = snapshot(sessions)

    result = run(sessions, kind, path)

    assert result == ImportResult(kind, rows=3, inserted=0, updated=3)
    assert snapshot(sessions) == before


def test_money_is_stored_in_exact_minor_units(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    seed(sessions, tmp_path, "daily_metrics")
    run(sessions, "daily_metrics", good_file(tmp_path, "daily_metrics", "xlsx"))
    run(sessions, "campaigns", good_file(tmp_path, "campaigns"))

    with sessions() as session:
        gmv = dict(
            session.execute(
                select(Creator.handle, DailyMetric.gmv).join(
                    Creator, Creator.id == DailyMetric.creator_id
                )
            ).all()
        )
        tiers = session.execute(select(RewardTier.threshold, RewardTier.reward)).all()
    assert gmv == {"alice": 123456, "bob": 29, "carla": 123456789}
    # it-sprint ranks by orders: thresholds are order counts, rewards are money
    assert sorted(tiers) == [(5000, 10000), (20000, 50029)]


def test_thresholds_of_a_count_metric_are_whole_numbers(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    header, rows = GOOD["campaigns"]
    bad = [[*rows[1][:9], "50.5:100"]]
    with pytest.raises(ImportFailed) as failed:
        run(sessions, "campaigns", write_csv(tmp_path / "c.csv", header, bad))
    assert [(e.row, e.column) for e in failed.value.errors] == [(2, "reward_tiers")]


def test_an_update_changes_the_stored_values(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    header, rows = GOOD["tiers"]
    run(sessions, "tiers", write_csv(tmp_path / "tiers.csv", header, rows))
    changed = [rows[0][:3] + ["60000.10"], *rows[1:]]

    result = run(sessions, "tiers", write_csv(tmp_path / "again.csv", header, changed))

    assert (result.inserted, result.updated) == (0, 3)
    gold = select(Tier.min_gmv_30d).where(Tier.market == "MY", Tier.tier == "gold")
    with sessions() as session:
        assert session.scalar(gold) == 6000010


def test_an_empty_metric_means_gmv(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    header, rows = GOOD["campaigns"]
    rows = [[*rows[0][:6], "", *rows[0][7:]]]
    run(sessions, "campaigns", write_csv(tmp_path / "c.csv", header, rows))

    with sessions() as session:
        assert session.scalar(select(Campaign.metric)) == "gmv"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\xef\xbb\xbftier,market,rank,min_gmv_30d\ngold,MY,1,5.00\n", id="bom"),
        pytest.param(b"market;tier;rank;min_gmv_30d\r\nMY;gold;1;5.00\r\n", id="semicolons"),
        pytest.param(b" market , tier ,rank,min_gmv_30d\n\n MY ,gold , 1.0 , 5 \n", id="spaces"),
    ],
)
def test_common_csv_shapes_are_read(
    sessions: sessionmaker[Session], tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "tiers.csv"
    path.write_bytes(content)

    result = run(sessions, "tiers", path)

    assert result.rows == 1
    with sessions() as session:
        stored = session.execute(select(Tier.market, Tier.tier, Tier.rank, Tier.min_gmv_30d))
        assert tuple(stored.one()) == ("MY", "gold", 1, 500)


def test_column_mapping_renames_the_teams_headers(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    seed(sessions, tmp_path, "daily_metrics")
    header, rows = GOOD["daily_metrics"]
    theirs = {"Creator": "handle", "GMV (€)": "gmv", "Day": "date"}
    renamed = [{v: k for k, v in theirs.items()}.get(name, name) for name in header]
    path = write_csv(tmp_path / "export.csv", renamed, rows)

    result = run(sessions, "daily_metrics", path, column_map=theirs)

    assert result.inserted == 3
    with sessions() as session:
        assert same_rows(read_back(session, "daily_metrics"), as_written("daily_metrics"))


def test_progress_is_reported(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    totals: list[int] = []
    written: list[int] = []

    run(
        sessions,
        "slot_metrics",
        good_file(tmp_path, "slot_metrics"),
        progress=written.append,
        on_total=totals.append,
    )

    assert totals == [3]
    assert sum(written) == 3


# --- bad files -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    """A good file of `kind`, spoiled by `spoil`, and the first problem it must report."""

    kind: str
    spoil: Callable[[list[str], Rows], tuple[list[str], Rows]]
    row: int | None
    column: str | None
    problem: str


def cell(line: int, column: str, value: str) -> Callable[[list[str], Rows], tuple[list[str], Rows]]:
    """Set `column` on spreadsheet row `line` (the first data row is 2)."""

    def spoil(header: list[str], rows: Rows) -> tuple[list[str], Rows]:
        rows = [list(row) for row in rows]
        rows[line - 2][header.index(column)] = value
        return header, rows

    return spoil


def without(column: str) -> Callable[[list[str], Rows], tuple[list[str], Rows]]:
    def spoil(header: list[str], rows: Rows) -> tuple[list[str], Rows]:
        at = header.index(column)
        return header[:at] + header[at + 1 :], [row[:at] + row[at + 1 :] for row in rows]

    return spoil


def repeat(line: int) -> Callable[[list[str], Rows], tuple[list[str], Rows]]:
    return lambda header, rows: (header, [*rows, rows[line - 2]])


COUNT = "expected a whole number ≥ 0"
AMOUNT = "expected an amount ≥ 0 with at most 2 decimals"
DATE = "expected a date as YYYY-MM-DD"
UNKNOWN_HANDLE = "no creator with this handle in market"

# name: (kind, how the good file is spoiled, row, column, part of the problem)
BAD_ROWS = {
    "missing column": Bad("daily_metrics", without("gmv"), 1, "gmv", "required column is"),
    "missing value": Bad("creators", cell(3, "tier", ""), 3, "tier", "a value is required"),
    "text in a count": Bad("daily_metrics", cell(3, "orders", "ten"), 3, "orders", COUNT),
    "negative count": Bad("creators", cell(2, "followers", "-5"), 2, "followers", COUNT),
    "fractional count": Bad("slot_metrics", cell(4, "clicks", "2.5"), 4, "clicks", COUNT),
    "count too large": Bad("tiers", cell(2, "rank", "40000"), 2, "rank", "number ≤ 32,767"),
    "no such day": Bad("daily_metrics", cell(2, "date", "2026-02-30"), 2, "date", DATE),
    "not ISO date": Bad("slot_metrics", cell(3, "date", "06/01/2026"), 3, "date", DATE),
    "negative money": Bad("daily_metrics", cell(4, "gmv", "-12.50"), 4, "gmv", AMOUNT),
    "too many decimals": Bad("tiers", cell(3, "min_gmv_30d", "1.234"), 3, "min_gmv_30d", AMOUNT),
    "decimal comma": Bad("campaigns", cell(2, "gmv_target", "1234,56"), 2, "gmv_target", AMOUNT),
    "unknown market": Bad("slot_metrics", cell(2, "market", "SG"), 2, "market", "unknown market"),
    "unknown handle": Bad("daily_metrics", cell(3, "handle", "x"), 3, "handle", UNKNOWN_HANDLE),
    "other market's": Bad("daily_metrics", cell(4, "handle", "bob"), 4, "handle", UNKNOWN_HANDLE),
    "unknown enrollee": Bad("enrollments", cell(4, "handle", "alice"), 4, "handle", UNKNOWN_HANDLE),
    "unknown campaign": Bad("enrollments", cell(2, "campaign", "x"), 2, "campaign", "no campaign"),
    "unknown campaign kind": Bad("campaigns", cell(3, "kind", "flash"), 3, "kind", "one of"),
    "unknown metric": Bad("campaigns", cell(3, "metric", "likes"), 3, "metric", "one of"),
    "ends before start": Bad("campaigns", cell(2, "ends_on", "2025-10-31"), 2, "ends_on", "ends"),
    "bad reward tiers": Bad("campaigns", cell(3, "reward_tiers", "5-1"), 3, "reward_tiers", "like"),
    "same threshold": Bad(
        "campaigns", cell(3, "reward_tiers", "5:1;5:2"), 3, "reward_tiers", "threshold 5 appears"
    ),
    "handle too long": Bad("creators", cell(2, "handle", "h" * 65), 2, "handle", "longer than 64"),
    "twice a creator": Bad("creators", repeat(3), 5, "market+handle", "as row 3"),
    "twice a day": Bad("daily_metrics", repeat(2), 5, "date+market+handle", "as row 2"),
    "twice a campaign": Bad("campaigns", repeat(4), 5, "slug", "same slug as row 4"),
    "twice an enrollment": Bad("enrollments", repeat(2), 5, "campaign+handle", "as row 2"),
    "twice a tier": Bad("tiers", repeat(2), 5, "market+tier", "as row 2"),
    "twice a slot day": Bad("slot_metrics", repeat(3), 5, "date+market+slot", "as row 3"),
}


def expect_failure(
    sessions: sessionmaker[Session], kind: str, path: Path, **options: Any
) -> ImportFailed:
    """Import `path`, expecting it to fail, and check that it changed nothing."""
    before = snapshot(sessions)
    with pytest.raises(ImportFailed) as failure, sessions.begin() as session:
        import_file(kind, path, session=session, **options)
    assert snapshot(sessions) == before
    return failure.value


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("case", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_a_bad_row_fails_the_import_and_names_row_and_column(
    sessions: sessionmaker[Session], tmp_path: Path, case: Bad, fmt: str
) -> None:
    seed(sessions, tmp_path, case.kind)
    header, rows = case.spoil(*GOOD[case.kind])
    path = write(tmp_path, case.kind, fmt, header, rows)

    failure = expect_failure(sessions, case.kind, path)

    assert failure.total_errors == 1
    [error] = failure.errors
    assert (error.row, error.column) == (case.row, case.column)
    assert case.problem in error.problem
    message = str(failure)
    assert message.startswith(f"{case.kind}.{fmt}: 1 problem, nothing was imported\n")
    assert f"row {case.row}, column {case.column}" in message


@pytest.mark.parametrize(
    ("name", "content", "row", "problem"),
    [
        pytest.param("tiers.csv", b"", 1, "the file is empty", id="empty csv"),
        pytest.param("tiers.csv", b"\n  \n", 1, "the file is empty", id="blank csv"),
        pytest.param(
            "tiers.csv",
            b"market,tier,rank,min_gmv_30d\n",
            2,
            "the file has a header but no data rows",
            id="header only",
        ),
        pytest.param(
            "tiers.csv",
            "market,tier,rank,min_gmv_30d\nMY,gold,1,5\nIT,oro è,1,5\n".encode("latin-1"),
            3,
            "the file isn't UTF-8 (byte 0xE8 at position 8 of this line); save it as UTF-8",
            id="latin-1",
        ),
        pytest.param(
            "tiers.csv",
            b"market,tier,rank,min_gmv_30d\nMY,gold,1,5,9\n",
            2,
            "this row has more values than the header",
            id="extra values",
        ),
        pytest.param(
            "tiers.json",
            b"market,tier,rank,min_gmv_30d\n",
            None,
            "unsupported file type",
            id="extension",
        ),
        pytest.param(
            "tiers.xlsx", b"not a workbook", None, "not a readable .xlsx workbook", id="broken xlsx"
        ),
    ],
)
def test_a_bad_file_fails_the_import(
    sessions: sessionmaker[Session],
    tmp_path: Path,
    name: str,
    content: bytes,
    row: int | None,
    problem: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    failure = expect_failure(sessions, "tiers", path)

    [error] = failure.errors
    assert error.row == row
    assert error.problem.startswith(problem)
    assert problem in str(failure)


def test_empty_xlsx_fails(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "tiers.xlsx"
    Workbook().save(path)

    failure = expect_failure(sessions, "tiers", path)

    assert failure.errors == [RowError(1, None, None, "the file is empty; expected a header row")]


def test_every_problem_is_reported_not_just_the_first(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    header, rows = GOOD["slot_metrics"]
    rows = [list(row) for row in rows]
    rows[0][header.index("clicks")] = "many"
    rows[1][header.index("date")] = "2026-13-01"
    rows[2][header.index("market")] = ""

    failure = expect_failure(sessions, "slot_metrics", write_csv(tmp_path / "s.csv", header, rows))

    assert failure.total_errors == 3
    assert [(e.row, e.column) for e in failure.errors] == [
        (2, "clicks"),
        (3, "date"),
        (4, "market"),
    ]
    assert str(failure).splitlines() == [
        "s.csv: 3 problems, nothing was imported",
        '  row 2, column clicks: "many" — expected a whole number ≥ 0',
        '  row 3, column date: "2026-13-01" — expected a date as YYYY-MM-DD',
        "  row 4, column market: a value is required",
    ]


def test_problems_are_capped_at_fifty_but_all_counted(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    header = GOOD["tiers"][0]
    rows = [["MY", f"tier-{n}", "1", "-1"] for n in range(200)]

    failure = expect_failure(sessions, "tiers", write_csv(tmp_path / "t.csv", header, rows))

    assert failure.total_errors == 200
    assert len(failure.errors) == 50
    assert [e.row for e in failure.errors] == list(range(2, 52))
    lines = str(failure).splitlines()
    assert lines[0] == "t.csv: 200 problems, nothing was imported"
    assert lines[-1] == "  … and 150 more"


def test_a_failed_import_leaves_the_callers_transaction_clean(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    header, rows = GOOD["tiers"]
    bad = write_csv(tmp_path / "bad.csv", header, [*rows, ["MY", "bronze", "x", "1"]])

    with sessions.begin() as session:
        with pytest.raises(ImportFailed):
            import_file("tiers", bad, session=session)
        import_file("slot_metrics", good_file(tmp_path, "slot_metrics"), session=session)

    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Tier)) == 0
        assert session.scalar(select(func.count()).select_from(SlotMetric)) == 3


def test_an_unknown_kind_is_refused(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown kind 'orders'"), sessions.begin() as session:
        import_file("orders", good_file(tmp_path, "tiers"), session=session)
