"""Charts in one house style, sized for a phone: data in, a PNG `Image` with alt text out."""

from __future__ import annotations

import copy
import datetime as dt
import math
import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import cache, lru_cache
from io import BytesIO
from typing import Any

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import (
    format_compact_currency,
    format_compact_decimal,
    format_percent,
    get_currency_symbol,
    parse_pattern,
)
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import Formatter, MaxNLocator
from PIL import Image as PILImage

from creatorbot.commands.chartmemo import remembered
from creatorbot.commands.i18n import N_, Lang, babel_locale
from creatorbot.commands.reply import Image

# Only the object-oriented API (Figure + FigureCanvasAgg), never pyplot: no global figure state,
# so worker threads can each render their own figure at the same time.

WIDTH, HEIGHT, DPI = 8.0, 4.5, 120  # 960×540 px: full width on a phone, small enough to send
MAX_HEIGHT = 13.0
PRIMARY = "#2563EB"  # the series the chart is about
MUTED = "#9CA3AF"  # comparisons: the previous window, the bars not singled out
ACCENT = "#EA580C"  # targets and projections
INK = "#111827"
SOFT_INK = "#4B5563"
GRID = "#E5E7EB"
TITLE_SIZE, LABEL_SIZE, TICK_SIZE = 17, 13, 12
# Fonts tried glyph by glyph, first to last; only those installed are used.
FONT_CANDIDATES = (
    "DejaVu Sans",
    "Noto Sans",
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Noto Sans Thai",
    "Noto Emoji",
    "Noto Sans Symbols 2",
)
TITLE_COLUMNS, LABEL_COLUMNS = 70, 24
# A title is cut to the axes' drawn width at a word; this many columns only bound the work.
TITLE_MAX_COLUMNS = 300
TITLE_X = 0.01  # the title's left edge, as a fraction of the figure's width
# What may end a cut title before its "…": a separator left dangling reads as a stray mark.
DANGLING = " ·-–—,;:/|"
SURELY_FITS = 0.5  # of the figure's width: the axes' right edge is always further right
ELLIPSIS = "…"
MISSING_GLYPH = "□"

NO_DATA = N_("No data")
NO_DATA_ALT = N_("{metric}: no data.")
TREND_DAY_ALT = N_("{metric} on {day}: {total}.")
TREND_ALT = N_("{metric} from {start} to {end}: total {total}, highest {best} on {day}.")
PACING_ALT = N_("GMV reached {total} by {day}, against a target of {target} by {end}.")
PACING_PROJECTED_ALT = N_(
    "GMV reached {total} by {day} and is projected to reach {projected} by {end}, "
    "against a target of {target}."
)
BARS_ALT = N_("{metric}: highest {best} with {value}, lowest {worst} with {low}.")
BAR_ALT = N_("{metric}: {name} with {value}.")
HIGHLIGHT_ALT = N_("Highlighted: {name}, {value}.")


# -- numbers and dates for tick labels ----------------------------------------------------------


def _abbreviates(value: float, formats: object) -> bool:
    """Whether CLDR writes `value` in a shorter form (1.2K) in this locale, not in full
    (Italian has no short form below a million: 12.345 €)."""
    other = formats["other"]  # type: ignore[index]
    for magnitude in sorted((int(m) for m in other), reverse=True):
        if abs(value) >= magnitude:
            return str(parse_pattern(other[str(magnitude)]).pattern) != "0"
    return False


def _in_full(pattern: object, value: float, digits: int, locale: Locale, currency: str = "") -> str:
    """`value` in the locale's standard pattern, grouped, with at most `digits` decimals."""
    written = copy.copy(parse_pattern(pattern))  # type: ignore[arg-type]
    written.frac_prec = (0, digits)
    return written.apply(
        Decimal(str(float(value))), locale, currency=currency or None, currency_digits=False
    )


def abbreviated(value: float, locale: Locale, currency: str | None = None) -> bool:
    """Whether the locale writes `value` short (RM1.2K) rather than in full (12.345 €)."""
    formats = locale.compact_currency_formats if currency else locale.compact_decimal_formats
    return _abbreviates(value, formats["short"])


@lru_cache(maxsize=4096, typed=True)  # the same ticks are written again at each layout pass
def compact_money(value: float, currency: str, locale: Locale, digits: int = 1) -> str:
    """A major-unit amount written short for an axis: RM1.2K, €3.4M, 12.345 €, 1,2 Mln €."""
    if abbreviated(value, locale, currency):
        return format_compact_currency(value, currency, locale=locale, fraction_digits=digits)
    return _in_full(locale.currency_formats["standard"], value, digits, locale, currency)


@lru_cache(maxsize=4096, typed=True)
def compact_number(value: float, locale: Locale, digits: int = 1) -> str:
    """A count written short for an axis: 1.2K, 3.4M, 12.345, 1,2 Mln."""
    if abbreviated(value, locale):
        return format_compact_decimal(value, locale=locale, fraction_digits=digits)
    return _in_full(locale.decimal_formats[None], value, digits, locale)


def short_percent(value: float, locale: Locale, digits: int = 1) -> str:
    """A ratio as a percentage with at most `digits` decimals: 0.125 → 12.5%, 0.1 → 10%."""
    return format_percent(value, format="#,##0." + "#" * digits + "%", locale=locale)


def short_date(day: dt.date, locale: Locale) -> str:
    """A day without its year, in the locale's order: 3 Nov, 3 nov, Nov 3."""
    return format_skeleton("MMMd", day, locale=locale)


def currency_symbol(currency: str, locale: Locale) -> str:
    """The symbol readers of this locale know the currency by: RM, €, MYR in Italian."""
    return get_currency_symbol(currency, locale=locale)


class _TickLabels(Formatter):
    """Tick labels in the user's language, with as few decimals as keep neighbours apart."""

    def __init__(self, write: Callable[[float, int], str]) -> None:
        self._write = write
        self._digits = 0

    def set_locs(self, locs: list[float]) -> None:
        super().set_locs(locs)
        # The fewest decimals that lose nothing: one more would write the same labels.
        self._digits = next(
            (
                digits
                for digits in range(2)
                if self._labels(locs, digits) == self._labels(locs, digits + 1)
            ),
            2,
        )

    def _labels(self, locs: list[float], digits: int) -> list[str]:
        return [self._write(float(value), digits) for value in locs]

    def __call__(self, x: float, pos: int | None = None) -> str:
        return _plain(self._write(float(x), self._digits))


class _DayLabels(Formatter):
    """Day-number ticks (proleptic ordinals) as short localized dates."""

    def __init__(self, locale: Locale) -> None:
        self._locale = locale

    def __call__(self, x: float, pos: int | None = None) -> str:
        ordinal = round(x)
        if ordinal < 1 or abs(x - ordinal) > 1e-6:
            return ""
        return short_date(dt.date.fromordinal(ordinal), self._locale)


# -- text that renders ----------------------------------------------------------------------------


@cache
def _fonts() -> tuple[str, ...]:
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return tuple(name for name in FONT_CANDIDATES if name in installed) or ("sans-serif",)


@cache
def _glyphs(weight: str) -> frozenset[int]:
    """Every character some chart font can draw at `weight`."""
    found: set[int] = set()
    for family in _fonts():
        props = font_manager.FontProperties(family=family, weight=weight)
        path = font_manager.findfont(props, fallback_to_default=False)
        found.update(font_manager.get_font(path).get_charmap())
    return frozenset(found)


def _plain(text: str) -> str:
    """Text as written: a `$` never starts mathtext."""
    return text.replace("$", r"\$")


def _columns(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _drawable(text: str, limit: int, weight: str = "normal") -> str:
    """`text` on one line, cut to `limit` columns with "…", without invisible joiners, and with a
    box for characters no installed font has (what the renderer would draw anyway, minus its
    warning). Wide characters (CJK, most emoji) count two columns."""
    glyphs = _glyphs(weight)
    kept: list[str] = []
    used = 0
    visible = [
        char
        for char in unicodedata.normalize("NFC", text)
        if unicodedata.category(char) not in ("Cf", "Cc") or char.isspace()
        if not 0xFE00 <= ord(char) <= 0xFE0F  # emoji/text presentation selectors
    ]
    width = sum(_columns(char) for char in visible)
    for char in visible:
        used += _columns(char)
        if width > limit and used > limit - 1:
            return _plain("".join(kept).rstrip() + ELLIPSIS)
        if char.isspace():
            kept.append(" ")
        else:
            kept.append(char if ord(char) in glyphs else MISSING_GLYPH)
    return _plain("".join(kept))


# -- the house style ------------------------------------------------------------------------------


def _title_style() -> dict[str, Any]:
    return {
        "x": TITLE_X,
        "ha": "left",
        "fontsize": TITLE_SIZE,
        "fontweight": "bold",
        "color": INK,
        "fontfamily": _fonts(),
    }


def _figure(title: str, height: float = HEIGHT) -> tuple[Figure, Axes]:
    layout = ConstrainedLayoutEngine(h_pad=0.08, w_pad=0.1)  # inches around the chart
    figure = Figure(figsize=(WIDTH, height), dpi=DPI, facecolor="white", layout=layout)
    # Whole for now: _png cuts it to the axes' width once the layout has placed them.
    figure.suptitle(_drawable(title, TITLE_MAX_COLUMNS, "bold"), **_title_style())
    axes = figure.add_subplot()
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(GRID)
    axes.tick_params(
        labelsize=TICK_SIZE, colors=SOFT_INK, length=0, pad=6, labelfontfamily=_fonts()
    )
    axes.set_axisbelow(True)
    return figure, axes


def _label(axes: Axes, x: str | None = None, y: str | None = None) -> None:
    style: dict[str, Any] = {"fontsize": LABEL_SIZE, "color": SOFT_INK, "fontfamily": _fonts()}
    if x:
        axes.set_xlabel(_drawable(x, TITLE_COLUMNS), labelpad=8, fontdict=style)
    if y:
        axes.set_ylabel(_drawable(y, TITLE_COLUMNS), labelpad=8, fontdict=style)


def _no_data(axes: Axes, lang: Lang) -> None:
    axes.set_xticks([])
    axes.set_yticks([])
    axes.text(
        0.5,
        0.5,
        _drawable(lang._(NO_DATA), TITLE_COLUMNS),
        transform=axes.transAxes,
        ha="center",
        va="center",
        fontsize=LABEL_SIZE + 2,
        color=SOFT_INK,
        fontfamily=_fonts(),
    )


def _legend(axes: Axes) -> None:
    """A key in one row between the title and the plot, only when there are lines to tell apart."""
    handles, labels = axes.get_legend_handles_labels()
    if len(labels) > 1:
        axes.legend(
            handles,
            labels,
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            borderaxespad=0.3,
            borderpad=0.0,
            ncols=len(labels),
            frameon=False,
            labelcolor=SOFT_INK,
            handlelength=1.8,
            columnspacing=1.4,
            prop={"family": _fonts(), "size": TICK_SIZE},
        )


def _value_range(values: Sequence[float]) -> tuple[float, float]:
    """Axis limits from zero (or below, should a value ever be negative) to a little headroom."""
    finite = [v for v in values if math.isfinite(v)]
    low = min([0.0, *finite])
    high = max([0.0, *finite])
    if high <= low:
        high = low + 1.0
    return low, high + (high - low) * 0.08


def _png(figure: Figure) -> bytes:
    """The figure as a small opaque PNG without metadata.

    A chart is a handful of flat colours and their anti-aliased edges, so a 256-colour palette
    looks the same as full colour at a third of the bytes, and encodes faster than `optimize`.
    """
    canvas = FigureCanvasAgg(figure)
    _fit_title(figure, canvas.get_renderer())
    canvas.draw()
    width, height = canvas.get_width_height(physical=True)
    pixels = PILImage.frombuffer("RGBA", (int(width), int(height)), canvas.buffer_rgba())
    out = BytesIO()
    pixels.convert("RGB").quantize(256, method=PILImage.Quantize.FASTOCTREE).save(out, "PNG")
    return out.getvalue()


def title_room(figure: Figure, renderer: RendererBase) -> float:
    """Pixels from the title's left edge to the right edge of the axes, as the layout places
    them: the title never runs past the chart it names."""
    engine = figure.get_layout_engine()
    if engine is not None:
        engine.execute(figure)
    right = max(axes.get_window_extent(renderer).x1 for axes in figure.axes)
    return float(right - TITLE_X * figure.bbox.width)


def title_width(text: str, renderer: RendererBase) -> float:
    """The drawn width of a title, in pixels."""
    font = font_manager.FontProperties(family=_fonts(), weight="bold", size=TITLE_SIZE)
    width, _, _ = renderer.get_text_width_height_descent(text, font, ismath=False)
    return float(width)


def fit_words(text: str, room: float, measure: Callable[[str], float]) -> str:
    """`text` whole if it fits in `room`, else its most leading words that fit with "…" (a
    dangling separator dropped); a first word too wide alone is the one thing cut inside."""
    if measure(text) <= room:
        return text
    words = text.split(" ")

    def cut(count: int) -> str:
        kept = " ".join(words[:count]).rstrip(DANGLING)
        return kept + ELLIPSIS if kept else ""

    low, high = 0, len(words) - 1  # the most words that fit: wider with each word kept
    while low < high:
        middle = (low + high + 1) // 2
        if cut(middle) and measure(cut(middle)) <= room:
            low = middle
        else:
            high = middle - 1
    if low:
        return cut(low)
    first = words[0]
    while len(first) > 1 and measure(first + ELLIPSIS) > room:
        first = first[:-1]
    return first + ELLIPSIS


def _fit_title(figure: Figure, renderer: RendererBase) -> None:
    """Cut the title at a word, with "…", to the width of the axes below it."""
    title = figure.get_suptitle().replace(r"\$", "$")
    if not title or not figure.axes:
        return
    # The axes always reach past the middle of the figure: a title that stops short of it
    # fits without placing them first (a layout pass saved on most charts).
    if title_width(title, renderer) <= figure.bbox.width * (SURELY_FITS - TITLE_X):
        return
    room = title_room(figure, renderer)
    fitted = fit_words(title, room, lambda text: title_width(text, renderer))
    if fitted != title:
        figure.suptitle(_plain(fitted), **_title_style())
    # The layout just placed the axes; a title cut to fewer words on its one line places them
    # the same: drawing need not lay the figure out again (a third of a chart's time).
    figure.set_layout_engine("none")


def _writer(lang: Lang, currency: str | None) -> Callable[[float, int], str]:
    locale = babel_locale(lang.language, lang.market)
    if currency:
        return lambda value, digits: compact_money(value, currency, locale, digits)
    return lambda value, digits: compact_number(value, locale, digits)


def _amount(lang: Lang, value: int, currency: str | None, minor_units: int) -> str:
    return lang.money(value, currency, minor_units) if currency else lang.number(value)


def _axis_title(label: str, lang: Lang, currency: str | None) -> str:
    if not currency:
        return label
    return f"{label} ({currency_symbol(currency, babel_locale(lang.language, lang.market))})"


def _major(value: float, minor_units: int, currency: str | None) -> float:
    return value / 10**minor_units if currency else float(value)


def _day_axis(axes: Axes, lang: Lang, first: int, last: int) -> None:
    if last <= first:
        axes.set_xlim(first - 1, first + 1)
        axes.set_xticks([first])
    else:
        pad = max(0.3, (last - first) * 0.02)
        axes.set_xlim(first - pad, last + pad)
        axes.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 7, 10], integer=True))
    axes.xaxis.set_major_formatter(_DayLabels(babel_locale(lang.language, lang.market)))
    _label(axes, x=lang.window(dt.date.fromordinal(first), dt.date.fromordinal(last)))


def _money_axis(
    axes: Axes, lang: Lang, currency: str | None, heights: Sequence[float], label: str
) -> None:
    axes.set_ylim(*_value_range(heights))
    axes.yaxis.set_major_locator(
        MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], integer=not currency, min_n_ticks=3)
    )
    axes.yaxis.set_major_formatter(_TickLabels(_writer(lang, currency)))
    axes.grid(axis="y", color=GRID, linewidth=0.9)
    _label(axes, y=_axis_title(label, lang, currency))


# -- the charts -----------------------------------------------------------------------------------


def _empty(
    figure: Figure, axes: Axes, title: str, metric: str, lang: Lang, currency: str | None
) -> Image:
    """The chart of a series with no data: axes, a "No data" note, an alt saying so."""
    _no_data(axes, lang)
    _label(axes, y=_axis_title(metric, lang, currency))
    return Image(png=_png(figure), title=title, alt=lang._(NO_DATA_ALT).format(metric=metric))


@remembered
def daily_trend(
    days: Sequence[dt.date],
    values: Sequence[int],
    *,
    title: str,
    metric_label: str,
    lang: Lang,
    currency: str | None = None,
    minor_units: int = 2,
    comparison: Sequence[int] | None = None,
    comparison_label: str | None = None,
    target: int | None = None,
    projection: Sequence[tuple[dt.date, int]] | None = None,
) -> Image:
    """A daily series as a line; optionally the previous window (muted), a target and a
    projection to the campaign's end (accent). Money arrives in minor units."""
    series = list(zip(days, values, strict=False))
    ahead = sorted(projection or [])
    figure, axes = _figure(title)

    def major(value: float) -> float:
        return _major(value, minor_units, currency)

    if not series:
        return _empty(figure, axes, title, metric_label, lang, currency)

    xs = [day.toordinal() for day, _ in series]
    ys = [major(value) for _, value in series]
    heights = list(ys)
    dots = "o" if len(series) <= 31 else None
    axes.plot(xs, ys, color=PRIMARY, linewidth=2.4, marker=dots, markersize=4.5, zorder=3)
    axes.lines[-1].set_label(_drawable(metric_label, LABEL_COLUMNS))
    if comparison:
        before = [major(value) for value in comparison[: len(xs)]]
        axes.plot(
            xs[: len(before)],
            before,
            color=MUTED,
            linewidth=1.8,
            zorder=2,
            label=_drawable(comparison_label or lang._("Previous period"), LABEL_COLUMNS),
        )
        heights += before
    if target is not None:
        axes.axhline(
            major(target),
            color=ACCENT,
            linewidth=1.4,
            zorder=1,
            label=_drawable(lang._("Target"), LABEL_COLUMNS),
        )
        heights.append(major(target))
    if ahead:
        px = [xs[-1], *(day.toordinal() for day, _ in ahead)]
        py = [ys[-1], *(major(value) for _, value in ahead)]
        axes.plot(
            px,
            py,
            color=ACCENT,
            linewidth=2.0,
            linestyle=(0, (4, 3)),
            zorder=2,
            label=_drawable(lang._("Projection"), LABEL_COLUMNS),
        )
        heights += py
    _day_axis(axes, lang, xs[0], max([xs[-1], *(day.toordinal() for day, _ in ahead)]))
    _money_axis(axes, lang, currency, heights, metric_label)
    _legend(axes)

    total = sum(value for _, value in series)
    best_day, best = max(series, key=lambda pair: pair[1])  # the first day of the highest
    if len(series) == 1:
        alt = lang._(TREND_DAY_ALT).format(
            metric=metric_label,
            day=lang.date(best_day),
            total=_amount(lang, total, currency, minor_units),
        )
        return Image(png=_png(figure), title=title, alt=alt)
    alt = lang._(TREND_ALT).format(
        metric=metric_label,
        start=lang.date(series[0][0]),
        end=lang.date(series[-1][0]),
        total=_amount(lang, total, currency, minor_units),
        best=_amount(lang, best, currency, minor_units),
        day=lang.date(best_day),
    )
    return Image(png=_png(figure), title=title, alt=alt)


@remembered
def cumulative_vs_target(
    days: Sequence[dt.date],
    cumulative: Sequence[int],
    *,
    target: int,
    end: dt.date,
    title: str,
    lang: Lang,
    currency: str | None,
    minor_units: int = 2,
    projected_total: int | None = None,
) -> Image:
    """Campaign pacing: GMV to date against the target, with a dashed projection to `end`."""
    series = list(zip(days, cumulative, strict=False))
    figure, axes = _figure(title)
    metric = lang._("GMV to date")

    def major(value: float) -> float:
        return _major(value, minor_units, currency)

    if not series:
        return _empty(figure, axes, title, metric, lang, currency)

    xs = [day.toordinal() for day, _ in series]
    ys = [major(value) for _, value in series]
    heights = [*ys, major(target)]
    dots = "o" if len(series) <= 31 else None
    axes.plot(xs, ys, color=PRIMARY, linewidth=2.4, marker=dots, markersize=4.5, zorder=3)
    axes.lines[-1].set_label(_drawable(metric, LABEL_COLUMNS))
    axes.axhline(
        major(target),
        color=ACCENT,
        linewidth=1.4,
        zorder=1,
        label=_drawable(lang._("GMV target"), LABEL_COLUMNS),
    )
    last_day, total = series[-1]
    projecting = projected_total is not None and end > last_day
    if projected_total is not None and projecting:
        axes.plot(
            [xs[-1], end.toordinal()],
            [ys[-1], major(projected_total)],
            color=ACCENT,
            linewidth=2.0,
            linestyle=(0, (4, 3)),
            zorder=2,
            label=_drawable(lang._("Projection"), LABEL_COLUMNS),
        )
        heights.append(major(projected_total))
    _day_axis(axes, lang, xs[0], max(xs[-1], end.toordinal()))
    _money_axis(axes, lang, currency, heights, metric)
    _legend(axes)

    fields = {
        "total": _amount(lang, total, currency, minor_units),
        "day": lang.date(last_day),
        "target": _amount(lang, target, currency, minor_units),
        "end": lang.date(end),
    }
    if projected_total is not None and projecting:
        projected = _amount(lang, projected_total, currency, minor_units)
        alt = lang._(PACING_PROJECTED_ALT).format(projected=projected, **fields)
    else:
        alt = lang._(PACING_ALT).format(**fields)
    return Image(png=_png(figure), title=title, alt=alt)


def _bars(
    labels: Sequence[str],
    lengths: Sequence[float],
    shown: Sequence[str],
    spoken: Sequence[str],
    *,
    title: str,
    axis_label: str,
    metric: str,
    lang: Lang,
    ticks: Formatter,
    integer: bool,
    highlight: int | None,
) -> Image:
    """Horizontal bars, the first label on top, each bar ending in its value (`shown` at the bar
    end, `spoken` exactly in the text alternative)."""
    count = min(len(labels), len(lengths), len(shown), len(spoken))
    height = min(MAX_HEIGHT, max(HEIGHT, 1.6 + 0.42 * count))
    figure, axes = _figure(title, height)
    if not count:
        _no_data(axes, lang)
        _label(axes, x=axis_label)
        return Image(png=_png(figure), title=title, alt=lang._(NO_DATA_ALT).format(metric=metric))

    lengths = [v if math.isfinite(v) else 0.0 for v in lengths[:count]]
    singled = highlight if highlight is not None and 0 <= highlight < count else None
    colours = [PRIMARY if singled is None or index == singled else MUTED for index in range(count)]
    positions = list(range(count))
    axes.barh(positions, lengths, height=0.68, color=colours, zorder=2)
    axes.set_yticks(positions, [_drawable(label, LABEL_COLUMNS) for label in labels[:count]])
    axes.set_ylim(count - 0.5, -0.5)  # the first label on top
    for position, length, text in zip(positions, lengths, shown, strict=False):
        axes.text(
            length,
            position,
            f" {_plain(text)} ",
            va="center",
            ha="left" if length >= 0 else "right",
            fontsize=TICK_SIZE,
            color=INK,
            fontfamily=_fonts(),
            zorder=3,
        )
    low, high = _value_range(lengths)
    room = (high - low) * 0.12  # for the values at the bar ends
    axes.set_xlim(low - room if low < 0 else low, high + room)
    axes.xaxis.set_major_locator(
        MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], integer=integer, min_n_ticks=3)
    )
    axes.xaxis.set_major_formatter(ticks)
    axes.grid(axis="x", color=GRID, linewidth=0.9)
    axes.spines["left"].set_visible(False)
    _label(axes, x=axis_label)

    order = sorted(range(count), key=lambda index: lengths[index])
    best, worst = order[-1], order[0]
    if count == 1:
        alt = lang._(BAR_ALT).format(metric=metric, name=labels[0], value=spoken[0])
    else:
        alt = lang._(BARS_ALT).format(
            metric=metric,
            best=labels[best],
            value=spoken[best],
            worst=labels[worst],
            low=spoken[worst],
        )
    if singled is not None:
        alt += " " + lang._(HIGHLIGHT_ALT).format(name=labels[singled], value=spoken[singled])
    return Image(png=_png(figure), title=title, alt=alt)


@remembered
def ranked_bars(
    labels: Sequence[str],
    values: Sequence[int],
    *,
    title: str,
    value_label: str,
    lang: Lang,
    currency: str | None = None,
    minor_units: int = 2,
    highlight: int | None = None,
) -> Image:
    """Ranked items as horizontal bars, top of the list first (slots by clicks, creators by
    GMV); `highlight` singles one bar out and mutes the others."""
    write = _writer(lang, currency)
    locale = babel_locale(lang.language, lang.market)
    lengths = [_major(value, minor_units, currency) for value in values]

    def at_bar_end(length: float) -> str:
        if abbreviated(length, locale, currency):
            return write(length, 1)  # RM12.3K
        return write(length, 0 if abs(length) >= 100 else 2)  # 12.345 €, RM512, RM12.5

    return _bars(
        labels,
        lengths,
        [at_bar_end(length) for length in lengths],
        [_amount(lang, value, currency, minor_units) for value in values],
        title=title,
        axis_label=_axis_title(value_label, lang, currency),
        metric=value_label,
        lang=lang,
        ticks=_TickLabels(write),
        integer=not currency,
        highlight=highlight,
    )


@remembered
def percent_bars(
    labels: Sequence[str],
    ratios: Sequence[float],
    *,
    title: str,
    value_label: str,
    lang: Lang,
    highlight: int | None = None,
) -> Image:
    """Ratios (CTR, CVR, share of target) as horizontal bars labelled in percent."""
    locale = babel_locale(lang.language, lang.market)
    finite = [ratio if math.isfinite(ratio) else 0.0 for ratio in ratios]
    return _bars(
        labels,
        finite,
        [lang.percent(ratio) for ratio in finite],
        [lang.percent(ratio) for ratio in finite],
        title=title,
        axis_label=value_label,
        metric=value_label,
        lang=lang,
        ticks=_TickLabels(lambda value, digits: short_percent(value, locale, digits)),
        integer=False,
        highlight=highlight,
    )
