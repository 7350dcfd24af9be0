"""`.env.example` documents every setting the bot reads."""

from __future__ import annotations

from pathlib import Path

from creatorbot.bot.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def test_every_setting_is_in_the_example() -> None:
    written = EXAMPLE.read_text(encoding="utf-8")
    names = [
        str(field.validation_alias)
        for field in Settings.model_fields.values()
        if isinstance(field.validation_alias, str)
    ]
    assert names
    missing = [name for name in names if f"{name}=" not in written]
    assert missing == []
