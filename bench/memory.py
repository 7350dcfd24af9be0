"""The private memory of a bench process at its peak: its resident memory less the files it
maps (the database file's pages mapped for reads, the libraries), which the kernel keeps as
cache whether they are mapped or not and drops first when memory is short. The kernel keeps no
high-water mark of it (VmHWM counts the mapped pages too), so it is sampled."""

from __future__ import annotations

import threading
from pathlib import Path

EVERY = 0.05  # seconds between samples: more often, the sampling took 8% of a sync's CPU


class PrivatePeak:
    """Samples RssAnon + RssShmem from its start until `stop`; `stop` returns the peak in MB."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while True:
            self.peak_kb = max(self.peak_kb, private_kb())
            if self._done.wait(EVERY):
                return

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return max(self.peak_kb, private_kb()) / 1024


def private_kb() -> int:
    """This process's resident memory that no file backs, in kB (0 where /proc is absent)."""
    try:
        status = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        return 0
    fields = dict(line.split(":", 1) for line in status if line.startswith(("RssAnon", "RssShmem")))
    return sum(int(value.split()[0]) for value in fields.values())
