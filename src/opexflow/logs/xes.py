"""Stage an XES (IEEE 1849) event log for the canonical import.

:func:`stage_xes` streams a ``.xes`` or ``.xes.gz`` file (gzip is recognised by
its magic bytes, whatever the suffix) and writes its events, in file order, to
Parquet part files in a new directory under ``workdir``. The returned
:class:`~opexflow.logs.staging.Staged` scans them with
``read_parquet([...], union_by_name=true)``: part files may have different
columns when attribute keys first appear late in the file.

The relation has one row per ``<event>`` of a ``<trace>``, with

* every event attribute under its XES key (``concept:name``, ``time:timestamp``,
  ``lifecycle:transition``...) and every trace attribute as ``case:<key>``,
  the names PM4Py uses;
* ``_pos``, the 1-based ordinal of the event in the file (int64). It is the
  ``position_column``, not listed in ``Staged.columns``.

Values are Arrow strings exactly as written in the file: no value is converted
in Python. ``Staged.declared_types`` gives each column's XES type (``date`` ->
timestamp, ``int`` -> integer, ``float`` -> number, ``boolean`` -> boolean,
``string``/``id`` -> text; a key declared with two types is text) for the
import to cast in bulk. DuckDB matches names case-insensitively, so a key that
differs from an earlier one only in case becomes ``<key> (2)``.

``<global>`` defaults fill the attributes an event or trace lacks. A trace
without ``concept:name`` is named by its 1-based ordinal in the file, even when a
global default exists (one default name would merge such traces into one case).
Nested attributes keep their own value only; ``<list>`` and ``<container>``
attributes, log-level attributes and events outside traces are not imported.
``Staged.notes`` says when any of this happened.

Two readers produce the same rows, with memory bounded whatever the file size.
The *flat* reader (:mod:`opexflow.logs.xes_flat`) cuts the bytes at their
double quotes with Arrow, without building an XML tree; it handles the XES that
tools write and hands anything else over to the *tree* reader
(:mod:`opexflow.logs.xes_tree`), lxml's pull parser. They hand what they find
to this module's sink (the contract is in :mod:`opexflow.logs.xes_reader`),
which pivots attribute rows into columns and writes a Parquet part every
``_BATCH_EVENTS`` events. :func:`stage_xes` starts again with the tree reader
when the flat one hands over, having deleted the parts it wrote.

A problem with the input raises :class:`~opexflow.errors.LogFormatError`
(:class:`~opexflow.errors.NotFoundError` for a missing or unreadable file) that
names the file and, for XML errors, the line; no file is left in ``workdir``
after an error.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from opexflow.errors import Location, LogFormatError, NotFoundError
from opexflow.logs.schema import AttributeType
from opexflow.logs.staging import ProgressCallback, Staged, no_progress
from opexflow.logs.xes_flat import FlatReader, Unsupported
from opexflow.logs.xes_reader import (
    NESTED_TYPES,
    VALUE_TYPES,
    Rows,
    Scope,
    local,
    open_xml,
    xml_chunks,
)
from opexflow.logs.xes_tree import TreeReader

__all__ = ["POSITION_COLUMN", "stage_xes"]

POSITION_COLUMN: Final = "_pos"
_BATCH_EVENTS: Final = 100_000
_FLAT: Final = True


def stage_xes(path: Path, workdir: Path, *, progress: ProgressCallback = no_progress) -> Staged:
    """Stage an XES or gzip-compressed XES file as Parquet parts for the import.

    Args:
        path: the ``.xes`` or ``.xes.gz`` file.
        workdir: where the parts go, in a new ``xes-parts-*`` directory that is
            listed in ``Staged.cleanup``.
        progress: called with ``("Reading XES", bytes read, file size)`` as the
            file is read (compressed bytes for a gzip file).

    Returns:
        The staged events; the module documentation describes the columns.

    Raises:
        LogFormatError: the file is not well-formed XML, its gzip data is
            truncated or corrupt, its root is not ``<log>``, or it has no events.
        NotFoundError: the file does not exist or cannot be read.

    Example:
        >>> staged = stage_xes(Path("running-example.xes"), Path("work"))  # doctest: +SKIP
        >>> duckdb.sql(f"select count(*) from {staged.relation}").fetchone()  # doctest: +SKIP
        (42,)
    """
    path = Path(path)
    try:
        raw = path.open("rb")
        total = path.stat().st_size
    except OSError as exc:
        raise NotFoundError(
            f"cannot read the XES file ({exc.strerror}); check the path and its permissions",
            location=Location(file=str(path)),
        ) from exc
    workdir.mkdir(parents=True, exist_ok=True)
    parts = _Parts(workdir)
    try:
        with raw:
            report = lambda: progress("Reading XES", raw.tell(), total)  # noqa: E731
            sink = _read(path, raw, parts, report)
        progress("Reading XES", total, total)
        return sink.staged()
    except BaseException:
        parts.discard()
        raise


def _read(path: Path, raw: IO[bytes], parts: _Parts, report: Callable[[], None]) -> _Sink:
    if _FLAT:
        try:
            sink = _Sink(path, parts)
            FlatReader(sink, report).read(xml_chunks(open_xml(raw), path))
            return sink
        except Unsupported:
            parts.clear()
            raw.seek(0)
    sink = _Sink(path, parts)
    TreeReader(sink, report).read(xml_chunks(open_xml(raw), path))
    return sink


class _Columns:
    """Column names in first-seen order, with the XES types declared for their values."""

    def __init__(self) -> None:
        self._names: dict[tuple[Scope, str], str] = {}
        self._types: dict[str, set[AttributeType]] = {}
        self._taken = {POSITION_COLUMN.casefold()}
        self._written: set[str] = set()
        self.renamed: dict[str, str] = {}

    def column(self, scope: Scope, key: str) -> str:
        """The column of an event or trace attribute key; unique up to case."""
        if (name := self._names.get((scope, key))) is None:
            wanted = key if scope == "event" else f"case:{key}"
            name, n = wanted, 1
            while name.casefold() in self._taken:
                n += 1
                name = f"{wanted} ({n})"
            if n > 1:
                self.renamed[wanted] = name
            self._taken.add(name.casefold())
            self._names[scope, key] = name
            self._types[name] = set()
        return name

    def add(self, scope: Scope, key: str, xes_type: str) -> str:
        name = self.column(scope, key)
        self._types[name].add(VALUE_TYPES[xes_type])
        return name

    def order(self, names: Iterable[str]) -> list[str]:
        """``names`` in first-seen order, remembered as written to a part."""
        self._written.update(names)
        return [n for n in self._types if n in names]

    def names(self) -> tuple[str, ...]:
        return tuple(n for n in self._types if n in self._written)

    def declared(self) -> dict[str, AttributeType]:
        types = self._types
        return {n: next(iter(types[n])) if len(types[n]) == 1 else "text" for n in self.names()}


@dataclass(slots=True)
class _Issues:
    """What the file holds that is not imported as such, for ``Staged.notes``."""

    unnamed_traces: int = 0
    keyless: int = 0
    nested: set[str] = field(default_factory=set)

    def notes(self, renamed: dict[str, str]) -> tuple[str, ...]:
        notes = []
        if n := self.unnamed_traces:
            notes.append(
                f"{n} traces have no concept:name; they are named by their position in the file"
                if n > 1
                else "1 trace has no concept:name; it is named by its position in the file"
            )
        if self.keyless:
            notes.append(f"{self.keyless} attributes without a key were ignored")
        if self.nested:
            names = ", ".join(sorted(self.nested))
            notes.append(f"list and container attributes are not imported: {names}")
        if renamed:
            names = ", ".join(f"{a!r} -> {b!r}" for a, b in renamed.items())
            notes.append(f"columns whose names differ only in case were renamed: {names}")
        return tuple(notes)


def _pivot(
    n: int, owner: np.ndarray, rows: Rows, issues: _Issues
) -> dict[str, tuple[pa.Array, list[str]]]:
    """Pivot attribute rows into one string column of ``n`` values per key.

    Args:
        n: the number of owners (events or traces).
        owner: the 0-based owner of each row.
        rows: the rows (their own owner array is ignored).
        issues: where keyless, list and container attributes are counted.

    Returns:
        key -> (column, the XES types its values were declared with).
    """
    _, keys, values, tags = rows
    keys = keys.fill_null("").dictionary_encode()
    key_idx = keys.indices.to_numpy()
    tags = tags.fill_null("").dictionary_encode()
    tag_idx = tags.indices.to_numpy()
    tag_types = [local(t) for t in tags.dictionary.to_pylist()]
    has_value = np.array([t in VALUE_TYPES for t in tag_types], dtype=bool)[tag_idx]
    is_nested = np.array([t in NESTED_TYPES for t in tag_types], dtype=bool)[tag_idx]
    out: dict[str, tuple[pa.Array, list[str]]] = {}
    for i, key in enumerate(keys.dictionary.to_pylist()):
        of_key = key_idx == i
        where = np.flatnonzero(of_key & has_value)
        if not key:
            issues.keyless += where.size
        elif where.size:
            take = np.full(n, -1, dtype=np.int64)
            take[owner[where]] = where  # a key repeated in one owner: the last one wins
            types = [tag_types[t] for t in np.unique(tag_idx[where])]
            out[key] = (values.take(pa.array(take, mask=take < 0)), types)
        elif np.any(of_key & is_nested):
            issues.nested.add(key)
    return out


def _with_default(column: pa.Array, default: str | None) -> pa.Array:
    return column if default is None or not column.null_count else column.fill_null(default)


def _concat(pieces: list[Rows]) -> Rows:
    if len(pieces) == 1:
        return pieces[0]
    return (
        np.concatenate([p[0] for p in pieces]),
        *(pa.concat_arrays([p[i] for p in pieces]) for i in (1, 2, 3)),
    )


def _filter(rows: Rows, mask: np.ndarray) -> Rows:
    where = pa.array(mask)
    return (rows[0][mask], rows[1].filter(where), rows[2].filter(where), rows[3].filter(where))


class _Parts:
    """Parquet part files in a directory of their own under ``workdir``.

    Each part is written on a thread of its own while the reader goes on (Arrow
    releases the GIL); one write at a time, so at most one part waits in memory.
    A failed write raises at the next write or when the parts are listed.
    """

    def __init__(self, workdir: Path) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="xes-parts-", dir=workdir))
        self.files: list[Path] = []
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xes-parts")
        self._last: Future[None] | None = None

    def write(self, table: pa.Table) -> None:
        self._wait()
        path = self.dir / f"part-{len(self.files):05d}.parquet"
        self._last = self._writer.submit(pq.write_table, table, path, compression="lz4")
        self.files.append(path)

    def relation(self) -> str:
        self._wait()
        self._writer.shutdown()
        files = ", ".join("'" + str(f).replace("'", "''") + "'" for f in self.files)
        return f"read_parquet([{files}], union_by_name=true)"

    def clear(self) -> None:
        self._wait()
        for file in self.files:
            file.unlink()
        self.files.clear()

    def discard(self) -> None:
        self._writer.shutdown(wait=True)
        shutil.rmtree(self.dir, ignore_errors=True)

    def _wait(self) -> None:
        last, self._last = self._last, None
        if last is not None:
            last.result()


class _Sink:
    """What a reader finds (globals, events, attribute rows), written in batches.

    The :class:`~opexflow.logs.xes_reader.Sink` that both readers fill. Events
    are numbered from 0 and traces from 1 in file order. Rows wait here until
    their events are flushed; a trace's rows stay while it may have more events,
    so attributes written after some of its events still reach the rest.
    """

    def __init__(self, path: Path, parts: _Parts) -> None:
        self.path = path
        self.parts = parts
        self.columns = _Columns()
        self.issues = _Issues()
        self.defaults: dict[Scope, dict[str, str | None]] = {"event": {}, "trace": {}}
        self.traces = 0
        self.events = 0
        self.written = 0
        self.batch_events = _BATCH_EVENTS
        self._event_traces: list[np.ndarray] = []
        self._rows: dict[Scope, list[Rows]] = {"event": [], "trace": []}
        self._named = 0  # traces up to this ordinal were checked for a name

    def add_global(
        self, scope: str | None, key: str | None, tag: object, value: str | None
    ) -> None:
        """Declare a ``<global>`` default, as the standard says: missing values take it."""
        xes_type = local(tag)
        if scope != "event" and scope != "trace":
            return
        if xes_type not in VALUE_TYPES:
            if xes_type in NESTED_TYPES and key:
                self.issues.nested.add(key)
        elif not key:
            self.issues.keyless += 1
        else:
            owner: Scope = "event" if scope == "event" else "trace"
            self.defaults[owner][key] = value
            self.columns.add(owner, key, xes_type)

    def add_events(self, traces: np.ndarray) -> None:
        """Announce events, given the ordinal of the trace of each."""
        self._event_traces.append(traces)
        self.events += len(traces)

    def add_rows(self, scope: Scope, rows: Rows) -> None:
        if len(rows[0]):
            self._rows[scope].append(rows)

    def flush(self, upto: int) -> None:
        """Write the events before ordinal ``upto`` (all their rows are in)."""
        n = upto - self.written
        if n <= 0:
            return
        traces = np.concatenate(self._event_traces)
        self._event_traces = [traces[n:]]
        traces = traces[:n]
        cases = self._case_data(traces)
        data = self._event_data(n) | {self.columns.column("trace", k): v for k, v in cases.items()}
        names = self.columns.order(data)
        positions = np.arange(self.written + 1, upto + 1, dtype=np.int64)
        arrays = [data[name] for name in names] + [pa.array(positions)]
        self.parts.write(pa.table(arrays, names=[*names, POSITION_COLUMN]))
        self.written = upto

    def _take(self, scope: Scope, lo: int, hi: int, keep_from: int) -> Rows | None:
        """Rows of owners in [lo, hi]; those of owners >= keep_from also stay."""
        if not self._rows[scope]:
            return None
        rows = _concat(self._rows[scope])
        owners = rows[0]
        kept = owners >= keep_from
        self._rows[scope] = [_filter(rows, kept)] if kept.any() else []
        return _filter(rows, (owners >= lo) & (owners <= hi))

    def _event_data(self, n: int) -> dict[str, pa.Array]:
        rows = self._take("event", self.written, self.written + n - 1, self.written + n)
        pivot = _pivot(n, rows[0] - self.written, rows, self.issues) if rows else {}
        data: dict[str, pa.Array] = {}
        for key, (values, types) in pivot.items():
            for xes_type in types:
                self.columns.add("event", key, xes_type)
            data[self.columns.column("event", key)] = values
        for key, default in self.defaults["event"].items():
            name = self.columns.column("event", key)
            data[name] = _with_default(data.get(name, pa.nulls(n, pa.string())), default)
        return data

    def _case_data(self, traces: np.ndarray) -> dict[str, pa.Array]:
        """trace attribute key -> values over the batch's events."""
        lo, hi = int(traces[0]), int(traces[-1])
        m = hi - lo + 1
        rows = self._take("trace", lo, hi, hi)
        pivot = _pivot(m, rows[0] - lo, rows, self.issues) if rows else {}
        columns = {}
        for key, (values, types) in pivot.items():
            for xes_type in types:
                self.columns.add("trace", key, xes_type)
            columns[key] = values
        columns["concept:name"] = self._names(columns.get("concept:name"), traces, lo, hi)
        for key, default in self.defaults["trace"].items():
            if key != "concept:name":
                columns[key] = _with_default(columns.get(key, pa.nulls(m, pa.string())), default)
        index = pa.array(traces - lo)
        return {key: column.take(index) for key, column in columns.items()}

    def _names(self, names: pa.Array | None, traces: np.ndarray, lo: int, hi: int) -> pa.Array:
        """Trace names, with each trace's ordinal where it has none."""
        ordinals = pa.array(np.arange(lo, hi + 1).astype(str))
        if names is None:
            missing = np.ones(hi - lo + 1, dtype=bool)
        else:
            missing = pc.fill_null(pc.equal(names, ""), True).to_numpy(zero_copy_only=False)
        new = np.unique(traces[traces > self._named]) - lo
        if (unnamed := int(np.count_nonzero(missing[new]))) > 0:
            self.issues.unnamed_traces += unnamed
            self.columns.add("trace", "concept:name", "string")
        self._named = hi
        return ordinals if names is None else pc.if_else(pa.array(missing), ordinals, names)

    def staged(self) -> Staged:
        return Staged(
            relation=self.parts.relation(),
            columns=self.columns.names(),
            file=self.path,
            location="event",
            position_column=POSITION_COLUMN,
            materialize=False,  # the parts are Parquet already: scanned in place
            typed=False,
            cleanup=(self.parts.dir,),
            declared_types=self.columns.declared(),
            notes=self.issues.notes(self.columns.renamed),
        )

    def finish(self, root_line: int | None) -> None:
        self.flush(self.events)
        if not self.written:
            raise LogFormatError(
                f"the XES log contains no events (it has {self.traces} traces); expected "
                "<event> elements inside <trace> elements; export the log again with its events",
                location=Location(file=str(self.path), line=root_line),
            )
