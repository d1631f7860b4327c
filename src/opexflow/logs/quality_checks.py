"""The data-quality checks of an import, as DuckDB queries over ``raw`` and ``ev``."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from opexflow.logs.columns import Column, quote, source_alias
from opexflow.logs.quality import MAX_EXAMPLES, Example, QualityCheck
from opexflow.logs.schema import (
    ACTIVITY,
    CASE_ID,
    DEPARTMENT,
    RESOURCE,
    START_TIMESTAMP,
    TIMESTAMP,
)

POS = "__pos"
_ROLES = (CASE_ID, ACTIVITY, TIMESTAMP, START_TIMESTAMP, RESOURCE, DEPARTMENT)


def source_checks(con: duckdb.DuckDBPyConnection, cols: Sequence[Column]) -> list[QualityCheck]:
    """Missing and unparseable values per column, dropped rows, order, duplicates, times.

    Reads ``parsed``, where each parseable column ``i`` kept its source text as
    ``__src_i``: unparseable means source text present but no parsed value.
    """
    conditions: list[tuple[str, Column, str, str]] = []
    for i, c in enumerate(cols):
        name = quote(c.name)
        src = source_alias(i) if c.expected is not None else None
        if c.name in _ROLES:
            missing = f"{src} IS NULL" if src else f"{name} IS NULL"
            conditions.append(("missing", c, missing, "NULL"))
        if src:
            conditions.append(("unparseable", c, f"{name} IS NULL AND {src} IS NOT NULL", src))
    checks: list[QualityCheck] = []
    if conditions:
        counts = _one_row(
            con,
            "SELECT " + ", ".join(f"count(*) FILTER (WHERE {w})" for _, _, w, _ in conditions),
            "parsed",
        )
        for (check, col, where, value), n in zip(conditions, counts, strict=True):
            examples = _examples(con, col, where, value) if n else ()
            checks.append(QualityCheck(check, int(n), col.source, examples, expected=col.expected))
    checks.append(_dropped(con))
    checks += [_out_of_order(con), _duplicates(con), *_time_checks(con, cols)]
    return checks


def _one_row(con: duckdb.DuckDBPyConnection, select: str, table: str = "raw") -> tuple[int, ...]:
    row = con.execute(f"{select} FROM {table}").fetchone()
    assert row is not None
    return tuple(int(v or 0) for v in row)


def _examples(
    con: duckdb.DuckDBPyConnection, col: Column, where: str, value: str
) -> tuple[Example, ...]:
    rows = con.execute(
        f"SELECT {POS}, CAST({value} AS VARCHAR) FROM parsed WHERE {where} "
        f"ORDER BY {POS} LIMIT {MAX_EXAMPLES}"
    ).fetchall()
    return tuple(Example(row=int(r[0]), column=col.source, value=r[1]) for r in rows)


def _dropped(con: duckdb.DuckDBPyConnection) -> QualityCheck:
    (total,) = _one_row(con, "SELECT count(*)")
    (kept,) = _one_row(con, "SELECT count(*)", "ev")
    rows = (
        con.execute(
            f"SELECT {POS} FROM raw ANTI JOIN ev USING ({POS}) ORDER BY {POS} LIMIT {MAX_EXAMPLES}"
        ).fetchall()
        if total > kept
        else []
    )
    return QualityCheck("dropped_rows", total - kept, None, tuple(Example(row=r[0]) for r in rows))


def _out_of_order(con: duckdb.DuckDBPyConnection) -> QualityCheck:
    con.execute(
        f"""CREATE TEMP VIEW ooo AS SELECT {POS}, {CASE_ID}, {TIMESTAMP} FROM (
              SELECT {POS}, {CASE_ID}, {TIMESTAMP},
                     lag({TIMESTAMP}) OVER (PARTITION BY {CASE_ID} ORDER BY {POS}) AS prev
                FROM ev) WHERE {TIMESTAMP} < prev"""
    )
    return _check_from_view(con, "out_of_order", "ooo", TIMESTAMP)


def _check_from_view(
    con: duckdb.DuckDBPyConnection, check: str, view: str, column: str | None
) -> QualityCheck:
    (n,) = _one_row(con, "SELECT count(*)", view)
    examples: tuple[Example, ...] = ()
    if n:
        value = f"CAST({column} AS VARCHAR)" if column else "NULL"
        rows = con.execute(
            f"SELECT {POS}, {CASE_ID}, {value} FROM {view} ORDER BY {POS} LIMIT {MAX_EXAMPLES}"
        ).fetchall()
        examples = tuple(
            Example(row=int(r[0]), column=column, value=r[2], case_id=r[1]) for r in rows
        )
    con.execute(f"DROP VIEW {view}")
    return QualityCheck(check, n, None, examples)


def _duplicates(con: duckdb.DuckDBPyConnection) -> QualityCheck:
    cols = [r[0] for r in con.execute("DESCRIBE ev").fetchall() if r[0] != POS]
    keys = ", ".join(quote(c) for c in cols)
    # A 64-bit hash per row makes the common case (no duplicates) one cheap pass.
    (total, distinct) = _one_row(con, f"SELECT count(*), count(DISTINCT hash({keys}))", "ev")
    if total == distinct:
        return QualityCheck("duplicates", 0)
    con.execute(
        f"""CREATE TEMP VIEW dup AS SELECT {POS}, {CASE_ID} FROM (
              SELECT {POS}, {CASE_ID}, row_number() OVER (PARTITION BY {keys} ORDER BY {POS}) AS k
                FROM ev) WHERE k > 1"""
    )
    return _check_from_view(con, "duplicates", "dup", None)


def _time_checks(con: duckdb.DuckDBPyConnection, cols: Sequence[Column]) -> list[QualityCheck]:
    views = {
        "future_timestamps": f"{TIMESTAMP} > now() + INTERVAL 1 DAY",
        "ancient_timestamps": f"{TIMESTAMP} < TIMESTAMPTZ '1990-01-01 00:00:00+00'",
    }
    if any(c.name == START_TIMESTAMP for c in cols):
        views["start_after_end"] = f"{START_TIMESTAMP} > {TIMESTAMP}"
    checks = []
    for check, where in views.items():
        con.execute(f"CREATE TEMP VIEW tc AS SELECT * FROM ev WHERE {where}")
        checks.append(_check_from_view(con, check, "tc", TIMESTAMP))
    return checks


def dataset_checks(con: duckdb.DuckDBPyConnection, unpaired: int) -> list[QualityCheck]:
    """Checks on the encoded log: single-event cases, unpaired lifecycle starts."""
    (n,) = _one_row(con, "SELECT count(*) FILTER (WHERE n_events = 1)", "case_traces")
    rows = con.execute(
        f"SELECT {CASE_ID} FROM case_traces WHERE n_events = 1 ORDER BY case_idx "
        f"LIMIT {MAX_EXAMPLES}"
    ).fetchall()
    checks = [
        QualityCheck("single_event_cases", n, None, tuple(Example(case_id=r[0]) for r in rows))
    ]
    if unpaired:
        checks.append(QualityCheck("unpaired_starts", unpaired))
    return checks
