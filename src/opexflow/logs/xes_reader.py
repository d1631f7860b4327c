"""What the two XES readers share: the bytes they read, the sink they fill, their errors.

:mod:`opexflow.logs.xes` stages an XES file with one of two readers,
:mod:`~opexflow.logs.xes_flat` or :mod:`~opexflow.logs.xes_tree`. Each reads the
file's XML bytes (:func:`open_xml`, :func:`xml_chunks`: gzip recognised by its
magic bytes, read errors as opexflow errors) and hands what it finds to a
:class:`Sink`, which pivots attribute rows into columns and writes them in
batches. A reader:

* numbers traces from 1 and events from 0 in file order, adding to
  ``Sink.traces`` and announcing events with :meth:`Sink.add_events`;
* hands attribute rows (:data:`Rows`, values exactly as written in the file)
  with :meth:`Sink.add_rows`, and ``<global>`` attributes with
  :meth:`Sink.add_global`;
* calls :meth:`Sink.flush` with the events whose rows have all been handed, once
  ``Sink.batch_events`` of them wait;
* ends with :meth:`Sink.finish`.

XML errors are :class:`~opexflow.errors.LogFormatError` from :func:`malformed`
and :func:`not_a_log`, so that both readers word them the same way. This module
imports neither reader nor :mod:`opexflow.logs.xes`, which import it.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Final, Literal, Protocol

import numpy as np
import pyarrow as pa
from lxml import etree

from opexflow.errors import Location, LogFormatError, NotFoundError
from opexflow.logs.schema import AttributeType

__all__ = [
    "ATTRIBUTE_TYPES",
    "NESTED_TYPES",
    "VALUE_TYPES",
    "Rows",
    "Scope",
    "Sink",
    "close_xml",
    "feed_xml",
    "local",
    "malformed",
    "not_a_log",
    "open_xml",
    "source_line",
    "xml_chunks",
]

VALUE_TYPES: Final[dict[str, AttributeType]] = {
    "string": "text",
    "id": "text",
    "date": "timestamp",
    "int": "integer",
    "float": "number",
    "boolean": "boolean",
}
"""XES attribute tag -> the type of its values."""
NESTED_TYPES: Final = frozenset({"list", "container"})
"""XES attribute tags whose value is not imported."""
ATTRIBUTE_TYPES: Final = (*VALUE_TYPES, *NESTED_TYPES)
"""The tags of XES attribute elements."""

# Small feeds keep libxml2's tree in the CPU cache (64 KiB parses ~1.5x faster
# than 1 MiB).
_CHUNK_BYTES: Final = 64 * 1024

Scope = Literal["event", "trace"]
Rows = tuple[np.ndarray, pa.Array, pa.Array, pa.Array]
"""Attribute rows: owner ordinal (event or trace), key, value, tag; Arrow strings."""


class Sink(Protocol):
    """Where a reader hands what it finds; :mod:`opexflow.logs.xes` writes it."""

    path: Path
    traces: int
    """Traces read so far; the reader adds the ones it finds."""
    events: int
    """Events announced so far."""
    written: int
    """Events written to parts so far."""
    batch_events: int
    """How many complete events make a part."""

    def add_events(self, traces: np.ndarray) -> None:
        """Announce events, given the ordinal of the trace of each."""

    def add_rows(self, scope: Scope, rows: Rows) -> None:
        """Attribute rows of events or traces."""

    def add_global(
        self, scope: str | None, key: str | None, tag: object, value: str | None
    ) -> None:
        """A ``<global>`` attribute: a default for the events or traces that lack it."""

    def flush(self, upto: int) -> None:
        """Write the events before ordinal ``upto`` (all their rows are in)."""

    def finish(self, root_line: int | None) -> None:
        """Write the remaining events; an error if the file has none."""


def open_xml(raw: IO[bytes]) -> IO[bytes] | gzip.GzipFile:
    """The XML bytes of ``raw``: gzip is recognised by its magic bytes."""
    magic = raw.read(2)
    raw.seek(0)
    return gzip.GzipFile(fileobj=raw, mode="rb") if magic == b"\x1f\x8b" else raw


def xml_chunks(stream: IO[bytes] | gzip.GzipFile, path: Path) -> Iterator[bytes]:
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


def local(tag: object) -> str:
    """The local name of a tag (without namespace or prefix); '' for a non-element."""
    if not isinstance(tag, str):
        return ""
    return tag[max(tag.rfind("}"), tag.rfind(":")) + 1 :]


def feed_xml(
    parser: etree.XMLParser, chunk: bytes, path: Path
) -> Iterator[tuple[str, etree._Element]]:
    """Feed ``chunk`` to ``parser``; a pull parser's new events."""
    try:
        parser.feed(chunk)
    except etree.XMLSyntaxError as exc:
        raise malformed(path, exc) from exc
    if isinstance(parser, etree.XMLPullParser):
        return parser.read_events()  # type: ignore[return-value]
    return iter(())


def close_xml(parser: etree.XMLParser, path: Path) -> etree._Element:
    """End the document; its root."""
    try:
        root: etree._Element = parser.close()
    except etree.XMLSyntaxError as exc:
        raise malformed(path, exc) from exc
    return root


def source_line(elem: etree._Element) -> int | None:
    """The line where ``elem`` starts, if lxml knows it."""
    line: object = elem.sourceline  # untyped in lxml-stubs
    return line if isinstance(line, int) else None


def malformed(path: Path, exc: etree.XMLSyntaxError) -> LogFormatError:
    """The error for XML that libxml2 rejects, at its line."""
    line, column = exc.position
    detail = re.sub(r",? line \d+, column \d+$", "", exc.msg or "")
    return LogFormatError(
        f"malformed XML at column {column}: {detail}; expected a well-formed XES "
        "(IEEE 1849) document; repair the file there or export the log again",
        location=Location(file=str(path), line=line),
    )


def not_a_log(path: Path, root: str, line: int | None) -> LogFormatError:
    """The error for a root element other than ``<log>``."""
    return LogFormatError(
        f"the root element is <{root}>, expected <log>: this XML file is not an XES event "
        "log; export the log as XES (IEEE 1849), or import it as CSV or Parquet",
        location=Location(file=str(path), line=line),
    )
