"""Durations and shares as people read them, in zh and en."""

from __future__ import annotations


def duration(seconds: float | None, lang: str = "zh") -> str:
    """``1.5 小时`` / ``1.5 h``; minutes below an hour, days from two days on."""
    if seconds is None:
        return "—"
    s = abs(float(seconds))
    if s < 60:
        value, zh, en = s, "秒", "s"
    elif s < 3600:
        value, zh, en = s / 60, "分钟", "min"
    elif s < 2 * 86400:
        value, zh, en = s / 3600, "小时", "h"
    else:
        value, zh, en = s / 86400, "天", "d"
    text = f"{value:.0f}" if value >= 10 else f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text} {zh}" if lang == "zh" else f"{text} {en}"


def percent(share: float) -> str:
    """``62%``; one decimal below 10%."""
    pct = share * 100
    return f"{pct:.1f}%" if pct < 10 else f"{pct:.0f}%"
