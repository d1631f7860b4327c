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

Two readers produce the same rows. The *flat* reader has libxml2 check the XML
without building a tree, and cuts the bytes at their double quotes with Arrow:
markup and attribute values alternate, the few distinct markup strings are
classified once, and NumPy rebuilds the element tree from them. It handles the
XES that tools write (double-quoted attributes, UTF-8, no DTD, comments only
before the root). Anything else makes it hand over to the *tree* reader, an
lxml pull parser that frees elements as soon as they are read. Both keep memory
bounded, whatever the file size.

A problem with the input raises :class:`~opexflow.errors.LogFormatError`
(:class:`~opexflow.errors.NotFoundError` for a missing or unreadable file) that
names the file and, for XML errors, the line; no file is left in ``workdir``
after an error.
"""

from __future__ import annotations

import gzip
import re
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import attrgetter
from pathlib import Path
from typing import IO, Final, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from lxml import etree

from opexflow.errors import Location, LogFormatError, NotFoundError
from opexflow.logs.schema import AttributeType
from opexflow.logs.staging import ProgressCallback, Staged, no_progress

__all__ = ["POSITION_COLUMN", "stage_xes"]

POSITION_COLUMN: Final = "_pos"
_BATCH_EVENTS: Final = 100_000
# Small feeds keep libxml2's tree in the CPU cache (64 KiB parses ~1.5x faster
# than 1 MiB); the flat reader scans larger slices to pay Arrow's overhead less.
_CHUNK_BYTES: Final = 64 * 1024
_SCAN_BYTES: Final = 4 * 1024 * 1024
_MAX_OPEN_CHILDREN: Final = 1_000
_FLAT: Final = True
_VALUE_TYPES: Final[dict[str, AttributeType]] = {
    "string": "text",
    "id": "text",
    "date": "timestamp",
    "int": "integer",
    "float": "number",
    "boolean": "boolean",
}
_NESTED_TYPES: Final = frozenset({"list", "container"})
_ATTRIBUTE_TAGS: Final = tuple(f"{{*}}{t}" for t in (*_VALUE_TYPES, *_NESTED_TYPES))

Scope = Literal["event", "trace"]
_Rows = tuple[np.ndarray, pa.Array, pa.Array, pa.Array]
"""Attribute rows: owner ordinal (event or trace), key, value, tag; Arrow strings."""


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
            _FlatReader(sink, report).read(_chunks(_open_stream(raw), path))
            return sink
        except _Unsupported:
            parts.clear()
            raw.seek(0)
    sink = _Sink(path, parts)
    _TreeReader(sink, report).read(_chunks(_open_stream(raw), path))
    return sink


def _open_stream(raw: IO[bytes]) -> IO[bytes] | gzip.GzipFile:
    """The XML bytes of ``raw``: gzip is recognised by its magic bytes."""
    magic = raw.read(2)
    raw.seek(0)
    return gzip.GzipFile(fileobj=raw, mode="rb") if magic == b"\x1f\x8b" else raw


def _chunks(stream: IO[bytes] | gzip.GzipFile, path: Path) -> Iterator[bytes]:
    """The XML bytes of ``stream`` in chunks, with read errors as opexflow errors."""
    location = Location(file=str(path))
    empty = True
    while True:
        try:
            chunk = stream.read(_CHUNK_BYTES)
        except EOFError as exc:
            raise LogFormatError(
                "the gzip data ends before its end marker: the file is truncated; expected "
                "a complete .xes.gz file; copy or download it again",
                location=location,
            ) from exc
        except (zlib.error, gzip.BadGzipFile) as exc:
            raise LogFormatError(
                f"the gzip data is corrupt ({exc}); expected a gzip-compressed XES file; "
                "copy or download it again",
                location=location,
            ) from exc
        except OSError as exc:
            raise NotFoundError(
                f"cannot read the XES file ({exc}); check the disk and the file's permissions",
                location=location,
            ) from exc
        if not chunk:
            break
        empty = False
        yield chunk
    if empty:
        raise LogFormatError(
            "the file is empty; expected an XES (IEEE 1849) event log; export the log again",
            location=location,
        )


def _local(tag: object) -> str:
    """The local name of a tag (without namespace or prefix); '' for a non-element."""
    if not isinstance(tag, str):
        return ""
    return tag[max(tag.rfind("}"), tag.rfind(":")) + 1 :]


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
        self._types[name].add(_VALUE_TYPES[xes_type])
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
    n: int, owner: np.ndarray, rows: _Rows, issues: _Issues
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
    tag_types = [_local(t) for t in tags.dictionary.to_pylist()]
    has_value = np.array([t in _VALUE_TYPES for t in tag_types], dtype=bool)[tag_idx]
    is_nested = np.array([t in _NESTED_TYPES for t in tag_types], dtype=bool)[tag_idx]
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


def _concat(pieces: list[_Rows]) -> _Rows:
    if len(pieces) == 1:
        return pieces[0]
    return (
        np.concatenate([p[0] for p in pieces]),
        *(pa.concat_arrays([p[i] for p in pieces]) for i in (1, 2, 3)),
    )


def _filter(rows: _Rows, mask: np.ndarray) -> _Rows:
    where = pa.array(mask)
    return (rows[0][mask], rows[1].filter(where), rows[2].filter(where), rows[3].filter(where))


class _Parts:
    """Parquet part files in a directory of their own under ``workdir``."""

    def __init__(self, workdir: Path) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="xes-parts-", dir=workdir))
        self.files: list[Path] = []

    def write(self, table: pa.Table) -> None:
        path = self.dir / f"part-{len(self.files):05d}.parquet"
        pq.write_table(table, path, compression="lz4")
        self.files.append(path)

    def relation(self) -> str:
        files = ", ".join("'" + str(f).replace("'", "''") + "'" for f in self.files)
        return f"read_parquet([{files}], union_by_name=true)"

    def clear(self) -> None:
        for file in self.files:
            file.unlink()
        self.files.clear()

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


class _Sink:
    """What a reader finds (globals, events, attribute rows), written in batches.

    Events are numbered from 0 and traces from 1 in file order. Rows wait here
    until their events are flushed; a trace's rows stay while it may have more
    events, so attributes written after some of its events still reach the rest.
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
        self._event_traces: list[np.ndarray] = []
        self._rows: dict[Scope, list[_Rows]] = {"event": [], "trace": []}
        self._named = 0  # traces up to this ordinal were checked for a name

    def add_global(self, scope: Scope, key: str, xes_type: str, value: str | None) -> None:
        self.defaults[scope][key] = value
        self.columns.add(scope, key, xes_type)

    def add_events(self, traces: np.ndarray) -> None:
        """Announce events, given the ordinal of the trace of each."""
        self._event_traces.append(traces)
        self.events += len(traces)

    def add_rows(self, scope: Scope, rows: _Rows) -> None:
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

    def _take(self, scope: Scope, lo: int, hi: int, keep_from: int) -> _Rows | None:
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


class _Unsupported(Exception):
    """The flat reader meets XML it does not handle; the tree reader takes over."""


_get = etree._Element.get
_tag = attrgetter("tag")


def _strings(values: list[object]) -> pa.Array:
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # a non-element child (entity reference)
        return pa.array([v if isinstance(v, str) else None for v in values], type=pa.string())


def _add_global(
    sink: _Sink, scope: str | None, key: str | None, tag: object, value: str | None
) -> None:
    """Declare a ``<global>`` default, as the standard says: missing values take it."""
    xes_type = _local(tag)
    if scope != "event" and scope != "trace":
        return
    if xes_type not in _VALUE_TYPES:
        if xes_type in _NESTED_TYPES and key:
            sink.issues.nested.add(key)
    elif not key:
        sink.issues.keyless += 1
    else:
        sink.add_global("event" if scope == "event" else "trace", key, xes_type, value)


class _TreeReader:
    """Reads any XES with lxml's pull parser, freeing elements as soon as they are read.

    Rows go through ``map`` over lxml's C methods, so no Python code runs per
    attribute; they are handed to the sink as Arrow arrays before each flush.
    """

    def __init__(self, sink: _Sink, report: Callable[[], None]) -> None:
        self.sink = sink
        self.report = report
        self.log: etree._Element | None = None
        self.open: tuple[etree._Element, int] | None = None  # a trace and its ordinal
        self._new_buffers()

    def _new_buffers(self) -> None:
        self.event_traces: list[int] = []
        self.sizes: list[int] = []  # attribute elements per event
        self.event_rows: tuple[list[object], list[object], list[object]] = ([], [], [])
        self.trace_owners: list[int] = []
        self.trace_rows: tuple[list[object], list[object], list[object]] = ([], [], [])

    def read(self, chunks: Iterable[bytes]) -> None:
        parser = etree.XMLPullParser(
            events=("start", "end"),
            tag=("{*}log", "{*}trace", "{*}global"),
            remove_blank_text=True,
            remove_comments=True,
            remove_pis=True,
        )
        path = self.sink.path
        for chunk in chunks:
            self._handle(_feed(parser, chunk, path))
            self._trim()
            if len(self.event_traces) >= _BATCH_EVENTS:
                self._deliver()
                self.sink.flush(self.sink.events)
                self.report()
        root = _close(parser, path)
        if self.log is None:
            raise _not_a_log(path, _local(root.tag), _line(root))
        self._deliver()
        self.sink.finish(_line(self.log))

    def _handle(self, events: Iterable[tuple[str, etree._Element]]) -> None:
        for action, elem in events:
            if self.log is None:
                self._open_log(action, elem)
            elif elem.getparent() is not self.log:
                continue  # the log's own end, or a <trace>/<global> where it means nothing
            elif action == "start":
                if _local(elem.tag) == "trace":
                    self.sink.traces += 1
                    self.open = (elem, self.sink.traces)
            elif self.open is not None and elem is self.open[0]:
                self._take(self.open[1], elem.iterchildren(*_ATTRIBUTE_TAGS), None)
                self.open = None
            elif _local(elem.tag) == "global":
                for child in elem:
                    _add_global(self.sink, elem.get("scope", "event"), *_row(child))

    def _open_log(self, action: str, elem: etree._Element) -> None:
        if action != "start" or _local(elem.tag) != "log" or elem.getparent() is not None:
            root = elem.getroottree().getroot()
            raise _not_a_log(self.sink.path, _local(root.tag), _line(root))
        self.log = elem

    def _take(
        self, trace: int, attributes: Iterable[etree._Element], last: etree._Element | None
    ) -> None:
        """Buffer the rows of a trace's children, all but ``last`` (still being parsed)."""
        assert self.open is not None
        elem = self.open[0]
        attributes = [a for a in attributes if a is not last]
        self.trace_owners.extend(repeat(trace, len(attributes)))
        _extend(self.trace_rows, attributes)
        events = list(elem.iterchildren("{*}event"))
        if events and events[-1] is last:
            events.pop()
        self.event_traces.extend(repeat(trace, len(events)))
        self.sizes.extend(map(len, events))
        _extend(self.event_rows, list(chain.from_iterable(events)))

    def _trim(self) -> None:
        """Free what has been read; the last child of an element may still be growing."""
        if self.log is not None and len(self.log) > 1:
            del self.log[:-1]
        if self.open is not None and len(self.open[0]) > _MAX_OPEN_CHILDREN:
            elem, trace = self.open
            self._take(trace, elem.iterchildren(*_ATTRIBUTE_TAGS), elem[-1])
            del elem[:-1]

    def _deliver(self) -> None:
        sink, first, n = self.sink, self.sink.events, len(self.event_traces)
        sink.add_events(np.array(self.event_traces, dtype=np.int64))
        owners = np.repeat(np.arange(first, first + n, dtype=np.int64), self.sizes)
        sink.add_rows("event", (owners, *map(_strings, self.event_rows)))
        owners = np.array(self.trace_owners, dtype=np.int64)
        sink.add_rows("trace", (owners, *map(_strings, self.trace_rows)))
        self._new_buffers()


def _row(elem: etree._Element) -> tuple[str | None, object, str | None]:
    return elem.get("key"), elem.tag, elem.get("value")


def _extend(
    rows: tuple[list[object], list[object], list[object]], elems: list[etree._Element]
) -> None:
    rows[0].extend(map(_get, elems, repeat("key")))
    rows[1].extend(map(_get, elems, repeat("value")))
    rows[2].extend(map(_tag, elems))


def _feed(
    parser: etree.XMLParser, chunk: bytes, path: Path
) -> Iterator[tuple[str, etree._Element]]:
    try:
        parser.feed(chunk)
    except etree.XMLSyntaxError as exc:
        raise _malformed(path, exc) from exc
    if isinstance(parser, etree.XMLPullParser):
        return parser.read_events()  # type: ignore[return-value]
    return iter(())


def _close(parser: etree.XMLParser, path: Path) -> etree._Element:
    try:
        root: etree._Element = parser.close()
    except etree.XMLSyntaxError as exc:
        raise _malformed(path, exc) from exc
    return root


def _line(elem: etree._Element) -> int | None:
    line: object = elem.sourceline  # untyped in lxml-stubs
    return line if isinstance(line, int) else None


def _malformed(path: Path, exc: etree.XMLSyntaxError) -> LogFormatError:
    line, column = exc.position
    detail = re.sub(r",? line \d+, column \d+$", "", exc.msg or "")
    return LogFormatError(
        f"malformed XML at column {column}: {detail}; expected a well-formed XES "
        "(IEEE 1849) document; repair the file there or export the log again",
        location=Location(file=str(path), line=line),
    )


def _not_a_log(path: Path, root: str, line: int | None) -> LogFormatError:
    return LogFormatError(
        f"the root element is <{root}>, expected <log>: this XML file is not an XES event "
        "log; export the log as XES (IEEE 1849), or import it as CSV or Parquet",
        location=Location(file=str(path), line=line),
    )


# The flat reader.

_OTHER, _LOG, _TRACE, _EVENT, _GLOBAL = range(5)
_KINDS: Final = {"log": _LOG, "trace": _TRACE, "event": _EVENT, "global": _GLOBAL}
_NO_ATTR, _KEY, _VALUE, _SCOPE, _OTHER_ATTR = -1, 0, 1, 2, 3
_ATTRS: Final = {"key": _KEY, "value": _VALUE, "scope": _SCOPE}
_ITEM = re.compile(
    rb"([ \t\r\n]+)|</([^\s/<>=\"'!?]+)[ \t\r\n]*>|<([^\s/<>=\"'!?]+)|(/>)|(>)"
    rb"|([^\s/<>=\"']+)[ \t\r\n]*=[ \t\r\n]*\Z"
)
_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:<\?xml([^>]*)\?>)?(?:[ \t\r\n]+|<!--.*?-->)*", re.S)
_ENCODING = re.compile(rb"encoding\s*=\s*[\"']([^\"']*)")
_REFERENCE = re.compile(r"&(?:#([0-9]+)|#x([0-9a-fA-F]+)|(lt|gt|amp|quot|apos));")
_ENTITIES: Final = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


@dataclass(frozen=True, slots=True)
class _Markup:
    """What the markup between two attribute values does."""

    delta: int
    """Change of element depth."""
    opens: tuple[tuple[int, str], ...]
    """Each start tag: (its depth relative to the depth before, its local name)."""
    attr: int
    """The attribute whose value follows (``_KEY``...), or ``_NO_ATTR``."""


def _classify(markup: bytes, in_tag: bool) -> _Markup | None:
    """Read markup that starts inside a start tag or not; None if unsupported.

    Whitespace, start and end tags and attribute names are supported; text,
    comments, CDATA, processing instructions and single quotes are not.
    """
    depth, opens, attr, pos = 0, [], _NO_ATTR, 0
    while pos < len(markup):
        if (m := _ITEM.match(markup, pos)) is None:
            return None
        _, end, start, empty, close, name = m.groups()
        if (end is not None or start is not None) == in_tag and m[1] is None:
            return None  # a tag inside a start tag, or an attribute or '>' outside one
        if end is not None:
            depth -= 1
        elif start is not None:
            depth += 1
            opens.append((depth, _local(start.decode(errors="replace"))))
        elif name is not None:
            attr = _ATTRS.get(name.decode(errors="replace"), _OTHER_ATTR)
        depth -= empty is not None
        in_tag = start is not None or (in_tag and empty is None and close is None)
        pos = m.end()
    if in_tag != (attr != _NO_ATTR):
        return None
    return _Markup(depth, tuple(opens), attr)


def _unescape(text: str) -> str:
    return _REFERENCE.sub(
        lambda m: chr(int(m[1])) if m[1] else chr(int(m[2], 16)) if m[2] else _ENTITIES[m[3]], text
    )


_SPECIAL = np.isin(np.arange(256), list(b"\t\n\r&"))


def _plain(values: pa.Array) -> bool:
    """Whether no value has whitespace to normalise or references to replace."""
    _, offsets, data = values.buffers()
    if not len(values) or data is None:
        return True
    ends = np.frombuffer(offsets, np.int32)[values.offset :][[0, len(values)]]
    return not _SPECIAL[np.frombuffer(data, np.uint8, ends[1] - ends[0], ends[0])].any()


def _decode(raw: pa.Array, plain: bool) -> pa.Array:
    """Attribute values as an XML parser gives them: whitespace normalised, references replaced."""
    try:
        text = raw.cast(pa.string())
    except pa.ArrowInvalid as exc:
        raise _Unsupported from exc
    if plain:
        return text
    if pc.any(pc.match_substring_regex(text, "[\t\n\r]")).as_py():
        text = pc.replace_substring_regex(text, "\r\n|[\t\n\r]", " ")
    mask = pc.fill_null(pc.match_substring(text, "&"), False)
    if pc.any(mask).as_py():
        fixed = [_unescape(s) for s in text.filter(mask).to_pylist()]
        text = pc.replace_with_mask(text, mask, pa.array(fixed, pa.string()))
    return text


class _NoTree:
    """A parser target without callbacks: libxml2 checks the XML and builds nothing."""

    def close(self) -> None:
        return None


class _FlatReader:
    """Reads common XES from its bytes with Arrow and NumPy (see the module docstring).

    The bytes are scanned in slices that end before a ``<``, so that every slice
    starts outside a tag and holds whole start tags. Between slices it keeps the
    open elements: their kind and ordinal, by depth.
    """

    def __init__(self, sink: _Sink, report: Callable[[], None]) -> None:
        self.sink = sink
        self.report = report
        self.validator = etree.XMLParser(target=_NoTree())  # type: ignore[arg-type]
        self.classes: dict[tuple[bytes, bool], _Markup | None] = {}
        self.tags: dict[str, int] = {}
        self.tag_names: list[str] = []
        self.open_kinds = np.zeros(4, dtype=np.int64)  # depth 1-4
        self.open_ordinals = np.zeros(4, dtype=np.int64)
        self.depth = 0
        self.scopes: dict[int, str] = {}  # <global> ordinal -> its scope
        self.root_line: int | None = None

    def read(self, chunks: Iterable[bytes]) -> None:
        pending: list[bytes] = []
        size = 0
        for chunk in chunks:
            _feed(self.validator, chunk, self.sink.path)
            pending.append(chunk)
            size += len(chunk)
            if size >= _SCAN_BYTES:
                data = b"".join(pending)
                cut = data.rfind(b"<")
                if cut > 0:
                    self._scan(data[:cut])
                    data = data[cut:]
                pending, size = [data], len(data)
        _close(self.validator, self.sink.path)
        self._scan(b"".join(pending))
        self.sink.finish(self.root_line)

    def _scan(self, data: bytes) -> None:
        if self.root_line is None:
            data = self._prolog(data)
        tokens = pc.split_pattern(pa.array([data], pa.binary()), b'"').flatten()
        if len(tokens) % 2 == 0:
            raise _Unsupported
        markup = tokens.take(pa.array(np.arange(0, len(tokens), 2)))
        values = tokens.take(pa.array(np.arange(1, len(tokens), 2)))
        uidx, delta, nopen, attr, rel, tag = self._markup(markup)
        depth0 = self.depth
        starts = depth0 + np.concatenate(([0], np.cumsum(delta[uidx])[:-1]))
        self.depth = int(starts[-1] + delta[uidx[-1]])
        # One entry per start tag, in file order.
        counts = nopen[uidx]
        token = np.repeat(np.arange(len(uidx)), counts)
        first = np.cumsum(counts) - counts
        offsets = np.concatenate(([0], np.cumsum(nopen)[:-1]))
        k = offsets[uidx[token]] + np.arange(len(token)) - first[token]
        depth, tag = starts[token] + rel[k], tag[k]
        # The element of each value: the last one opened before it.
        element = np.cumsum(counts)[:-1] - 1
        names = attr[uidx[:-1]]
        self._emit(depth, tag, values, element, names)

    def _prolog(self, data: bytes) -> bytes:
        """Skip the XML declaration and comments before the root; UTF-8 only."""
        m = _PROLOG.match(data)
        assert m is not None  # the pattern matches the empty string
        declared = _ENCODING.search(m[1] or b"")
        if declared and declared[1].lower() not in (b"utf-8", b"utf8", b"us-ascii", b"ascii"):
            raise _Unsupported
        self.root_line = data.count(b"\n", 0, m.end()) + 1
        return data[m.end() :]

    def _markup(self, markup: pa.Array) -> tuple[np.ndarray, ...]:
        """Classify each distinct markup string once; arrays indexed by class.

        Returns:
            class of each markup string, then by class: depth change, number of
            start tags, attribute code; then by start tag of each class: relative
            depth and tag code.
        """
        encoded = markup.dictionary_encode()
        uidx = encoded.indices.to_numpy().astype(np.int64)
        used = np.zeros(len(encoded.dictionary), dtype=bool)
        used[uidx[1:]] = True
        distinct = encoded.dictionary.to_pylist()
        classes = [self._class(b, True) if u else None for b, u in zip(distinct, used, strict=True)]
        classes.append(self._class(distinct[uidx[0]], False))
        uidx[0] = len(distinct)  # the first markup starts outside a tag
        if any(c is None for c, u in zip(classes, [*used, True], strict=True) if u):
            raise _Unsupported
        got = [c if c is not None else _Markup(0, (), _NO_ATTR) for c in classes]
        attr = np.array([c.attr for c in got], dtype=np.int64)
        if (attr[uidx[:-1]] == _NO_ATTR).any() or attr[uidx[-1]] != _NO_ATTR:
            raise _Unsupported  # a value outside a start tag: text with a quote
        opens = [o for c in got for o in c.opens]
        return (
            uidx,
            np.array([c.delta for c in got], dtype=np.int64),
            np.array([len(c.opens) for c in got], dtype=np.int64),
            attr,
            np.array([d for d, _ in opens], dtype=np.int64),
            np.array([self._tag(t) for _, t in opens], dtype=np.int64),
        )

    def _class(self, markup: bytes, in_tag: bool) -> _Markup | None:
        if (markup, in_tag) not in self.classes:
            self.classes[markup, in_tag] = _classify(markup, in_tag)
        return self.classes[markup, in_tag]

    def _tag(self, name: str) -> int:
        if name not in self.tags:
            self.tags[name] = len(self.tag_names)
            self.tag_names.append(name)
        return self.tags[name]

    def _emit(
        self,
        depth: np.ndarray,
        tag: np.ndarray,
        values: pa.Array,
        element: np.ndarray,
        names: np.ndarray,
    ) -> None:
        """Hand the slice's events and attribute rows to the sink."""
        kind, ordinal, pkind, pord = self._structure(depth, tag)
        plain = _plain(values)
        value = {code: np.full(len(depth), -1, dtype=np.int64) for code in (_KEY, _VALUE, _SCOPE)}
        for code, at in value.items():
            of_code = names == code
            at[element[of_code]] = np.flatnonzero(of_code)
        is_attribute = np.array(
            [t in _VALUE_TYPES or t in _NESTED_TYPES for t in self.tag_names], dtype=bool
        )
        tag_names = pa.array(self.tag_names, pa.string())
        for scope, sel in (
            ("event", (depth == 4) & (pkind == _EVENT)),
            ("trace", (depth == 3) & (pkind == _TRACE) & is_attribute[tag]),
        ):
            keys, vals = (_decode(_pick(values, value[c][sel]), plain) for c in (_KEY, _VALUE))
            rows = (pord[sel], keys, vals, tag_names.take(pa.array(tag[sel])))
            self.sink.add_rows(scope, rows)  # type: ignore[arg-type]
        for i in np.flatnonzero(kind == _GLOBAL):
            scope = _decode(_pick(values, value[_SCOPE][[i]]), plain)[0].as_py()
            self.scopes[int(ordinal[i])] = scope or "event"
        for i in np.flatnonzero((depth == 3) & (pkind == _GLOBAL)):
            key, val = (
                _decode(_pick(values, value[c][[i]]), plain)[0].as_py() for c in (_KEY, _VALUE)
            )
            _add_global(self.sink, self.scopes[int(pord[i])], key, self.tag_names[tag[i]], val)
        complete = self.sink.events
        if self.depth >= 3 and self.open_kinds[2] == _EVENT:
            complete = int(self.open_ordinals[2])  # the open event is not complete
        if complete - self.sink.written >= _BATCH_EVENTS:
            self.sink.flush(complete)
            self.report()

    def _structure(self, depth: np.ndarray, tag: np.ndarray) -> tuple[np.ndarray, ...]:
        """Kind and ordinal of each start tag, and of its parent; announce the events."""
        n = len(depth)
        tag_kinds = np.array([_KINDS.get(t, _OTHER) for t in self.tag_names], dtype=np.int64)
        kinds = tag_kinds[tag]
        roots = np.flatnonzero(depth == 1)
        if roots.size and (roots[0] != 0 or kinds[0] != _LOG):
            raise _not_a_log(self.sink.path, self.tag_names[tag[roots[0]]], self.root_line)
        # A trace or global is a child of the log.
        kind = np.where((depth == 2) & np.isin(kinds, (_TRACE, _GLOBAL)), kinds, _OTHER)
        ordinal = np.zeros(n, dtype=np.int64)
        for k, start in ((_TRACE, self.sink.traces + 1), (_GLOBAL, len(self.scopes))):
            at = kind == k
            ordinal[at] = start + np.arange(np.count_nonzero(at))
        self.sink.traces += int(np.count_nonzero(kind == _TRACE))
        parent = np.full(n, -1, dtype=np.int64)
        for k in (1, 2, 3):
            last = np.maximum.accumulate(np.where(depth == k, np.arange(n), -1)) if n else parent
            parent[depth == k + 1] = last[depth == k + 1]
        pkind, pord = self._parents(parent, depth, kind, ordinal)
        is_event = (depth == 3) & (kinds == _EVENT) & (pkind == _TRACE)
        kind[is_event] = _EVENT
        ordinal[is_event] = self.sink.events + np.arange(np.count_nonzero(is_event))
        self.sink.add_events(pord[is_event])
        pkind, pord = self._parents(parent, depth, kind, ordinal)
        for k in range(1, min(self.depth, 4) + 1):
            if (at := np.flatnonzero(depth == k)).size:
                self.open_kinds[k - 1], self.open_ordinals[k - 1] = kind[at[-1]], ordinal[at[-1]]
        return kind, ordinal, pkind, pord

    def _parents(
        self, parent: np.ndarray, depth: np.ndarray, kind: np.ndarray, ordinal: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Kind and ordinal of each start tag's parent, from this slice or still open."""
        if not len(parent):
            return parent, parent
        opened = np.clip(depth - 2, 0, 3)
        here = parent >= 0
        return (
            np.where(here, kind[parent], self.open_kinds[opened]),
            np.where(here, ordinal[parent], self.open_ordinals[opened]),
        )


def _pick(values: pa.Array, at: np.ndarray) -> pa.Array:
    """``values[at]``, null where ``at`` is -1."""
    return values.take(pa.array(at, mask=at < 0))
