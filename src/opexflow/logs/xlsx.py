"""Staging Excel workbooks (.xlsx): the first sheet, or one named, row by row.

openpyxl reads the sheet in read-only (streaming) mode; rows are written as
text to temporary Parquet parts so memory stays bounded. Date cells become ISO
text, numbers their shortest text form. Positions are Excel row numbers.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from opexflow.errors import Location, LogFormatError
from opexflow.logs.staging import ProgressCallback, Staged, no_progress

_BATCH = 50_000


def stage_xlsx(
    path: Path,
    workdir: Path,
    *,
    sheet: str | None = None,
    progress: ProgressCallback = no_progress,
) -> Staged:
    """Describe an .xlsx sheet for the canonical import.

    The first non-empty row is the header. Raises :class:`LogFormatError` for a
    file that is not a workbook, a missing sheet or a sheet without a header.
    """
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise LogFormatError(
            f"not a readable .xlsx workbook ({exc}); save it again from Excel as .xlsx",
            location=Location(file=str(path)),
        ) from exc
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise LogFormatError(
                f"there is no sheet {sheet!r}; sheets: {', '.join(wb.sheetnames)}",
                location=Location(file=str(path)),
            )
        ws = wb[sheet] if sheet else wb.worksheets[0]
        return _stage_rows(path, workdir, ws, progress)
    finally:
        wb.close()


def _stage_rows(path: Path, workdir: Path, ws: Any, progress: ProgressCallback) -> Staged:
    parts_dir = workdir / "xlsx-parts"
    parts_dir.mkdir()
    rows = ws.iter_rows(values_only=True)
    header: list[str] | None = None
    header_row = 0
    for header_row, values in enumerate(rows, start=1):  # noqa: B007
        if any(v is not None and str(v).strip() for v in values):
            header = _names(values)
            break
    if header is None:
        raise LogFormatError(
            f"sheet {ws.title!r} is empty; expected a header row and one row per event",
            location=Location(file=str(path)),
        )
    batch: list[list[str | None]] = []
    parts: list[Path] = []
    for excel_row, values in enumerate(rows, start=header_row + 1):
        if all(v is None for v in values):
            continue
        batch.append([str(excel_row), *(_text(v) for v in values[: len(header)])])
        if len(batch) >= _BATCH:
            parts.append(_write_part(parts_dir, len(parts), header, batch))
            progress("Reading Excel", excel_row, None)
            batch = []
    if batch or not parts:
        parts.append(_write_part(parts_dir, len(parts), header, batch))
    files = ", ".join("'" + str(p).replace("'", "''") + "'" for p in parts)
    return Staged(
        relation=f"read_parquet([{files}])",
        columns=tuple(header),
        file=path,
        location="row",
        position_column="_pos",
        materialize=False,
        cleanup=(parts_dir,),
    )


def _names(values: tuple[Any, ...]) -> list[str]:
    names: list[str] = []
    for i, v in enumerate(values):
        name = str(v).strip() if v is not None and str(v).strip() else f"column{i}"
        while name in names:
            name += "_2"
        names.append(name)
    return names


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def _write_part(
    parts_dir: Path, index: int, header: list[str], batch: list[list[str | None]]
) -> Path:
    columns = ["_pos", *header]
    width = len(columns)
    padded = [row + [None] * (width - len(row)) for row in batch]
    arrays = [pa.array([r[i] for r in padded], pa.string()) for i in range(width)]
    table = pa.Table.from_arrays(arrays, names=columns)
    table = table.set_column(0, "_pos", table.column(0).cast(pa.int64()))
    out = parts_dir / f"part-{index:05d}.parquet"
    pq.write_table(table, out)
    return out
