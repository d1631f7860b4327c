"""Stage an XES (IEEE 1849) event log for the canonical import.

:func:`stage_xes` streams a ``.xes`` or ``.xes.gz`` file (gzip is recognised by
its magic bytes, whatever the suffix) through lxml's pull parser and writes its
events, in file order, to Parquet part files in a new directory under
``workdir``. The returned :class:`~opexflow.logs.staging.Staged` scans them with
``read_parquet([...], union_by_name=true)``: part files may have different
columns when attribute keys first appear late in the file.

The relation has one row per ``<event>`` of a ``<trace>``, with

* every event attribute under its XES key (``concept:name``, ``time:timestamp``,
  ``lifecycle:transition``...) and every trace attribute as ``case:<key>``,
  the names PM4Py uses;
* ``_pos``, the 1-based ordinal of the event in the file (int64). It is the
  ``position_column``, not listed in ``Staged.columns``.

Values are Arrow strings exactly as written in the file: no value is converted
in Python, which is what makes the reader fast. ``Staged.declared_types`` gives
each column's XES type (``date`` -> timestamp, ``int`` -> integer, ``float`` ->
number, ``boolean`` -> boolean, ``string``/``id`` -> text; a key declared with
two types is text) for the import to cast in bulk.

``<global>`` defaults fill the attributes an event or trace lacks. A trace
without ``concept:name`` is named by its 1-based ordinal in the file, even when a
global default exists (one default name would merge such traces into one case).
Nested attributes keep their own value only; ``<list>`` and ``<container>``
attributes, log-level attributes and events outside traces are not imported.
``Staged.notes`` says when any of this happened.

Memory stays bounded: elements are freed once read, events are pivoted to
columns in batches with NumPy and Arrow, and a very long trace is consumed in
slices. A problem with the input raises :class:`~opexflow.errors.LogFormatError`
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
from typing import IO, Final

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from lxml import etree

from opexflow.errors import Location, LogFormatError, NotFoundError
from opexflow.logs.schema import AttributeType
from opexflow.logs.staging import ProgressCallback, Staged, no_progress

__all__ = ["POSITION_COLUMN", "stage_xes"]

POSITION_COLUMN: Final = "_pos"
_CASE: Final = "case:"
_BATCH_EVENTS: Final = 100_000
# Small feeds keep libxml2's working set in the CPU cache (64 KiB parses about
# 1.5x faster than 1 MiB).
_CHUNK_BYTES: Final = 64 * 1024
_MAX_OPEN_CHILDREN: Final = 20_000
_VALUE_TYPES: Final[dict[str, AttributeType]] = {
    "string": "text",
    "id": "text",
    "date": "timestamp",
    "int": "integer",
    "float": "number",
    "boolean": "boolean",
}
_NESTED_TYPES: Final = frozenset({"list", "container"})
_PARSED_TAGS: Final = ("{*}log", "{*}trace", "{*}global")
_EVENT_TAG: Final = "{*}event"
_ATTRIBUTE_TAGS: Final = tuple(f"{{*}}{t}" for t in (*_VALUE_TYPES, *_NESTED_TYPES))

_get = etree._Element.get
_tag = attrgetter("tag")


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
            reader = _XesReader(path, parts)
            reader.read(_open_stream(raw), lambda: progress("Reading XES", raw.tell(), total))
        progress("Reading XES", total, total)
        return reader.staged()
    except BaseException:
        parts.discard()
        raise


def _open_stream(raw: IO[bytes]) -> IO[bytes] | gzip.GzipFile:
    """The XML bytes of ``raw``: gzip is recognised by its magic bytes."""
    magic = raw.read(2)
    raw.seek(0)
    return gzip.GzipFile(fileobj=raw, mode="rb") if magic == b"\x1f\x8b" else raw


def _local(tag: object) -> str:
    """The local name of an lxml tag (without namespace); '' for a non-element."""
    return tag[tag.rfind("}") + 1 :] if isinstance(tag, str) else ""


def _line(elem: etree._Element) -> int | None:
    line: object = elem.sourceline  # untyped in lxml-stubs
    return line if isinstance(line, int) else None


class _Columns:
    """Column names in first-seen order, with the XES types declared for their values.

    DuckDB matches column names case-insensitively, so a name that differs from an
    earlier one (or from ``_pos``) only in case is renamed ``<name> (2)``.
    """

    def __init__(self) -> None:
        self._names: dict[tuple[str, str], str] = {}  # (scope, key) -> column
        self._types: dict[str, set[AttributeType]] = {}
        self._taken = {POSITION_COLUMN.casefold()}
        self._written: set[str] = set()
        self.renamed: dict[str, str] = {}

    def column(self, scope: str, key: str) -> str:
        """The column of an event or trace (``scope``) attribute key."""
        if (name := self._names.get((scope, key))) is None:
            wanted = key if scope == "event" else _CASE + key
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

    def add(self, scope: str, key: str, xes_type: str) -> None:
        self._types[self.column(scope, key)].add(_VALUE_TYPES[xes_type])

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


def _attribute(elem: etree._Element, issues: _Issues) -> tuple[str, str, str | None] | None:
    """``(key, XES type, value)`` of an attribute element; None if it carries no value."""
    xes_type = _local(elem.tag)
    key = elem.get("key")
    if xes_type not in _VALUE_TYPES:
        if xes_type in _NESTED_TYPES and key:
            issues.nested.add(key)
        return None
    if not key:
        issues.keyless += 1
        return None
    return key, xes_type, elem.get("value")


@dataclass(slots=True)
class _Trace:
    """A trace being read: its ordinal in the file and its attributes so far."""

    ordinal: int
    attrs: dict[str, str | None] = field(default_factory=dict)
    events: int = 0

    @property
    def name(self) -> str | None:
        return self.attrs.get("concept:name") or None


class _Batch:
    """Events collected as flat ``(key, value, tag)`` lists, pivoted on flush.

    Reading goes through ``map`` over lxml's C methods, so no Python code runs
    per attribute; :func:`_event_columns` pivots with NumPy and Arrow.
    """

    def __init__(self) -> None:
        self.sizes: list[int] = []  # attribute elements per event
        self.keys: list[str | None] = []
        self.values: list[str | None] = []
        self.tags: list[object] = []
        self.traces: list[_Trace] = []
        self.trace_sizes: list[int] = []  # events per trace in this batch
        self.events = 0

    def add(self, trace: _Trace, events: list[etree._Element]) -> None:
        if not events:
            return
        self.traces.append(trace)
        self.trace_sizes.append(len(events))
        self.sizes.extend(map(len, events))
        children = list(chain.from_iterable(events))
        self.keys.extend(map(_get, children, repeat("key")))
        self.values.extend(map(_get, children, repeat("value")))
        self.tags.extend(map(_tag, children))
        self.events += len(events)
        trace.events += len(events)


def _tag_array(tags: list[object]) -> pa.Array:
    try:
        return pa.array(tags, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # a non-element child (entity reference)
        return pa.array([t if isinstance(t, str) else "" for t in tags], type=pa.string())


def _event_columns(batch: _Batch, issues: _Issues) -> dict[str, tuple[pa.Array, list[str]]]:
    """Pivot the batch's flat attribute lists into one string column per key.

    Returns:
        key -> (column, the XES types its values were declared with).
    """
    n = batch.events
    keys = pa.array(batch.keys, type=pa.string()).fill_null("").dictionary_encode()
    key_idx = keys.indices.to_numpy()
    tags = _tag_array(batch.tags).dictionary_encode()
    tag_idx = tags.indices.to_numpy()
    tag_types = [_local(t) for t in tags.dictionary.to_pylist()]
    has_value = np.array([t in _VALUE_TYPES for t in tag_types])[tag_idx]
    is_nested = np.array([t in _NESTED_TYPES for t in tag_types])[tag_idx]
    values = pa.array(batch.values, type=pa.string())
    event_of = np.repeat(np.arange(n, dtype=np.int64), np.asarray(batch.sizes, dtype=np.int64))
    out: dict[str, tuple[pa.Array, list[str]]] = {}
    for i, key in enumerate(keys.dictionary.to_pylist()):
        of_key = key_idx == i
        where = np.flatnonzero(of_key & has_value)
        if not key:
            issues.keyless += where.size
        elif where.size:
            take = np.full(n, -1, dtype=np.int64)
            take[event_of[where]] = where  # a key repeated in one event: the last one wins
            types = [tag_types[t] for t in np.unique(tag_idx[where])]
            out[key] = (values.take(pa.array(take, mask=take < 0)), types)
        elif np.any(of_key & is_nested):
            issues.nested.add(key)
    return out


def _case_columns(batch: _Batch, defaults: dict[str, str | None]) -> dict[str, pa.Array]:
    """trace attribute key -> its values, repeated over each trace's events."""
    traces = batch.traces
    keys = dict.fromkeys(chain(defaults, *(t.attrs for t in traces)))
    keys.pop("concept:name", None)
    names = [t.name or str(t.ordinal) for t in traces]
    columns = {"concept:name": pa.array(names, type=pa.string())}
    for key in keys:
        column = pa.array([t.attrs.get(key) for t in traces], type=pa.string())
        columns[key] = _with_default(column, defaults.get(key))
    trace_of = pa.array(np.repeat(np.arange(len(traces)), batch.trace_sizes))
    return {key: column.take(trace_of) for key, column in columns.items()}


def _with_default(column: pa.Array, default: str | None) -> pa.Array:
    return column if default is None or not column.null_count else column.fill_null(default)


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

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


class _XesReader:
    """Pull-parses one XES file and writes its events to Parquet parts in batches."""

    def __init__(self, path: Path, parts: _Parts) -> None:
        self.path = path
        self.parts = parts
        self.columns = _Columns()
        self.issues = _Issues()
        self.defaults: dict[str, dict[str, str | None]] = {"event": {}, "trace": {}}
        self.batch = _Batch()
        self.log: etree._Element | None = None
        self.open: tuple[etree._Element, _Trace] | None = None
        self.traces = 0
        self.events = 0

    def read(self, stream: IO[bytes] | gzip.GzipFile, report: Callable[[], None]) -> None:
        """Parse the whole file, calling ``report`` after each part written."""
        parser = etree.XMLPullParser(
            events=("start", "end"),
            tag=_PARSED_TAGS,
            remove_blank_text=True,
            remove_comments=True,
            remove_pis=True,
        )
        empty = True
        for chunk in _chunks(stream, self.path):
            empty = False
            self._handle(_feed(parser, chunk, self.path))
            self._trim()
            if self.batch.events >= _BATCH_EVENTS:
                self._flush()
                report()
        if empty:
            raise LogFormatError(
                "the file is empty; expected an XES (IEEE 1849) event log; export the log again",
                location=Location(file=str(self.path)),
            )
        root = _close(parser, self.path)
        if self.log is None:
            raise _not_a_log(self.path, root)
        self._flush()
        if not self.events:
            raise LogFormatError(
                f"the XES log contains no events (it has {self.traces} traces); expected "
                "<event> elements inside <trace> elements; export the log again with its events",
                location=Location(file=str(self.path), line=_line(self.log)),
            )

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

    def _handle(self, events: Iterable[tuple[str, etree._Element]]) -> None:
        for action, elem in events:
            if self.log is None:
                self._open_log(action, elem)
            elif elem.getparent() is not self.log:
                continue  # the log's own end, or a <trace>/<global> where it means nothing
            elif action == "start":
                if _local(elem.tag) == "trace":
                    self.traces += 1
                    self.open = (elem, _Trace(self.traces))
            elif self.open is not None and elem is self.open[0]:
                self._end_trace(elem, self.open[1])
            elif _local(elem.tag) == "global":
                self._read_global(elem)

    def _open_log(self, action: str, elem: etree._Element) -> None:
        if action != "start" or _local(elem.tag) != "log" or elem.getparent() is not None:
            raise _not_a_log(self.path, elem.getroottree().getroot())
        self.log = elem

    def _end_trace(self, elem: etree._Element, trace: _Trace) -> None:
        self._take(trace, elem.iterchildren(*_ATTRIBUTE_TAGS), list(elem.iterchildren(_EVENT_TAG)))
        if trace.events and trace.name is None:
            self.issues.unnamed_traces += 1
        self.open = None

    def _take(
        self, trace: _Trace, attributes: Iterable[etree._Element], events: list[etree._Element]
    ) -> None:
        for elem in attributes:
            if (attribute := _attribute(elem, self.issues)) is not None:
                key, xes_type, value = attribute
                trace.attrs[key] = value
                self.columns.add("trace", key, xes_type)
        self.batch.add(trace, events)

    def _read_global(self, elem: etree._Element) -> None:
        scope = elem.get("scope", "event")
        if scope not in self.defaults:
            return
        for child in elem:
            if (attribute := _attribute(child, self.issues)) is not None:
                key, xes_type, value = attribute
                self.defaults[scope][key] = value
                self.columns.add(scope, key, xes_type)

    def _trim(self) -> None:
        """Free what has been read; the last child of an element may still be growing."""
        if self.log is not None and len(self.log) > 1:
            del self.log[:-1]
        if self.open is not None and len(self.open[0]) > _MAX_OPEN_CHILDREN:
            elem, trace = self.open
            last = elem[-1]
            attributes = [a for a in elem.iterchildren(*_ATTRIBUTE_TAGS) if a is not last]
            events = list(elem.iterchildren(_EVENT_TAG))
            if events[-1] is last:
                events.pop()
            self._take(trace, attributes, events)
            del elem[:-1]

    def _flush(self) -> None:
        batch = self.batch
        if not batch.events:
            return
        columns = self.columns
        if any(t.name is None for t in batch.traces):
            columns.add("trace", "concept:name", "string")
        cases = _case_columns(batch, self.defaults["trace"])
        data = {columns.column("trace", k): v for k, v in cases.items()} | self._event_data(batch)
        names = columns.order(data)
        positions = np.arange(self.events + 1, self.events + batch.events + 1, dtype=np.int64)
        arrays = [data[n] for n in names] + [pa.array(positions)]
        self.parts.write(pa.table(arrays, names=[*names, POSITION_COLUMN]))
        self.events += batch.events
        self.batch = _Batch()

    def _event_data(self, batch: _Batch) -> dict[str, pa.Array]:
        """column -> values of the batch's event attributes, global defaults filled in."""
        data: dict[str, pa.Array] = {}
        for key, (values, types) in _event_columns(batch, self.issues).items():
            for xes_type in types:
                self.columns.add("event", key, xes_type)
            data[self.columns.column("event", key)] = values
        for key, default in self.defaults["event"].items():
            name = self.columns.column("event", key)
            data[name] = _with_default(data.get(name, pa.nulls(batch.events, pa.string())), default)
        return data


def _chunks(stream: IO[bytes] | gzip.GzipFile, path: Path) -> Iterator[bytes]:
    """The XML bytes of ``stream`` in chunks, with read errors as opexflow errors."""
    location = Location(file=str(path))
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
            return
        yield chunk


def _feed(
    parser: etree.XMLPullParser, chunk: bytes, path: Path
) -> Iterator[tuple[str, etree._Element]]:
    try:
        parser.feed(chunk)
    except etree.XMLSyntaxError as exc:
        raise _malformed(path, exc) from exc
    return parser.read_events()  # type: ignore[return-value]


def _close(parser: etree.XMLPullParser, path: Path) -> etree._Element:
    try:
        root: etree._Element = parser.close()
    except etree.XMLSyntaxError as exc:
        raise _malformed(path, exc) from exc
    return root


def _malformed(path: Path, exc: etree.XMLSyntaxError) -> LogFormatError:
    line, column = exc.position
    detail = re.sub(r",? line \d+, column \d+$", "", exc.msg or "")
    return LogFormatError(
        f"malformed XML at column {column}: {detail}; expected a well-formed XES "
        "(IEEE 1849) document; repair the file there or export the log again",
        location=Location(file=str(path), line=line),
    )


def _not_a_log(path: Path, root: etree._Element) -> LogFormatError:
    return LogFormatError(
        f"the root element is <{_local(root.tag)}>, expected <log>: this XML file is not an "
        "XES event log; export the log as XES (IEEE 1849), or import it as CSV or Parquet",
        location=Location(file=str(path), line=_line(root)),
    )
