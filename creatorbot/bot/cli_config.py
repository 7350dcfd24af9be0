"""`creatorbot config check [PATH]`: every problem of the config file, one line each, or OK."""

from __future__ import annotations

import os
import sys
from pathlib import Path

NO_FILE = (
    "no config file to check: give its path, or set CREATORBOT_CONFIG (see creatorbot.example.yaml)"
)


def named_file(environ: dict[str, str] | None = None) -> Path | None:
    """CREATORBOT_CONFIG, from the environment, else from `.env`."""
    environ = dict(os.environ) if environ is None else environ
    given = environ.get("CREATORBOT_CONFIG")
    if not given and Path(".env").is_file():
        from dotenv import dotenv_values

        given = dotenv_values(".env").get("CREATORBOT_CONFIG")
    return Path(given) if given else None


def check(path: Path | None) -> int:
    """Print OK (exit 0), or each problem on stderr (exit 1); exit 2 when no file is named."""
    from creatorbot.bot.config_file import problems_of
    from creatorbot.bot.settings import Settings

    path = path or named_file()
    if path is None:
        print(f"creatorbot: {NO_FILE}", file=sys.stderr)
        return 2
    problems = problems_of(path, Settings.model_fields, os.environ)
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        count = len(problems)
        print(f"{path}: {count} problem{'s' if count > 1 else ''}", file=sys.stderr)
        return 1
    print(f"{path}: OK")
    return 0
