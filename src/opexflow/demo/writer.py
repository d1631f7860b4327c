"""Writing demo logs to files: CSV, Parquet or XLSX, streamed and atomic.

A file is written under a temporary name in the target directory and renamed
when complete, so a reader never sees half a log.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, get_args

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from opexflow.errors import InputError

LogFormat = Literal["csv", "parquet", "xlsx"]
FORMATS: tuple[LogFormat, ...] = get_args(LogFormat)
#: Data rows an Excel worksheet can hold (1,048,576 rows minus the header).
XLSX_MAX_ROWS = 1_048_575
#: Creation date written into XLSX files (a fixed one keeps them reproducible).
_EPOCH = datetime(2024, 1, 1)  # noqa: DTZ001 - a naive date stamp inside the package


def write_log(
    chunks: Iterable[pa.Table], path: str | Path, *, format: LogFormat | None = None
) -> Path:
    """Write a log, given as Arrow tables with one schema, to ``path``.

    CSV is UTF-8 with a header line and no quotes (as business systems export);
    Parquet is zstd-compressed; XLSX holds one sheet of text and numbers.

    Args:
        chunks: the log, a table at a time (e.g. :func:`~opexflow.demo.activation_log`).
        path: the file to write; its directory must exist.
        format: ``csv``, ``parquet`` or ``xlsx``; by default taken from the suffix.

    Returns:
        ``path``.

    Raises:
        InputError: unknown format, no tables, or too many rows for a worksheet.

    Example:
        >>> from opexflow.demo import activation_log
        >>> import tempfile
        >>> out = Path(tempfile.mkdtemp()) / "activation.csv"
        >>> write_log(activation_log(cases=10), out).read_text(encoding="utf-8")[:16]
        '工单号,环节,开始时间,完成时间'
    """
    path = Path(path)
    fmt = _format(path, format)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        _WRITERS[fmt](iter(chunks), tmp, path)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _format(path: Path, format: str | None) -> LogFormat:
    name = format or path.suffix.lower().lstrip(".")
    for fmt in FORMATS:
        if name == fmt:
            return fmt
    raise InputError(
        f"cannot write {path.name!r} as {name or 'a file without suffix'!r}; "
        f"choose format= one of {', '.join(FORMATS)}"
    )


def _first(chunks: Iterator[pa.Table], path: Path) -> pa.Table:
    first = next(chunks, None)
    if first is None:
        raise InputError(f"nothing to write to {path.name}: the log has no tables")
    return first


def _write_csv(chunks: Iterator[pa.Table], tmp: Path, path: Path) -> None:
    first = _first(chunks, path)
    options = pcsv.WriteOptions(quoting_style="none", quoting_header="none", batch_size=65_536)
    with pcsv.CSVWriter(tmp, first.schema, write_options=options) as writer:
        writer.write_table(first)
        for table in chunks:
            writer.write_table(table)


def _write_parquet(chunks: Iterator[pa.Table], tmp: Path, path: Path) -> None:
    first = _first(chunks, path)
    with pq.ParquetWriter(tmp, first.schema, compression="zstd") as writer:
        writer.write_table(first)
        for table in chunks:
            writer.write_table(table)


def _write_xlsx(chunks: Iterator[pa.Table], tmp: Path, path: Path) -> None:
    from openpyxl import Workbook

    first = _first(chunks, path)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="Sheet1")
    sheet.append(first.column_names)
    try:
        _append_rows(sheet, first, chunks, path)
    except BaseException:
        sheet.close()  # finish openpyxl's streamed sheet, or it complains when collected
        raise
    raw = tmp.with_name(tmp.name + ".raw")
    try:
        book.save(raw)
        _reproducible_zip(raw, tmp)
    finally:
        raw.unlink(missing_ok=True)


def _append_rows(sheet: Any, first: pa.Table, chunks: Iterator[pa.Table], path: Path) -> None:
    rows = 0
    for table in itertools.chain((first,), chunks):
        rows += table.num_rows
        if rows > XLSX_MAX_ROWS:
            raise InputError(
                f"{path.name}: a worksheet holds at most {XLSX_MAX_ROWS:,} rows and the log has "
                "more; write CSV or Parquet, or generate fewer events"
            )
        for row in zip(*(c.to_pylist() for c in table.columns), strict=True):
            sheet.append(row)


def _reproducible_zip(src: Path, dst: Path) -> None:
    """Copy an XLSX package with fixed dates, so the same log gives the same bytes."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=_EPOCH.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            if item.filename == "docProps/core.xml":
                xml = zin.read(item).decode("utf-8")
                fixed = _EPOCH.strftime("%Y-%m-%dT%H:%M:%SZ")
                xml = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rf"\g<1>{fixed}", xml)
                zout.writestr(info, xml)
                continue
            with zin.open(item) as data, zout.open(info, "w") as out:
                shutil.copyfileobj(data, out, 1 << 20)


_WRITERS: dict[LogFormat, Callable[[Iterator[pa.Table], Path, Path], None]] = {
    "csv": _write_csv,
    "parquet": _write_parquet,
    "xlsx": _write_xlsx,
}


def write_demo_logs(
    out_dir: str | Path,
    *,
    events: int = 20_000,
    seed: int = 7,
    formats: Sequence[LogFormat] = ("csv",),
) -> dict[str, Path]:
    """Write the demo's logs: activation before and after the pilot, and fulfilment.

    Files are named ``activation_before``, ``activation_after`` and
    ``fulfilment`` with the format's suffix.

    Args:
        out_dir: directory for the files (created if missing).
        events: about this many events in each log.
        seed: the same seed gives the same files.
        formats: one or more of ``csv``, ``parquet``, ``xlsx``.

    Returns:
        Each log's name mapped to its file in the first format; files in the
        other formats are written beside it, with their own suffix.

    Example:
        >>> import tempfile
        >>> paths = write_demo_logs(tempfile.mkdtemp(), events=2000)
        >>> sorted(paths)
        ['activation_after', 'activation_before', 'fulfilment']
    """
    from opexflow.demo.activation import activation_log
    from opexflow.demo.fulfilment import fulfilment_log

    if not formats:
        raise InputError(f"formats must name at least one of {', '.join(FORMATS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    logs: dict[str, Callable[[], Iterator[pa.Table]]] = {
        "activation_before": lambda: activation_log(events=events, seed=seed, period="before"),
        "activation_after": lambda: activation_log(events=events, seed=seed, period="after"),
        "fulfilment": lambda: fulfilment_log(events=events, seed=seed),
    }
    paths: dict[str, Path] = {}
    for fmt in formats:
        _format(out / "x", fmt)
        for name, make in logs.items():
            paths.setdefault(name, write_log(make(), out / f"{name}.{fmt}", format=fmt))
    return paths
