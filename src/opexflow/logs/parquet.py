"""Staging Parquet files: scanned in place by DuckDB, with their own types."""

from __future__ import annotations

from pathlib import Path

import duckdb

from opexflow.errors import Location, LogFormatError
from opexflow.logs.staging import Staged


def stage_parquet(path: Path) -> Staged:
    """Describe a Parquet file (or a directory of Parquet files) for the import."""
    target = str(path / "*.parquet") if path.is_dir() else str(path)
    relation = "read_parquet('" + target.replace("'", "''") + "')"
    try:
        columns = [r[0] for r in duckdb.sql(f"DESCRIBE SELECT * FROM {relation}").fetchall()]
    except duckdb.Error as exc:
        raise LogFormatError(
            f"not a readable Parquet file ({_first_line(exc)}); write it again or export CSV",
            location=Location(file=str(path)),
        ) from exc
    if path.is_dir():
        return Staged(relation=relation, columns=tuple(columns), file=path, typed=True)
    # One file: its row numbers are the positions, so it is scanned in place.
    numbered = relation[:-1] + ", file_row_number = true)"
    return Staged(
        relation=numbered,
        columns=tuple(columns),
        file=path,
        typed=True,
        position_column="file_row_number",
        position_offset=1,
        materialize=False,
    )


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
