"""The tree reader of :func:`~opexflow.logs.xes.stage_xes`: lxml's pull parser.

It reads any well-formed XES, including what the flat reader hands over: single
quotes, text, comments or processing instructions inside the log, a DTD,
encodings other than UTF-8. libxml2 builds the ``<log>``, its ``<trace>`` and
``<global>`` children and their descendants as lxml elements; each trace's
attribute and event rows are taken when it ends and its elements freed at once,
so memory stays bounded whatever the file size (a trace with more than
``_MAX_OPEN_CHILDREN`` children is taken in slices as it grows).

Building the elements is what makes it slower than the flat reader
(:mod:`opexflow.logs.xes_flat`), which hands over to it for anything but the
XES that tools write. Both produce the same rows (:mod:`opexflow.logs.xes_reader`
describes what a reader hands to its sink).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import chain, repeat
from operator import attrgetter
from typing import Final

import numpy as np
import pyarrow as pa
from lxml import etree

from opexflow.logs.xes_reader import (
    ATTRIBUTE_TYPES,
    Sink,
    close_xml,
    feed_xml,
    local,
    not_a_log,
    source_line,
)

__all__ = ["TreeReader"]

_MAX_OPEN_CHILDREN: Final = 1_000
_ATTRIBUTE_TAGS: Final = tuple(f"{{*}}{t}" for t in ATTRIBUTE_TYPES)

_get = etree._Element.get
_tag = attrgetter("tag")


class TreeReader:
    """Reads any XES with lxml's pull parser, freeing elements as soon as they are read.

    Rows go through ``map`` over lxml's C methods, so no Python code runs per
    attribute; they are handed to the sink as Arrow arrays before each flush.
    """

    def __init__(self, sink: Sink, report: Callable[[], None]) -> None:
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
            self._handle(feed_xml(parser, chunk, path))
            self._trim()
            if len(self.event_traces) >= self.sink.batch_events:
                self._deliver()
                self.sink.flush(self.sink.events)
                self.report()
        root = close_xml(parser, path)
        if self.log is None:
            raise not_a_log(path, local(root.tag), source_line(root))
        self._deliver()
        self.sink.finish(source_line(self.log))

    def _handle(self, events: Iterable[tuple[str, etree._Element]]) -> None:
        for action, elem in events:
            if self.log is None:
                self._open_log(action, elem)
            elif elem.getparent() is not self.log:
                continue  # the log's own end, or a <trace>/<global> where it means nothing
            elif action == "start":
                if local(elem.tag) == "trace":
                    self.sink.traces += 1
                    self.open = (elem, self.sink.traces)
            elif self.open is not None and elem is self.open[0]:
                self._take(self.open[1], elem.iterchildren(*_ATTRIBUTE_TAGS), None)
                self.open = None
            elif local(elem.tag) == "global":
                for child in elem:
                    self.sink.add_global(elem.get("scope", "event"), *_row(child))

    def _open_log(self, action: str, elem: etree._Element) -> None:
        if action != "start" or local(elem.tag) != "log" or elem.getparent() is not None:
            root = elem.getroottree().getroot()
            raise not_a_log(self.sink.path, local(root.tag), source_line(root))
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


def _strings(values: list[object]) -> pa.Array:
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # a non-element child (entity reference)
        return pa.array([v if isinstance(v, str) else None for v in values], type=pa.string())


def _row(elem: etree._Element) -> tuple[str | None, object, str | None]:
    return elem.get("key"), elem.tag, elem.get("value")


def _extend(
    rows: tuple[list[object], list[object], list[object]], elems: list[etree._Element]
) -> None:
    rows[0].extend(map(_get, elems, repeat("key")))
    rows[1].extend(map(_get, elems, repeat("value")))
    rows[2].extend(map(_tag, elems))
