"""The Inductive Miner, infrequent variant (IMf), on a variant log.

``mine(log, noise)`` returns a process tree. Each step looks at a sub-log:

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

from collections import Counter
from collections.abc import Callable

from opexflow.models import cuts
from opexflow.models.cuts import Graph, Groups, VariantLog
from opexflow.models.tree import TAU, Leaf, Node, Operator, ProcessTree, fold

Step = tuple[Operator, list[VariantLog]]

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


def mine(log: VariantLog, *, noise: float = 0.2) -> ProcessTree:
    """A process tree for ``log`` (variant → cases) by IMf with ``noise`` in [0, 1].

    Example:
        >>> str(mine({("a", "b"): 3, ("a", "c"): 2}))
        "->( 'a', X( 'b', 'c' ) )"
    """
    return fold(_Miner(noise).mine(log))


class _Miner:
    def __init__(self, noise: float) -> None:
        self.noise = noise

    def mine(self, log: VariantLog) -> ProcessTree:
        empty = log.get((), 0)
        if empty:
            rest = {t: n for t, n in log.items() if t}
            if not rest:
                return TAU
            if empty > self.noise * sum(log.values()):
                return Node(Operator.XOR, (TAU, self.mine(rest)))
            log = rest
        base = _base_case(log)
        if base is not None:
            return base
        g = cuts.graph_of(log)
        step = find_cut(log, g) or find_cut(log, filter_graph(g, self.noise))
        if step is None:
            step = fall_through(log, g)
        op, logs = step
        return Node(op, tuple(self.mine(sub) for sub in logs))


def _base_case(log: VariantLog) -> ProcessTree | None:
    if not log:
        return TAU
    if len(log) == 1:
        (trace,) = log
        if len(trace) <= 1:
            return Leaf(trace[0]) if trace else TAU
    return None


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
    strongest: dict[str, int] = {}
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
    g = g or cuts.graph_of(log)
    step = (
        _activity_once_per_trace(log)
        or _activity_concurrent(log, g)
        or _strict_tau_loop(log, g)
        or _tau_loop(log, g)
    )
    return step or _flower(log)


def _alphabet(log: VariantLog) -> list[str]:
    return sorted({a for trace in log for a in trace})


def _split_off(log: VariantLog, activity: str) -> Step:
    only: Counter[cuts.Trace] = Counter()
    others: Counter[cuts.Trace] = Counter()
    for trace, n in log.items():
        only[tuple(a for a in trace if a == activity)] += n
        others[tuple(a for a in trace if a != activity)] += n
    return Operator.AND, [dict(only), dict(others)]


def _activity_once_per_trace(log: VariantLog) -> Step | None:
    """The first activity (by name) exactly once in every trace runs in parallel to
    the rest."""
    candidates = set(_alphabet(log))
    for trace in log:
        candidates = {a for a in candidates if trace.count(a) == 1}
        if not candidates:
            return None
    return _split_off(log, min(candidates))


def _has_cut(g: Graph) -> bool:
    return any(detect(g) is not None for _, detect in _CUTS)


def _activity_concurrent(log: VariantLog, g: Graph) -> Step | None:
    """The first activity (by name) whose removal leaves a log with a cut runs in
    parallel to the rest."""
    bridges = _bridges(log)
    for a in _alphabet(log):
        if _has_cut(_graph_without(g, a, bridges.get(a))):
            return _split_off(log, a)
    return None


Bridge = tuple[Counter[tuple[str, str]], Counter[str], Counter[str]]


def _bridges(log: VariantLog) -> dict[str, Bridge]:
    """For every activity ``a``: the edges, starts and ends that appear when ``a``
    is removed from the traces (``x a a y`` gives ``x y``), from one scan."""
    out: dict[str, Bridge] = {}
    for trace, n in log.items():
        size = len(trace)
        if size < 2:
            continue
        prev = None
        for i, a in enumerate(trace):
            if a == prev:
                continue
            prev = a
            j = i + 1
            while j < size and trace[j] == a:
                j += 1
            if i == 0 and j == size:
                break
            entry = out.get(a)
            if entry is None:
                entry = out[a] = (Counter(), Counter(), Counter())
            if i == 0:
                entry[1][trace[j]] += n
            elif j == size:
                entry[2][trace[i - 1]] += n
            else:
                entry[0][(trace[i - 1], trace[j])] += n
    return out


def _graph_without(g: Graph, a: str, bridge: Bridge | None) -> Graph:
    edges: Counter[tuple[str, str]] = Counter({e: n for e, n in g.edges.items() if a not in e})
    start: Counter[str] = Counter({x: n for x, n in g.start.items() if x != a})
    end: Counter[str] = Counter({x: n for x, n in g.end.items() if x != a})
    if bridge is not None:
        edges.update(bridge[0])
        start.update(bridge[1])
        end.update(bridge[2])
    return Graph(dict(edges), dict(start), dict(end))


def _tau_loop_log(log: VariantLog, g: Graph, *, strict: bool) -> VariantLog:
    out: Counter[cuts.Trace] = Counter()
    for trace, n in log.items():
        x = 0
        for i in range(1, len(trace)):
            if trace[i] in g.start and (not strict or trace[i - 1] in g.end):
                out[trace[x:i]] += n
                x = i
        out[trace[x:]] += n
    return dict(out)


def _strict_tau_loop(log: VariantLog, g: Graph) -> Step | None:
    """Split traces where an end activity is followed by a start activity:
    ``loop(split log, tau)``."""
    return _tau_loop(log, g, strict=True)


def _tau_loop(log: VariantLog, g: Graph, *, strict: bool = False) -> Step | None:
    """Split traces before every start activity: ``loop(split log, tau)``."""
    split = _tau_loop_log(log, g, strict=strict)
    if sum(split.values()) > sum(log.values()):
        return Operator.LOOP, [split, {}]
    return None


def _flower(log: VariantLog) -> Step:
    """``loop(tau, xor(every activity))``: allows anything."""
    return Operator.LOOP, [{}, {(a,): 1 for a in _alphabet(log)}]
