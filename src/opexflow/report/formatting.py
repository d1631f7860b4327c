"""Numbers, shares, dates and durations as a reader of each language expects.

The process-map script has a twin of :func:`humanize_duration`
(``static/process-map.js``, ``humanize``); keep the two in step.

Example:
    >>> humanize_duration(9000, "zh"), humanize_duration(273600, "en")
    ('2.5 小时', '3 d 4 h')
    >>> format_int(12345), format_share(0.1234)
    ('12,345', '12.3%')
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Final, TypeGuard

from opexflow.report.i18n import Lang, translate

_MINUTE: Final = 60.0
_HOUR: Final = 3600.0
_DAY: Final = 86400.0
_MONTHS_EN: Final = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def is_number(value: object) -> TypeGuard[int | float]:
    """True for a finite int or float (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def format_int(value: object, lang: Lang = "zh") -> str:
    """A whole number with thousands separators; ``—`` when missing."""
    if not is_number(value):
        return translate(lang, "empty")
    return f"{round(float(value)):,}"


def format_decimal(value: float, digits: int = 1) -> str:
    """``value`` with at most ``digits`` decimals and no trailing zeros."""
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_share(value: object, lang: Lang = "zh") -> str:
    """A share in 0..1 as a percentage: ``0.1234`` → ``12.3%``."""
    if not is_number(value):
        return translate(lang, "empty")
    pct = float(value) * 100
    if 0 < pct < 0.1:
        return "<0.1%"
    return f"{format_decimal(pct)}%"


def humanize_duration(seconds: object, lang: Lang = "zh") -> str:
    """A duration in the largest unit that reads well.

    Example:
        >>> [humanize_duration(s, "zh") for s in (45, 2700, 150, 9000, 273600, 4320000)]
        ['45 秒', '45 分钟', '2.5 分钟', '2.5 小时', '3 天 4 小时', '50 天']
    """
    if not is_number(seconds):
        return translate(lang, "empty")
    value = float(seconds)
    sign = "-" if value < 0 else ""
    return sign + _humanize_positive(abs(value), lang)


def _humanize_positive(seconds: float, lang: Lang) -> str:
    def unit(key: str) -> str:
        return translate(lang, f"unit_{key}")

    if seconds < 59.5:
        return f"{math.floor(seconds + 0.5)} {unit('s')}"
    minutes = seconds / _MINUTE
    if minutes < 59.5:
        digits = 1 if minutes < 9.95 else 0
        return f"{format_decimal(minutes, digits)} {unit('min')}"
    hours = seconds / _HOUR
    if hours < 23.95:
        return f"{format_decimal(hours, 1)} {unit('h')}"
    days, rest = divmod(seconds, _DAY)
    rest_hours = math.floor(rest / _HOUR + 0.5)  # half up, as in the map script
    if rest_hours == 24:
        days, rest_hours = days + 1, 0
    if days >= 30 or rest_hours == 0:
        return f"{format_decimal(days + rest_hours / 24, 0)} {unit('d')}"
    return f"{int(days)} {unit('d')} {rest_hours} {unit('h')}"


def parse_iso(text: object) -> datetime | None:
    """An ISO 8601 timestamp, or ``None`` when ``text`` is not one."""
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def format_date(text: object, lang: Lang = "zh") -> str:
    """A calendar date: zh ``2024年3月1日``, en ``1 Mar 2024``."""
    moment = parse_iso(text)
    if moment is None:
        return str(text) if text else translate(lang, "empty")
    if lang == "zh":
        return f"{moment.year}年{moment.month}月{moment.day}日"
    return f"{moment.day} {_MONTHS_EN[moment.month - 1]} {moment.year}"


def format_datetime(text: object, lang: Lang = "zh") -> str:
    """A date with hour and minute, for the report's generation time."""
    moment = parse_iso(text)
    if moment is None:
        return format_date(text, lang)
    sep = " " if lang == "zh" else ", "
    return f"{format_date(text, lang)}{sep}{moment:%H:%M}"


def format_period(start: object, end: object, lang: Lang = "zh") -> str:
    """A date range: zh ``2024年1月1日 至 2024年3月31日``."""
    return format_date(start, lang) + translate(lang, "period_sep") + format_date(end, lang)


def format_metric(metric: str, value: object, lang: Lang = "zh") -> str:
    """A finding's value by the convention of its metric name.

    ``*_s`` are seconds, ``*share*`` / ``*rate*`` / ``*ratio*`` are shares,
    anything else is a plain number.
    """
    if metric.endswith("_s"):
        return humanize_duration(value, lang)
    if any(word in metric for word in ("share", "rate", "ratio")):
        return format_share(value, lang)
    if not is_number(value):
        return translate(lang, "empty")
    return format_decimal(float(value), 2)
