"""A variant log as flat integer arrays: the Inductive Miner's working form.

Why: IMf splits its log again and again — on groups of activities, at loop
boundaries — and reads a directly-follows graph from every piece. On tuples of
names each of those is a Python loop over every event of every variant; on flat
arrays it is a few NumPy operations over all of them at once (BPIC 2012: 110k
events in 4,336 variants, about 65 sub-logs).

Layout: ``codes`` holds the events of all traces, one trace after another;
``trace`` the number of the trace of each event (non-decreasing); ``counts`` the
cases of each trace. A trace number without events is an empty trace. Traces may
repeat: a projection does not merge equal traces, which changes no figure IMf
reads (they are all sums over cases). Activity codes index ``names``, which is
sorted, so comparing codes compares names, as IMf's tie-breaks do.

Example:
    >>> log = VariantLog.from_variants([(("a", "b"), 3), (("b",), 1)])
    >>> log.to_dict()
    {('a', 'b'): 3, ('b',): 1}
    >>> log.graph().edges
    {(0, 1): 3}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.int64]
Mask = NDArray[np.bool_]
_NONE: Ints = np.zeros(0, dtype=np.int64)


@dataclass(slots=True)
class Graph:
    """A directly-follows graph with start and end counts, over activity codes.

    Treat it as immutable: :meth:`adjacency` is computed once.
    """

    edges: dict[tuple[int, int], int] = field(default_factory=dict)
    start: dict[int, int] = field(default_factory=dict)
    end: dict[int, int] = field(default_factory=dict)
    _adjacency: tuple[list[int], list[int], list[int]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def vertices(self) -> set[int]:
        out = set(self.start) | set(self.end)
        for a, b in self.edges:
            out.add(a)
            out.add(b)
        return out

    def adjacency(self) -> tuple[list[int], list[int], list[int]]:
        """The vertices in name order, and per vertex its successors and predecessors
        as bitmasks over those positions (graphs have tens of activities: bit
        operations on Python ints beat sets)."""
        if self._adjacency is None:
            verts = sorted(self.vertices)
            at = {v: i for i, v in enumerate(verts)}
            out = [0] * len(verts)
            inn = [0] * len(verts)
            for a, b in self.edges:
                out[at[a]] |= 1 << at[b]
                inn[at[b]] |= 1 << at[a]
            self._adjacency = (verts, out, inn)
        return self._adjacency


@dataclass(frozen=True, slots=True, eq=False)
class VariantLog:
    """Traces (activity codes) with their number of cases, as flat arrays."""

    names: tuple[str, ...]
    codes: Ints
    trace: Ints
    counts: Ints

    @classmethod
    def from_variants(
        cls, variants: Iterable[tuple[Sequence[str], int]] | Mapping[tuple[str, ...], int]
    ) -> VariantLog:
        """From ``(activities, cases)`` pairs (or a mapping of them)."""
        pairs = list(variants.items() if isinstance(variants, Mapping) else variants)
        names = tuple(sorted({a for trace, _ in pairs for a in trace}))
        code = {a: i for i, a in enumerate(names)}
        codes = np.fromiter((code[a] for t, _ in pairs for a in t), dtype=np.int64)
        lengths = np.fromiter((len(t) for t, _ in pairs), dtype=np.int64, count=len(pairs))
        counts = np.fromiter((n for _, n in pairs), dtype=np.int64, count=len(pairs))
        return cls.from_codes(names, codes, lengths, counts)

    @classmethod
    def from_codes(
        cls, names: Sequence[str], codes: Ints, lengths: Ints, counts: Ints
    ) -> VariantLog:
        """From concatenated codes, each trace's length and cases; ``names`` need not be
        sorted (the codes are renumbered in name order)."""
        order = sorted(range(len(names)), key=names.__getitem__)
        if order != list(range(len(names))):
            rank = np.empty(len(names), dtype=np.int64)
            rank[order] = np.arange(len(names))
            codes = rank[codes]
            names = [names[i] for i in order]
        trace = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        return cls(tuple(names), codes.astype(np.int64, copy=False), trace, counts)

    # -- reading ---------------------------------------------------------------

    @property
    def n_traces(self) -> int:
        return len(self.counts)

    def lengths(self) -> Ints:
        return np.bincount(self.trace, minlength=self.n_traces).astype(np.int64)

    def cases(self) -> int:
        return int(self.counts.sum())

    def alphabet(self) -> list[int]:
        """The activity codes that occur, in name order."""
        return np.flatnonzero(np.bincount(self.codes, minlength=len(self.names))).tolist()

    def bounds(self) -> tuple[Mask, Mask]:
        """Per event: is it the first of its trace, is it the last."""
        n = len(self.codes)
        first = np.ones(n, dtype=np.bool_)
        np.not_equal(self.trace[1:], self.trace[:-1], out=first[1:])
        last = np.ones(n, dtype=np.bool_)
        last[:-1] = first[1:]
        return first, last

    def graph(self) -> Graph:
        """The directly-follows graph, each trace weighted by its cases."""
        if not len(self.codes):
            return Graph()
        k = len(self.names)
        c, w = self.codes, self.counts[self.trace]
        first, _ = self.bounds()
        pairs = c[:-1] * k
        pairs += c[1:]
        # Pairs across two traces are no edges: they go to an extra key, k * k.
        pairs[first[1:]] = k * k
        edges = sums(pairs, w[1:], k * k + 1)
        edges.pop(k * k, None)
        opens = np.flatnonzero(first)
        closes = np.append(opens[1:], len(c)) - 1
        return Graph(
            {(key // k, key % k): n for key, n in edges.items()},
            sums(c[opens], w[opens], k),
            sums(c[closes], w[closes], k),
        )

    def to_dict(self) -> dict[tuple[str, ...], int]:
        """``{activities: cases}``, equal traces merged (for tests and small logs)."""
        out: dict[tuple[str, ...], int] = {}
        if not self.n_traces:
            return out
        split = np.cumsum(self.lengths())[:-1]
        for part, n in zip(np.split(self.codes, split), self.counts.tolist(), strict=True):
            key = tuple(self.names[i] for i in part.tolist())
            out[key] = out.get(key, 0) + n
        return out

    # -- making sub-logs ---------------------------------------------------------

    def keep_events(self, mask: Mask) -> VariantLog:
        """The same traces with only the events in ``mask`` (traces may become empty)."""
        return VariantLog(self.names, self.codes[mask], self.trace[mask], self.counts)

    def select(self, traces: Mask, events: Mask) -> VariantLog:
        """The traces in ``traces``, with their events in ``events``."""
        renumber = np.cumsum(traces) - 1
        keep = traces[self.trace] & events
        return VariantLog(
            self.names, self.codes[keep], renumber[self.trace[keep]], self.counts[traces]
        )

    def drop_empty(self) -> VariantLog:
        return self.select(self.lengths() > 0, np.ones(len(self.codes), dtype=np.bool_))

    def slices(self, starts: Mask, keep: Mask, extra_empty: Ints = _NONE) -> VariantLog:
        """Cut traces before every event in ``starts`` (and where a trace begins), keep
        the events in ``keep`` as the new traces (slices left without events vanish),
        and add ``extra_empty`` empty traces of those cases."""
        first, _ = self.bounds()
        piece = np.cumsum(first | starts)[keep]
        new = np.ones(len(piece), dtype=np.bool_)
        np.not_equal(piece[1:], piece[:-1], out=new[1:])
        counts = self.counts[self.trace[keep][new]]
        return VariantLog(
            self.names,
            self.codes[keep],
            np.cumsum(new, dtype=np.int64) - 1,
            np.concatenate([counts, extra_empty]),
        )

    def empty_like(self) -> VariantLog:
        return VariantLog(self.names, _NONE, _NONE, _NONE)

    def singletons(self, codes: Iterable[int]) -> VariantLog:
        """One case of each one-activity trace ``(a,)``."""
        arr = np.fromiter(codes, dtype=np.int64)
        return VariantLog(self.names, arr, np.arange(len(arr)), np.ones(len(arr), np.int64))


def sums(keys: Ints, weights: Ints, size: int) -> dict[int, int]:
    """``{key: sum of weights}`` over the keys that occur (keys in ``range(size)``)."""
    if not len(keys):
        return {}
    if size <= 4 * len(keys) + 65_536:
        total = np.bincount(keys, weights=weights, minlength=size)
        at = np.flatnonzero(total)
        return dict(zip(at.tolist(), total[at].astype(np.int64).tolist(), strict=True))
    uniq, inverse = np.unique(keys, return_inverse=True)
    total = np.bincount(inverse, weights=weights)
    return dict(zip(uniq.tolist(), total.astype(np.int64).tolist(), strict=True))


def lookup(size: int, groups: Sequence[set[int]]) -> Ints:
    """Per activity code: the index of its group, or -1."""
    out = np.full(size, -1, dtype=np.int64)
    for i, grp in enumerate(groups):
        out[list(grp)] = i
    return out
