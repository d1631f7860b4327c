"""Import: any supported file -> the canonical dataset (see :mod:`opexflow.logs.schema`).

The work happens in a private DuckDB database inside a temporary directory next
to the destination, under a memory limit (DuckDB spills to disk beyond it). The
dataset directory appears by a single rename at the end; on any error the
temporary directory is removed, so there is never a half-written log.
"""

from __future__ import annotations

import dataclasses
import shutil
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from opexflow.errors import Location, LogFormatError, NotFoundError
from opexflow.logs import encode
from opexflow.logs.columns import (
    Column,
    build_columns,
    check_mapping_columns,
    lifecycle_column,
    quote,
    raw_text,
    source_alias,
)
from opexflow.logs.duck import (
    connect,
    engine_error,
    os_error,
    run_with_progress,
    translate_duckdb_error,
)
from opexflow.logs.mapping import guess_mapping
from opexflow.logs.quality import QualityReport
from opexflow.logs.quality_checks import dataset_checks, source_checks
from opexflow.logs.schema import (
    ACTIVITY,
    CASE_ID,
    DEPARTMENT,
    RESOURCE,
    START_TIMESTAMP,
    TIMESTAMP,
    Attribute,
    AttributeType,
    EventLog,
    LogMeta,
)
from opexflow.logs.staging import ProgressCallback, Staged, no_progress
from opexflow.logs.timestamps import check_timezone

POS = "__pos"
_FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xes": "xes",
    ".gz": "xes",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def detect_format(path: Path) -> str:
    """The reader for a path, by its suffix; a directory means Parquet files."""
    if path.is_dir():
        return "parquet"
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes[-2:] == [".xes", ".gz"] or (suffixes and suffixes[-1] == ".xes"):
        return "xes"
    fmt = _FORMATS.get(suffixes[-1] if suffixes else "")
    if fmt is None or suffixes[-1] == ".gz":
        raise LogFormatError(
            f"cannot tell the format of {path.name}; expected .csv, .xlsx, .xes, .xes.gz or "
            ".parquet (name the format with --format)",
            location=Location(file=str(path)),
        )
    return fmt


def import_log(
    source: str | Path,
    out: str | Path,
    *,
    name: str | None = None,
    mapping: Mapping[str, str | None] | None = None,
    tz: str = "Asia/Shanghai",
    types: Mapping[str, AttributeType] | None = None,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    memory_limit: str = "2GB",
    threads: int | None = None,
    progress: ProgressCallback = no_progress,
) -> EventLog:
    """Read ``source`` and write its canonical dataset to the directory ``out``.

    Args:
        source: a CSV, XLSX, XES (.xes/.xes.gz) or Parquet file.
        out: the dataset directory to create (replaced atomically if it exists).
        name: the log's display name; defaults to the file name without suffixes.
        mapping: role -> column overrides (``case_id``, ``activity``, ``timestamp``,
            ``start_timestamp``, ``resource``, ``department``).
        tz: time zone of timestamps without an offset.
        types: attribute column -> type (``number``, ``integer``, ``boolean``,
            ``timestamp``, ``text``), overriding the inferred ones.
        format: ``csv``, ``xlsx``, ``xes`` or ``parquet``; None goes by the suffix.
        encoding, delimiter: CSV options; None detects them.
        sheet: XLSX sheet name; None takes the first.
        memory_limit, threads: how much of the machine the import may use.
        progress: called with (stage, done, total) as the import advances.

    Returns:
        The imported :class:`EventLog`.

    Raises:
        OpexflowError: the file cannot be read as an event log; the message names
            the file, line or row, column, what was found and what is expected.

    Example:
        >>> log = import_log("orders.csv", "data/logs/orders")  # doctest: +SKIP
    """
    src = Path(source)
    if not src.exists():
        raise NotFoundError(f"{src} does not exist; check the path")
    out = Path(out)
    tz = check_timezone(tz)
    fmt = format or detect_format(src)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{uuid.uuid4().hex[:8]}"
    work = tmp / "work"
    work.mkdir(parents=True)
    try:
        staged = _stage(fmt, src, work, encoding, delimiter, sheet, progress)
        try:
            meta = _build_or_explain(
                staged,
                tmp,
                work,
                name=name or log_name(src),
                fmt=fmt,
                overrides=mapping or {},
                tz=tz,
                types=types or {},
                memory_limit=memory_limit,
                threads=threads,
                progress=progress,
            )
        finally:
            for p in staged.cleanup:
                _remove(p)
        shutil.rmtree(work, ignore_errors=True)
        reader = {"encoding": encoding, "delimiter": delimiter, "sheet": sheet}
        meta = dataclasses.replace(meta, reader=reader)
        (tmp / "meta.json").write_text(meta.to_json(), encoding="utf-8")
        _replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return EventLog(path=out, meta=meta)


def log_name(path: Path) -> str:
    """The display name of a log file: its name without the known suffixes."""
    name = path.name
    for suffix in (".gz", ".xes", ".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet", ".pq"):
        name = name.removesuffix(suffix)
    return name or path.name


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _replace_dir(tmp: Path, out: Path) -> None:
    if out.exists():
        old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out)


def _stage(
    fmt: str,
    src: Path,
    work: Path,
    encoding: str | None,
    delimiter: str | None,
    sheet: str | None,
    progress: ProgressCallback,
) -> Staged:
    try:
        if fmt == "csv":
            from opexflow.logs.csv import stage_csv

            return stage_csv(src, work, encoding=encoding, delimiter=delimiter, progress=progress)
        if fmt == "xlsx":
            from opexflow.logs.xlsx import stage_xlsx

            return stage_xlsx(src, work, sheet=sheet, progress=progress)
        if fmt == "xes":
            from opexflow.logs.xes import stage_xes

            return stage_xes(src, work, progress=progress)
        if fmt == "parquet":
            from opexflow.logs.parquet import stage_parquet

            return stage_parquet(src)
    except OSError as exc:
        raise os_error(exc, src, work) from exc
    raise LogFormatError(
        f"unknown format {fmt!r}; expected csv, xlsx, xes or parquet",
        location=Location(file=str(src)),
    )


def _build_or_explain(staged: Staged, out: Path, work: Path, **kwargs: Any) -> LogMeta:
    """:func:`_build`, with engine and file-system failures explained."""
    try:
        return _build(staged, out, work, **kwargs)
    except duckdb.Error as exc:
        raise engine_error(exc, staged) from exc
    except OSError as exc:
        raise os_error(exc, staged.file, work) from exc


def _build(
    staged: Staged,
    out: Path,
    work: Path,
    *,
    name: str,
    fmt: str,
    overrides: Mapping[str, str | None],
    tz: str,
    types: Mapping[str, AttributeType],
    memory_limit: str,
    threads: int | None,
    progress: ProgressCallback,
) -> LogMeta:
    file = str(staged.file)
    columns = [c for c in staged.columns if c != staged.position_column]
    mapping = guess_mapping(columns, overrides, file=file)
    check_mapping_columns(mapping, columns, file)
    with connect(work, tz, memory_limit, threads) as con:
        _load_raw(con, staged, progress)
        lifecycle = lifecycle_column(columns, mapping)
        used = {*mapping.values(), *([lifecycle] if lifecycle else [])}
        attributes = [c for c in columns if c not in used]
        cols = build_columns(
            con, staged, mapping, types=types, attributes=attributes, lifecycle=lifecycle
        )
        _make_events(con, cols, progress)
        demote = _misinferred(con, cols, attributes, types, staged)
        if demote:
            con.execute("DROP VIEW ev; DROP TABLE parsed")
            types = {**types, **dict.fromkeys(demote, "text")}
            cols = build_columns(
                con, staged, mapping, types=types, attributes=attributes, lifecycle=lifecycle
            )
            _make_events(con, cols, progress)
        checks = source_checks(con, cols)
        pair = lifecycle is not None and START_TIMESTAMP not in mapping
        unpaired = encode.pair_lifecycle(con, _ev_columns(con)) if pair else 0
        ev_columns = _ev_columns(con)
        has_start = START_TIMESTAMP in ev_columns
        encode.encode(con, ev_columns, attributes)
        encode.write_events(con, out, progress)
        case_attrs = encode.case_level(con, attributes)
        encode.write_tables(con, out, case_attrs, has_start=has_start)
        report = QualityReport(
            checks=(*checks, *dataset_checks(con, unpaired)),
            location=staged.location,
            notes=staged.notes,
        )
        return _meta(
            con, name, file, fmt, mapping, tz, cols, case_attrs, report, has_start=has_start
        )


def _ev_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("DESCRIBE ev").fetchall()]


def _load_raw(con: duckdb.DuckDBPyConnection, staged: Staged, progress: ProgressCallback) -> None:
    """Expose the source, with a position per row, as view ``raw``.

    Text sources are copied into table ``raw_data`` first (so they are parsed once and
    their rowid gives the file order); Parquet sources with a position column are
    scanned in place.
    """
    source = staged.relation
    try:
        if staged.materialize:
            run_with_progress(
                con, f"CREATE TABLE raw_data AS SELECT * FROM {source}", "Reading", progress
            )
            source = "raw_data"
        # From here on, row order never matters: every row carries its position.
        con.execute("SET preserve_insertion_order = false")
        if staged.position_column:
            col = quote(staged.position_column)
            offset = f" + {staged.position_offset}" if staged.position_offset else ""
            pos, rest = f"CAST({col} AS BIGINT){offset}", f"* EXCLUDE ({col})"
        else:
            # A new table's rowid is its insertion order, which is the file order.
            pos, rest = f"rowid + {staged.position_base}", "*"
        con.execute(f"CREATE VIEW raw AS SELECT {pos} AS {POS}, {rest} FROM {source}")
        row = con.execute("SELECT count(*) FROM raw").fetchone()
    except duckdb.Error as exc:
        raise translate_duckdb_error(exc, staged) from exc
    if not row or row[0] == 0:
        raise LogFormatError(
            "the file has a header but no events; expected one row per event",
            location=Location(file=str(staged.file)),
        )


def _misinferred(
    con: duckdb.DuckDBPyConnection,
    cols: list[Column],
    attributes: list[str],
    types: Mapping[str, AttributeType],
    staged: Staged,
) -> list[str]:
    """Attributes whose type was inferred from a sample but fails on some value."""
    guessed = [
        (i, c)
        for i, c in enumerate(cols)
        if c.expected is not None
        and c.name in attributes
        and c.name not in types
        and c.name not in staged.declared_types
    ]
    if not guessed:
        return []
    exprs = ", ".join(
        f"count(*) FILTER (WHERE {quote(c.name)} IS NULL AND {source_alias(i)} IS NOT NULL)"
        for i, c in guessed
    )
    row = con.execute(f"SELECT {exprs} FROM parsed").fetchone()
    assert row is not None
    return [c.name for (_, c), n in zip(guessed, row, strict=True) if n]


def _make_events(
    con: duckdb.DuckDBPyConnection, cols: list[Column], progress: ProgressCallback
) -> None:
    """Parse every row once into ``parsed``, keeping the source text of parseable
    columns (``__src_<i>``) for the quality report; keep the usable rows in ``ev``."""
    select = [f"{c.sql} AS {quote(c.name)}" for c in cols]
    select += [
        f"{raw_text(c.source)} AS {source_alias(i)}"
        for i, c in enumerate(cols)
        if c.expected is not None
    ]
    run_with_progress(
        con,
        f"CREATE TABLE parsed AS SELECT {POS}, {', '.join(select)} FROM raw",
        "Parsing",
        progress,
    )
    names = ", ".join(quote(c.name) for c in cols)
    con.execute(
        f"CREATE VIEW ev AS SELECT {POS}, {names} FROM parsed "
        f"WHERE {CASE_ID} IS NOT NULL AND {ACTIVITY} IS NOT NULL AND {TIMESTAMP} IS NOT NULL"
    )
    row = con.execute("SELECT count(*) FROM ev").fetchone()
    if not row or row[0] == 0:
        raise LogFormatError(
            "no row has a case id, an activity and a readable timestamp together; "
            "check the column mapping (--case, --activity, --timestamp)",
            location=Location(file=None),
        )


def _meta(
    con: duckdb.DuckDBPyConnection,
    name: str,
    file: str,
    fmt: str,
    mapping: Mapping[str, str],
    tz: str,
    cols: list[Column],
    case_attrs: list[str],
    report: QualityReport,
    *,
    has_start: bool,
) -> LogMeta:
    counts = con.execute(
        f"SELECT count(DISTINCT case_idx), count(*), count(DISTINCT activity_idx), "
        f"min({TIMESTAMP}), max({TIMESTAMP}) FROM events"
    ).fetchone()
    variants = con.execute("SELECT count(*) FROM variants").fetchone()
    assert counts is not None and variants is not None
    roles = {CASE_ID, ACTIVITY, TIMESTAMP, START_TIMESTAMP, RESOURCE, DEPARTMENT}
    attributes = tuple(
        Attribute(name=c.name, type=c.type, case_level=c.name in case_attrs)
        for c in cols
        if c.name not in roles
    )
    names = {c.name for c in cols}
    return LogMeta(
        name=name,
        source=file,
        format=fmt,
        mapping=dict(mapping),
        tz=tz,
        cases=int(counts[0]),
        events=int(counts[1]),
        activities=int(counts[2]),
        variants=int(variants[0]),
        start=_utc(counts[3]),
        end=_utc(counts[4]),
        has_start_timestamp=has_start,
        has_resource=RESOURCE in names,
        has_department=DEPARTMENT in names,
        attributes=attributes,
        quality=report.to_dict(),
        imported_at=datetime.now(UTC),
    )


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None
