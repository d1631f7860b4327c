"""How a KPI comparison reads: values with units, percentages, the verdict in zh and en.

Example:
    >>> percent(-0.7333)
    '−73%'
    >>> value_text(1800.0, "seconds", "zh"), value_text(0.05, "share", "en")
    ('30分钟', '5.0%')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from opexflow.analysis.humanize import duration

if TYPE_CHECKING:
    from opexflow.kpi.definition import Kpi
    from opexflow.stats.compare import Effect

STATISTIC_NAMES: dict[str, tuple[str, str]] = {
    "median": ("中位数", "median"),
    "mean": ("均值", "mean"),
    "p90": ("P90", "p90"),
    "share": ("", ""),
    "count": ("日均", "per day"),
}


def percent(relative: float | None) -> str:
    """A relative change as a signed percentage with a true minus sign (``−73%``, ``+4.5%``)."""
    if relative is None:
        return "—"
    pct = relative * 100
    text = f"{abs(pct):.1f}" if abs(pct) < 10 else f"{abs(pct):.0f}"
    if text in ("0", "0.0"):
        return "0%"
    return f"{'−' if pct < 0 else '+'}{text}%"


def value_text(value: float, unit: str, lang: str) -> str:
    """A KPI value as people read it: ``30分钟``/``30 min``, ``5.0%``, ``47``."""
    if unit == "seconds":
        text = duration(value, lang)
        return text.replace(" ", "") if lang == "zh" else text
    if unit == "share":
        pct = value * 100
        return f"{pct:.1f}%" if pct < 10 else f"{pct:.0f}%"
    return f"{value:.1f}" if abs(value) < 100 else f"{value:,.0f}"


def kpi_label(kpi: Kpi, statistic: str, lang: str) -> str:
    """``激活时长中位数`` / ``median activation time``."""
    if statistic == "count":
        return f"日均{kpi.name_zh}" if lang == "zh" else f"{kpi.name_en} per day"
    zh, en = STATISTIC_NAMES.get(statistic, ("", ""))
    if lang == "zh":
        return f"{kpi.name_zh}{zh}"
    return f"{en} {kpi.name_en}".strip()


def verdict(kpi: Kpi, statistic: str, effect: Effect, lang: str) -> str:
    """One sentence: the change, its 95% CI, significance, the test and any warning."""
    zh = lang == "zh"
    b, a = value_text(effect.before, kpi.unit, lang), value_text(effect.after, kpi.unit, lang)
    if effect.after < effect.before:
        move = f"从{b}降到{a}" if zh else f"fell from {b} to {a}"
    elif effect.after > effect.before:
        move = f"从{b}升到{a}" if zh else f"rose from {b} to {a}"
    else:
        move = f"保持{b}" if zh else f"stayed at {b}"
    head = kpi_label(kpi, statistic, lang)
    head = head if zh else head[:1].upper() + head[1:]
    parts = [
        f"{head}{move}({percent(effect.relative)})"
        if zh
        else f"{head} {move} ({percent(effect.relative)})"
    ]
    ci = effect.relative_ci
    if ci is not None:
        parts.append(
            f"95%置信区间[{percent(ci.lo)}, {percent(ci.hi)}]"
            if zh
            else f"95% CI [{percent(ci.lo)}, {percent(ci.hi)}]"
        )
    parts.append(_significance(effect, zh))
    for w in effect.warnings:
        parts.append(w.message_zh if zh else w.message_en)
    return (",".join(parts) if zh else ", ".join(parts)) + ("" if zh else ".")


def _significance(effect: Effect, zh: bool) -> str:
    test = effect.test
    if test is None:
        return "未检验" if zh else "not tested"
    p = test.p_value
    p_text = "p<0.001" if p < 0.001 else f"p={p:.3f}"
    if zh:
        word = "显著" if effect.significant else "不显著"
        return f"{word}({test.label_zh},{p_text})"
    word = "significant" if effect.significant else "not significant"
    return f"{word} ({test.label_en}, {p_text})"
