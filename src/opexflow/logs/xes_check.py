"""libxml2's well-formedness check for the flat XES reader, on a thread of its own.

Why: the flat reader (:mod:`opexflow.logs.xes_flat`) cuts the bytes with Arrow
and leaves checking the XML to libxml2, which takes about a third of its time.
lxml releases the GIL while libxml2 parses and this parser builds nothing
(its target has no callbacks), so the check runs on a second core beside the
scan instead of before it.

Errors come out as if the check ran first: :meth:`XmlCheck.close` and
:meth:`XmlCheck.outcome` wait for the bytes fed so far and prefer the XML
error to whatever else went wrong while reading them.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Final

from lxml import etree

from opexflow.errors import LogFormatError
from opexflow.logs.xes_reader import close_xml, feed_xml

__all__ = ["XmlCheck"]

# Chunks that may wait for the check: bounds the memory when the scan runs ahead.
_MAX_WAITING: Final = 64


class _NoTree:
    """A parser target without callbacks: libxml2 checks the XML and builds nothing."""

    def close(self) -> None:
        return None


class XmlCheck:
    """Feeds the bytes of an XML file to libxml2 on a background thread.

    The reader feeds every chunk with :meth:`feed`, calls :meth:`close` at the
    end of the file, and :meth:`outcome` when it fails itself.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._chunks: queue.Queue[bytes | None] = queue.Queue(_MAX_WAITING)
        self._error: LogFormatError | None = None
        self._abandoned = False
        self._complete = False
        self._thread = threading.Thread(target=self._run, name="xes-check", daemon=True)
        self._thread.start()

    def feed(self, chunk: bytes) -> None:
        """Queue the next chunk; the error of an earlier one, if the check has failed."""
        if self._error is not None:
            self._end(complete=False)
            raise self._error
        self._chunks.put(chunk)

    def close(self) -> None:
        """End of the document: wait for the check; its error, if any."""
        self._end(complete=True)
        if self._error is not None:
            raise self._error

    def outcome(self, failure: BaseException) -> BaseException:
        """What to raise for ``failure`` of the reader: the XML error if the bytes
        fed so far have one (the check would have failed first), else ``failure``."""
        if not isinstance(failure, Exception):
            self._abandoned = True  # an interrupt: stop at once, whatever is queued
        self._end(complete=False)
        return self._error if self._error is not None and not self._abandoned else failure

    def _end(self, *, complete: bool) -> None:
        if self._thread.is_alive():
            self._complete = complete
            self._chunks.put(None)
            self._thread.join()

    def _run(self) -> None:
        parser = etree.XMLParser(target=_NoTree())  # type: ignore[arg-type]
        while (chunk := self._chunks.get()) is not None:
            if self._error is None and not self._abandoned:
                self._check(feed_xml, parser, chunk)
        if self._complete and self._error is None:
            self._check(close_xml, parser)

    def _check(self, step: Callable[..., object], parser: etree.XMLParser, *data: bytes) -> None:
        try:
            step(parser, *data, self._path)
        except LogFormatError as exc:
            self._error = exc
