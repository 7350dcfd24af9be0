"""Charts: valid, small PNGs with a true text alternative, in every language, from any thread."""

from __future__ import annotations

import datetime as dt
import random
import struct
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

import pytest
from babel import Locale
from matplotlib.backend_bases import RendererBase
from matplotlib.image import imread

from creatorbot.commands import charts
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 200 * 1024
DAYS = [dt.date(2026, 11, 1) + dt.timedelta(days=n) for n in range(30)]

pytestmark = pytest.mark.filterwarnings("error")  # a missing glyph or a bad limit is a failure


def series(seed: int, count: int = 30, high: int = 5_000_000) -> list[int]:
    rng = random.Random(seed)
    return [rng.randint(0, high) for _ in range(count)]


def size_of(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def assert_chart(image: Image) -> None:
    assert isinstance(image, Image)
    assert image.png.startswith(PNG_SIGNATURE)
    assert png_chunk(image.png, 0) == b"IHDR"
    assert len(image.png) <= MAX_BYTES
    width, height = size_of(image.png)
    assert (width, height) >= (800, 450)
    pixels = imread(BytesIO(image.png), format="png")
    assert pixels.shape[:2] == (height, width)
    assert image.title.strip()
    assert image.alt.strip()


def png_chunk(png: bytes, index: int) -> bytes:
    offset = len(PNG_SIGNATURE)
    for _ in range(index):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        offset += 12 + length
    return png[offset + 4 : offset + 8]


def trend(lang: Lang, values: list[int], currency: str | None = "MYR", **extra: object) -> Image:
    return charts.daily_trend(
        DAYS[: len(values)],
        values,
        title="GMV, last 30 days",
        metric_label="GMV",
        lang=lang,
        currency=currency,
        **extra,  # type: ignore[arg-type]
    )


# -- daily trend ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "market", "currency", "symbol"), [
    ("en", "MY", "MYR", "RM"),
    ("ms", "MY", "MYR", "RM"),
    ("en", "IT", "EUR", "€"),
    ("it", "IT", "EUR", "€"),
])  # fmt: skip
def test_daily_trend_states_the_total_and_the_best_day(
    language: str, market: str, currency: str, symbol: str
) -> None:
    lang = Lang(language, market)
    values = series(seed=7)
    image = trend(lang, values, currency=currency)

    assert_chart(image)
    assert size_of(image.png) == (960, 540)
    total = 0
    for value in values:
        total += value
    best = max(values)
    best_day = DAYS[values.index(best)]
    assert lang.money(total, currency) in image.alt
    assert lang.money(best, currency) in image.alt
    assert lang.date(best_day) in image.alt
    assert lang.date(DAYS[0]) in image.alt and lang.date(DAYS[29]) in image.alt
    assert symbol in image.alt
    assert image.title == "GMV, last 30 days"


def test_italian_alt_writes_italian_dates_and_numbers() -> None:
    english = trend(Lang("en", "IT"), series(seed=3), currency="EUR")
    italian = trend(Lang("it", "IT"), series(seed=3), currency="EUR")

    assert "nov" in italian.alt and "Nov" not in italian.alt
    assert "Nov" in english.alt
    assert italian.alt != english.alt
    assert "€" in italian.alt and "," in italian.alt.split("€")[0]  # 1.234,56 €


def test_the_first_of_equal_best_days_is_named() -> None:
    values = [5, 9, 9, 1]
    image = trend(Lang("en", "MY"), values, currency=None)

    assert image.alt.endswith(f"highest 9 on {Lang('en', 'MY').date(DAYS[1])}.")
    assert "total 24" in image.alt


def test_counts_are_numbers_not_money() -> None:
    image = trend(Lang("en", "MY"), [1200, 3400, 5600], currency=None)

    assert_chart(image)
    assert "10,200" in image.alt and "RM" not in image.alt


def test_comparison_target_and_projection_are_drawn() -> None:
    lang = Lang("en", "MY")
    values = series(seed=1, count=20)
    plain = trend(lang, values)
    full = trend(
        lang,
        values,
        comparison=series(seed=2, count=20),
        comparison_label="Previous 20 days",
        target=4_000_000,
        projection=[(DAYS[20 + n], 3_000_000 + n * 100_000) for n in range(10)],
    )

    assert_chart(full)
    assert full.png != plain.png
    assert full.alt == plain.alt  # the alt describes the series itself


# -- campaign pacing -----------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "market", "currency"), [
    ("en", "MY", "MYR"), ("it", "IT", "EUR"), ("ms", "MY", "MYR"),
])  # fmt: skip
def test_cumulative_vs_target(language: str, market: str, currency: str) -> None:
    lang = Lang(language, market)
    daily = series(seed=11, count=20)
    running, cumulative = 0, []
    for value in daily:
        running += value
        cumulative.append(running)
    image = charts.cumulative_vs_target(
        DAYS[:20],
        cumulative,
        target=80_000_000,
        end=DAYS[29],
        title="11.11 pacing",
        lang=lang,
        currency=currency,
        projected_total=75_000_000,
    )

    assert_chart(image)
    assert lang.money(sum(daily), currency) in image.alt
    assert lang.money(80_000_000, currency) in image.alt
    assert lang.money(75_000_000, currency) in image.alt
    assert lang.date(DAYS[19]) in image.alt and lang.date(DAYS[29]) in image.alt


def test_pacing_without_a_projection_or_after_the_end() -> None:
    lang = Lang("en", "MY")
    for end, projected in ((DAYS[29], None), (DAYS[5], 1_000)):
        image = charts.cumulative_vs_target(
            DAYS[:10],
            list(range(100, 1100, 100)),
            target=5_000,
            end=end,
            title="Payday",
            lang=lang,
            currency="MYR",
            projected_total=projected,
        )
        assert_chart(image)
        assert "projected" not in image.alt
        assert lang.money(1_000, "MYR") in image.alt


# -- bars ----------------------------------------------------------------------------------------


def test_ranked_bars_name_the_highest_and_lowest() -> None:
    lang = Lang("it", "IT")
    labels = ["@lucía_beauty", "@mario.rossi", "@giulia", "@luca"]
    values = [9_000_000, 5_000_050, 3_200_000, 50_000]
    image = charts.ranked_bars(
        labels, values, title="Top creator", value_label="GMV", lang=lang, currency="EUR"
    )

    assert_chart(image)
    assert "@lucía_beauty" in image.alt and lang.money(9_000_000, "EUR") in image.alt
    assert "@luca" in image.alt and lang.money(50_000, "EUR") in image.alt


def test_ranked_bars_highlight_and_long_labels() -> None:
    lang = Lang("en", "MY")
    labels = [
        "@小美的店铺 super long handle that never ends",
        "@emoji👩‍👩‍👧‍👦✨🔥",
        "@kedai_ahmad",
        "@àèìòù_ñ",
    ]
    image = charts.ranked_bars(
        labels,
        [900, 700, 500, 100],
        title="Top creators by orders",
        value_label="Orders",
        lang=lang,
        highlight=2,
    )

    assert_chart(image)
    assert "Highlighted: @kedai_ahmad, 500." in image.alt
    assert labels[0] in image.alt  # the alt keeps what the chart had to shorten


def test_many_bars_make_a_taller_chart() -> None:
    labels = [f"slot {n}" for n in range(40)]
    image = charts.ranked_bars(
        labels, list(range(40, 0, -1)), title="Slots", value_label="Clicks", lang=Lang("en")
    )

    assert_chart(image)
    width, height = size_of(image.png)
    assert height > 540


@pytest.mark.parametrize("language", ["en", "it", "ms"])
def test_percent_bars(language: str) -> None:
    lang = Lang(language, "MY")
    ratios = [0.034, 0.0215, 0.0125]
    image = charts.percent_bars(
        ["EC Center banner", "Landing page", "Pop-up"],
        ratios,
        title="Slots by CTR",
        value_label="CTR",
        lang=lang,
    )

    assert_chart(image)
    assert lang.percent(0.034) in image.alt and lang.percent(0.0125) in image.alt


# -- edge cases ----------------------------------------------------------------------------------

EDGE_CASES: dict[str, Callable[[Lang], Image]] = {
    "empty trend": lambda lang: trend(lang, []),
    "single day": lambda lang: trend(lang, [12_345]),
    "all zeros": lambda lang: trend(lang, [0] * 7, target=0),
    "huge": lambda lang: trend(
        lang, [10**11, 5 * 10**10, 10**11], projection=[(DAYS[9], 3 * 10**11)]
    ),
    "negative": lambda lang: trend(lang, [-500, 300, 0], currency=None),
    "lengths differ": lambda lang: charts.daily_trend(
        DAYS[:5], [1, 2, 3], title="t", metric_label="m", lang=lang, comparison=[1] * 9
    ),
    "projection only": lambda lang: trend(lang, [], projection=[(DAYS[3], 100)]),
    "empty pacing": lambda lang: charts.cumulative_vs_target(
        [], [], target=100, end=DAYS[3], title="t", lang=lang, currency="MYR"
    ),
    "single day pacing": lambda lang: charts.cumulative_vs_target(
        DAYS[:1], [0], target=0, end=DAYS[0], title="t", lang=lang, currency="MYR",
        projected_total=0,
    ),
    "empty bars": lambda lang: charts.ranked_bars([], [], title="t", value_label="v", lang=lang),
    "one bar": lambda lang: charts.ranked_bars(
        ["only"], [10**11], title="t", value_label="GMV", lang=lang, currency="MYR", highlight=9
    ),
    "zero bars": lambda lang: charts.ranked_bars(
        ["a", "b"], [0, 0], title="t", value_label="v", lang=lang
    ),
    "negative bar": lambda lang: charts.ranked_bars(
        ["a", "b"], [-5, 3], title="t", value_label="v", lang=lang
    ),
    "empty percents": lambda lang: charts.percent_bars(
        [], [], title="t", value_label="v", lang=lang
    ),
    "odd percents": lambda lang: charts.percent_bars(
        ["nan", "inf", "zero", "over"], [float("nan"), float("inf"), 0.0, 1.7],
        title="t", value_label="v", lang=lang,
    ),
    "dollar signs": lambda lang: charts.ranked_bars(
        ["$cash$", "a $ b"], [5, 3], title="$ in $ title", value_label="$", lang=lang
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", EDGE_CASES, ids=str)
@pytest.mark.parametrize("language", ["en", "it"])
def test_edge_cases_draw_without_raising(case: str, language: str) -> None:
    assert_chart(EDGE_CASES[case](Lang(language, "MY")))


def test_no_data_is_said_in_the_alt() -> None:
    image = trend(Lang("en", "MY"), [])

    assert image.alt == "GMV: no data."


def test_a_single_day_is_described_as_one_day() -> None:
    lang = Lang("en", "MY")
    image = trend(lang, [12_345])

    assert image.alt == f"GMV on {lang.date(DAYS[0])}: {lang.money(12_345, 'MYR')}."


def test_rendering_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    lang = Lang("en", "MY")
    for build in EDGE_CASES.values():
        build(lang)

    out, err = capfd.readouterr()
    assert out == "" and err == ""


# -- threads -------------------------------------------------------------------------------------


def eight_charts() -> list[Callable[[], Image]]:
    my, it = Lang("en", "MY"), Lang("it", "IT")
    return [
        lambda: trend(my, series(seed=1)),
        lambda: trend(it, series(seed=2), currency="EUR", target=3_000_000),
        lambda: trend(my, series(seed=3), comparison=series(seed=4), currency=None),
        lambda: charts.cumulative_vs_target(
            DAYS[:10], list(range(0, 10_000_000, 1_000_000)), target=20_000_000, end=DAYS[20],
            title="Pacing", lang=my, currency="MYR", projected_total=18_000_000,
        ),
        lambda: charts.ranked_bars(
            ["a", "b", "c"], [30, 20, 10], title="Top", value_label="GMV", lang=it,
            currency="EUR", highlight=1,
        ),
        lambda: charts.ranked_bars(
            [f"@creator{n}" for n in range(12)], series(seed=5, count=12), title="Top",
            value_label="Orders", lang=my,
        ),
        lambda: charts.percent_bars(
            ["Banner", "Pop-up"], [0.031, 0.012], title="CTR", value_label="CTR", lang=it
        ),
        lambda: trend(my, []),
    ]  # fmt: skip


def test_rendering_is_thread_safe() -> None:
    builders = eight_charts()
    sequential = [build().png for build in builders]
    for _ in range(3):
        with ThreadPoolExecutor(max_workers=8) as pool:
            concurrent = list(pool.map(lambda build: build().png, builders))
        assert concurrent == sequential


# -- the formats behind the axes -----------------------------------------------------------------

EN_MY, IT_IT, MS_MY = Locale.parse("en_MY"), Locale.parse("it_IT"), Locale.parse("ms_MY")


@pytest.mark.parametrize(("value", "locale", "currency", "expected"), [
    (0, EN_MY, "MYR", "RM0"),
    (950, EN_MY, "MYR", "RM950"),
    (1_234, EN_MY, "MYR", "RM1.2K"),
    (1_500_000, MS_MY, "MYR", "RM1.5J"),
    (1e9, EN_MY, "MYR", "RM1B"),
    (12_345, IT_IT, "EUR", "12.345\xa0€"),
    (1_500_000, IT_IT, "EUR", "1,5\xa0Mln\xa0€"),
    (2.5, IT_IT, "EUR", "2,5\xa0€"),
])  # fmt: skip
def test_compact_money(value: float, locale: Locale, currency: str, expected: str) -> None:
    assert charts.compact_money(value, currency, locale) == expected


def test_compact_numbers_percent_dates_and_symbols() -> None:
    assert charts.compact_number(1_234, EN_MY) == "1.2K"
    assert charts.compact_number(250_000, IT_IT) == "250.000"
    assert charts.short_percent(0.125, IT_IT) == "12,5%"
    assert charts.short_percent(0.1, EN_MY) == "10%"
    assert charts.short_date(dt.date(2026, 11, 3), IT_IT) == "3 nov"
    assert charts.short_date(dt.date(2026, 11, 3), EN_MY) == "3 Nov"
    assert charts.currency_symbol("MYR", EN_MY) == "RM"
    assert charts.currency_symbol("EUR", IT_IT) == "€"


def test_long_labels_are_cut_with_an_ellipsis() -> None:
    assert charts._drawable("short", 24) == "short"
    cut = charts._drawable("a" * 40, 24)
    assert cut.endswith("…") and len(cut) == 24
    wide = charts._drawable("@" + "小" * 30, 24)
    assert wide.endswith("…") and len(wide) < 24  # wide characters take two columns
    assert charts._drawable("$x$", 24) == r"\$x\$"  # never mathtext
    assert "\u200d" not in charts._drawable("👩\u200d👧", 24)
    assert charts._drawable("word " * 10, 11) == "word word…"  # no space before "…"


# -- long titles ---------------------------------------------------------------------------------

LONG_TITLE = (
    "Live GMV leaderboard · MY · 11.11 Mega Sale with the Beauty and Personal Care creators "
    "of Kuala Lumpur, Penang and Johor Bahru · compared with the previous fortnight"
)


def drawn_title(title: str) -> tuple[str, float, float]:
    """A chart titled `title` drawn to PNG: the title as drawn, its right edge and the axes'
    right edge in pixels (measured by matplotlib on the drawn figure itself)."""
    figure, axes = charts._figure(title)
    axes.plot(range(30), series(3))
    charts._png(figure)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    text = figure._suptitle  # type: ignore[attr-defined]
    right = text.get_window_extent(renderer).x1
    return figure.get_suptitle(), right, axes.get_window_extent(renderer).x1


def test_a_long_title_is_cut_at_a_word_within_the_axes_width() -> None:
    shown, right, axes_right = drawn_title(LONG_TITLE)
    assert shown.endswith("…") and right <= axes_right
    kept = shown.removesuffix("…").split(" ")
    assert kept == LONG_TITLE.split(" ")[: len(kept)], "whole words, from the start"
    assert len(kept) >= 5  # and as many as fit: not cut much shorter than the room
    longer = " ".join(LONG_TITLE.split(" ")[: len(kept) + 1])
    room = axes_right - charts.TITLE_X * charts.WIDTH * charts.DPI
    assert charts.title_width(longer + "…", renderer_of()) > room  # one more word would not fit


def test_a_short_title_is_left_whole() -> None:
    shown, right, axes_right = drawn_title("GMV, last 30 days")
    assert shown == "GMV, last 30 days" and right < axes_right


def test_a_cut_title_drops_a_dangling_separator_and_keeps_dollars_literal() -> None:
    shown, right, axes_right = drawn_title("$ " + "Campaign · " * 12)
    assert shown.startswith(r"\$ Campaign") and shown.endswith("Campaign…")
    assert right <= axes_right


def test_fit_words_never_cuts_inside_a_word_but_a_lone_giant_one() -> None:
    def measure(text: str) -> float:
        return float(len(text))

    assert charts.fit_words("alpha beta gamma", 16, measure) == "alpha beta gamma"
    assert charts.fit_words("alpha beta gamma", 15, measure) == "alpha beta…"
    assert charts.fit_words("alpha · beta gamma", 10, measure) == "alpha…"
    assert charts.fit_words("supercalifragilistic rest", 8, measure) == "superca…"


def renderer_of() -> RendererBase:
    figure, _ = charts._figure("x")
    return charts.FigureCanvasAgg(figure).get_renderer()
