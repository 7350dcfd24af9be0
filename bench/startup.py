"""Start times as a user meets them: `creatorbot --help`, `--version` and `ask "leaderboard MY"`
on the demo world, each a process of its own (median wall and CPU seconds of a few runs), and
the bot's cold start to `/readyz`; beside their targets and the machine's load (2 cores shared:
wall time grows with the load, CPU time much less)."""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.start import ALSO_OURS, OURS, cold_start, creatorbot

TARGETS = {"--help": 0.3, "--version": 0.3, "ask leaderboard MY": 0.8, "cold start to /readyz": 3.0}


def timed(command: list[str], env: dict[str, str], cwd: str) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def median_of(runs: int, command: list[str], env: dict[str, str], cwd: str) -> tuple[float, float]:
    """Median wall and CPU seconds of `runs` runs (NaN when the command fails: an older
    release without `--version`)."""
    try:
        walls, cpus = zip(*(timed(command, env, cwd) for _ in range(runs)), strict=True)
    except subprocess.CalledProcessError:
        return float("nan"), float("nan")
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (median)")
    args = parser.parse_args()
    bot = creatorbot()
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith(OURS) and k not in ALSO_OURS}
        env.update(CREATORBOT_DATA_DIR=folder, LOG_LEVEL="WARNING")
        # A user's Python keeps compiled bytecode (pip compiles it at install too): a shell that
        # forbids writing it would time the compiler on every start instead.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        print(f"load before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        subprocess.run([*bot, "demo-data"], env=env, cwd=folder, check=True, capture_output=True)
        ask = [*bot, "ask", "leaderboard MY"]
        subprocess.run(ask, env=env, cwd=folder, check=True, capture_output=True)  # warm caches
        figures = {
            "--help": median_of(args.runs, [*bot, "--help"], env, folder),
            "--version": median_of(args.runs, [*bot, "--version"], env, folder),
            "ask leaderboard MY": median_of(args.runs, ask, env, folder),
        }
        database = f"sqlite:///{Path(folder) / 'creatorbot.sqlite3'}"
        starts = [cold_start(database, ask=False) for _ in range(3)]
        figures["cold start to /readyz"] = (
            statistics.median(s.ready for s in starts),
            statistics.median(s.ready_cpu for s in starts),
        )
    print(f"\nstart times (median of {args.runs}; cold start: of 3), demo world on SQLite")
    print(f"{'':24} {'wall s':>8} {'CPU s':>8} {'target s':>9}")
    for name, (wall, cpu) in figures.items():
        mark = "ok" if wall <= TARGETS[name] else "over"
        print(f"{name:24} {wall:8.2f} {cpu:8.2f} {TARGETS[name]:9.1f}  {mark}")
    print(f"load after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
