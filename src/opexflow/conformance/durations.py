"""Durations in rules: ``24h``, ``5d``, ``30m``, ``1d12h``, ``2w``, ``90s``, ``24小时``.

A duration is one or more ``<number><unit>`` parts, added up. Units: ``w``
(week), ``d`` (day), ``h`` (hour), ``m`` or ``min`` (minute), ``s`` (second),
and their Chinese names 周, 天/日, 小时/时, 分钟/分, 秒. Days are 24 clock
hours: rules are checked on clock time, not working time.

Example:
    >>> parse_duration("1d12h")
    datetime.timedelta(days=1, seconds=43200)
    >>> format_duration(parse_duration("60h"), "zh"), format_duration(parse_duration("60h"), "en")
    ('2 天 12 小时', '2 days 12 hours')
    >>> format_duration(parse_duration("1d"), "zh")
    '24 小时'
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Final, Literal

_UNITS: Final[dict[str, float]] = {
    "w": 604800.0,
    "周": 604800.0,
    "d": 86400.0,
    "天": 86400.0,
    "日": 86400.0,
    "h": 3600.0,
    "小时": 3600.0,
    "时": 3600.0,
    "min": 60.0,
    "m": 60.0,
    "分钟": 60.0,
    "分": 60.0,
    "s": 1.0,
    "秒": 1.0,
}
_UNIT_RE: Final = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
_PART: Final = re.compile(rf"\s*(\d+(?:\.\d+)?)\s*({_UNIT_RE})", re.IGNORECASE)
_DAYS_FROM: Final = 2 * 86400
"""Below two days a duration is shown in hours (24h, 36h), from then on in days (2d12h)."""
_SHOWN: Final[tuple[tuple[int, str, str, str], ...]] = (
    (86400, "天", "day", "days"),
    (3600, "小时", "hour", "hours"),
    (60, "分钟", "minute", "minutes"),
    (1, "秒", "second", "seconds"),
)


def parse_duration(text: str) -> timedelta:
    """``text`` as a :class:`~datetime.timedelta`; raises ``ValueError`` naming the format.

    Example:
        >>> parse_duration("30m").total_seconds()
        1800.0
    """
    if not isinstance(text, str):
        raise ValueError(f"a duration is text such as 24h, 5d, 30m or 1d12h, not {text!r}")
    pos, total, found = 0, 0.0, False
    stripped = text.strip()
    while pos < len(stripped):
        m = _PART.match(stripped, pos)
        if m is None:
            break
        total += float(m.group(1)) * _UNITS[m.group(2).lower()]
        pos, found = m.end(), True
    if not found or stripped[pos:].strip():
        raise ValueError(
            f"{text!r} is not a duration; write a number with a unit, e.g. 24h, 5d, 30m, 1d12h "
            "(units w, d, h, m, s, or 周, 天, 小时, 分钟, 秒)"
        )
    return timedelta(seconds=total)


def duration_text(value: timedelta) -> str:
    """The shortest canonical form: ``1d12h``, ``30m``, ``90s``.

    Example:
        >>> duration_text(parse_duration("1d 12h")), duration_text(parse_duration("3d"))
        ('36h', '3d')
    """
    rest = round(value.total_seconds())
    parts = []
    for size, unit in ((86400 if rest >= _DAYS_FROM else 0, "d"), (3600, "h"), (60, "m"), (1, "s")):
        if not size:
            continue
        n, rest = divmod(rest, size)
        if n:
            parts.append(f"{n}{unit}")
    return "".join(parts) or "0s"


def format_duration(value: timedelta, lang: Literal["zh", "en"]) -> str:
    """``1 天 12 小时`` / ``1 day 12 hours``: exact, for sentences shown to people."""
    rest = round(value.total_seconds())
    parts = []
    for size, zh, one, many in _SHOWN:
        if size == 86400 and rest < _DAYS_FROM:
            continue
        n, rest = divmod(rest, size)
        if n:
            parts.append(f"{n} {zh}" if lang == "zh" else f"{n} {one if n == 1 else many}")
    if not parts:
        return "0 秒" if lang == "zh" else "0 seconds"
    return " ".join(parts)
