"""When two handles name the same creator to a reader: equal up to case, Unicode form (NFKC) and
invisible format characters; and how to show a handle so that such differences can be seen."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# Shown as \uXXXX: what a reader cannot see (format characters: zero-width spaces and joiners,
# BOM, soft hyphen, bidi marks; controls; spaces other than the plain one) or cannot tell apart
# (combining marks: `josé` typed as e + U+0301).
_HIDDEN = {"Cf", "Cc", "Zs", "Zl", "Zp", "Mn", "Me"}


def handle_key(handle: str) -> str:
    """The handle as a reader tells it apart: format characters (Unicode category Cf) removed,
    then NFKC, casefold and NFKC again (full-width letters, NBSP, NFD accents and case fold)."""
    if handle.isascii():  # the usual handle: the rule below reduces to lower()
        return handle.lower()
    visible = "".join(ch for ch in handle if unicodedata.category(ch) != "Cf")
    folded = unicodedata.normalize("NFKC", visible).casefold()
    return unicodedata.normalize("NFKC", folded)


def handle_keys(handles: pd.Series) -> pd.Series:
    """`handle_key` of each handle; missing values stay missing."""
    return handles.map(handle_key, na_action="ignore")


def name_key(name: str) -> str:
    """A name as a search matches it: accents, case and invisible characters dropped, spaces
    collapsed (`Zoë  Ng` and `zoe ng` are one key)."""
    if name.isascii():
        return " ".join(name.lower().split())
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) not in ("Mn", "Me", "Cf"))
    return " ".join(unicodedata.normalize("NFKC", bare).casefold().split())


def name_keys(names: pd.Series) -> pd.Series:
    """`name_key` of each name; missing values stay missing."""
    return names.map(name_key, na_action="ignore")


def shown(handle: str) -> str:
    """The handle with every character a reader could miss written as \\uXXXX."""
    return "".join(
        f"\\u{ord(ch):04x}" if ch != " " and unicodedata.category(ch) in _HIDDEN else ch
        for ch in handle
    )
