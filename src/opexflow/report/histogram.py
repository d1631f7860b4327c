"""The throughput-time histogram as inline SVG, drawn in Python (no script needed).

Bins are drawn side by side with equal width whatever their time span, so
that logarithmic bins read as well as linear ones; the median and P90 are
placed by interpolation inside the bin that holds them.

Example:
    >>> svg = histogram_svg({"median_s": 90, "histogram": [
    ...     {"lo_s": 0, "hi_s": 60, "cases": 3}, {"lo_s": 60, "hi_s": 120, "cases": 5}]}, "en")
    >>> svg.startswith("<svg") and "5 cases" in svg
    True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from markupsafe import Markup, escape

from opexflow.report.formatting import format_int, humanize_duration, is_number
from opexflow.report.i18n import Lang, translate

WIDTH: Final = 760
HEIGHT: Final = 270
LEFT: Final = 64
RIGHT: Final = 16
TOP: Final = 44
BOTTOM: Final = 46
MAX_TICKS: Final = 7


def histogram_svg(throughput: Mapping[str, Any], lang: Lang) -> Markup:
    """An ``<svg>`` histogram of case throughput times, or an empty string."""
    bins = [b for b in throughput.get("histogram") or [] if is_number(b.get("cases"))]
    if not bins:
        return Markup("")
    peak = max(max(int(b["cases"]) for b in bins), 1)
    parts = [
        f'<svg class="histogram" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(translate(lang, "section_throughput"))}">',
        *_y_axis(peak, lang),
        *_bars(bins, peak, lang),
        *_x_axis(bins, lang),
        *_markers(bins, throughput, lang),
        "</svg>",
    ]
    return Markup("\n".join(parts))  # every value inside was escaped or is a number


def _plot_width() -> float:
    return float(WIDTH - LEFT - RIGHT)


def _plot_height() -> float:
    return float(HEIGHT - TOP - BOTTOM)


def _y(count: float, peak: int) -> float:
    return TOP + _plot_height() * (1 - count / peak)


def _y_axis(peak: int, lang: Lang) -> list[str]:
    lines = []
    for count in sorted({0, round(peak / 2), peak}):
        y = _y(count, peak)
        lines.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        lines.append(
            f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{format_int(count, lang)}</text>"
        )
    title = escape(translate(lang, "hist_axis_cases"))
    middle = TOP + _plot_height() / 2
    lines.append(
        f'<text class="axis-title" x="14" y="{middle:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {middle:.1f})">{title}</text>'
    )
    return lines


def _bars(bins: Sequence[Mapping[str, Any]], peak: int, lang: Lang) -> list[str]:
    step = _plot_width() / len(bins)
    gap = min(2.0, step * 0.15)
    lines = []
    for i, b in enumerate(bins):
        cases = int(b["cases"])
        y = _y(cases, peak)
        tip = translate(
            lang,
            "hist_bar_tip",
            lo=humanize_duration(b.get("lo_s"), lang),
            hi=humanize_duration(b.get("hi_s"), lang),
            cases=format_int(cases, lang),
        )
        lines.append(
            f'<rect class="hist-bar" x="{LEFT + i * step + gap / 2:.1f}" y="{y:.1f}" '
            f'width="{step - gap:.1f}" height="{TOP + _plot_height() - y:.1f}">'
            f"<title>{escape(tip)}</title></rect>"
        )
    return lines


def _x_axis(bins: Sequence[Mapping[str, Any]], lang: Lang) -> list[str]:
    edges = [b.get("lo_s") for b in bins] + [bins[-1].get("hi_s")]
    every = max(1, -(-len(edges) // MAX_TICKS))
    base = TOP + _plot_height()
    step = _plot_width() / len(bins)
    lines = [f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{base}" y2="{base}"/>']
    for i in range(0, len(edges), every):
        x = LEFT + i * step
        anchor = "start" if i == 0 else "end" if i == len(edges) - 1 else "middle"
        lines.append(
            f'<text class="tick" x="{x:.1f}" y="{base + 16}" text-anchor="{anchor}">'
            f"{escape(humanize_duration(edges[i], lang))}</text>"
        )
    title = escape(translate(lang, "hist_axis_time"))
    lines.append(
        f'<text class="axis-title" x="{LEFT + _plot_width() / 2:.1f}" y="{HEIGHT - 6}" '
        f'text-anchor="middle">{title}</text>'
    )
    return lines


def _position(bins: Sequence[Mapping[str, Any]], seconds: float) -> float | None:
    """The x coordinate of ``seconds`` on the bin axis, or ``None`` outside it."""
    step = _plot_width() / len(bins)
    for i, b in enumerate(bins):
        lo, hi = b.get("lo_s"), b.get("hi_s")
        if is_number(lo) and is_number(hi) and lo <= seconds <= hi:
            frac = (seconds - lo) / (hi - lo) if hi > lo else 0.5
            return LEFT + (i + frac) * step
    return None


def _markers(bins: Sequence[Mapping[str, Any]], tp: Mapping[str, Any], lang: Lang) -> list[str]:
    lines = []
    for row, (key, stat) in enumerate((("median_s", "stat_median"), ("p90_s", "stat_p90"))):
        seconds = tp.get(key)
        x = _position(bins, float(seconds)) if is_number(seconds) else None
        if x is None:
            continue
        text = f"{translate(lang, stat)} {humanize_duration(seconds, lang)}"
        anchor = "end" if x > LEFT + _plot_width() * 0.8 else "start"
        dx = -4 if anchor == "end" else 4
        lines.append(
            f'<line class="marker marker-{key[:-2]}" x1="{x:.1f}" x2="{x:.1f}" '
            f'y1="{TOP - 34 + 14 * row}" y2="{TOP + _plot_height()}"/>'
        )
        lines.append(
            f'<text class="marker-label marker-{key[:-2]}" x="{x + dx:.1f}" y="{TOP - 24 + 14 * row}" '
            f'text-anchor="{anchor}">{escape(text)}</text>'
        )
    return lines
