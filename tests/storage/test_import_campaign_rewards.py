"""A campaigns file may carry the set-up's other fields — a budget cap, prizes by rank, reminder
days — and a file without those columns leaves them as they were set (in chat)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.importers import ImportFailed
from creatorbot.storage.models import Campaign
from tests.storage.test_importers import run, write_csv

HEADER = ["slug", "name", "market", "kind", "starts_on", "ends_on", "metric", "gmv_target"]
HEADER += ["creator_target", "reward_tiers"]
CUP = ["my-cup", "Live Cup", "MY", "competition", "2026-12-01", "2026-12-07", "gmv", "", "", ""]


def stored(sessions: sessionmaker[Session]) -> tuple[int | None, int | None, list[tuple[int, ...]]]:
    with sessions() as session:
        cup = session.scalars(select(Campaign).where(Campaign.slug == "my-cup")).one()
        bands = [(b.rank_from, b.rank_to, b.reward) for b in cup.reward_bands]
        return cup.budget_cap, cup.remind_days, bands


def test_the_extra_columns_are_stored_and_kept_by_a_file_without_them(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    full = HEADER + ["budget_cap", "reward_bands", "remind_days"]
    path = write_csv(tmp_path / "c1.csv", full, [CUP + ["1200.50", "1-3:500;4-10:20.50", "3"]])
    run(sessions, "campaigns", path)
    expected = (120_050, 3, [(1, 3, 50_000), (4, 10, 2_050)])
    assert stored(sessions) == expected
    run(sessions, "campaigns", write_csv(tmp_path / "c2.csv", HEADER, [CUP]))
    assert stored(sessions) == expected
    emptied = write_csv(tmp_path / "c3.csv", full, [CUP + ["", "", ""]])
    run(sessions, "campaigns", emptied)
    assert stored(sessions) == (None, None, [])


@pytest.mark.parametrize(
    ("bands", "problem"),
    [("1-3:500;3-5:100", "are in two prizes"), ("3-1:5", "like 1-3:500"), ("1:abc", "like")],
)
def test_bad_prizes_by_rank_name_the_row_and_column(
    sessions: sessionmaker[Session], tmp_path: Path, bands: str, problem: str
) -> None:
    path = write_csv(tmp_path / "c.csv", [*HEADER, "reward_bands"], [CUP + [bands]])
    with pytest.raises(ImportFailed) as failed:
        run(sessions, "campaigns", path)
    (error,) = failed.value.errors
    assert (error.row, error.column) == (2, "reward_bands")
    assert problem in error.problem
