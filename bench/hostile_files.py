"""Hostile import files, written from scratch: far cells, wide rows, millions of rows, XML and
zip bombs, damaged archives, and values that must be refused (year 9999, a target of 0, NUL).

Each writer takes a folder and returns the file it wrote; `HOSTILE` lists them with the kind
they are imported as. The benchmark and the tests share them."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)
TIER_HEADER = "market,tier,rank,min_gmv_30d"


@dataclass(frozen=True)
class Hostile:
    """A hostile file: how to write it, the kind it is imported as, and words its refusal must
    contain (empty: it is imported, cleaned)."""

    name: str
    kind: str
    write: Callable[[Path], Path]
    reason: str


def xlsx(path: Path, sheet: Iterable[bytes], *, workbook: str = WORKBOOK) -> Path:
    """A minimal workbook whose first sheet's XML is the concatenated `sheet` pieces (streamed
    into the archive, so a sheet of gigabytes never sits in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            for piece in sheet:
                out.write(piece)
    return path


def sheet_xml(
    rows: Iterable[str], *, dimension: str | None = None, prolog: str = ""
) -> Iterator[bytes]:
    """A worksheet's XML around `rows` (each a <row> element), in pieces."""
    head = (prolog or XML_DECLARATION) + f'<worksheet xmlns="{MAIN}">'
    if dimension:
        head += f'<dimension ref="{dimension}"/>'
    yield (head + "<sheetData>").encode()
    batch: list[str] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 10_000:
            yield "".join(batch).encode()
            batch.clear()
    yield ("".join(batch) + "</sheetData></worksheet>").encode()


def row(number: int, values: Iterable[str]) -> str:
    """A row of inline strings."""
    cells = "".join(
        f'<c r="{_letter(col)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for col, value in enumerate(values, start=1)
    )
    return f'<row r="{number}">{cells}</row>'


def _letter(column: int) -> str:
    name = ""
    while column:
        column, rest = divmod(column - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _tiers(n: int) -> Iterator[str]:
    yield row(1, TIER_HEADER.split(","))
    for number in range(2, n + 2):
        yield row(number, ["MY", f"t{number}", str(number), "1"])


def far_cell(folder: Path) -> Path:
    """A small sheet whose dimension claims the last cell Excel has."""
    return xlsx(folder / "far_cell.xlsx", sheet_xml(_tiers(3), dimension="A1:XFD1048576"))


def wide_row(folder: Path) -> Path:
    """A header of 300 columns (no dimension stated)."""
    header = row(1, [*TIER_HEADER.split(","), *(f"extra{n}" for n in range(296))])
    return xlsx(folder / "wide_row.xlsx", sheet_xml([header]))


def million_cells_row(folder: Path) -> Path:
    """One row of a million cells (some 30 MB of XML), no dimension stated."""
    cells = (f'<c r="{_letter(n % 16384 + 1)}1"><v>{n}</v></c>' for n in range(1_000_000))
    return xlsx(folder / "million_cells_row.xlsx", sheet_xml(['<row r="1">', *cells, "</row>"]))


def rows_3m_sheet(folder: Path) -> Path:
    """Three million rows, no dimension stated."""
    rows = (f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 3_000_001))
    return xlsx(folder / "rows_3m.xlsx", sheet_xml(rows))


def rows_3m_csv(folder: Path) -> Path:
    """Three million lines of tiers."""
    path = folder / "rows_3m.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(TIER_HEADER + "\n")
        for start in range(0, 3_000_000, 100_000):
            out.write("".join(f"MY,t{n},{n},1\n" for n in range(start, start + 100_000)))
    return path


def columns_1m_csv(folder: Path) -> Path:
    """A header of a million columns."""
    path = folder / "columns_1m.csv"
    path.write_text(",".join(f"c{n}" for n in range(1_000_000)) + "\nMY\n", encoding="utf-8")
    return path


def billion_laughs(folder: Path) -> Path:
    """The workbook part expands ten to the ninth "lol"s if entities are resolved."""
    workbook = LAUGHS + WORKBOOK.split("?>", 1)[1].replace('name="Sheet1"', 'name="&lol9;"')
    return xlsx(folder / "billion_laughs.xlsx", sheet_xml(_tiers(3)), workbook=workbook)


def billion_laughs_sheet(folder: Path) -> Path:
    """The same bomb in the worksheet's XML, read while streaming the rows."""
    rows = [row(1, TIER_HEADER.split(",")), row(2, ["MY", "&lol9;", "1", "1"])]
    return xlsx(folder / "billion_laughs_sheet.xlsx", sheet_xml(rows, prolog=LAUGHS))


def zip_bomb(folder: Path) -> Path:
    """A sheet that unpacks from a few hundred kilobytes to 400 MB of blanks."""
    blanks = (b" " * (4 * 1024 * 1024) for _ in range(100))
    return xlsx(folder / "zip_bomb.xlsx", blanks)


def broken_zip(folder: Path) -> Path:
    """A workbook cut off half-way (a download that stopped)."""
    whole = far_cell(folder).read_bytes()
    path = folder / "broken.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    return path


def huge_file(folder: Path) -> Path:
    """A CSV of 300 MB (sparse: it takes no disk)."""
    path = folder / "huge.csv"
    with path.open("wb") as out:
        out.write((TIER_HEADER + "\n").encode())
        out.truncate(300 * 1024 * 1024)
    return path


def _csv(folder: Path, name: str, lines: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


DAILY_HEADER = (
    "date,market,handle,gmv,orders,items_sold,live_gmv,video_gmv,live_sessions,live_minutes,"
    "video_posts,video_views,new_followers"
)


def year_9999(folder: Path) -> Path:
    """A day typed as 9999-12-31."""
    return _csv(folder, "year_9999.csv", [DAILY_HEADER, "9999-12-31,MY,alice,1,1,1,0,1,0,0,1,1,0"])


CAMPAIGN_HEADER = (
    "slug,name,market,kind,starts_on,ends_on,metric,gmv_target,creator_target,reward_tiers"
)


def target_zero(folder: Path) -> Path:
    """A campaign whose GMV target is 0."""
    return _csv(
        folder,
        "target_zero.csv",
        [CAMPAIGN_HEADER, "sale,Sale,MY,mega_sale,2026-11-01,2026-11-11,gmv,0,,"],
    )


def nul_in_name(folder: Path) -> Path:
    """A tier name with a NUL byte in it."""
    return _csv(folder, "nul.csv", [TIER_HEADER, "MY,gold\x00,1,100"])


def mentions_in_names(folder: Path) -> Path:
    """Tier names made of chat mentions: they are imported without them."""
    return _csv(
        folder,
        "mentions.csv",
        [
            TIER_HEADER,
            "MY,<!channel> gold,1,100",
            'MY,"<at user_id=""ou_1"">Boss</at> silver",2,50',
            "MY,@here bronze,3,10",
        ],
    )


HOSTILE = (
    Hostile("far cell (XFD1048576)", "tiers", far_cell, "XFD1048576"),
    Hostile("300-column row", "tiers", wide_row, "300 columns"),
    Hostile("million-cell row", "tiers", million_cells_row, "a row of the sheet is larger"),
    Hostile("3M-row sheet", "tiers", rows_3m_sheet, "more than 2,000,000 rows"),
    Hostile("3M-row CSV", "tiers", rows_3m_csv, "more than 2,000,000 rows"),
    Hostile("10^6-column CSV", "tiers", columns_1m_csv, "1,000,000 columns"),
    Hostile("300 MB CSV", "tiers", huge_file, "the file is 300 MB"),
    Hostile("billion laughs (workbook)", "tiers", billion_laughs, "declares entities"),
    Hostile("billion laughs (sheet)", "tiers", billion_laughs_sheet, "declares entities"),
    Hostile("zip bomb", "tiers", zip_bomb, "times its packed size"),
    Hostile("broken zip", "tiers", broken_zip, "damaged"),
    Hostile("date 9999-12-31", "daily_metrics", year_9999, "expected a date between"),
    Hostile("GMV target 0", "campaigns", target_zero, "greater than 0"),
    Hostile("NUL in a name", "tiers", nul_in_name, "control character"),
    Hostile("mention markers in names", "tiers", mentions_in_names, ""),
)
