"""The working calendar as a day table, and working time computed with it in the engine.

One row per local day: ``day``, ``day_start_us`` (local midnight as UTC epoch
microseconds), ``open_us``/``close_us`` (the business hours of a working day;
both equal ``day_start_us`` on a day off) and ``cum_us`` (working microseconds
of all earlier days in the table). The working time elapsed up to an instant
``t`` is ``cum_us + clamp(t - open_us, 0, close_us - open_us)`` of the day
containing ``t`` (an as-of join), so a duration in working time is the
difference of two such values: computed for all cases at once, in the engine.

Example:
    >>> from datetime import date
    >>> t = day_table(date(2024, 9, 28), date(2024, 10, 8), WorkingTime(), "Asia/Shanghai")
    >>> [d.isoformat() for d, o, c in zip(t["day"].to_pylist(), t["open_us"].to_pylist(), t["close_us"].to_pylist()) if o < c]
    ['2024-09-29', '2024-09-30', '2024-10-08']
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import ibis
import pyarrow as pa

from opexflow.errors import InputError
from opexflow.kpi.definition import WorkingTime

if TYPE_CHECKING:
    import ibis.expr.types as ir

_US = 1_000_000


def is_workday(day: date, wt: WorkingTime) -> bool:
    """Whether ``day`` is a working day under ``wt`` (see :class:`WorkingTime`)."""
    if wt.calendar == "weekdays":
        return day.weekday() < 5
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if wt.outside == "weekdays":
            return day.weekday() < 5
        raise InputError(
            f"中国节假日日历(chinesecalendar 包)没有 {day.year} 年的数据(只有 2004-2026 年)/ "
            f"the Chinese holiday calendar (chinesecalendar package) has no data for {day.year} "
            "(only 2004-2026): update chinesecalendar, or set working_time.outside='weekdays' "
            "to count Monday-Friday as working days in years it does not know"
        ) from None


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone {name!r}; use an IANA name such as Asia/Shanghai"
        ) from None


def day_table(first: date, last: date, wt: WorkingTime | None, tz: str) -> pa.Table:
    """The day table from ``first`` to ``last`` (inclusive); every day is a day off
    when ``wt`` is None (the table then only maps instants to local days)."""
    z = zone(tz)
    days, starts, opens, closes, cums = [], [], [], [], []
    cum = 0
    d = first
    while d <= last:
        midnight = _us(datetime.combine(d, time(), z))
        o = c = midnight
        if wt is not None and is_workday(d, wt):
            o = _us(datetime.combine(d, time.fromisoformat(wt.start), z))
            c = _us(datetime.combine(d, time.fromisoformat(wt.end), z))
        days.append(d)
        starts.append(midnight)
        opens.append(o)
        closes.append(c)
        cums.append(cum)
        cum += c - o
        d += timedelta(days=1)
    return pa.table(
        {
            "day": pa.array(days, pa.date32()),
            "day_start_us": pa.array(starts, pa.int64()),
            "open_us": pa.array(opens, pa.int64()),
            "close_us": pa.array(closes, pa.int64()),
            "cum_us": pa.array(cums, pa.int64()),
        }
    )


def _us(moment: datetime) -> int:
    return int(moment.timestamp()) * _US


def day_range(first_us: int, last_us: int, tz: str) -> tuple[date, date]:
    """Local days covering two epoch-microsecond instants, one day of margin each side."""
    z = zone(tz)
    lo = datetime.fromtimestamp(first_us / _US, z).date() - timedelta(days=1)
    hi = datetime.fromtimestamp(last_us / _US, z).date() + timedelta(days=1)
    return lo, hi


def attach_day(table: ir.Table, column: str, days: ir.Table, prefix: str) -> ir.Table:
    """``table`` with the day row of the instant in ``column`` (as-of join), columns prefixed."""
    d = days.select(**{f"{prefix}{c}": days[c] for c in days.columns})
    # A fresh relation: ibis would otherwise extend a join chain ``table`` ends with.
    table = table.view()
    joined = table.asof_join(d, on=table[column] >= d[f"{prefix}day_start_us"])
    return joined.select(*table.columns, *d.columns)


def working_us(table: ir.Table, column: str, prefix: str) -> ir.IntegerValue:
    """Working microseconds elapsed up to ``column``, after :func:`attach_day` with ``prefix``."""
    o, c = table[f"{prefix}open_us"], table[f"{prefix}close_us"]
    inside = ibis.greatest(ibis.least(table[column] - o, c - o), 0)
    return table[f"{prefix}cum_us"] + inside
