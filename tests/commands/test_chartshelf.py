"""Worker processes share the charts they draw: one drawn by one is not drawn again by
another, a damaged or missing file only means drawing it again, and the shelf stays bounded."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from creatorbot.commands import chartmemo
from creatorbot.commands.chartmemo import remembered, share_in
from creatorbot.commands.chartshelf import SUFFIX, Shelf
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Image

LANG = Lang("ms", "MY")


@pytest.fixture
def shelf(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "charts"
    share_in(folder)
    try:
        yield folder
    finally:
        share_in(None)


def chart(calls: list[tuple[object, ...]]) -> Callable[..., Image]:
    """A draw as a process would hold it: its own memory, its name the same in every process."""

    def trend(values: list[int], *, title: str, lang: Lang) -> Image:
        calls.append((values, title))
        return Image(png=b"\x89PNG" + bytes(values), title=title, alt=f"{title}: {values} ✓")

    return remembered(trend)


def test_a_chart_one_process_drew_is_not_drawn_by_another(shelf: Path) -> None:
    calls: list[tuple[object, ...]] = []
    first, second = chart(calls), chart(calls)
    drawn = first([1, 2, 3], title="GMV harian", lang=LANG)
    assert second([1, 2, 3], title="GMV harian", lang=LANG) == drawn
    assert calls == [([1, 2, 3], "GMV harian")]
    assert len(list(shelf.glob(f"*{SUFFIX}"))) == 1


def test_other_figures_or_another_language_are_drawn(shelf: Path) -> None:
    calls: list[tuple[object, ...]] = []
    first, second = chart(calls), chart(calls)
    first([1, 2, 3], title="GMV", lang=LANG)
    second([1, 2, 4], title="GMV", lang=LANG)
    second([1, 2, 3], title="GMV", lang=Lang("en", "MY"))
    assert len(calls) == 3


def test_a_damaged_file_is_drawn_again(shelf: Path) -> None:
    calls: list[tuple[object, ...]] = []
    first, second = chart(calls), chart(calls)
    drawn = first([7], title="GMV", lang=LANG)
    for kept in shelf.glob(f"*{SUFFIX}"):
        kept.write_bytes(b'{"title": 1')  # cut short mid-header
    assert second([7], title="GMV", lang=LANG) == drawn
    assert len(calls) == 2


def test_a_shelf_that_cannot_be_written_only_means_drawing(shelf: Path) -> None:
    calls: list[tuple[object, ...]] = []
    first, second = chart(calls), chart(calls)
    shutil.rmtree(shelf)  # gone under the process's feet
    drawn = first([5], title="GMV", lang=LANG)
    assert second([5], title="GMV", lang=LANG) == drawn
    assert len(calls) == 2


def test_without_a_shelf_each_process_draws_its_own(tmp_path: Path) -> None:
    calls: list[tuple[object, ...]] = []
    first, second = chart(calls), chart(calls)
    first([1], title="GMV", lang=LANG)
    second([1], title="GMV", lang=LANG)
    assert len(calls) == 2
    assert chartmemo._shelf == []


def test_the_shelf_keeps_the_latest_files_up_to_its_bound(tmp_path: Path) -> None:
    kept = Shelf(tmp_path, kept=3)
    images = [Image(png=bytes([n]), title=f"t{n}", alt=f"a{n}") for n in range(5)]
    for n, image in enumerate(images):
        kept.put("trend", ("seq", n), image)
    assert len(list(tmp_path.glob(f"*{SUFFIX}"))) == 3
    assert [kept.get("trend", ("seq", n)) for n in range(5)] == [None, None, *images[2:]]
    assert list(tmp_path.glob("*.part")) == []  # nothing half-written left behind
