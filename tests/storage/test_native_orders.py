"""The affiliate orders export, one row per order, summed to creator-days; its unknown
creators and repeated orders are refused."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.importers import ImportFailed, import_file, prepare
from tests.storage import native_exports as ne
from tests.storage.native_world import add_creators, stored

HANDLES = ["aisyah.beauty", "farid.gadgets", "mei.home"]
DAYS = [dt.date(2026, 12, 1), dt.date(2026, 12, 2)]


@pytest.mark.parametrize(
    ("language", "style", "market", "currency"),
    [
        ("en", ne.ENGLISH, "MY", "MYR"),
        ("ms", ne.UNICODE_TEXT, "MY", "MYR"),
        ("it", ne.ITALIAN_EXCEL, "IT", "EUR"),
        ("en", ne.XLSX, "MY", "MYR"),
    ],
    ids=["en-csv", "ms-utf16", "it-excel", "en-xlsx"],
)
def test_orders_are_summed_to_creator_days(
    sessions: sessionmaker[Session],
    tmp_path: Path,
    language: str,
    style: ne.Style,
    market: str,
    currency: str,
) -> None:
    add_creators(sessions, tmp_path, market, HANDLES)
    orders = ne.random_orders(HANDLES, DAYS, 300, seed=5)
    rows = ne.order_rows(orders, language, style, currency)
    path = ne.write(rows, tmp_path, "affiliate_orders", style)

    # The sums, order by order.
    want: dict[tuple[dt.date, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for order in orders:
        totals = want[(order.created.date(), order.handle)]
        totals["gmv"] += order.minor
        totals["orders"] += 1
        totals["items_sold"] += order.quantity
        totals["live_gmv"] += order.minor if order.content == "LIVE" else 0
        totals["video_gmv"] += order.minor if order.content == "Video" else 0

    with sessions.begin() as session:
        prepared = prepare(path, session=session)  # market from the currency column
        assert prepared.preview.format == "affiliate_orders"
        assert prepared.preview.rows == len(want)
        assert prepared.preview.days == tuple(DAYS)
    for attempt in range(2):
        with sessions.begin() as session:
            result = import_file(None, path, session=session)
            assert (result.inserted, result.updated) == (
                (len(want), 0) if attempt == 0 else (0, len(want))
            )
        with sessions() as session:
            got = stored(session)
        assert {(row["date"], row["handle"]) for row in got} == set(want)
        for row in got:
            totals = want[(row["date"], row["handle"])]
            for name in ("gmv", "orders", "items_sold", "live_gmv", "video_gmv"):
                assert row[name] == totals[name], name
            assert row["live_minutes"] == row["video_views"] == 0
            assert row["market"] == market


def test_orders_of_unknown_creators_are_refused_by_name(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    add_creators(sessions, tmp_path, "MY", HANDLES[:1])
    orders = ne.random_orders(HANDLES, DAYS[:1], 20, seed=2)
    path = ne.write(ne.order_rows(orders, "en", ne.ENGLISH, "MYR"), tmp_path, "o", ne.ENGLISH)
    with pytest.raises(ImportFailed) as failed, sessions.begin() as session:
        import_file(None, path, session=session)
    text = str(failed.value)
    assert "column Creator username" in text
    assert "farid.gadgets" in text and "no creator with this handle in market MY" in text
    with sessions() as session:
        assert stored(session) == []


def test_a_repeated_order_or_a_foreign_currency_is_refused(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    add_creators(sessions, tmp_path, "MY", HANDLES)
    rows = ne.order_rows(ne.random_orders(HANDLES, DAYS[:1], 5, seed=4), "en", ne.ENGLISH, "MYR")
    rows.append(list(rows[1]))  # row 7 repeats row 2's order
    rows[3][4] = "EUR"  # row 4 in another currency
    path = ne.write(rows, tmp_path, "o", ne.ENGLISH)
    with pytest.raises(ImportFailed) as failed, sessions.begin() as session:
        import_file(None, path, session=session, market="MY")
    text = str(failed.value)
    assert "row 7, column Order ID" in text and "same order id as row 2" in text
    assert "row 4, column Currency" in text and "market MY counts in MYR" in text


@pytest.mark.parametrize(
    ("language", "style", "market", "currency", "header", "words"),
    [
        ("en", ne.ENGLISH, "MY", "MYR", "Order status", ("Completed", "Cancelled", "Unpaid")),
        (
            "it",
            ne.ITALIAN_EXCEL,
            "IT",
            "EUR",
            "Stato dell'ordine",
            ("Completato", "Annullato", "Non pagato"),
        ),
        (
            "ms",
            ne.UNICODE_TEXT,
            "MY",
            "MYR",
            "Status pesanan",
            ("Selesai", "Dibatalkan", "Belum dibayar"),
        ),
    ],
    ids=["en", "it", "ms"],
)
def test_cancelled_and_unpaid_orders_are_left_out_and_counted_in_the_preview(
    sessions: sessionmaker[Session],
    tmp_path: Path,
    language: str,
    style: ne.Style,
    market: str,
    currency: str,
    header: str,
    words: tuple[str, str, str],
) -> None:
    """GMV is what was paid: a cancelled or unpaid order counts toward no figure of its
    creator-day, and the preview says how many were left out."""
    add_creators(sessions, tmp_path, market, HANDLES)
    orders = ne.random_orders(HANDLES, DAYS, 120, seed=9)
    statuses = [words[0] if n % 5 else words[1 + (n // 5) % 2] for n in range(len(orders))]
    rows = ne.order_rows(orders, language, style, currency)
    rows[0].append(header)
    for row, status in zip(rows[1:], statuses, strict=True):
        row.append(status if status != words[0] else f"  {status.upper()} ")
    path = ne.write(rows, tmp_path, "affiliate_orders", style)

    want: dict[tuple[dt.date, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    left_out = 0
    for order, status in zip(orders, statuses, strict=True):
        totals = want[(order.created.date(), order.handle)]
        if status != words[0]:
            left_out += 1
            continue
        totals["gmv"] += order.minor
        totals["orders"] += 1
        totals["items_sold"] += order.quantity

    with sessions.begin() as session:
        prepared = prepare(path, session=session)
        assert prepared.preview.left_out_orders == left_out == 24
    with sessions.begin() as session:
        import_file(None, path, session=session)
    with sessions() as session:
        got = {(row["date"], row["handle"]): row for row in stored(session)}
    assert set(got) == set(want)
    for key, totals in want.items():
        for name in ("gmv", "orders", "items_sold"):
            assert got[key][name] == totals[name], (key, name)
