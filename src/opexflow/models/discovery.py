"""The Inductive Miner, infrequent variant (IMf), on a variant log.

``mine(log, noise)`` returns a process tree. The log is a
:class:`~opexflow.models.varlog.VariantLog` (flat arrays of activity codes; a
mapping of variants to cases is converted). Each step looks at a sub-log:

1. empty traces: if more than ``noise`` of its cases are empty, the tree is
   ``xor(tau, rest)``; otherwise they are dropped as noise;
2. base cases: no cases → tau; one variant of one activity → that activity;
3. a cut (exclusive choice, sequence, parallel, loop) on the directly-follows
   graph; the sub-logs are projected and mined in turn;
4. no cut: edges weaker than ``noise`` times the strongest edge leaving the same
   activity (and start activities weaker than ``noise`` times the strongest
   start) are removed and the cuts are tried again on the filtered graph;
5. still none: a fall-through — an activity once per trace, an activity in
   parallel to the rest, a strict tau loop, a tau loop, or finally the flower
   model ``loop(tau, xor(a, b, ...))``.

This follows Leemans, Fahland and van der Aalst, *Discovering block-structured
process models from event logs containing infrequent behaviour* (BPM 2013) and
the choices PM4Py makes, so that models are comparable with PM4Py's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import numpy as np

from opexflow.models import cuts
from opexflow.models.cuts import Groups
from opexflow.models.tree import TAU, Leaf, Node, Operator, ProcessTree, fold
from opexflow.models.varlog import Graph, VariantLog, sums

Step = tuple[Operator, list[VariantLog]]
K = TypeVar("K")

_CUTS: tuple[tuple[Operator, Callable[[Graph], Groups | None]], ...] = (
    (Operator.XOR, cuts.xor_cut),
    (Operator.SEQ, cuts.sequence_cut),
    (Operator.AND, cuts.and_cut),
    (Operator.LOOP, cuts.loop_cut),
)
_PROJECT: dict[Operator, Callable[[VariantLog, Groups], list[VariantLog]]] = {
    Operator.XOR: cuts.project_xor,
    Operator.SEQ: cuts.project_sequence,
    Operator.AND: cuts.project_and,
    Operator.LOOP: cuts.project_loop,
}


def mine(log: VariantLog | Mapping[tuple[str, ...], int], *, noise: float = 0.2) -> ProcessTree:
    """A process tree for ``log`` (variants and their cases) by IMf with ``noise`` in [0, 1].

    Example:
        >>> str(mine({("a", "b"): 3, ("a", "c"): 2}))
        "->( 'a', X( 'b', 'c' ) )"
    """
    if not isinstance(log, VariantLog):
        log = VariantLog.from_variants(log)
    return fold(_Miner(noise).mine(log))


class _Miner:
    def __init__(self, noise: float) -> None:
        self.noise = noise

    def mine(self, log: VariantLog) -> ProcessTree:
        lengths = log.lengths()
        empty = int(log.counts[lengths == 0].sum())
        if empty:
            rest = log.drop_empty()
            if not rest.n_traces:
                return TAU
            if empty > self.noise * log.cases():
                return Node(Operator.XOR, (TAU, self.mine(rest)))
            log, lengths = rest, lengths[lengths > 0]
        if not log.n_traces:
            return TAU
        if (lengths == 1).all() and (log.codes == log.codes[0]).all():
            return Leaf(log.names[int(log.codes[0])])
        g = log.graph()
        step = find_cut(log, g) or find_cut(log, filter_graph(g, self.noise))
        if step is None:
            step = fall_through(log, g)
        op, logs = step
        return Node(op, tuple(self.mine(sub) for sub in logs))


def find_cut(log: VariantLog, g: Graph) -> Step | None:
    """The first cut that holds on ``g``, with ``log`` projected on its groups."""
    for op, detect in _CUTS:
        groups = detect(g)
        if groups is not None:
            return op, _PROJECT[op](log, groups)
    return None


def filter_graph(g: Graph, noise: float) -> Graph:
    """IMf's filter: keep an edge only if it is stronger than ``noise`` times the
    strongest way of leaving its source (an edge or ending there); keep start
    activities at least ``noise`` times the most frequent start."""
    strongest: dict[int, int] = {}
    for (a, _), n in g.edges.items():
        strongest[a] = max(strongest.get(a, 0), n, g.end.get(a, 0))
    edges = {e: n for e, n in g.edges.items() if n > noise * strongest[e[0]]}
    top = max(g.start.values(), default=0)
    start = {a: n for a, n in g.start.items() if n >= top * noise}
    return Graph(edges, start, dict(g.end))


# -- fall-throughs -----------------------------------------------------------------


def fall_through(log: VariantLog, g: Graph | None = None) -> Step:
    """The first fall-through that applies; the flower model always does.
    ``g`` is the log's directly-follows graph, if already known."""
    g = g or log.graph()
    step = (
        _activity_once_per_trace(log)
        or _activity_concurrent(log, g)
        or _strict_tau_loop(log, g)
        or _tau_loop(log, g)
    )
    return step or _flower(log)


def _split_off(log: VariantLog, activity: int) -> Step:
    only = log.codes == activity
    return Operator.AND, [log.keep_events(only), log.keep_events(~only)]


def _activity_once_per_trace(log: VariantLog) -> Step | None:
    """The first activity (by name) exactly once in every trace runs in parallel to
    the rest."""
    total = np.bincount(log.codes, minlength=len(log.names))
    for a in np.flatnonzero(total == log.n_traces).tolist():
        per_trace = np.bincount(log.trace[log.codes == a], minlength=log.n_traces)
        if (per_trace == 1).all():
            return _split_off(log, a)
    return None


def _has_cut(g: Graph) -> bool:
    return any(detect(g) is not None for _, detect in _CUTS)


def _activity_concurrent(log: VariantLog, g: Graph) -> Step | None:
    """The first activity (by name) whose removal leaves a log with a cut runs in
    parallel to the rest."""
    bridges = _bridges(log)
    for a in log.alphabet():
        if _has_cut(_graph_without(g, a, bridges.get(a))):
            return _split_off(log, a)
    return None


Bridge = tuple[dict[tuple[int, int], int], dict[int, int], dict[int, int]]


def _bridges(log: VariantLog) -> dict[int, Bridge]:
    """For every activity ``a``: the edges, starts and ends that appear when ``a``
    is removed from the traces (``x a a y`` gives ``x y``), from the runs of equal
    activities of all traces at once."""
    first, last = log.bounds()
    runs = first.copy()
    np.not_equal(log.codes[1:], log.codes[:-1], out=runs[1:])
    runs |= first
    at = np.flatnonzero(runs)
    act = log.codes[at]
    opens = first[at]
    closes = last[np.append(at[1:], len(log.codes)) - 1]
    weight = log.counts[log.trace[at]]
    k = len(log.names)
    before = np.roll(act, 1)
    after = np.roll(act, -1)
    out: dict[int, Bridge] = {}
    inner = ~opens & ~closes
    for key, n in sums((act * k + before)[inner] * k + after[inner], weight[inner], k**3).items():
        a, x, y = key // (k * k), key // k % k, key % k
        out.setdefault(a, ({}, {}, {}))[0][(x, y)] = n
    head, tail = opens & ~closes, closes & ~opens
    for key, n in sums(act[head] * k + after[head], weight[head], k * k).items():
        out.setdefault(key // k, ({}, {}, {}))[1][key % k] = n
    for key, n in sums(act[tail] * k + before[tail], weight[tail], k * k).items():
        out.setdefault(key // k, ({}, {}, {}))[2][key % k] = n
    return out


def _graph_without(g: Graph, a: int, bridge: Bridge | None) -> Graph:
    edges = {e: n for e, n in g.edges.items() if a != e[0] and a != e[1]}
    start = {x: n for x, n in g.start.items() if x != a}
    end = {x: n for x, n in g.end.items() if x != a}
    if bridge is not None:
        _add(edges, bridge[0])
        _add(start, bridge[1])
        _add(end, bridge[2])
    return Graph(edges, start, end)


def _add(into: dict[K, int], more: dict[K, int]) -> None:
    for x, n in more.items():
        into[x] = into.get(x, 0) + n


def _tau_loop_log(log: VariantLog, g: Graph, *, strict: bool) -> VariantLog | None:
    """The traces cut before every start activity (``strict``: only where it follows
    an end activity); None when nothing is cut."""
    first, _ = log.bounds()
    starts = np.zeros(len(log.names), dtype=np.bool_)
    starts[list(g.start)] = True
    cut = starts[log.codes] & ~first
    if strict:
        ends = np.zeros(len(log.names), dtype=np.bool_)
        ends[list(g.end)] = True
        cut[1:] &= ends[log.codes[:-1]]
    if not cut.any():
        return None
    empty = log.counts[log.lengths() == 0]
    return log.slices(cut, np.ones(len(log.codes), dtype=np.bool_), empty)


def _strict_tau_loop(log: VariantLog, g: Graph) -> Step | None:
    """Split traces where an end activity is followed by a start activity:
    ``loop(split log, tau)``."""
    return _tau_loop(log, g, strict=True)


def _tau_loop(log: VariantLog, g: Graph, *, strict: bool = False) -> Step | None:
    """Split traces before every start activity: ``loop(split log, tau)``."""
    split = _tau_loop_log(log, g, strict=strict)
    return None if split is None else (Operator.LOOP, [split, log.empty_like()])


def _flower(log: VariantLog) -> Step:
    """``loop(tau, xor(every activity))``: allows anything."""
    return Operator.LOOP, [log.empty_like(), log.singletons(log.alphabet())]
