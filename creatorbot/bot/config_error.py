"""The error of a config file that cannot be used, apart from the checks (YAML, pydantic's
adapters), so that the CLI can catch it without importing them when no file is given."""

from __future__ import annotations


class ConfigError(ValueError):
    """The config file cannot be used: one plain line per problem."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines
