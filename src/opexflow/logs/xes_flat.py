"""The flat reader of :func:`~opexflow.logs.xes.stage_xes`: XES without an XML tree.

Why: building lxml's elements costs more than everything else the import does
with them. On BPIC 2012 (262,200 events, 74 MB of XML) libxml2 alone checks the
XML in about 0.8 s and the elements add over 1 s: the tree reader
(:mod:`opexflow.logs.xes_tree`) stages it in about 2.4 s, this reader in 1.1 s.

How: libxml2 still checks that the XML is well-formed, through an lxml parser
whose target has no callbacks, so it builds nothing; it does so on a thread of
its own (:mod:`opexflow.logs.xes_check`), beside the scan. The same bytes are cut at
their double quotes with Arrow: in the XES that tools write, markup and
attribute values alternate. The few distinct markup strings (``"/><string
key=``...) are classified once, in Python, into a change of depth, the start
tags they open and the attribute whose value follows; NumPy then rebuilds from
them, for the whole slice at once, the depth, kind and parent of each element
and the owner of each value. The bytes are scanned in slices of
``_SCAN_BYTES`` that end before a ``<``, so memory stays bounded.

When it hands over: it raises :class:`Unsupported` for anything else than
double-quoted attributes in UTF-8 (or ASCII) with comments only before the root:
text, comments, CDATA or processing instructions inside the log, single-quoted
attributes, a DTD, another encoding. :func:`~opexflow.logs.xes.stage_xes` then
drops what it wrote and reads the file again with the tree reader, which
produces the same rows (:mod:`opexflow.logs.xes_reader` describes what a
reader hands to its sink). Errors in the XML itself are reported by libxml2,
as with the tree reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opexflow.logs.xes_check import XmlCheck
from opexflow.logs.xes_reader import ATTRIBUTE_TYPES, Sink, local, not_a_log

__all__ = ["FlatReader", "Unsupported"]

# Larger than the chunks fed to libxml2, to pay Arrow's overhead per scan less.
_SCAN_BYTES: Final = 4 * 1024 * 1024

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


class Unsupported(Exception):
    """The flat reader meets XML it does not handle; the tree reader takes over."""


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
            opens.append((depth, local(start.decode(errors="replace"))))
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


_SPECIAL: Final = (b"\t", b"\n", b"\r", b"&")


def _plain(values: pa.Array) -> bool:
    """Whether no value has whitespace to normalise or references to replace."""
    _, offsets, data = values.buffers()
    if not len(values) or data is None:
        return True
    start, end = np.frombuffer(offsets, np.int32)[values.offset :][[0, len(values)]]
    text = data.slice(start, end - start).to_pybytes()
    return not any(byte in text for byte in _SPECIAL)  # bytes search: memchr, not a table


def _decode(raw: pa.Array) -> pa.Array:
    """Attribute values as an XML parser gives them: whitespace normalised, references replaced."""
    try:
        text = raw.cast(pa.string())
    except pa.ArrowInvalid as exc:
        raise Unsupported from exc
    if _plain(raw):
        return text
    if pc.any(pc.match_substring_regex(text, "[\t\n\r]")).as_py():
        text = pc.replace_substring_regex(text, "\r\n|[\t\n\r]", " ")
    mask = pc.fill_null(pc.match_substring(text, "&"), False)
    if pc.any(mask).as_py():
        fixed = [_unescape(s) for s in text.filter(mask).to_pylist()]
        text = pc.replace_with_mask(text, mask, pa.array(fixed, pa.string()))
    return text


class FlatReader:
    """Reads common XES from its bytes with Arrow and NumPy (see the module docstring).

    The bytes are scanned in slices that end before a ``<``, so that every slice
    starts outside a tag and holds whole start tags. Between slices it keeps the
    open elements: their kind and ordinal, by depth.
    """

    def __init__(self, sink: Sink, report: Callable[[], None]) -> None:
        self.sink = sink
        self.report = report
        self.classes: dict[tuple[bytes, bool], _Markup | None] = {}
        self.tags: dict[str, int] = {}
        self.tag_names: list[str] = []
        self.open_kinds = np.zeros(4, dtype=np.int64)  # depth 1-4
        self.open_ordinals = np.zeros(4, dtype=np.int64)
        self.depth = 0
        self.scopes: dict[int, str] = {}  # <global> ordinal -> its scope
        self.root_line: int | None = None

    def read(self, chunks: Iterable[bytes]) -> None:
        check = XmlCheck(self.sink.path)
        try:
            pending = self._read(chunks, check)
            check.close()
            self._scan(pending)
        except BaseException as exc:
            error = check.outcome(exc)
            if error is exc:
                raise
            raise error  # noqa: B904  (the XML error, with its own cause)
        self.sink.finish(self.root_line)

    def _read(self, chunks: Iterable[bytes], check: XmlCheck) -> bytes:
        """Scan the chunks in slices as libxml2 checks them; the bytes left over."""
        pending: list[bytes] = []
        size = 0
        for chunk in chunks:
            check.feed(chunk)
            pending.append(chunk)
            size += len(chunk)
            if size >= _SCAN_BYTES:
                data = b"".join(pending)
                cut = data.rfind(b"<")
                if cut > 0:
                    self._scan(data[:cut])
                    data = data[cut:]
                pending, size = [data], len(data)
        return b"".join(pending)

    def _scan(self, data: bytes) -> None:
        if self.root_line is None:
            data = self._prolog(data)
        tokens = pc.split_pattern(pa.array([data], pa.binary()), b'"').flatten()
        if len(tokens) % 2 == 0:
            raise Unsupported
        markup = tokens.take(pa.array(np.arange(0, len(tokens), 2)))
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
        self._emit(depth, tag, tokens, element, names)

    def _prolog(self, data: bytes) -> bytes:
        """Skip the XML declaration and comments before the root; UTF-8 only."""
        m = _PROLOG.match(data)
        assert m is not None  # the pattern matches the empty string
        declared = _ENCODING.search(m[1] or b"")
        if declared and declared[1].lower() not in (b"utf-8", b"utf8", b"us-ascii", b"ascii"):
            raise Unsupported
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
            raise Unsupported
        got = [c if c is not None else _Markup(0, (), _NO_ATTR) for c in classes]
        attr = np.array([c.attr for c in got], dtype=np.int64)
        if (attr[uidx[:-1]] == _NO_ATTR).any() or attr[uidx[-1]] != _NO_ATTR:
            raise Unsupported  # a value outside a start tag: text with a quote
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
        tokens: pa.Array,
        element: np.ndarray,
        names: np.ndarray,
    ) -> None:
        """Hand the slice's events and attribute rows to the sink.

        ``tokens`` alternate markup and values; ``element`` and ``names`` give each
        value's element and attribute. Values are taken from ``tokens`` only where
        needed: copying them all out first costs more than the rest.
        """
        kind, ordinal, pkind, pord = self._structure(depth, tag)
        value = {code: np.full(len(depth), -1, dtype=np.int64) for code in (_KEY, _VALUE, _SCOPE)}
        for code, at in value.items():
            of_code = names == code
            at[element[of_code]] = 2 * np.flatnonzero(of_code) + 1  # the token of the value
        is_attribute = np.array([t in ATTRIBUTE_TYPES for t in self.tag_names], dtype=bool)
        tag_names = pa.array(self.tag_names, pa.string())
        for scope, sel in (
            ("event", (depth == 4) & (pkind == _EVENT)),
            ("trace", (depth == 3) & (pkind == _TRACE) & is_attribute[tag]),
        ):
            keys, vals = (_decode(_pick(tokens, value[c][sel])) for c in (_KEY, _VALUE))
            rows = (pord[sel], keys, vals, tag_names.take(pa.array(tag[sel])))
            self.sink.add_rows(scope, rows)  # type: ignore[arg-type]
        for i in np.flatnonzero(kind == _GLOBAL):
            scope = _decode(_pick(tokens, value[_SCOPE][[i]]))[0].as_py()
            self.scopes[int(ordinal[i])] = scope or "event"
        for i in np.flatnonzero((depth == 3) & (pkind == _GLOBAL)):
            key, val = (_decode(_pick(tokens, value[c][[i]]))[0].as_py() for c in (_KEY, _VALUE))
            self.sink.add_global(self.scopes[int(pord[i])], key, self.tag_names[tag[i]], val)
        complete = self.sink.events
        if self.depth >= 3 and self.open_kinds[2] == _EVENT:
            complete = int(self.open_ordinals[2])  # the open event is not complete
        if complete - self.sink.written >= self.sink.batch_events:
            self.sink.flush(complete)
            self.report()

    def _structure(self, depth: np.ndarray, tag: np.ndarray) -> tuple[np.ndarray, ...]:
        """Kind and ordinal of each start tag, and of its parent; announce the events."""
        n = len(depth)
        tag_kinds = np.array([_KINDS.get(t, _OTHER) for t in self.tag_names], dtype=np.int64)
        kinds = tag_kinds[tag]
        roots = np.flatnonzero(depth == 1)
        if roots.size and (roots[0] != 0 or kinds[0] != _LOG):
            raise not_a_log(self.sink.path, self.tag_names[tag[roots[0]]], self.root_line)
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
