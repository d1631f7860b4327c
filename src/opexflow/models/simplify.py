"""A readable process map: the activities and directly-follows edges that cover
a chosen share of cases.

Variants are taken from the most frequent down until they hold ``coverage`` of
the cases; the map keeps exactly the activities and edges those variants use,
with their counts over *all* cases. Every case of a kept variant can be traced
on the map, and the map says how many cases that is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from opexflow.errors import InputError


@dataclass(frozen=True, slots=True)
class ProcessMap:
    """A simplified directly-follows map.

    Attributes:
        activities: ``(activity, events)`` kept, most frequent first.
        edges: ``(source, target, events)`` kept, most frequent first; the
            start is ``"▶"`` and the end ``"■"``.
        coverage: share of cases whose whole variant is on the map.
        cases: all cases of the log.
        variants_kept: variants used to build the map.
        activities_total, edges_total: sizes of the full map, for comparison.
    """

    activities: tuple[tuple[str, int], ...]
    edges: tuple[tuple[str, str, int], ...]
    coverage: float
    cases: int
    variants_kept: int
    activities_total: int
    edges_total: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "coverage": self.coverage,
            "cases": self.cases,
            "variants_kept": self.variants_kept,
            "activities": [{"activity": a, "events": n} for a, n in self.activities],
            "edges": [{"source": s, "target": t, "events": n} for s, t, n in self.edges],
            "activities_total": self.activities_total,
            "edges_total": self.edges_total,
        }


START, END = "▶", "■"


def simplify_map(
    variants: Iterable[tuple[Sequence[str], int]], *, coverage: float = 0.8
) -> ProcessMap:
    """The map of the most frequent variants holding at least ``coverage`` of cases.

    Example:
        >>> m = simplify_map([(("a", "b"), 8), (("a", "c", "b"), 2)], coverage=0.8)
        >>> [e[:2] for e in m.edges]
        [('▶', 'a'), ('a', 'b'), ('b', '■')]
    """
    if not 0.0 < coverage <= 1.0:
        raise InputError(f"coverage={coverage}: 覆盖率应在 (0, 1] 之间 / use a share in (0, 1]")
    ranked = sorted(((tuple(v), n) for v, n in variants), key=lambda x: (-x[1], x[0]))
    total = sum(n for _, n in ranked)
    acts: Counter[str] = Counter()
    edges: Counter[tuple[str, str]] = Counter()
    for trace, n in ranked:
        for a in trace:
            acts[a] += n
        for pair in zip((START, *trace), (*trace, END), strict=True):
            edges[pair] += n
    kept_acts: set[str] = set()
    kept_edges: set[tuple[str, str]] = set()
    covered = kept = 0
    for trace, n in ranked:
        if total and covered / total >= coverage:
            break
        kept_acts.update(trace)
        kept_edges.update(zip((START, *trace), (*trace, END), strict=True))
        covered += n
        kept += 1
    # Variants not chosen but entirely on the map are covered too.
    covered = sum(
        n
        for trace, n in ranked
        if set(trace) <= kept_acts
        and set(zip((START, *trace), (*trace, END), strict=True)) <= kept_edges
    )
    return ProcessMap(
        tuple(sorted(((a, acts[a]) for a in kept_acts), key=lambda x: (-x[1], x[0]))),
        tuple(
            sorted(
                ((s, t, edges[(s, t)]) for s, t in kept_edges), key=lambda x: (-x[2], x[0], x[1])
            )
        ),
        covered / total if total else 1.0,
        total,
        kept,
        len(acts),
        len(edges),
    )
