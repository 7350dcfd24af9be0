"""What the export tests of every platform share: the exports asked for, the file each makes
(worked out from tests/bot/world.py: two beauty creators in MY, days up to 2026-11-23, today
2026-11-24), the feedback they export, and a check of each file's content."""

from __future__ import annotations

import csv
import io

import openpyxl

from creatorbot.commands.core import CommandRequest
from creatorbot.commands.router import Router

COMMENT = "Live went well, samples came late"
MATCH = "match beauty MY export"
EXPORTS = {
    MATCH: "match-beauty-MY-2026-11-23.csv",
    "feedback export": "feedback-all-2026-11-24.csv",
    "feedback export xlsx": "feedback-all-2026-11-24.xlsx",
}


def leave_feedback(router: Router, platform: str, user: str) -> None:
    """One feedback response, so that `feedback export` has something to export."""
    request = CommandRequest(text="", platform=platform, user=user)
    values = {"creator": "amir", "rating": "4", "topic": "samples", "comment": COMMENT}
    assert router.submit(request, "feedback", values).ok


def assert_holds_the_data(name: str, content: bytes) -> None:
    """The file named `name` holds what its export should: the creators, or the comment."""
    if name.startswith("match-"):
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert {"amir", "bella"} <= {cell for row in rows[1:] for cell in row}
    elif name.endswith(".xlsx"):
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert sheet is not None
        assert COMMENT in [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    else:
        assert COMMENT in content.decode("utf-8-sig")
