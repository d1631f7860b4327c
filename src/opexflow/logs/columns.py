"""SQL expressions that turn staged source columns into canonical typed columns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import duckdb

from opexflow.errors import ColumnMappingError, InputError, Location, LogFormatError
from opexflow.logs.mapping import normalize
from opexflow.logs.schema import (
    ACTIVITY,
    CASE_ID,
    DEPARTMENT,
    LIFECYCLE,
    RESOURCE,
    START_TIMESTAMP,
    TIMESTAMP,
    AttributeType,
)
from opexflow.logs.staging import Staged
from opexflow.logs.timestamps import FORMATS_HELP, TimestampFormat, detect_format

_SAMPLE = 2000
_INFER_SAMPLE = 20_000
_TEXT_ROLES = (CASE_ID, ACTIVITY, RESOURCE, DEPARTMENT)
_TIME_ROLES = (TIMESTAMP, START_TIMESTAMP)
_LIFECYCLE_NAMES = {"lifecycle:transition", "lifecycle", "lifecycletransition"}
_ATTR_TYPES: tuple[AttributeType, ...] = ("number", "integer", "boolean", "timestamp", "text")
_SQL_TYPE = {
    "number": "DOUBLE",
    "integer": "BIGINT",
    "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMPTZ",
    "text": "VARCHAR",
}
_TRUE = "('true','yes','y','是','t','1')"
_BOOL_VALUES = "('true','false','yes','no','y','n','是','否','t','f')"


def quote(name: str) -> str:
    """A SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def raw_text(source: str) -> str:
    """The source column as trimmed text, NULL when empty."""
    return f"nullif(trim(CAST({quote(source)} AS VARCHAR)), '')"


def source_alias(index: int) -> str:
    """Name of the kept source text of the ``index``-th output column in ``parsed``."""
    return f"__src_{index}"


@dataclass(frozen=True, slots=True)
class Column:
    """One output column: its name, SQL expression over ``raw``, and what it came from."""

    name: str
    sql: str
    source: str
    type: AttributeType
    expected: str | None = None
    """What a value must look like; set when parsing can fail (then unparseable values are counted)."""


def source_types(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Column name -> DuckDB type of the staged table ``raw``."""
    return {r[0]: str(r[1]) for r in con.execute("DESCRIBE raw").fetchall()}


def lifecycle_column(columns: list[str], mapping: Mapping[str, str]) -> str | None:
    used = set(mapping.values())
    return next((c for c in columns if normalize(c) in _LIFECYCLE_NAMES and c not in used), None)


def build_columns(
    con: duckdb.DuckDBPyConnection,
    staged: Staged,
    mapping: Mapping[str, str],
    *,
    types: Mapping[str, AttributeType],
    attributes: list[str],
    lifecycle: str | None,
) -> list[Column]:
    """Typed expressions for the mapped roles, the lifecycle column and the attributes."""
    kinds = source_types(con)
    cols: list[Column] = []
    for role, src in mapping.items():
        if role in _TEXT_ROLES:
            cols.append(Column(role, _text_sql(src), src, "text"))
        else:
            cols.append(_time_column(con, role, src, kinds[src], staged))
    if lifecycle is not None:
        cols.append(Column(LIFECYCLE, f"lower({_text_sql(lifecycle)})", lifecycle, "text"))
    unknown = sorted(set(types) - set(attributes))
    if unknown:
        raise InputError(
            f"--type names {', '.join(map(repr, unknown))}, which are not attribute columns; "
            f"attribute columns: {', '.join(map(repr, attributes)) or '(none)'}"
        )
    declared = {**staged.declared_types, **types}
    inferred = _infer_types(con, [a for a in attributes if a not in declared], kinds)
    for name in attributes:
        cols.append(_attribute_column(name, declared.get(name) or inferred[name], kinds))
    return cols


def _text_sql(src: str) -> str:
    return raw_text(src)


def _time_column(
    con: duckdb.DuckDBPyConnection, role: str, src: str, kind: str, staged: Staged
) -> Column:
    q = quote(src)
    if kind.startswith("TIMESTAMP WITH TIME ZONE"):
        return Column(role, q, src, "timestamp")
    if kind.startswith(("TIMESTAMP", "DATE")):
        return Column(role, f"CAST({q} AS TIMESTAMPTZ)", src, "timestamp")
    sample = _sample(con, src)
    fmt = detect_format(con, sample)
    if fmt is None:
        shown = ", ".join(repr(v) for v in sample[:3]) or "(only empty values)"
        raise LogFormatError(
            f"no value of the {role} column can be read as a time, e.g. {shown}; "
            f"expected {FORMATS_HELP}. Name another column with "
            f"{'--timestamp' if role == TIMESTAMP else '--start'} COLUMN",
            location=Location(file=str(staged.file), column=src),
        )
    text = q if kind == "VARCHAR" else f"CAST({q} AS VARCHAR)"
    return Column(role, fmt.sql(text), src, "timestamp", expected=_describe(fmt))


def _describe(fmt: TimestampFormat) -> str:
    return "a time" if fmt.kind == "iso" else f"a time like {fmt.describe()}"


def _sample(con: duckdb.DuckDBPyConnection, src: str) -> list[str]:
    q = quote(src)
    rows = con.execute(
        f"SELECT DISTINCT CAST({q} AS VARCHAR) FROM "
        f"((SELECT {q} FROM raw WHERE {q} IS NOT NULL LIMIT {_SAMPLE}) "
        f"UNION ALL (SELECT {q} FROM raw WHERE {q} IS NOT NULL USING SAMPLE {_SAMPLE} ROWS))"
    ).fetchall()
    return [r[0] for r in rows if r[0] is not None]


def _infer_types(
    con: duckdb.DuckDBPyConnection, names: list[str], kinds: Mapping[str, str]
) -> dict[str, AttributeType]:
    result: dict[str, AttributeType] = {}
    text_names = []
    for n in names:
        kind = kinds[n]
        if kind == "VARCHAR":
            text_names.append(n)
        else:
            result[n] = _type_of_sql(kind)
    if not text_names:
        return result
    exprs = []
    for n in text_names:
        c = f"trim({quote(n)})"
        exprs += [
            f"count(nullif({c}, ''))",
            f"count(CASE WHEN regexp_full_match({c}, '[+-]?[0-9]{{1,18}}') THEN 1 END)",
            f"count(try_cast({c} AS DOUBLE))",
            f"count(CASE WHEN lower({c}) IN {_BOOL_VALUES} THEN 1 END)",
            f"count(try_cast({c} AS TIMESTAMPTZ))",
            f"count(CASE WHEN regexp_matches({c}, '^[+-]?0[0-9]') THEN 1 END)",
        ]
    # Inferred from a sample (the first rows and a random reservoir); the import
    # demotes a column to text if the full data then has values that do not parse.
    sample = (
        f"((SELECT * FROM raw LIMIT {_INFER_SAMPLE}) "
        f"UNION ALL (SELECT * FROM raw USING SAMPLE {_INFER_SAMPLE} ROWS))"
    )
    row = con.execute(f"SELECT {', '.join(exprs)} FROM {sample}").fetchone()
    assert row is not None
    for i, n in enumerate(text_names):
        nn, ints, nums, bools, times, zeros = row[i * 6 : i * 6 + 6]
        result[n] = _choose_type(nn, ints, nums, bools, times, zeros)
    return result


def _choose_type(
    nn: int, ints: int, nums: int, bools: int, times: int, zeros: int
) -> AttributeType:
    if nn == 0:
        return "text"
    if ints == nn and zeros == 0:
        return "integer"
    if nums == nn and zeros == 0:
        return "number"
    if bools == nn:
        return "boolean"
    if times == nn:
        return "timestamp"
    return "text"


def _type_of_sql(kind: str) -> AttributeType:
    if kind in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"):
        return "integer"
    if kind.startswith(("DOUBLE", "FLOAT", "DECIMAL", "HUGEINT", "UBIGINT", "REAL")):
        return "number"
    if kind == "BOOLEAN":
        return "boolean"
    if kind.startswith(("TIMESTAMP", "DATE")):
        return "timestamp"
    return "text"


def _attribute_column(name: str, typ: AttributeType, kinds: Mapping[str, str]) -> Column:
    if typ not in _ATTR_TYPES:
        raise InputError(
            f"unknown type {typ!r} for column {name!r}; use one of {', '.join(_ATTR_TYPES)}"
        )
    q = quote(name)
    kind = kinds[name]
    if kind != "VARCHAR":
        if _type_of_sql(kind) == typ:
            sql = f"CAST({q} AS TIMESTAMPTZ)" if typ == "timestamp" else q
            return Column(name, sql, name, typ)
        q = f"CAST({q} AS VARCHAR)"
    text = f"nullif(trim({q}), '')"
    if typ == "text":
        return Column(name, text, name, typ)
    if typ == "boolean":
        sql = f"CASE WHEN lower({text}) IN {_BOOL_VALUES} THEN lower({text}) IN {_TRUE} END"
        return Column(name, sql, name, typ, expected="true or false")
    expected = {"number": "a number", "integer": "a whole number", "timestamp": "a time"}[typ]
    return Column(name, f"try_cast({text} AS {_SQL_TYPE[typ]})", name, typ, expected=expected)


def check_mapping_columns(mapping: Mapping[str, str], columns: list[str], file: str) -> None:
    """Reject a mapping that uses one column for two roles."""
    seen: dict[str, str] = {}
    for role, col in mapping.items():
        if col in seen:
            raise ColumnMappingError(
                f"column {col!r} is used for both {seen[col]} and {role}; "
                f"columns found: {', '.join(map(repr, columns))}",
                location=Location(file=file, column=col),
            )
        seen[col] = role
