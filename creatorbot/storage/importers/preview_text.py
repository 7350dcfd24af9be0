"""An import's preview as plain English lines, for the command line (chat has its own
translated rendering)."""

from __future__ import annotations

from creatorbot.storage.importers.native.creators import CATEGORY, TIER
from creatorbot.storage.importers.native.formats import FORMATS
from creatorbot.storage.importers.run import CANONICAL, Preview

LANGUAGE_NAMES = {
    "en": "English",
    "it": "Italian",
    "ms": "Malay",
    "id": "Indonesian",
    "th": "Thai",
    "vi": "Vietnamese",
}
SHOWN_DAYS = 5


def preview_lines(preview: Preview) -> list[str]:
    """What an import would do, line by line."""
    if preview.format == CANONICAL:
        what = f"canonical {preview.kind} file"
    else:
        label = FORMATS[preview.format].label if preview.format in FORMATS else preview.format
        language = LANGUAGE_NAMES.get(preview.language or "", preview.language or "")
        what = f"{label} ({language} headers), read as {preview.kind}"
    lines = [f"{preview.source}: {what}"]
    if preview.market:
        lines.append(f"Market: {preview.market} ({preview.market_source})")
    columns = f"Columns: matched {len(preview.matched)} of {preview.columns}"
    if preview.unmatched:
        columns += "; not read: " + ", ".join(preview.unmatched)
    lines.append(columns)
    rows = f"Rows: {preview.rows:,}"
    if preview.days:
        shown = ", ".join(day.isoformat() for day in preview.days[:SHOWN_DAYS])
        if len(preview.days) > SHOWN_DAYS:
            shown = f"{preview.days[0]} to {preview.days[-1]} ({len(preview.days)} days)"
        rows += f" for {shown}"
        if preview.day_source:
            rows += f" (day from the {preview.day_source})"
    lines.append(rows)
    lines.append(f"New rows: {preview.new:,}; updated rows: {preview.updated:,}")
    if preview.left_out_orders:
        lines.append(f"Left out: {preview.left_out_orders:,} cancelled or unpaid orders")
    if preview.unknown_creators:
        if preview.creates_creators:
            lines.append(
                f"Unknown creators: {preview.unknown_creators:,}, to be created "
                f"(tier: the market's entry tier, else {TIER}; category {CATEGORY}; 0 followers)"
            )
        else:
            lines.append(f"Unknown creators: {preview.unknown_creators:,}, refused")
    return lines
