"""Hostile files: for each, the time to refusal and the peak memory of the importing process
(a fresh child process per file, its Linux VmHWM), printed as a table.

    python -m bench.hostile
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.hostile_files import HOSTILE, Hostile


@dataclass(frozen=True)
class Outcome:
    """What importing one hostile file did."""

    refused: bool
    message: str
    seconds: float  # from the call to the refusal (or the end of the import)
    peak_mb: float  # the child's peak resident memory, start-up included


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started (Linux VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def database(folder: Path) -> str:
    """A migrated SQLite database in `folder` with the creator the value files name."""
    from creatorbot.storage.db import make_engine, make_sessionmaker, upgrade
    from creatorbot.storage.models import Creator

    url = f"sqlite:///{folder / 'hostile.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    with make_sessionmaker(engine).begin() as session:
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
    engine.dispose()
    return url


def run_child(path: Path, kind: str, url: str) -> Outcome:
    """Import `path` as `kind` into `url` in a fresh process; what it did."""
    child = subprocess.run(
        [sys.executable, "-m", "bench.hostile", "--child", str(path), kind, url],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if child.returncode != 0:
        raise RuntimeError(f"the import of {path.name} crashed:\n{child.stderr[-3000:]}")
    found = json.loads(child.stdout.strip().splitlines()[-1])
    return Outcome(**found)


def child(path: Path, kind: str, url: str) -> None:
    """The child's side: import, and print the outcome as one JSON line."""
    from creatorbot.storage.db import make_engine, make_sessionmaker
    from creatorbot.storage.importers import ImportFailed, import_file

    sessions = make_sessionmaker(make_engine(url))
    started = time.perf_counter()
    try:
        with sessions.begin() as session:
            result = import_file(kind, path, session=session)
        refused, message = False, f"imported {result.rows} rows"
    except ImportFailed as exc:
        refused, message = True, str(exc)
    seconds = time.perf_counter() - started
    outcome = {"refused": refused, "message": message, "seconds": seconds}
    print(json.dumps({**outcome, "peak_mb": peak_rss_mb()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", nargs=3, metavar=("FILE", "KIND", "URL"))
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), args.child[1], args.child[2])
        return
    with tempfile.TemporaryDirectory() as folder:
        url = database(Path(folder))
        rows = [_row(hostile, Path(folder), url) for hostile in HOSTILE]
    width = max(len(hostile.name) for hostile in HOSTILE)
    print(f"{'hostile file':<{width}}  {'size':>9}  {'outcome':<8}  {'time':>7}  peak      reason")
    for line in rows:
        print(line)


def _row(hostile: Hostile, folder: Path, url: str) -> str:
    path = hostile.write(folder)
    size = path.stat().st_size / 1024 / 1024
    outcome = run_child(path, hostile.kind, url)
    reason = outcome.message.splitlines()[-1].strip()
    verdict = "refused" if outcome.refused else "imported"
    path.unlink()
    width = max(len(h.name) for h in HOSTILE)
    return (
        f"{hostile.name:<{width}}  {size:>6.1f} MB  {verdict:<8}  {outcome.seconds:>6.2f}s"
        f"  {outcome.peak_mb:>5.0f} MB  {reason[:110]}"
    )


if __name__ == "__main__":
    main()
