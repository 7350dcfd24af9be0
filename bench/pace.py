"""How fast the machine runs now: the CPU seconds of a fixed loop, printed beside figures
that drift with a shared host's speed (the same work has taken half as long again here)."""

from __future__ import annotations

import time

LOOP = 10_000_000


def pace() -> float:
    """CPU seconds this process takes to add up `LOOP` integers one by one."""
    started = time.process_time()
    total = 0
    for n in range(LOOP):
        total += n
    return time.process_time() - started


def pace_line(*seconds: float) -> str:
    """One line for a report: what the loop took at the moments given, or now."""
    taken = ", then ".join(f"{s:.2f}" for s in seconds or (pace(),))
    return f"machine pace: a fixed loop of {LOOP:,} additions took {taken} s of CPU"
