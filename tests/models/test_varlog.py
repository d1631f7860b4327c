"""The array form of a variant log against plain-Python definitions of the same steps.

IMf's projections run on flat NumPy arrays (``opexflow.models.varlog``); here each
one is compared, on generated logs, with a per-trace loop that states the rule
directly.
"""

from __future__ import annotations

import doctest
from collections import Counter
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from opexflow.models import cuts, varlog
from opexflow.models.varlog import VariantLog

Log = dict[tuple[str, ...], int]

traces = st.lists(st.sampled_from("abcde"), max_size=9).map(tuple)
logs = st.dictionaries(traces, st.integers(1, 5), max_size=8)
# Two to four disjoint, non-empty groups (not always covering every activity).
groups = (
    st.lists(st.sampled_from(range(-1, 4)), min_size=5, max_size=5)
    .map(lambda at: [{a for a, i in zip("abcde", at, strict=True) if i == g} for g in range(4)])
    .map(lambda gs: [g for g in gs if g])
    .filter(lambda gs: len(gs) >= 2)
)


def _coded(log: VariantLog, grps: list[set[str]]) -> list[set[int]]:
    at = {a: i for i, a in enumerate(log.names)}
    return [{at[a] for a in g if a in at} for g in grps]


def _where(grps: list[set[str]]) -> dict[str, int]:
    return {a: i for i, g in enumerate(grps) for a in g}


def test_doctests() -> None:
    assert doctest.testmod(varlog).failed == 0


@given(logs)
def test_round_trip_and_graph(log: Log) -> None:
    v = VariantLog.from_variants(log)
    assert v.to_dict() == log
    assert v.cases() == sum(log.values())
    edges: Counter[tuple[str, str]] = Counter()
    start: Counter[str] = Counter()
    end: Counter[str] = Counter()
    for t, n in log.items():
        if t:
            start[t[0]] += n
            end[t[-1]] += n
        for pair in pairwise(t):
            edges[pair] += n
    g = v.graph()
    name = v.names.__getitem__
    assert {(name(a), name(b)): n for (a, b), n in g.edges.items()} == edges
    assert {name(a): n for a, n in g.start.items()} == start
    assert {name(a): n for a, n in g.end.items()} == end


@given(logs, groups)
@settings(max_examples=200)
def test_project_xor(log: Log, grps: list[set[str]]) -> None:
    v = VariantLog.from_variants(log)
    where = _where(grps)
    want: list[Counter[tuple[str, ...]]] = [Counter() for _ in grps]
    for t, n in log.items():
        counts = [sum(where.get(a) == i for a in t) for i in range(len(grps))]
        best = max(range(len(grps)), key=lambda i: (counts[i], i))
        want[best][tuple(a for a in t if where.get(a) == best)] += n
    got = cuts.project_xor(v, _coded(v, grps))
    assert [s.to_dict() for s in got] == [dict(w) for w in want]


def _split_point(gi: list[int], i: int, start: int) -> int:
    best_cost, best_at, cost = 0, start, 0
    for j in range(start, len(gi)):
        cost += -1 if gi[j] == i else (1 if gi[j] > i or gi[j] < 0 else 0)
        if cost < best_cost:
            best_cost, best_at = cost, j + 1
    return best_at


@given(logs, groups)
@settings(max_examples=300)
def test_project_sequence(log: Log, grps: list[set[str]]) -> None:
    v = VariantLog.from_variants(log)
    where = _where(grps)
    want: list[Counter[tuple[str, ...]]] = [Counter() for _ in grps]
    for t, n in log.items():
        gi = [where.get(a, -1) for a in t]
        split = 0
        for i in range(len(grps)):
            cut = _split_point(gi, i, split)
            want[i][tuple(t[x] for x in range(split, cut) if gi[x] == i)] += n
            split = cut
    got = cuts.project_sequence(v, _coded(v, grps))
    assert [s.to_dict() for s in got] == [dict(w) for w in want]


@given(logs, groups)
def test_project_and(log: Log, grps: list[set[str]]) -> None:
    v = VariantLog.from_variants(log)
    want: list[Counter[tuple[str, ...]]] = [Counter() for _ in grps]
    for w, g in zip(want, grps, strict=True):
        for t, n in log.items():
            w[tuple(a for a in t if a in g)] += n
    got = cuts.project_and(v, _coded(v, grps))
    assert [s.to_dict() for s in got] == [dict(w) for w in want]


@given(logs, groups)
def test_project_loop(log: Log, grps: list[set[str]]) -> None:
    do, redo = grps[0], grps[1]
    v = VariantLog.from_variants(log)
    want_do: Counter[tuple[str, ...]] = Counter()
    want_redo: Counter[tuple[str, ...]] = Counter()
    for t, n in log.items():
        runs: list[tuple[int, list[str]]] = []  # (0 do | 1 redo | -1 neither, activities)
        for a in t:
            part = 0 if a in do else 1 if a in redo else -1
            if runs and runs[-1][0] == part:
                runs[-1][1].append(a)
            else:
                runs.append((part, [a]))
        for part, acts in runs:
            if part == 0:
                want_do[tuple(acts)] += n
            elif part == 1:
                want_redo[tuple(acts)] += n
        if not runs or runs[-1][0] != 0:
            want_do[()] += n
    got = cuts.project_loop(v, _coded(v, [do, redo]))
    assert [s.to_dict() for s in got] == [dict(want_do), dict(want_redo)]


def test_codes_follow_names_whatever_order_they_come_in() -> None:
    import numpy as np

    v = VariantLog.from_codes(
        ["c", "a", "b"],
        np.array([0, 1, 2, 1], dtype=np.int64),
        np.array([3, 1], dtype=np.int64),
        np.array([2, 5], dtype=np.int64),
    )
    assert v.names == ("a", "b", "c")
    assert v.to_dict() == {("c", "a", "b"): 2, ("a",): 5}
    assert v.alphabet() == [0, 1, 2]


def test_empty_traces_are_kept_and_dropped_on_request() -> None:
    v = VariantLog.from_variants({(): 3, ("a",): 2})
    assert v.lengths().tolist() == [0, 1]
    assert v.drop_empty().to_dict() == {("a",): 2}
    assert v.empty_like().to_dict() == {}
