"""The four cuts of the Inductive Miner and how each splits a log.

A log here is a :class:`~opexflow.models.varlog.VariantLog`: the variants'
activity codes as flat arrays, each variant weighted by its cases. Cut
*detection* reads only the directly-follows graph (codes are in name order, so
sorting codes sorts names); *projection* splits every variant at once with
array operations, never per event or per case in Python.

References: S.J.J. Leemans, *Robust Process Mining with Guarantees* (2017),
ch. 6 (cuts) and p. 233 (strict sequence cut).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from opexflow.models.varlog import Graph, Ints, VariantLog, lookup

Groups = list[set[int]]


def _members(mask: int, verts: list[int]) -> set[int]:
    out = set()
    while mask:
        low = mask & -mask
        out.add(verts[low.bit_length() - 1])
        mask ^= low
    return out


def _closure(direct: list[int]) -> list[int]:
    """Reachability by one or more steps (Warshall, on bitmasks)."""
    reach = list(direct)
    for k in range(len(reach)):
        bit, rk = 1 << k, reach[k]
        for i, ri in enumerate(reach):
            if ri & bit:
                reach[i] = ri | rk
    return reach


def _components(adj: list[int]) -> list[int]:
    """Connected components of a symmetric adjacency, as bitmasks, by smallest member."""
    comps = []
    left = (1 << len(adj)) - 1
    while left:
        comp = frontier = left & -left
        while frontier:
            grown = 0
            while frontier:
                low = frontier & -frontier
                grown |= adj[low.bit_length() - 1]
                frontier ^= low
            frontier = grown & ~comp
            comp |= frontier
        comps.append(comp)
        left &= ~comp
    return comps


def _plain_components(nodes: Iterable[int], pairs: Iterable[tuple[int, int]]) -> list[set[int]]:
    """Connected components of ``nodes`` joined by ``pairs``, by smallest member."""
    verts = sorted(nodes)
    at = {v: i for i, v in enumerate(verts)}
    adj = [0] * len(verts)
    for a, b in pairs:
        adj[at[a]] |= 1 << at[b]
        adj[at[b]] |= 1 << at[a]
    return [_members(c, verts) for c in _components(adj)]


# -- detection -----------------------------------------------------------------


def xor_cut(g: Graph) -> Groups | None:
    """Exclusive choice: the connected components of the undirected graph."""
    verts, out, inn = g.adjacency()
    comps = _components([o | i for o, i in zip(out, inn, strict=True)])
    if len(comps) <= 1:
        return None
    return [_members(c, verts) for c in comps]


def sequence_cut(g: Graph) -> Groups | None:
    """Sequence (strict variant): groups that reach each other only one way, in order."""
    verts, out, inn = g.adjacency()
    if not verts:
        return None
    succ, pred = _closure(out), _closure(inn)
    n = len(verts)
    full = (1 << n) - 1
    # a and b go together when each reaches the other, or neither does.
    same = [full & ~(s ^ p) & ~(1 << i) for i, (s, p) in enumerate(zip(succ, pred, strict=True))]
    comps = _components(same)
    if len(comps) <= 1:
        return None

    def rank(comp: int) -> int:
        first = (comp & -comp).bit_length() - 1
        return pred[first].bit_count() + n - succ[first].bit_count()

    return _strict([_members(c, verts) for c in sorted(comps, key=rank)], g)


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


def _skippable(p: int, groups: Groups, g: Graph, start: set[int], end: set[int]) -> bool:
    before = set().union(*groups[:p]) if p else set()
    after = set().union(*groups[p + 1 :])
    if any(a in before and b in after for a, b in g.edges):
        return True
    return bool(after & start) or bool(before & end)


def and_cut(g: Graph) -> Groups | None:
    """Parallel: groups fully connected both ways, each with a start and an end activity."""
    verts, out, inn = g.adjacency()
    if not verts:
        return None
    full = (1 << len(verts)) - 1
    # a and b are split apart unless each directly follows the other.
    apart = [full & ~(o & i) & ~(1 << k) for k, (o, i) in enumerate(zip(out, inn, strict=True))]
    groups = [_members(c, verts) for c in _components(apart)]
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
    redo = _plain_components(rest, inner)
    for grp in redo:
        if _belongs_to_do(grp, g, start, end):
            do |= grp
            grp.clear()
    redo_all = set().union(*redo) if redo else set()
    return [do, redo_all] if redo_all else None


def _belongs_to_do(grp: set[int], g: Graph, start: set[int], end: set[int]) -> bool:
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
    k = len(groups)
    g = lookup(len(log.names), groups)[log.codes]
    inside = g >= 0
    per = np.bincount(log.trace[inside] * k + g[inside], minlength=log.n_traces * k)
    best = k - 1 - np.argmax(per.reshape(log.n_traces, k)[:, ::-1], axis=1)
    return [log.select(best == i, g == i) for i in range(k)]


def project_sequence(log: VariantLog, groups: Groups) -> list[VariantLog]:
    """Split each variant where the fewest events fall outside their group.

    A variant whose events follow the groups' order (and all lie in a group)
    splits between the groups' runs. Any other one is split group by group: for
    group ``i`` the split point minimises (events of later groups or of no group)
    - (events of group ``i``) over the prefix from the previous split point,
    events of earlier groups counting zero; the first minimum wins.
    """
    g = lookup(len(log.names), groups)[log.codes]
    first, _ = log.bounds()
    disorder = np.zeros(log.n_traces, dtype=np.bool_)
    disorder[log.trace[1:][(g[1:] < g[:-1]) & ~first[1:]]] = True
    disorder[log.trace[g < 0]] = True
    if disorder.any():
        g = g.copy()
        mixed = disorder[log.trace]
        g[mixed] = _assign_by_cost(g[mixed], log.trace[mixed], len(groups))
    return [log.keep_events(g == i) for i in range(len(groups))]


def _assign_by_cost(g: Ints, trace: Ints, k: int) -> Ints:
    """The group each event of out-of-order traces goes to (-1: dropped), choosing
    every trace's split points at once, group after group."""
    n = len(g)
    first = np.ones(n, dtype=np.bool_)
    np.not_equal(trace[1:], trace[:-1], out=first[1:])
    begin = np.flatnonzero(first)
    owner = np.cumsum(first) - 1  # trace of each event, numbered 0.. here
    pos = np.arange(n) - begin[owner]  # position within the trace
    split = np.zeros(len(begin), dtype=np.int64)  # per trace: where group i starts
    out = np.full(n, -1, dtype=np.int64)
    for i in range(k):
        after = pos >= split[owner]
        step = np.where(g == i, -1, np.where((g > i) | (g < 0), 1, 0)) * after
        cost = np.cumsum(step)
        cost -= (cost - step)[begin][owner]  # restart the sum at every trace
        low = np.minimum.reduceat(cost, begin)
        at = np.flatnonzero((cost == low[owner]) & (low[owner] < 0))
        hit, firsts = np.unique(owner[at], return_index=True)
        cut = split.copy()
        cut[hit] = pos[at[firsts]] + 1
        mine = after & (pos < cut[owner]) & (g == i)
        out[mine] = i
        split = cut
    return out


def project_and(log: VariantLog, groups: Groups) -> list[VariantLog]:
    """Each group keeps its own events of every variant."""
    g = lookup(len(log.names), groups)[log.codes]
    return [log.keep_events(g == i) for i in range(len(groups))]


def project_loop(log: VariantLog, groups: Groups) -> list[VariantLog]:
    """Cut each variant into do and redo slices; activities of neither end a slice.

    Every variant also adds its last do slice, empty when it ends in a redo
    slice (so the do part learns it may be left after a redo).
    """
    part = lookup(len(log.names), groups)[log.codes]  # 0 do, 1 redo, -1 neither
    first, last = log.bounds()
    runs = first.copy()
    np.not_equal(part[1:], part[:-1], out=runs[1:])
    runs |= first
    ends_in_do = np.zeros(log.n_traces, dtype=np.bool_)
    ends_in_do[log.trace[last & (part == 0)]] = True
    leave = log.counts[~ends_in_do]
    return [log.slices(runs, part == 0, leave), log.slices(runs, part == 1)]
