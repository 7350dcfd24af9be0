"""One pass over a CSV file's bytes, a block at a time, before any parser sees it: its encoding
checked, its lines counted, its first lines kept (to find the separator and the header)."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from creatorbot.storage.importers import messages
from creatorbot.storage.importers.errors import ImportFailed, RowError

BLOCK = 1024 * 1024
HEAD_CHARS = 16 * 1024 * 1024  # the first lines kept, at most (a million-column line is cut)


@dataclass(frozen=True)
class Scanned:
    """What the pass found: the text's encoding (as Python names it), its first `head` lines,
    how many lines it has, and whether it holds anything but spaces."""

    encoding: str
    head: list[str]
    lines: int
    blank: bool


def scan(path: Path, source: str, head_lines: int) -> Scanned:
    """UTF-8 with or without BOM, or UTF-16 with its BOM (what Excel saves as "Unicode text");
    `ImportFailed` naming the line and position of the first byte that is neither."""
    with path.open("rb") as stream:
        start = stream.read(len(codecs.BOM_UTF8))
        utf16 = start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        skip = len(codecs.BOM_UTF8) if start.startswith(codecs.BOM_UTF8) else 0
        stream.seek(skip)
        encoding = "utf-16" if utf16 else "utf-8-sig"
        decoder = codecs.getincrementaldecoder("utf-16" if utf16 else "utf-8")()
        head: list[str] = []
        newlines, offset, line_start, blank, last = 0, skip, skip, True, ""
        while block := stream.read(BLOCK):
            pending = decoder.getstate()[0]
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError as exc:
                raise _bad(
                    exc,
                    pending + block,
                    offset - len(pending),
                    newlines,
                    line_start,
                    source=source,
                    utf16=utf16,
                ) from exc
            if not utf16 and (found := block.rfind(b"\n")) >= 0:
                line_start = offset + found + 1
            offset += len(block)
            newlines += text.count("\n")
            blank = blank and not text.strip()
            if len(head) <= head_lines and sum(map(len, head)) < HEAD_CHARS:
                head = _lines(head, text, head_lines)
            last = text[-1:] or last
        pending = decoder.getstate()[0]
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise _bad(
                exc,
                pending,
                offset - len(pending),
                newlines,
                line_start,
                source=source,
                utf16=utf16,
            ) from exc
    lines = newlines + (last != "\n")
    return Scanned(encoding, head[:head_lines], lines, blank)


def _lines(head: list[str], text: str, wanted: int) -> list[str]:
    """`head` (lines so far, the last maybe unfinished) with `text` added, kept to `wanted`
    lines and one more (unfinished), cut at HEAD_CHARS."""
    joined = "\n".join(head) + text if head else text
    parts = joined[:HEAD_CHARS].split("\n", wanted)
    return parts[:wanted] + ([parts[wanted]] if len(parts) > wanted else [])


def _bad(
    exc: UnicodeDecodeError,
    data: bytes,
    base: int,
    newlines: int,
    line_start: int,
    *,
    source: str,
    utf16: bool,
) -> ImportFailed:
    """The problem of the byte `exc` stopped at: `data` (what was being decoded) starts at byte
    `base` of the file, after `newlines` lines, within the line starting at `line_start`."""
    if utf16:
        return _failed(source, None, messages.NOT_UTF16)
    before = data[: exc.start]
    found = before.rfind(b"\n")
    begins = base + found + 1 if found >= 0 else line_start
    problem = messages.NOT_UTF8.format(
        byte=f"0x{data[exc.start]:02X}", position=base + exc.start - begins + 1
    )
    return _failed(source, newlines + before.count(b"\n") + 1, problem)


def _failed(source: str, row: int | None, problem: str) -> ImportFailed:
    return ImportFailed(source, [RowError(row, None, None, problem)])
