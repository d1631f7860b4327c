"""DuckDB plumbing of the import: the private connection, progress, error translation."""

from __future__ import annotations

import errno
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from opexflow.errors import Location, LogFormatError, OpexflowError, ResourceError
from opexflow.logs.staging import ProgressCallback, Staged, no_progress


@contextmanager
def connect(work: Path, tz: str, memory_limit: str, threads: int | None) -> Iterator[Any]:
    config: dict[str, Any] = {
        "memory_limit": memory_limit,
        "temp_directory": str(work / "spill"),
        "preserve_insertion_order": True,
    }
    if threads:
        config["threads"] = threads
    # In memory, spilling to temp_directory beyond memory_limit: no checkpoint writes.
    con = duckdb.connect(":memory:", config=config)
    try:
        con.execute(f"SET TimeZone = '{tz}'")
        # Progress is polled with query_progress(); DuckDB must track it but not print it.
        con.execute("SET enable_progress_bar = true; SET enable_progress_bar_print = false")
        yield con
    finally:
        con.close()


def run_with_progress(
    con: duckdb.DuckDBPyConnection, sql: str, label: str, progress: ProgressCallback
) -> None:
    """Execute ``sql`` in a worker thread, reporting DuckDB's progress meanwhile."""
    if progress is no_progress:
        con.execute(sql)
        return
    failure: list[BaseException] = []

    def work() -> None:
        try:
            con.execute(sql)
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(0.1)
        pct = con.query_progress()
        if pct >= 0:
            progress(label, pct, 100.0)
    progress(label, 100.0, 100.0)
    if failure:
        raise failure[0]


def translate_duckdb_error(exc: duckdb.Error, staged: Staged) -> OpexflowError:
    """A reader error from DuckDB as a :class:`LogFormatError` with its line."""
    text = str(exc)
    match = re.search(r"CSV Error on Line: (\d+)", text)
    line = int(match.group(1)) if match else None
    detail = _csv_detail(text)
    return LogFormatError(
        f"{detail}; fix the line or export the file again",
        location=Location(file=str(staged.file), line=line),
    )


def _csv_detail(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for ln in lines:
        if ln.startswith(("Expected Number of Columns", "Value with unterminated quote")):
            return ln.rstrip(".").replace("Found:", "found")
        if ln.startswith("Invalid unicode"):
            return "the text is not valid UTF-8 here; name the encoding with --encoding (e.g. gbk)"
    first = lines[0] if lines else "unreadable input"
    return first.split(": ", 1)[-1]


def engine_error(exc: duckdb.Error, staged: Staged) -> OpexflowError:
    """A failure inside DuckDB during the import, as an error a user can act on."""
    first = _first_line(str(exc))
    if isinstance(exc, duckdb.OutOfMemoryException):
        return ResourceError(
            f"the import ran out of memory ({first}); raise OPEXFLOW_ENGINE_MEMORY_LIMIT "
            "or free disk space for spilling in the data directory",
            location=Location(file=str(staged.file)),
        )
    if isinstance(exc, duckdb.IOException):
        return ResourceError(
            f"the import could not write its working files ({first}); free disk space in "
            "the data directory (OPEXFLOW_DATA_DIR)",
            location=Location(file=str(staged.file)),
        )
    return LogFormatError(
        f"the log could not be imported ({first}); check the file, or report this message",
        location=Location(file=str(staged.file)),
    )


def os_error(exc: OSError, source: Path, work: Path) -> OpexflowError:
    """An OSError while staging: reading the source, or writing working files."""
    target = Path(exc.filename) if exc.filename else None
    writing = exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS) or (
        target is not None and work in target.parents
    )
    if writing:
        return ResourceError(
            f"cannot write working files in {work.parent} ({exc.strerror or exc}); free disk "
            "space or point OPEXFLOW_DATA_DIR to another disk",
            location=Location(file=str(source)),
        )
    return LogFormatError(
        f"cannot read the file ({exc.strerror or exc}); check that it exists and is readable",
        location=Location(file=str(source)),
    )


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[0] if lines else "unknown error"
