"""Timing the bench's questions in child processes: each answer's samples as one JSON line, so a
question that runs past its time limit is cut off (the child killed, the next one started after
it) without losing the figures of the others."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

from bench.stats import percentile as nearest_rank

BUDGET = 10.0  # seconds of samples per question, after the first answer
SKIP = "skipped"  # a question not asked: it repeats one that timed out


def samples(
    action: Callable[[], Any],
    repeat: int,
    budget: float = BUDGET,
    cpu: list[float] | None = None,
) -> list[float]:
    """Seconds per answer: a first answer warms caches (and is the only sample when it alone
    took longer than the budget), then up to `repeat` timed answers within `budget` seconds.
    `cpu`, when given, gets the process's CPU seconds (every thread's) of each answer timed."""
    started, spent = time.perf_counter(), time.process_time()
    action()
    first = time.perf_counter() - started
    if first > budget:
        if cpu is not None:
            cpu.append(time.process_time() - spent)
        return [first]
    found: list[float] = []
    begun = time.perf_counter()
    while len(found) < repeat and (not found or time.perf_counter() - begun < budget):
        started, spent = time.perf_counter(), time.process_time()
        action()
        found.append(time.perf_counter() - started)
        if cpu is not None:
            cpu.append(time.process_time() - spent)
    return found


def emit(index: int, action: Callable[[], Any], repeat: int) -> None:
    """Time one question and print its line (samples, or the error)."""
    try:
        cpu: list[float] = []
        line: dict[str, Any] = {"index": index, "samples": samples(action, repeat, cpu=cpu)}
        line["cpu"] = cpu
    except Exception as exc:  # a failed answer is a figure too: shown, never a crash
        line = {"index": index, "error": f"{type(exc).__name__}: {exc}"[:200]}
    print(json.dumps(line), flush=True)


def ask_all(
    argv: list[str], count: int, timeout: float, same: Callable[[int, int], bool]
) -> tuple[dict[int, dict[str, Any]], dict[str, Any]]:
    """Run `python -m …argv --first N` until all `count` questions have a line: a question that
    gives no line within `timeout` seconds is marked timed out, its child killed, and a new one
    started after it (skipping later questions `same` says repeat it). Returns the lines by
    index, and the child's closing line (its memory, …) — the largest figures over children."""
    lines: dict[int, dict[str, Any]] = {}
    closing: dict[str, Any] = {}
    first = 0
    while first < count:
        with tempfile.TemporaryFile("w+") as errors:
            first = _child(argv, first, count, timeout, lines, closing, errors)
        if first < 0:  # a question ran out of time: the next ones not to ask, then go on
            timed_out = -first - 1
            first = timed_out + 1
            while first < count and same(timed_out, first):
                lines[first] = {"index": first, "timeout": timeout, "why": SKIP}
                first += 1
    return lines, closing


def _child(
    argv: list[str],
    first: int,
    count: int,
    timeout: float,
    lines: dict[int, dict[str, Any]],
    closing: dict[str, Any],
    errors: Any,
) -> int:
    """One child from question `first`; the next question to ask (count when all are done), or
    -(index + 1) of the question that ran out of time."""
    child = subprocess.Popen(
        [sys.executable, "-m", *argv, "--first", str(first)],
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
    )
    out: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_pump, args=(child, out), daemon=True).start()
    while True:
        try:
            raw = out.get(timeout=timeout)
        except queue.Empty:
            child.kill()
            child.wait()
            lines[first] = {"index": first, "timeout": timeout}
            return -first - 1
        if raw is None:  # the child ended
            child.wait()
            if first < count and child.returncode:  # died on this question (out of memory, …)
                errors.seek(0)
                tail = " ".join(errors.read()[-300:].split())
                lines[first] = {"index": first, "error": f"exit {child.returncode}: {tail}"}
                return first + 1
            return count
        line = json.loads(raw)
        if "index" in line:
            lines[line["index"]] = line
            first = line["index"] + 1
        else:
            for key, value in line.items():
                closing[key] = max(closing.get(key, value), value)


def _pump(child: subprocess.Popen[str], out: queue.Queue[str | None]) -> None:
    assert child.stdout is not None
    for raw in child.stdout:
        if raw.startswith("{"):
            out.put(raw)
    out.put(None)


def percentile(found: list[float], q: float) -> float:
    """The q-quantile of `found` (nearest rank), in ms."""
    return nearest_rank(found, q) * 1000
