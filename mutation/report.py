"""The mutation score of the last `mutmut run`, and every surviving mutant with the reason it is
harmless (from survivors.toml) or, if none is given, as a failure to look at."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXPLAINED = HERE / "survivors.toml"
TARGET = 0.90
# What a mutant's status says of the tests: caught, or not.
CAUGHT = {"killed", "timeout", "caught by type check"}
MISSED = {"survived", "no tests", "suspicious"}


@dataclass(frozen=True)
class Score:
    """How many mutants the tests caught, missed, and which missed ones nobody explained."""

    caught: int
    missed: list[str]
    unexplained: list[str]

    @property
    def ratio(self) -> float:
        judged = self.caught + len(self.missed)
        return self.caught / judged if judged else 1.0


def statuses(results: str) -> dict[str, str]:
    """`name: status` lines of `mutmut results --all true`, as a mapping."""
    found = {}
    for line in results.splitlines():
        name, colon, status = line.strip().rpartition(": ")
        if colon and name.startswith("creatorbot."):
            found[name] = status
    return found


def score(found: dict[str, str], explained: dict[str, str]) -> Score:
    """Caught over caught and missed; skipped or unchecked mutants are left out."""
    missed = sorted(name for name, status in found.items() if status in MISSED)
    caught = sum(status in CAUGHT for status in found.values())
    return Score(caught, missed, [name for name in missed if not explained.get(name)])


def main() -> int:
    results = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = statuses(results)
    explained = tomllib.loads(EXPLAINED.read_text(encoding="utf-8")) if EXPLAINED.exists() else {}
    reasons = {name: str(entry.get("reason", "")) for name, entry in explained.items()}
    result = score(found, reasons)
    counts = Counter(found.values())
    print(f"mutants: {len(found)} — " + ", ".join(f"{n} {s}" for s, n in counts.most_common()))
    print(
        f"mutation score: {result.ratio:.1%} (caught {result.caught} of "
        f"{result.caught + len(result.missed)}; target {TARGET:.0%})"
    )
    for name in result.missed:
        print(f"  survived: {name} — {reasons.get(name) or 'NOT EXPLAINED'}")
    if result.unexplained:
        print(
            f"{len(result.unexplained)} surviving mutants have no reason in {EXPLAINED.name}: "
            "`mutmut show NAME` shows one; write a test that catches it, or its reason."
        )
    return 0 if result.ratio >= TARGET and not result.unexplained else 1


if __name__ == "__main__":
    sys.exit(main())
