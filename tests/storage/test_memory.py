"""While an import runs, the arrays it frees stay in the process for the next ones; once it
is done, they go back to the system. Measured in a process of its own: the settings are the
whole process's, and its resident memory is what a host sees."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

MB = 1 << 20

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    from creatorbot.storage.memory import arrays_on_heap, release_memory

    def resident():
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * 4096

    def churn():  # what an upkeep does: big arrays made, filled, freed
        for _ in range(3):
            np.ones(40 * 2**20 // 8)

    release_memory()
    seen = {"start": resident()}
    with arrays_on_heap():
        with arrays_on_heap():  # an import's upkeep inside the import
            churn()
        seen["inner left"] = resident()
        churn()
        seen["inside"] = resident()
    seen["left"] = resident()
    churn()
    seen["after"] = resident()
    print(json.dumps(seen))
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's heap, read in /proc")
def test_freed_arrays_are_kept_for_reuse_inside_and_given_back_after() -> None:
    run = subprocess.run([sys.executable, "-c", SCRIPT], check=True, capture_output=True, text=True)
    seen = {name: value / MB for name, value in json.loads(run.stdout).items()}
    # Inside, the 40 MB freed stays resident for the next array (no fresh pages to fault in),
    # and a nested block leaving does not end it.
    assert seen["inner left"] - seen["start"] > 35, seen
    assert seen["inside"] - seen["start"] > 35, seen
    # Leaving the outermost block hands it back; later arrays of that size are mapped and
    # unmapped again, as glibc does by default.
    assert seen["left"] - seen["start"] < 10, seen
    assert seen["after"] - seen["start"] < 10, seen
