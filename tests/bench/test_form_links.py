"""The link-export bench runs on a small world: every enrolled creator gets a link, once."""

from __future__ import annotations

from bench.form_links import run


def test_the_bench_exports_a_link_per_creator_and_reuses_them() -> None:
    figures = run(300)
    assert figures.creators == 300
    assert figures.first_seconds > 0 and figures.again_seconds > 0
    # A header and 300 rows, each with its ~70-character link: at least 300 × 70 bytes.
    assert figures.file_bytes > 300 * 70
