"""`python -m doccheck`: print every broken link and unknown command in the docs; exit 1 if any."""

from __future__ import annotations

import sys

from doccheck.known import REPO
from doccheck.run import asker, check, documents, empty_database


def main() -> int:
    """Check README.md and docs/*.md of this repository."""
    with empty_database() as sessions:
        problems = check(REPO, asker(sessions))
    for problem in problems:
        print(problem)
    print(f"docs-check: {len(documents(REPO))} files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
