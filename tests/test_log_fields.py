"""No log call names an extra field the logging module keeps for itself: `extra={"message": …}`
raises KeyError when the record is made, so the failure being logged becomes a crash."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import creatorbot

RESERVED = {*logging.LogRecord("n", 0, "p", 0, "m", None, None).__dict__, "message", "asctime"}


def test_no_log_call_overwrites_a_field_of_the_record() -> None:
    clashes = []
    for path in Path(creatorbot.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg != "extra" or not isinstance(keyword.value, ast.Dict):
                    continue
                for key in keyword.value.keys:
                    if isinstance(key, ast.Constant) and key.value in RESERVED:
                        clashes.append(f"{path.name}:{node.lineno} {key.value}")
    assert clashes == []
