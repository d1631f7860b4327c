"""Workflow nets: places, transitions (silent ones have no label), arcs, and the
initial and final markings; built from a process tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from opexflow.models.tree import Leaf, Node, Operator, ProcessTree


@dataclass(frozen=True, slots=True)
class Transition:
    """A transition; ``label`` is the activity, ``None`` for a silent one."""

    name: str
    label: str | None


@dataclass(frozen=True, slots=True)
class PetriNet:
    """A Petri net with unit arc weights and one-token markings.

    Attributes:
        places: place names.
        transitions: the transitions.
        arcs: ``(source, target)`` names, place → transition or transition → place.
        initial: places marked at the start (one token each).
        final: places marked at the end.
    """

    places: tuple[str, ...]
    transitions: tuple[Transition, ...]
    arcs: tuple[tuple[str, str], ...]
    initial: tuple[str, ...]
    final: tuple[str, ...]

    @property
    def activities(self) -> list[str]:
        """Labels of the visible transitions, sorted."""
        return sorted({t.label for t in self.transitions if t.label is not None})

    def summary(self) -> dict[str, int]:
        """Counts of places, transitions (visible and silent) and arcs."""
        silent = sum(t.label is None for t in self.transitions)
        return {
            "places": len(self.places),
            "transitions": len(self.transitions) - silent,
            "silent_transitions": silent,
            "arcs": len(self.arcs),
        }


@dataclass
class NetBuilder:
    """Adds places and transitions with generated names."""

    places: list[str] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    arcs: list[tuple[str, str]] = field(default_factory=list)

    def place(self, name: str | None = None) -> str:
        name = name or f"p{len(self.places):04d}"
        self.places.append(name)
        return name

    def transition(self, label: str | None, inputs: list[str], outputs: list[str]) -> str:
        prefix = "t" if label is not None else "tau"
        name = f"{prefix}{len(self.transitions):04d}"
        self.transitions.append(Transition(name, label))
        self.arcs.extend((p, name) for p in inputs)
        self.arcs.extend((name, p) for p in outputs)
        return name

    def build(self, initial: list[str], final: list[str]) -> PetriNet:
        return PetriNet(
            tuple(self.places),
            tuple(self.transitions),
            tuple(self.arcs),
            tuple(initial),
            tuple(final),
        )


def tree_to_net(tree: ProcessTree) -> PetriNet:
    """The workflow net of a process tree.

    Choices share their entry and exit places; a parallel block has a silent
    split and join; a loop enters its body through a silent transition, leaves
    it through another and returns from the redo part through a third. Chains
    of silent transitions that add nothing are then merged away. This is the
    construction PM4Py uses, so that replay-based figures (fitness, precision)
    of our models and PM4Py's are comparable.

    Example:
        >>> from opexflow.models.tree import Leaf
        >>> tree_to_net(Leaf("a")).summary()
        {'places': 2, 'transitions': 1, 'silent_transitions': 0, 'arcs': 2}
    """
    b = NetBuilder()
    source, sink = b.place("source"), b.place("sink")
    entry, exit_ = source, sink
    if not _single_first(tree):
        entry = b.place()
        b.transition(None, [source], [entry])
    if not _single_last(tree):
        exit_ = b.place()
        b.transition(None, [exit_], [sink])
    _add(b, tree, entry, exit_)
    return _reduce(b.build([source], [sink]))


def _single_first(tree: ProcessTree) -> bool:
    while isinstance(tree, Node) and tree.operator is Operator.SEQ:
        tree = tree.children[0]
    return isinstance(tree, Leaf)


def _single_last(tree: ProcessTree) -> bool:
    while isinstance(tree, Node) and tree.operator is Operator.SEQ:
        tree = tree.children[-1]
    return isinstance(tree, Leaf)


def _add(b: NetBuilder, tree: ProcessTree, entry: str, exit_: str) -> None:
    if isinstance(tree, Leaf):
        b.transition(tree.activity, [entry], [exit_])
        return
    kids = tree.children
    if tree.operator is Operator.SEQ:
        inner = [b.place() for _ in kids[1:]]
        for child, a, z in zip(kids, [entry, *inner], [*inner, exit_], strict=True):
            _add(b, child, a, z)
    elif tree.operator is Operator.XOR:
        for child in kids:
            _add(b, child, entry, exit_)
    elif tree.operator is Operator.AND:
        starts = [b.place() for _ in kids]
        ends = [b.place() for _ in kids]
        b.transition(None, [entry], starts)
        for child, a, z in zip(kids, starts, ends, strict=True):
            _add(b, child, a, z)
        b.transition(None, ends, [exit_])
    else:
        top, middle, back = b.place(), b.place(), b.place()
        b.transition(None, [entry], [top])
        _add(b, kids[0], top, middle)
        for redo in kids[1:]:
            _add(b, redo, middle, back)
        b.transition(None, [back], [top])
        b.transition(None, [middle], [exit_])


def _reduce(net: PetriNet) -> PetriNet:
    """Merge a silent transition into its neighbour when a place links only the two."""
    arcs = set(net.arcs)
    trans = {t.name: t for t in net.transitions}
    places = set(net.places)
    marked = set(net.initial) | set(net.final)
    changed = True
    while changed:
        changed = False
        for t in sorted(trans):
            if trans[t].label is not None:
                continue
            ins = [s for s, d in arcs if d == t]
            outs = [d for s, d in arcs if s == t]
            merged = _merge_up(arcs, t, ins, outs, marked) or _merge_down(
                arcs, t, ins, outs, marked
            )
            if merged is not None:
                del trans[t]
                places.discard(merged)
                changed = True
                break
    return PetriNet(
        tuple(p for p in net.places if p in places),
        tuple(t for t in net.transitions if t.name in trans),
        tuple(a for a in net.arcs if a in arcs) + tuple(sorted(arcs - set(net.arcs))),
        net.initial,
        net.final,
    )


def _merge_up(
    arcs: set[tuple[str, str]], t: str, ins: list[str], outs: list[str], marked: set[str]
) -> str | None:
    if len(ins) != 1 or ins[0] in marked:
        return None
    p = ins[0]
    feeders = [s for s, d in arcs if d == p]
    users = [d for s, d in arcs if s == p]
    if len(feeders) != 1 or users != [t]:
        return None
    arcs.difference_update({(feeders[0], p), (p, t), *((t, q) for q in outs)})
    arcs.update((feeders[0], q) for q in outs)
    return p


def _merge_down(
    arcs: set[tuple[str, str]], t: str, ins: list[str], outs: list[str], marked: set[str]
) -> str | None:
    if len(outs) != 1 or outs[0] in marked:
        return None
    p = outs[0]
    users = [d for s, d in arcs if s == p]
    feeders = [s for s, d in arcs if d == p]
    if len(users) != 1 or feeders != [t]:
        return None
    arcs.difference_update({(t, p), (p, users[0]), *((q, t) for q in ins)})
    arcs.update((q, users[0]) for q in ins)
    return p
