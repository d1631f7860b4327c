"""The four cuts of the Inductive Miner and how each splits a log.

A log here is a variant log: distinct activity sequences with their number of
cases. Cut *detection* reads only the directly-follows graph; *projection*
splits each variant once, so the cost follows the number of variants, never
the number of events.

References: S.J.J. Leemans, *Robust Process Mining with Guarantees* (2017),
ch. 6 (cuts) and p. 233 (strict sequence cut).
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import repeat

Trace = tuple[str, ...]
VariantLog = dict[Trace, int]
Groups = list[set[str]]


@dataclass(slots=True)
class Graph:
    """A directly-follows graph with start and end counts."""

    edges: dict[tuple[str, str], int] = field(default_factory=dict)
    start: dict[str, int] = field(default_factory=dict)
    end: dict[str, int] = field(default_factory=dict)

    @property
    def vertices(self) -> set[str]:
        out = set(self.start) | set(self.end)
        for a, b in self.edges:
            out.add(a)
            out.add(b)
        return out


def graph_of(log: VariantLog) -> Graph:
    """The directly-follows graph of a variant log (each variant counted by its cases)."""
    edges: Counter[tuple[str, str]] = Counter()
    start: Counter[str] = Counter()
    end: Counter[str] = Counter()
    ones = [t for t, n in log.items() if n == 1 and t]
    # Variants of one case (most of them in real logs) are counted in C loops.
    edges.update(itertools.chain.from_iterable(map(itertools.pairwise, ones)))
    start.update(t[0] for t in ones)
    end.update(t[-1] for t in ones)
    for trace, n in log.items():
        if n == 1 or not trace:
            continue
        start[trace[0]] += n
        end[trace[-1]] += n
        for pair in itertools.pairwise(trace):
            edges[pair] += n
    return Graph(dict(edges), dict(start), dict(end))


def _components(nodes: Iterable[str], pairs: Iterable[tuple[str, str]]) -> list[set[str]]:
    parent = {n: n for n in nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, set[str]] = {}
    for n in sorted(parent):
        groups.setdefault(find(n), set()).add(n)
    return list(groups.values())


def _successors(g: Graph) -> dict[str, set[str]]:
    """Activities reachable from each activity by one or more edges."""
    out: dict[str, set[str]] = {v: set() for v in g.vertices}
    for a, b in g.edges:
        out[a].add(b)
    reach: dict[str, set[str]] = {}
    for v in out:
        seen: set[str] = set()
        stack = list(out[v])
        while stack:
            x = stack.pop()
            if x not in seen:
                seen.add(x)
                stack.extend(out[x] - seen)
        reach[v] = seen
    return reach


# -- detection -----------------------------------------------------------------


def xor_cut(g: Graph) -> Groups | None:
    """Exclusive choice: the connected components of the undirected graph."""
    comps = _components(g.vertices, g.edges)
    if len(comps) <= 1:
        return None
    return sorted(comps, key=lambda c: sorted(c))


def sequence_cut(g: Graph) -> Groups | None:
    """Sequence (strict variant): groups that reach each other only one way, in order."""
    verts = g.vertices
    if not verts:
        return None
    succ = _successors(g)
    pred: dict[str, set[str]] = {v: set() for v in verts}
    for a, reach in succ.items():
        for b in reach:
            pred[b].add(a)
    ordered = sorted(verts)
    pairs = [
        (a, b)
        for i, a in enumerate(ordered)
        for b in ordered[i + 1 :]
        if (b in succ[a]) == (a in succ[b])
    ]
    groups = _components(verts, pairs)
    if len(groups) <= 1:
        return None
    n = len(verts)
    groups.sort(key=lambda grp: len(pred[min(grp)]) + n - len(succ[min(grp)]))
    return _strict(groups, g)


def _strict(groups: Groups, g: Graph) -> Groups:
    """Merge groups that can be skipped together (Leemans 2017, p. 233)."""
    start, end = set(g.start), set(g.end)
    where = {a: i for i, grp in enumerate(groups) for a in grp}
    big = 1 << 62
    mf = [-big if grp & start else big for grp in groups]
    mt = [big if grp & end else -big for grp in groups]
    for a, b in g.edges:
        mf[where[b]] = min(mf[where[b]], where[a])
        mt[where[a]] = max(mt[where[a]], where[b])
    for p in range(len(groups)):
        if not _skippable(p, groups, g, start, end):
            continue
        q = p - 1
        while q >= 0 and mt[q] <= p:
            groups[p] = groups[p] | groups[q]
            groups[q] = set()
            q -= 1
        q = p + 1
        while q < len(mf) and mf[q] >= p:
            groups[p] = groups[p] | groups[q]
            groups[q] = set()
            q += 1
    return [grp for grp in groups if grp]


def _skippable(p: int, groups: Groups, g: Graph, start: set[str], end: set[str]) -> bool:
    before = set().union(*groups[:p]) if p else set()
    after = set().union(*groups[p + 1 :])
    if any(a in before and b in after for a, b in g.edges):
        return True
    return bool(after & start) or bool(before & end)


def and_cut(g: Graph) -> Groups | None:
    """Parallel: groups fully connected both ways, each with a start and an end activity."""
    verts = sorted(g.vertices)
    if not verts:
        return None
    pairs = [
        (a, b)
        for i, a in enumerate(verts)
        for b in verts[i + 1 :]
        if (a, b) not in g.edges or (b, a) not in g.edges
    ]
    groups = _components(verts, pairs)
    groups.sort(key=len)
    start, end = set(g.start), set(g.end)
    i = 0
    while i < len(groups) and len(groups) > 1:
        if groups[i] & start and groups[i] & end:
            i += 1
            continue
        grp = groups.pop(i)
        groups[0 if i == 0 else i - 1] |= grp
    return groups if len(groups) > 1 else None


def loop_cut(g: Graph) -> Groups | None:
    """Loop: the do part (start and end activities and what must go with them), then redo."""
    if not g.edges:
        return None
    start, end = set(g.start), set(g.end)
    do = start | end
    inner = [e for e in g.edges if not (set(e) & do)]
    rest = g.vertices - do
    redo = _components(rest, inner)
    for grp in redo:
        if _belongs_to_do(grp, g, start, end):
            do |= grp
            grp.clear()
    redo_all = set().union(*redo) if redo else set()
    return [do, redo_all] if redo_all else None


def _belongs_to_do(grp: set[str], g: Graph, start: set[str], end: set[str]) -> bool:
    for a, b in g.edges:
        if a in start - end and b in grp:  # reached from a start that is not an end
            return True
        if b in end - start and a in grp:  # leads into an end that is not a start
            return True
        if a in grp and b in start and any((a, s) not in g.edges for s in start):
            return True
        if b in grp and a in end and any((e, b) not in g.edges for e in end):
            return True
    return False


# -- projection ------------------------------------------------------------------


def project_xor(log: VariantLog, groups: Groups) -> list[VariantLog]:
    """Each variant goes to the group holding most of its events (ties: the later group)."""
    logs: list[Counter[Trace]] = [Counter() for _ in groups]
    where = {a: i for i, grp in enumerate(groups) for a in grp}
    k = len(groups)
    for trace, n in log.items():
        owners = set(map(where.get, trace, repeat(-1)))
        if len(owners) == 1 and -1 not in owners:
            # The whole variant lies in one group.
            (only,) = owners
            logs[only][trace] += n
            continue
        counts = [0] * k
        for a in trace:
            i = where.get(a)
            if i is not None:
                counts[i] += 1
        best = max(range(k), key=lambda i: (counts[i], i))
        logs[best][tuple(a for a in trace if where.get(a) == best)] += n
    return [dict(x) for x in logs]


def project_sequence(log: VariantLog, groups: Groups) -> list[VariantLog]:
    """Split each variant where the fewest events fall outside their group.

    For group ``i`` the split point minimises (events of later groups or of no
    group) - (events of group ``i``) over the prefix, counted from the previous
    split point; events of earlier groups count zero.
    """
    logs: list[dict[Trace, int]] = [{} for _ in groups]
    where = {a: i for i, grp in enumerate(groups) for a in grp}
    k = len(groups)
    for trace, n in log.items():
        gi = list(map(where.get, trace, repeat(-1)))
        if gi == sorted(gi) and (not gi or gi[0] >= 0):
            # In order: each group's events form one run, and that run is its part.
            pos = 0
            for i in range(k):
                end = bisect_right(gi, i, pos)
                sub = trace[pos:end]
                logs[i][sub] = logs[i].get(sub, 0) + n
                pos = end
            continue
        left = [0] * k
        for g in gi:
            if g >= 0:
                left[g] += 1
        split = 0
        for i in range(k):
            cut = _split_point(gi, i, split, left[i])
            sub = tuple(trace[x] for x in range(split, cut) if gi[x] == i)
            for x in range(split, cut):
                if gi[x] >= 0:
                    left[gi[x]] -= 1
            logs[i][sub] = logs[i].get(sub, 0) + n
            split = cut
    return logs


def _split_point(gi: list[int], i: int, start: int, remaining: int) -> int:
    # Once every event of group i has been passed the cost can only grow: stop.
    best_cost, best_at, cost, j = 0, start, 0, start
    while remaining:
        g = gi[j]
        j += 1
        if g == i:
            cost -= 1
            remaining -= 1
            if cost < best_cost:
                best_cost, best_at = cost, j
        elif g > i or g < 0:
            cost += 1
    return best_at


def project_and(log: VariantLog, groups: Groups) -> list[VariantLog]:
    """Each group keeps its own events of every variant."""
    out = []
    for grp in groups:
        c: Counter[Trace] = Counter()
        for trace, n in log.items():
            c[tuple(a for a in trace if a in grp)] += n
        out.append(dict(c))
    return out


def project_loop(log: VariantLog, groups: Groups) -> list[VariantLog]:
    """Cut each variant into do and redo slices; activities of neither end a slice.

    Every variant also adds its last do slice, empty when it ends in a redo
    slice (so the do part learns it may be left after a redo).
    """
    do, redo = groups
    do_log: Counter[Trace] = Counter()
    redo_log: Counter[Trace] = Counter()
    for trace, n in log.items():
        do_part: list[str] = []
        redo_part: list[str] = []
        for a in trace:
            if a in do:
                do_part.append(a)
                if redo_part:
                    redo_log[tuple(redo_part)] += n
                    redo_part = []
            elif a in redo:
                redo_part.append(a)
                if do_part:
                    do_log[tuple(do_part)] += n
                    do_part = []
            else:
                if do_part:
                    do_log[tuple(do_part)] += n
                    do_part = []
                if redo_part:
                    redo_log[tuple(redo_part)] += n
                    redo_part = []
        if redo_part:
            redo_log[tuple(redo_part)] += n
        do_log[tuple(do_part)] += n
    return [dict(do_log), dict(redo_log)]
