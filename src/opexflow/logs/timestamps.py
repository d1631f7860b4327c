"""Recognising timestamp formats and parsing whole columns in DuckDB.

A format is chosen from a sample of a column's distinct values, then the whole
column is parsed by one SQL expression. Supported: ISO 8601 (with or without
``T``, seconds, fractions, offsets), ``2024/3/1 10:00``, ``2024年3月1日 10:00``,
day-first and month-first forms when the values tell them apart, and epoch
seconds or milliseconds. Values without an offset are local to the log's time
zone (the DuckDB session ``TimeZone``); all results are ``TIMESTAMPTZ``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from opexflow.errors import InputError

_DATE_FORMATS = (
    "%Y/%m/%d",
    "%Y年%m月%d日",
    "%Y.%m.%d",
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d-%m-%Y",
    "%Y%m%d",
)
_TIME_FORMATS = ("%H:%M:%S.%f", "%H:%M:%S", "%H:%M", "")
_SEPARATORS = (" ", "")

#: strptime formats tried after the ISO cast, most specific first.
STRPTIME_FORMATS: tuple[str, ...] = (
    *(
        f"{d}{sep}{t}".rstrip()
        for d in _DATE_FORMATS
        for t in _TIME_FORMATS
        for sep in (_SEPARATORS if d.endswith("日") else (" ",))
        if not (sep == "" and t == "")
    ),
    "%Y%m%d%H%M%S",
)

_EPOCH = re.compile(r"^\s*\d{9,14}(\.\d+)?\s*$")

FORMATS_HELP = (
    "ISO 8601 (2024-03-01T10:00:00+08:00, 2024-03-01 10:00[:00]), 2024/3/1 10:00, "
    "2024年3月1日 10:00, 01.03.2024 10:00, or epoch seconds/milliseconds"
)


@dataclass(frozen=True, slots=True)
class TimestampFormat:
    """How a text column is parsed: ``iso``, ``strptime`` (with formats) or ``epoch_s``/``epoch_ms``."""

    kind: str
    formats: tuple[str, ...] = ()

    def sql(self, column_sql: str) -> str:
        """A DuckDB expression turning the text ``column_sql`` into TIMESTAMPTZ (NULL if unparseable)."""
        col = f"trim({column_sql})"
        if self.kind == "iso":
            return f"try_cast({col} AS TIMESTAMPTZ)"
        if self.kind in ("epoch_s", "epoch_ms"):
            scale = "1000.0" if self.kind == "epoch_ms" else "1.0"
            return f"to_timestamp(try_cast({col} AS DOUBLE) / {scale})"
        fmts = ", ".join(_sql_str(f) for f in self.formats)
        # Naive parse, then interpret in the session time zone.
        return f"try_cast(try_strptime({col}, [{fmts}]) AS TIMESTAMPTZ)"

    def describe(self) -> str:
        if self.kind == "strptime":
            return " | ".join(self.formats)
        return self.kind


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def check_timezone(tz: str) -> str:
    """Return ``tz`` if it is a valid IANA zone name, else raise :class:`InputError`."""
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            f"unknown time zone {tz!r}; use an IANA name such as Asia/Shanghai, UTC or Europe/Berlin"
        ) from exc
    return tz


def detect_format(con: duckdb.DuckDBPyConnection, sample: list[str]) -> TimestampFormat | None:
    """Choose the format that parses most of ``sample`` (None if none parses any).

    Ties go to the earlier candidate: ISO first, then the strptime formats in
    :data:`STRPTIME_FORMATS` order, so ``03/04/2024`` reads day-first unless some
    value (``04/13/2024``) only parses month-first.
    """
    values = [v for v in sample if v is not None and v.strip()]
    if not values:
        return None
    if all(_EPOCH.match(v) for v in values):
        biggest = max(float(v) for v in values)
        return TimestampFormat("epoch_ms" if biggest > 1e11 else "epoch_s")
    literal = "[" + ", ".join(_sql_str(v) for v in values) + "]::VARCHAR[]"
    if _count(con, literal, ["count(try_cast(trim(v) AS TIMESTAMPTZ))"])[0] == len(values):
        return TimestampFormat("iso")  # no format parses more, and ties go to ISO
    counts = _count_parses(con, literal)
    best = max(counts.values(), default=0)
    if best == 0:
        return None
    if counts.get("iso", 0) == best:
        return TimestampFormat("iso")
    # Every strptime format that parses anything, best first; DuckDB tries them in order.
    ranked = sorted(
        (f for f in STRPTIME_FORMATS if counts.get(f, 0) > 0),
        key=lambda f: -counts[f],
    )
    return TimestampFormat("strptime", tuple(ranked))


def _count_parses(con: duckdb.DuckDBPyConnection, literal: str) -> dict[str, int]:
    exprs = ["count(try_cast(trim(v) AS TIMESTAMPTZ)) AS iso"] + [
        f"count(try_strptime(trim(v), {_sql_str(f)})) AS f{i}"
        for i, f in enumerate(STRPTIME_FORMATS)
    ]
    row = _count(con, literal, exprs)
    result = {"iso": int(row[0])}
    result.update({f: int(c) for f, c in zip(STRPTIME_FORMATS, row[1:], strict=True)})
    return result


def _count(con: duckdb.DuckDBPyConnection, literal: str, exprs: list[str]) -> tuple[int, ...]:
    # The sample goes in as a SQL literal: a Python list parameter or from_arrow makes
    # DuckDB import pandas, 0.2 s of every command's start-up.
    row = con.execute(f"SELECT {', '.join(exprs)} FROM (SELECT unnest({literal}) AS v)").fetchone()
    assert row is not None
    return tuple(int(c) for c in row)
