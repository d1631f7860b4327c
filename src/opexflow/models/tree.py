"""Process trees: the block-structured models the Inductive Miner discovers.

A tree is a leaf (an activity, or ``None`` for the silent step tau) or an
operator over children: ``seq`` (in order), ``xor`` (exactly one), ``and``
(all, interleaved in any order) and ``loop`` (the first child, then any number
of times one of the others followed by the first child again).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum


class Operator(StrEnum):
    """The four process-tree operators."""

    SEQ = "seq"
    XOR = "xor"
    AND = "and"
    LOOP = "loop"

    @property
    def symbol(self) -> str:
        """PM4Py's notation: ``->``, ``X``, ``+``, ``*``."""
        return {"seq": "->", "xor": "X", "and": "+", "loop": "*"}[self.value]


@dataclass(frozen=True, slots=True)
class Leaf:
    """An activity, or the silent step tau when ``activity`` is ``None``."""

    activity: str | None = None

    @property
    def is_tau(self) -> bool:
        return self.activity is None

    def __str__(self) -> str:
        return "tau" if self.activity is None else repr(self.activity)


@dataclass(frozen=True, slots=True)
class Node:
    """An operator applied to two or more children, in order."""

    operator: Operator
    children: tuple[ProcessTree, ...]

    def __str__(self) -> str:
        return f"{self.operator.symbol}( {', '.join(str(c) for c in self.children)} )"


ProcessTree = Leaf | Node
TAU = Leaf(None)


def activities(tree: ProcessTree) -> list[str]:
    """The activities of ``tree`` in the order they appear (each once)."""
    seen: dict[str, None] = {}
    for leaf in leaves(tree):
        if leaf.activity is not None:
            seen.setdefault(leaf.activity)
    return list(seen)


def leaves(tree: ProcessTree) -> Iterator[Leaf]:
    """All leaves, left to right."""
    if isinstance(tree, Leaf):
        yield tree
        return
    for child in tree.children:
        yield from leaves(child)


def fold(tree: ProcessTree) -> ProcessTree:
    """Simplify without changing the language.

    Operators with one child are replaced by it; tau children of ``seq`` and
    ``and`` are dropped; a ``xor`` keeps one tau at most; nested ``seq``/``seq``,
    ``xor``/``xor`` and ``and``/``and`` are flattened; a loop whose children are
    all tau becomes tau.
    """
    if isinstance(tree, Leaf):
        return tree
    children = [fold(c) for c in tree.children]
    op = tree.operator
    if op is Operator.LOOP:
        if all(c == TAU for c in children):
            return TAU
        return Node(op, tuple(children))
    flat: list[ProcessTree] = []
    for c in children:
        if isinstance(c, Node) and c.operator is op:
            flat.extend(c.children)
        else:
            flat.append(c)
    if op in (Operator.SEQ, Operator.AND):
        flat = [c for c in flat if c != TAU]
    else:
        taus: list[ProcessTree] = [c for c in flat if c == TAU]
        flat = [c for c in flat if c != TAU] + taus[:1]
    if not flat:
        return TAU
    if len(flat) == 1:
        return flat[0]
    return Node(op, tuple(flat))
