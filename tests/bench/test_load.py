"""The load script works end to end on a small world, and its figures are computed right."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.load import (
    ANSWER_TIMEOUT,
    TARGET_USERS,
    Step,
    ack_buckets_of,
    answered_ok,
    bucket_percentile,
    load,
    report,
    verdict,
)
from bench.stats import percentile

CLI = "from creatorbot.bot.cli import main; raise SystemExit(main())"


@pytest.fixture(scope="module")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo world of 200 creators over 20 days, built by the real CLI."""
    folder = tmp_path_factory.mktemp("load-world")
    done = subprocess.run(
        [sys.executable, "-c", CLI, "demo-data", "--creators", "200", "--days", "20"],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CREATORBOT_"))},
            "CREATORBOT_DATA_DIR": str(folder),
        },
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return folder / "creatorbot.sqlite3"


def test_a_short_run_answers_every_command_and_reports_it(small_world: Path) -> None:
    run = load(small_world, [3, 5], per_user=2, warm_up=False)
    assert [s.users for s in run.steps] == [3, 5]
    for step in run.steps:
        assert step.errors == {}
        assert len(step.acks) == len(step.answers) == step.users * 2
        assert all(0 < seconds < ANSWER_TIMEOUT for seconds in step.acks + step.answers)
        assert step.peak_rss_mb > 0
    assert run.logged_errors == []
    rows = [line.split()[:2] for line in report(run).splitlines()[1:3]]
    assert rows == [["3", "6"], ["5", "10"]]  # users, requests


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(n) for n in range(100, 0, -1)]  # 100 … 1
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([3.0, 1.0, 2.0], 0.99) == 3.0  # fewer than 100: the largest
    assert percentile([], 0.5) != percentile([], 0.5)  # NaN


def test_the_bots_own_histogram_is_read_between_two_readings() -> None:
    text = "\n".join(
        [
            "# TYPE creatorbot_ack_seconds histogram",
            'creatorbot_ack_seconds_bucket{le="0.1",platform="slack"} 90.0',
            'creatorbot_ack_seconds_bucket{le="0.25",platform="slack"} 99.0',
            'creatorbot_ack_seconds_bucket{le="+Inf",platform="slack"} 100.0',
            'creatorbot_ack_seconds_bucket{le="0.1",platform="lark"} 5.0',
        ]
    )
    after = ack_buckets_of(text)
    assert after == {0.1: 90.0, 0.25: 99.0, float("inf"): 100.0}
    # 100 acks counted since a reading of nothing: the 99th is in the 0.25 s bucket.
    assert bucket_percentile({}, after, 0.99) == 0.25
    # Since a reading of 80 (all under 0.1 s): of 20 new acks, 10 under 0.1, 19 under 0.25.
    before = {0.1: 80.0, 0.25: 80.0, float("inf"): 80.0}
    assert bucket_percentile(before, after, 0.5) == 0.1
    assert bucket_percentile(before, after, 0.99) == float("inf")


def test_only_a_real_answer_counts_and_the_verdict_needs_no_errors() -> None:
    share = {"type": "actions", "elements": [{"action_id": "cb.share.0"}]}
    assert answered_ok({"blocks": [{"type": "section"}, share]})
    assert not answered_ok({"text": "Something went wrong on our side"})
    quick = Step(TARGET_USERS, acks=[0.05] * 99 + [0.9])
    assert "→ MET" in (verdict([quick]) or "")
    slow = Step(TARGET_USERS, acks=[0.05] * 98 + [1.2, 1.3])
    assert "NOT MET" in (verdict([slow]) or "")
    failing = Step(TARGET_USERS, acks=[0.05] * 100)
    failing.count("missing", "/leaderboard gmv")
    assert "NOT MET" in (verdict([failing]) or "")
    assert verdict([Step(10, acks=[0.05])]) is None
