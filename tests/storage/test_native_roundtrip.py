"""Native exports in English, Italian and Malay, as CSV, Italian Excel CSV, UTF-16 text and
XLSX, import to exactly the figures of the equivalent canonical file; a second import changes
nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.importers import import_file, prepare, write
from tests.storage import native_exports as ne
from tests.storage.native_world import add_creators, stored

DAY = dt.date(2026, 12, 1)
HANDLES = [f"creator.{n:02d}" for n in range(24)]
# Some files name their day in a date column, others in a "Date range" line above the header.
RANGE_LINES = {
    "en": "Date range: 2026-12-01 ~ 2026-12-01",
    "it": "Periodo: 01/12/2026 - 01/12/2026",
    "ms": "Julat tarikh: 2026-12-01 ~ 2026-12-01",
}
DATED = (ne.ENGLISH, ne.UNICODE_TEXT)


def expected(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The generator's own numbers, as stored rows read back."""
    rows = frame.sort_values("handle").to_dict("records")
    return [{k: row[k] for k in ("date", "market", "handle", *ne.METRICS)} for row in rows]


@pytest.mark.parametrize("language", ["en", "it", "ms"])
@pytest.mark.parametrize("style", ne.STYLES, ids=lambda style: style.name)
def test_a_native_export_imports_as_its_canonical_file(
    sessions: sessionmaker[Session], tmp_path: Path, style: ne.Style, language: str
) -> None:
    market = "IT" if style.symbol.startswith("€") else "MY"
    add_creators(sessions, tmp_path, market, HANDLES)
    frame = ne.canonical_day(HANDLES, market, DAY, seed=len(language) + len(style.name))

    # The canonical file, imported then rolled back: what the native exports must store.
    with sessions() as session:
        import_file("daily_metrics", ne.canonical_csv(frame, tmp_path), session=session)
        canonical = stored(session)
        session.rollback()
    assert canonical == expected(frame)

    dated = style in DATED
    preamble = () if dated else (RANGE_LINES[language],)
    performance = ne.write(
        ne.performance_rows(frame, language, style, with_date=dated),
        tmp_path,
        f"creator_data_{language}",
        style,
        preamble,
    )
    # The creator export carries no LIVE minutes: the LIVE analytics export does.
    live = ne.write(ne.live_rows(frame, language, style), tmp_path, f"live_{language}", style)
    for path, new in ((performance, len(HANDLES)), (live, 0)):
        with sessions.begin() as session:
            prepared = prepare(path, session=session)
            assert prepared.preview.language == language
            assert prepared.preview.market == market
            assert prepared.preview.days == (DAY,)
            assert prepared.preview.new == new
            write(prepared, session=session)
    with sessions() as session:
        assert stored(session) == canonical

    # Again: nothing new, every row the same.
    for path in (performance, live):
        with sessions.begin() as session:
            prepared = prepare(path, session=session)
            assert prepared.preview.new == 0
            assert prepared.preview.updated == prepared.preview.rows
            write(prepared, session=session)
    with sessions() as session:
        assert stored(session) == canonical


@pytest.mark.parametrize("style", [ne.ENGLISH, ne.ITALIAN_EXCEL], ids=lambda s: s.name)
def test_video_analytics_sum_each_creators_videos(
    sessions: sessionmaker[Session], tmp_path: Path, style: ne.Style
) -> None:
    market = "IT" if style.decimal_comma else "MY"
    add_creators(sessions, tmp_path, market, HANDLES)
    frame = ne.canonical_day(HANDLES, market, DAY, seed=3)
    path = ne.write(ne.video_rows(frame, "it", style), tmp_path, "video", style)
    with sessions.begin() as session:
        import_file(None, path, session=session, market=market)
        rows = {row["handle"]: row for row in stored(session)}
    posting = frame[frame["video_posts"] > 0]
    assert set(rows) == set(posting["handle"])
    for row in posting.itertuples(index=False):
        got = rows[row.handle]
        assert (got["video_posts"], got["video_views"], got["video_gmv"]) == (
            row.video_posts,
            row.video_views,
            row.video_gmv,
        )
        assert got["gmv"] == got["live_minutes"] == 0  # a new row: what the export lacks is 0


def test_an_export_changes_only_the_metrics_it_carries(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    add_creators(sessions, tmp_path, "MY", HANDLES)
    frame = ne.canonical_day(HANDLES, "MY", DAY, seed=11)
    with sessions.begin() as session:
        import_file("daily_metrics", ne.canonical_csv(frame, tmp_path), session=session)
    longer = frame.assign(live_minutes=frame["live_minutes"] * 2 + frame["live_sessions"])
    path = ne.write(ne.live_rows(longer, "en", ne.ENGLISH), tmp_path, "live", ne.ENGLISH)
    with sessions.begin() as session:
        import_file(None, path, session=session)
    with sessions() as session:
        # LIVE minutes come from the LIVE export; GMV, orders and views stay as stored.
        live = longer[longer["live_sessions"] > 0]
        want = expected(pd.concat([live, frame[frame["live_sessions"] == 0]]))
        assert stored(session) == want
        assert any(a != b for a, b in zip(want, expected(frame), strict=True))
