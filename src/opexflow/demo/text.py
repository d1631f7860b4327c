"""Fast text for the demo logs: timestamps and identifiers as a system exports them.

Strings are assembled as bytes in a NumPy matrix (one row per value) and
handed to Arrow without a Python loop per value: about 15 million values a
second, where ``strftime`` manages one million.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Final

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from opexflow.demo.calendar import DAY, HOUR, MINUTE

_ZERO: Final = ord("0")
_SKIP: Final = 0xFF  # marks a byte that a variable-width value leaves out


def _put(buf: NDArray[np.uint8], col: int, value: NDArray[np.int64], width: int) -> None:
    """Write ``value`` as ``width`` zero-padded decimal digits into ``buf[:, col:col+width]``."""
    for k in range(width - 1, -1, -1):
        value, digit = np.divmod(value, 10)
        buf[:, col + k] = _ZERO + digit


def _to_arrow(buf: NDArray[np.uint8], *, variable: bool = False) -> pa.Array:
    """One string per row of ``buf``; if ``variable``, bytes marked :data:`_SKIP` are left out."""
    n, width = buf.shape
    if variable:
        keep = buf != _SKIP
        data = buf[keep]
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(keep.sum(axis=1), out=offsets[1:])
    else:
        data = buf.reshape(-1)
        offsets = np.arange(0, width * (n + 1), width, dtype=np.int64)
    if offsets[-1] < 2**31:
        return pa.Array.from_buffers(
            pa.string(), n, [None, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data)]
        )
    large = pa.Array.from_buffers(
        pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )
    return large.cast(pa.string())


def _calendar(days: NDArray[np.int64]) -> tuple[NDArray[np.int64], ...]:
    """Year, month and day of month of day numbers (days since 1970-01-01)."""
    d = days.astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    dom = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, dom


def _join(
    t: NDArray[np.int64],
    day_bytes: Callable[[NDArray[np.int64]], NDArray[np.uint8]],
    time_table: NDArray[np.uint8],
    time_unit: int,
    *,
    variable: bool,
) -> pa.Array:
    """Strings made of a per-day part and a per-``time_unit``-of-day part, looked up in tables."""
    day = t // DAY
    first = int(day.min()) if len(t) else 0
    last = int(day.max()) if len(t) else 0
    days = day_bytes(np.arange(first, last + 1, dtype=np.int64))
    width = days.shape[1]
    buf = np.empty((len(t), width + time_table.shape[1]), dtype=np.uint8)
    buf[:, :width] = days[day - first]
    buf[:, width:] = time_table[(t - day * DAY) // time_unit]
    return _to_arrow(buf, variable=variable)


def _iso_days(days: NDArray[np.int64]) -> NDArray[np.uint8]:
    year, month, dom = _calendar(days)
    buf = np.empty((len(days), 11), dtype=np.uint8)
    for col, value, width in ((0, year, 4), (5, month, 2), (8, dom, 2)):
        _put(buf, col, value, width)
    buf[:, [4, 7]] = ord("-")
    buf[:, 10] = ord(" ")
    return buf


def _slash_days(days: NDArray[np.int64]) -> NDArray[np.uint8]:
    year, month, dom = _calendar(days)
    buf = np.empty((len(days), 11), dtype=np.uint8)
    for col, value, width in ((0, year, 4), (5, month, 2), (8, dom, 2)):
        _put(buf, col, value, width)
    buf[month < 10, 5] = _SKIP
    buf[dom < 10, 8] = _SKIP
    buf[:, [4, 7]] = ord("/")
    buf[:, 10] = ord(" ")
    return buf


@cache
def _iso_times() -> NDArray[np.uint8]:
    """``HH:MM:SS`` for every second of a day."""
    sod = np.arange(DAY, dtype=np.int64)
    buf = np.empty((DAY, 8), dtype=np.uint8)
    for col, value in ((0, sod // HOUR), (3, sod // MINUTE % 60), (6, sod % 60)):
        _put(buf, col, value, 2)
    buf[:, [2, 5]] = ord(":")
    return buf


@cache
def _short_times() -> NDArray[np.uint8]:
    """``H:MM`` for every minute of a day."""
    mod = np.arange(DAY // MINUTE, dtype=np.int64)
    buf = np.empty((len(mod), 5), dtype=np.uint8)
    _put(buf, 0, mod // 60, 2)
    _put(buf, 3, mod % 60, 2)
    buf[mod < 600, 0] = _SKIP
    buf[:, 2] = ord(":")
    return buf


def iso_seconds(t: NDArray[np.int64]) -> pa.Array:
    """Clock times as ``YYYY-MM-DD HH:MM:SS``.

    Example:
        >>> iso_seconds(np.array([1709543045], dtype=np.int64)).to_pylist()
        ['2024-03-04 09:04:05']
    """
    return _join(t, _iso_days, _iso_times(), 1, variable=False)


def slash_minutes(t: NDArray[np.int64]) -> pa.Array:
    """Clock times as ``YYYY/M/D H:MM`` (no leading zeros, seconds dropped), as Excel exports.

    Example:
        >>> slash_minutes(np.array([1709543045, 1711965600], dtype=np.int64)).to_pylist()
        ['2024/3/4 9:04', '2024/4/1 10:00']
    """
    return _join(t, _slash_days, _short_times(), MINUTE, variable=True)


def identifiers(prefix: str, number: NDArray[np.int64], width: int) -> pa.Array:
    """``prefix`` followed by ``number`` zero-padded to ``width`` digits.

    Example:
        >>> identifiers("YH2024", np.array([123], dtype=np.int64), 6).to_pylist()
        ['YH2024000123']
    """
    head = np.frombuffer(prefix.encode(), dtype=np.uint8)
    buf = np.empty((len(number), len(head) + width), dtype=np.uint8)
    buf[:, : len(head)] = head
    _put(buf, len(head), number, width)
    return _to_arrow(buf)


def width_for(largest: int, minimum: int = 6) -> int:
    """Digits needed to write numbers up to ``largest``, at least ``minimum``."""
    return max(minimum, len(str(largest)))
