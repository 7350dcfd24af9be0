"""The tests' own generator of native TikTok Shop exports, written from a canonical frame of
daily metrics (money in minor units): creator performance, LIVE and video analytics, affiliate
orders, in English, Italian and Malay headers, as plain CSV, Italian Excel CSV (`;`, 1.234,56,
DD/MM/YYYY), UTF-16 "Unicode text" and XLSX.

Headers here are written out by hand, not read from the alias files, so a wrong alias fails."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from tests.commands.hostile import METRICS_HEADER

METRICS = tuple(METRICS_HEADER[3:])  # the figures after date, market, handle

# Creator performance headers: field → header, per language (as the UIs write them).
PERFORMANCE = {
    "en": {
        "name": "Creator name",
        "handle": "Creator username",
        "date": "Date",
        "gmv": "Creator-attributed GMV",
        "live_gmv": "LIVE attributed GMV",
        "video_gmv": "Video attributed GMV",
        "card_gmv": "Product card attributed GMV",
        "orders": "Attributed orders",
        "items_sold": "Items sold",
        "refunds": "Refunds",
        "aov": "AOV",
        "commission": "Est. commission",
        "video_posts": "Videos",
        "live_sessions": "LIVE streams",
        "video_views": "Video views",
        "ctr": "CTR",
        "new_followers": "New followers",
    },
    "it": {
        "name": "Nome del creator",
        "handle": "Nome utente del creator",
        "date": "Data",
        "gmv": "GMV attribuito al creator",
        "live_gmv": "GMV attribuito ai LIVE",
        "video_gmv": "GMV attribuito ai video",
        "card_gmv": "GMV attribuito alla scheda prodotto",
        "orders": "Ordini attribuiti",
        "items_sold": "Articoli venduti",
        "refunds": "Rimborsi",
        "aov": "Valore medio dell'ordine",
        "commission": "Commissione stimata",
        "video_posts": "Video",
        "live_sessions": "LIVE",
        "video_views": "Visualizzazioni video",
        "ctr": "CTR",
        "new_followers": "Nuovi follower",
    },
    "ms": {
        "name": "Nama pencipta",
        "handle": "Nama pengguna pencipta",
        "date": "Tarikh",
        "gmv": "GMV yang diatribusikan kepada pencipta",
        "live_gmv": "GMV LIVE yang diatribusikan",
        "video_gmv": "GMV video yang diatribusikan",
        "card_gmv": "GMV kad produk yang diatribusikan",
        "orders": "Pesanan yang diatribusikan",
        "items_sold": "Item terjual",
        "refunds": "Bayaran balik",
        "aov": "Nilai pesanan purata",
        "commission": "Anggaran komisen",
        "video_posts": "Video",
        "live_sessions": "Strim LIVE",
        "video_views": "Tontonan video",
        "ctr": "CTR",
        "new_followers": "Pengikut baharu",
    },
}
LIVE = {
    "en": ("Creator username", "LIVE name", "Start time", "Duration", "GMV", "Viewers"),
    "it": (
        "Nome utente del creator",
        "Nome del LIVE",
        "Ora di inizio",
        "Durata",
        "GMV",
        "Spettatori",
    ),
    "ms": ("Nama pengguna pencipta", "Nama LIVE", "Masa mula", "Tempoh", "GMV", "Penonton"),
}
VIDEO = {
    "en": ("Creator username", "Video title", "Post time", "Video views", "Video GMV", "Likes"),
    "it": ("Nome utente del creator", "Titolo del video", "Data di pubblicazione")
    + ("Visualizzazioni video", "GMV del video", "Mi piace"),
    "ms": ("Nama pengguna pencipta", "Tajuk video", "Masa disiarkan", "Tontonan video")
    + ("GMV video", "Suka"),
}
ORDERS = {
    "en": ("Order ID", "Creator username", "Content type", "Payment amount", "Currency")
    + ("Time created", "Quantity"),
    "it": ("ID ordine", "Nome utente del creator", "Tipo di contenuto", "Importo del pagamento")
    + ("Valuta", "Ora di creazione", "Quantità"),
    "ms": ("ID pesanan", "Nama pengguna pencipta", "Jenis kandungan", "Jumlah bayaran")
    + ("Mata wang", "Masa dicipta", "Kuantiti"),
}


@dataclass(frozen=True)
class Style:
    """How a file is written: Excel's CSV in an English or Italian locale, Unicode text, XLSX."""

    name: str
    sep: str = ","
    decimal_comma: bool = False
    day_first: bool = False  # DD/MM/YYYY
    symbol: str = "RM"  # RM1,234.50 or € 1.234,56
    encoding: str = "utf-8"
    suffix: str = ".csv"


ENGLISH = Style("english")
ENGLISH_BOM = Style("english-bom", encoding="utf-8-sig")
ITALIAN_EXCEL = Style("italian-excel", ";", True, True, "€ ")
UNICODE_TEXT = Style("unicode-text", "\t", encoding="utf-16", suffix=".txt")
XLSX = Style("xlsx", suffix=".xlsx")
STYLES = (ENGLISH, ENGLISH_BOM, ITALIAN_EXCEL, UNICODE_TEXT, XLSX)


def canonical_day(handles: list[str], market: str, day: dt.date, seed: int) -> pd.DataFrame:
    """One day of canonical daily metrics (money in minor units) for `handles`."""
    rng = random.Random(seed)
    rows = []
    for handle in handles:
        live = rng.choice([0, 0, 1, 2])
        videos = rng.choice([0, 1, 3])
        live_gmv = rng.randint(0, 300_000_00) if live else 0
        video_gmv = rng.randint(0, 2_000_00) if videos else 0
        card = rng.choice([0, 29, 1_234_567_89 % 100_000, rng.randint(0, 99_999)])
        orders = rng.randint(0, 1500)
        rows.append(
            {
                "date": day,
                "market": market,
                "handle": handle,
                "gmv": live_gmv + video_gmv + card,
                "orders": orders,
                "items_sold": orders + rng.randint(0, 50),
                "live_gmv": live_gmv,
                "video_gmv": video_gmv,
                "live_sessions": live,
                "live_minutes": sum(rng.randint(10, 240) for _ in range(live)),
                "video_posts": videos,
                "video_views": rng.choice([0, 999, 1_000, 1_234_567]) if videos else 0,
                "new_followers": rng.randint(0, 3_000),
            }
        )
    return pd.DataFrame(rows)


def amount(minor: int, style: Style, *, symbol: bool = True) -> str:
    """An amount as the export writes it: RM1,234.50 or € 1.234,56 (no float on the way)."""
    whole, cents = divmod(minor, 100)
    grouped = f"{whole:,}"
    if style.decimal_comma:
        text = grouped.replace(",", ".") + f",{cents:02d}"
    else:
        text = f"{grouped}.{cents:02d}"
    return (style.symbol if symbol else "") + text


def count(value: int, style: Style) -> str:
    grouped = f"{value:,}"
    return grouped.replace(",", ".") if style.decimal_comma else grouped


def day_text(day: dt.date, style: Style, time: str = "") -> str:
    text = day.strftime("%d/%m/%Y") if style.day_first else day.isoformat()
    return f"{text} {time}".strip()


def performance_rows(
    frame: pd.DataFrame, language: str, style: Style, *, with_date: bool = True
) -> list[list[str]]:
    """A creator performance export of `frame`: every metric but LIVE minutes, with the columns
    creatorbot does not store (product-card GMV, refunds, AOV, commission, CTR) beside them."""
    names = PERFORMANCE[language]
    fields = [f for f in names if with_date or f != "date"]
    rows = [[names[f] for f in fields]]
    for n, row in enumerate(frame.itertuples(index=False)):
        card = row.gmv - row.live_gmv - row.video_gmv
        aov = row.gmv // row.orders if row.orders else 0
        values = {
            "name": f"{row.handle.title()} Shop",
            "handle": row.handle if n % 2 else f"@{row.handle}",
            "date": day_text(row.date, style),
            "gmv": amount(row.gmv, style),
            "live_gmv": amount(row.live_gmv, style) if row.live_gmv else "--",
            "video_gmv": amount(row.video_gmv, style),
            "card_gmv": amount(card, style),
            "orders": count(row.orders, style),
            "items_sold": count(row.items_sold, style),
            "refunds": "--",
            "aov": amount(aov, style),
            "commission": amount(row.gmv // 10, style),
            "video_posts": str(row.video_posts),
            "live_sessions": str(row.live_sessions) if row.live_sessions else "--",
            "video_views": count(row.video_views, style),
            "ctr": "5,93%" if style.decimal_comma else "5.93%",
            "new_followers": count(row.new_followers, style),
        }
        rows.append([values[f] for f in fields])
    return rows


def live_rows(frame: pd.DataFrame, language: str, style: Style) -> list[list[str]]:
    """A LIVE analytics export: one row per stream, splitting each creator-day's LIVE minutes
    and GMV over its streams, durations as HH:MM:SS."""
    rows = [list(LIVE[language])]
    for row in frame.itertuples(index=False):
        for n in range(row.live_sessions):
            last = n == row.live_sessions - 1
            minutes = row.live_minutes // row.live_sessions
            gmv = row.live_gmv // row.live_sessions
            if last:
                minutes = row.live_minutes - minutes * n
                gmv = row.live_gmv - gmv * n
            start = day_text(row.date, style, f"{10 + n:02d}:00:00")
            duration = f"{minutes // 60:02d}:{minutes % 60:02d}:00"
            rows.append([row.handle, f"LIVE {n}", start, duration, amount(gmv, style), "120"])
    return rows


def video_rows(frame: pd.DataFrame, language: str, style: Style) -> list[list[str]]:
    """A video analytics export: one row per video, splitting views and video GMV."""
    rows = [list(VIDEO[language])]
    for row in frame.itertuples(index=False):
        for n in range(row.video_posts):
            last = n == row.video_posts - 1
            views = row.video_views // row.video_posts
            gmv = row.video_gmv // row.video_posts
            if last:
                views = row.video_views - views * n
                gmv = row.video_gmv - gmv * n
            posted = day_text(row.date, style, f"{8 + n:02d}:30:00")
            rows.append(
                [row.handle, f"Video {n}", posted, count(views, style), amount(gmv, style), "7"]
            )
    return rows


@dataclass(frozen=True)
class Order:
    order_id: str
    handle: str
    content: str  # LIVE, Video or Product card
    minor: int
    created: dt.datetime
    quantity: int


def random_orders(handles: list[str], days: list[dt.date], n: int, seed: int) -> list[Order]:
    rng = random.Random(seed)
    return [
        Order(
            f"57{rng.randrange(10**15):015d}{i}",
            rng.choice(handles),
            rng.choice(["LIVE", "Video", "Product card"]),
            rng.randint(1, 500_00),
            dt.datetime.combine(rng.choice(days), dt.time(rng.randrange(24), rng.randrange(60))),
            rng.randint(1, 4),
        )
        for i in range(n)
    ]


def order_rows(orders: list[Order], language: str, style: Style, currency: str) -> list[list[str]]:
    rows = [list(ORDERS[language])]
    for order in orders:
        created = day_text(order.created.date(), style, order.created.strftime("%H:%M:%S"))
        rows.append(
            [
                order.order_id,
                order.handle,
                order.content,
                amount(order.minor, style, symbol=False),
                currency,
                created,
                str(order.quantity),
            ]
        )
    return rows


def write(
    rows: list[list[str]], folder: Path, stem: str, style: Style, preamble: tuple[str, ...] = ()
) -> Path:
    """Write `rows` (header first) as `style` says, after the export's `preamble` lines."""
    path = folder / f"{stem}{style.suffix}"
    if style.suffix == ".xlsx":
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for line in preamble:
            sheet.append([line])
        for row in rows:
            sheet.append(row)
        book.save(path)
        return path
    out = io.StringIO()
    for line in preamble:
        out.write(line + "\r\n")
    csv.writer(out, delimiter=style.sep, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(style.encoding))
    return path


def canonical_csv(frame: pd.DataFrame, folder: Path, stem: str = "canonical") -> Path:
    """The canonical daily metrics file of `frame`."""
    out = frame.copy()
    out["date"] = [day.isoformat() for day in out["date"]]
    for name in ("gmv", "live_gmv", "video_gmv"):
        out[name] = [f"{v // 100}.{v % 100:02d}" for v in out[name]]
    path = folder / f"{stem}.csv"
    out[["date", "market", "handle", *METRICS]].to_csv(path, index=False)
    return path
