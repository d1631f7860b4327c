"""Precision by ETConformance on token replay (Muñoz-Gama & Carmona, 2010), as
PM4Py's ``precision_token_based_replay`` computes it.

For every prefix of the log's variants that replays without missing tokens, the
activities the model allows next (through silent transitions) are compared with
the activities that really followed the prefix in the log; an allowed activity
that never followed is an *escaping edge*. Weighted by the cases passing through
each prefix, ``precision = 1 - escaping / allowed``. The empty prefix counts
with every case, against the log's start activities.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from opexflow.models.petri import PetriNet
from opexflow.models.tokens import CompiledNet, Frozen

METHOD = "ETConformance on token-based replay"


def etc_precision(
    net: PetriNet | CompiledNet, variants: Iterable[tuple[Sequence[str], int]]
) -> float:
    """Precision of ``net`` for the ``(activities, cases)`` variants.

    Example:
        >>> from opexflow.models.petri import tree_to_net
        >>> from opexflow.models.tree import Leaf
        >>> etc_precision(tree_to_net(Leaf("a")), [(["a"], 2)])
        1.0
    """
    c = net if isinstance(net, CompiledNet) else CompiledNet(net)
    # A trie of prefixes: node -> cases continuing after it, what followed, its
    # marking (None once the prefix needed missing tokens).
    child: dict[tuple[int, str], int] = {}
    count: list[int] = [0]
    followed: list[set[str]] = [set()]
    marks: list[Frozen | None] = [c.initial]
    cases = 0
    for acts, n in variants:
        cases += n
        node = 0
        for i, activity in enumerate(acts):
            if i:
                count[node] += n
                followed[node].add(activity)
            nxt = child.get((node, activity))
            if nxt is None:
                nxt = child[(node, activity)] = len(count)
                count.append(0)
                followed.append(set())
                marks.append(_after(c, marks[node], activity))
            node = nxt
    allowed_at_start = c.eventually_enabled(c.initial)
    starts = {a for (parent, a) in child if parent == 0}
    escaping = cases * len(allowed_at_start - starts)
    allowed = cases * len(allowed_at_start)
    memo: dict[Frozen, frozenset[str]] = {}
    for node in range(1, len(count)):
        marking = marks[node]
        if marking is None or not count[node]:
            continue
        if marking not in memo:
            memo[marking] = c.eventually_enabled(marking)
        enabled = memo[marking]
        allowed += count[node] * len(enabled)
        escaping += count[node] * len(enabled - followed[node])
    return 1.0 - escaping / allowed if allowed else 1.0


def _after(c: CompiledNet, marking: Frozen | None, activity: str) -> Frozen | None:
    if marking is None:
        return None
    s = c.step(marking, activity)
    return s.marking if s.missing == 0 else None
