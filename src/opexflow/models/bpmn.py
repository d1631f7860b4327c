"""BPMN 2.0 process models: a small typed form, built from a process tree or read
from a ``.bpmn`` file, and turned into a Petri net for replay.

The model is independent of where it comes from so that other parts (the SOP
flowchart) can build one by hand: :class:`BpmnBuilder` adds tasks, gateways,
events and flows, and :func:`opexflow.models.bpmn_xml.to_xml` writes it with a
diagram laid out left to right.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Literal

from opexflow.errors import InputError
from opexflow.models.petri import NetBuilder, PetriNet
from opexflow.models.tree import Leaf, Node, Operator, ProcessTree

Kind = Literal[
    "startEvent",
    "endEvent",
    "task",
    "exclusiveGateway",
    "parallelGateway",
    "intermediateEvent",
    "boundaryEvent",
]
GATEWAYS = ("exclusiveGateway", "parallelGateway")


@dataclass(frozen=True, slots=True)
class BpmnNode:
    """A flow node: an event, a task or a gateway; ``lane`` names its department.
    A boundary event names the task it is attached to in ``attached_to``."""

    id: str
    kind: Kind
    name: str = ""
    lane: str | None = None
    attached_to: str | None = None


@dataclass(frozen=True, slots=True)
class SequenceFlow:
    """A sequence flow between two nodes (by id)."""

    id: str
    source: str
    target: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Bounds:
    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.width / 2, self.y + self.height / 2)


@dataclass(frozen=True, slots=True)
class Layout:
    """Shapes by node id, waypoints by flow id, lane bands by lane name and the
    pool around them (``None`` without lanes)."""

    shapes: dict[str, Bounds]
    edges: dict[str, list[tuple[float, float]]]
    lanes: dict[str, Bounds]
    pool: Bounds | None


@dataclass(frozen=True, slots=True)
class BpmnModel:
    """A BPMN process: nodes, sequence flows and, optionally, lanes (in order)
    and the diagram read from a file (``None``: laid out automatically on export)."""

    id: str
    name: str
    nodes: tuple[BpmnNode, ...]
    flows: tuple[SequenceFlow, ...]
    lanes: tuple[str, ...] = ()
    diagram: Layout | None = field(default=None, compare=False)

    def has_diagram(self) -> bool:
        """Whether ``diagram`` places every node and every flow."""
        d = self.diagram
        return (
            d is not None
            and all(n.id in d.shapes for n in self.nodes)
            and all(f.id in d.edges and len(d.edges[f.id]) >= 2 for f in self.flows)
            and all(lane in d.lanes for lane in self.lanes)
        )

    def node(self, node_id: str) -> BpmnNode:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise InputError(f"BPMN 模型中没有节点 {node_id!r} / no BPMN node {node_id!r}")

    @property
    def tasks(self) -> list[str]:
        """Task names in node order."""
        return [n.name for n in self.nodes if n.kind == "task"]

    def summary(self) -> dict[str, int]:
        """Counts by node kind, plus ``flows`` and ``lanes``."""
        out: dict[str, int] = {}
        for n in self.nodes:
            out[n.kind] = out.get(n.kind, 0) + 1
        out["flows"] = len(self.flows)
        out["lanes"] = len(self.lanes)
        return out


@dataclass
class BpmnBuilder:
    """Builds a :class:`BpmnModel` with generated ids (``Task_1``, ``Flow_1``...)."""

    name: str = "process"
    nodes: list[BpmnNode] = field(default_factory=list)
    flows: list[SequenceFlow] = field(default_factory=list)
    lanes: list[str] = field(default_factory=list)
    _counts: dict[str, int] = field(default_factory=dict)

    def add(
        self, kind: Kind, name: str = "", lane: str | None = None, attached_to: str | None = None
    ) -> str:
        prefix = {
            "startEvent": "StartEvent",
            "endEvent": "EndEvent",
            "task": "Task",
            "exclusiveGateway": "Gateway",
            "parallelGateway": "Gateway",
            "intermediateEvent": "Event",
            "boundaryEvent": "Event",
        }[kind]
        self._counts[prefix] = self._counts.get(prefix, 0) + 1
        node_id = f"{prefix}_{self._counts[prefix]}"
        self.nodes.append(BpmnNode(node_id, kind, name, lane, attached_to))
        if lane is not None and lane not in self.lanes:
            self.lanes.append(lane)
        return node_id

    def flow(self, source: str, target: str, name: str = "") -> str:
        flow_id = f"Flow_{len(self.flows) + 1}"
        self.flows.append(SequenceFlow(flow_id, source, target, name))
        return flow_id

    def build(self, model_id: str = "Process_1") -> BpmnModel:
        return BpmnModel(
            model_id, self.name, tuple(self.nodes), tuple(self.flows), tuple(self.lanes)
        )


# -- from a process tree -------------------------------------------------------------


def tree_to_bpmn(
    tree: ProcessTree, *, lanes: dict[str, str] | None = None, name: str = "process"
) -> BpmnModel:
    """The BPMN form of a process tree: tasks for activities, exclusive gateways
    for choices and loops, parallel gateways for concurrency; tau becomes a plain
    flow. ``lanes`` maps an activity to its department; gateways and events take
    the lane of the task before them (or after, at the start).

    Example:
        >>> from opexflow.models.tree import Leaf
        >>> tree_to_bpmn(Leaf("a")).summary()
        {'startEvent': 1, 'task': 1, 'endEvent': 1, 'flows': 2, 'lanes': 0}
    """
    b = BpmnBuilder(name=name)
    start = b.add("startEvent", "开始 start")
    body = _fragment(b, tree, lanes or {})
    end = b.add("endEvent", "结束 end")
    if body is None:
        b.flow(start, end)
    else:
        b.flow(start, body[0])
        b.flow(body[1], end)
    model = b.build()
    return _assign_lanes(model) if lanes else model


def _fragment(b: BpmnBuilder, tree: ProcessTree, lanes: dict[str, str]) -> tuple[str, str] | None:
    if isinstance(tree, Leaf):
        if tree.activity is None:
            return None
        node = b.add("task", tree.activity, lanes.get(tree.activity))
        return node, node
    if tree.operator is Operator.SEQ:
        parts = [f for f in (_fragment(b, c, lanes) for c in tree.children) if f is not None]
        if not parts:
            return None
        for a, z in itertools.pairwise(parts):
            b.flow(a[1], z[0])
        return parts[0][0], parts[-1][1]
    if tree.operator is Operator.LOOP:
        return _loop_fragment(b, tree, lanes)
    kind: Kind = "exclusiveGateway" if tree.operator is Operator.XOR else "parallelGateway"
    split, join = b.add(kind), b.add(kind)
    direct = False
    for child in tree.children:
        part = _fragment(b, child, lanes)
        if part is None:
            if not direct:
                b.flow(split, join)
                direct = True
            continue
        b.flow(split, part[0])
        b.flow(part[1], join)
    return split, join


def _loop_fragment(b: BpmnBuilder, tree: Node, lanes: dict[str, str]) -> tuple[str, str]:
    entry, exit_ = b.add("exclusiveGateway"), b.add("exclusiveGateway")
    do = _fragment(b, tree.children[0], lanes)
    if do is None:
        b.flow(entry, exit_)
    else:
        b.flow(entry, do[0])
        b.flow(do[1], exit_)
    for redo in tree.children[1:]:
        part = _fragment(b, redo, lanes)
        if part is None:
            b.flow(exit_, entry)
        else:
            b.flow(exit_, part[0])
            b.flow(part[1], entry)
    return entry, exit_


def _assign_lanes(model: BpmnModel) -> BpmnModel:
    """Gateways and events join the lane of a neighbouring task."""
    lane = {n.id: n.lane for n in model.nodes}
    preds: dict[str, list[str]] = {}
    succs: dict[str, list[str]] = {}
    for f in model.flows:
        preds.setdefault(f.target, []).append(f.source)
        succs.setdefault(f.source, []).append(f.target)
    for _ in range(len(model.nodes)):
        changed = False
        for n in model.nodes:
            if lane[n.id] is not None:
                continue
            near = preds.get(n.id, []) + succs.get(n.id, [])
            found = next((lane[m] for m in near if lane[m] is not None), None)
            if found is not None:
                lane[n.id] = found
                changed = True
        if not changed:
            break
    first = model.lanes[0] if model.lanes else None
    nodes = tuple(
        BpmnNode(
            n.id, n.kind, n.name, lane[n.id] if lane[n.id] is not None else first, n.attached_to
        )
        for n in model.nodes
    )
    return BpmnModel(model.id, model.name, nodes, model.flows, model.lanes)


# -- to a Petri net ------------------------------------------------------------------


def bpmn_to_net(model: BpmnModel) -> PetriNet:
    """A workflow net with the BPMN model's behaviour, for replay.

    Every sequence flow is a place; an exclusive gateway merges the places of
    its flows into one (a free choice, no silent transition); a parallel gateway
    is a silent transition; a task is a transition labelled with its name
    (silent if unnamed) that takes a token from its incoming flows (several
    incoming flows merge, as BPMN's uncontrolled flow does) and puts one on each
    outgoing flow. A boundary event is a silent alternative to its task (read as
    interrupting). End events share one final place.

    Raises:
        InputError: no start or no end event, or a flow names a missing node.
    """
    ids = {n.id: n for n in model.nodes}
    for f in model.flows:
        for end in (f.source, f.target):
            if end not in ids:
                raise InputError(
                    f"顺序流 {f.id!r} 引用了不存在的节点 {end!r} / "
                    f"sequence flow {f.id!r} refers to a missing node {end!r}"
                )
    starts = [n for n in model.nodes if n.kind == "startEvent"]
    ends = [n for n in model.nodes if n.kind == "endEvent"]
    if not starts or not ends:
        raise InputError(
            "BPMN 模型需要开始事件和结束事件 / the BPMN model needs a start and an end event"
        )
    incoming: dict[str, list[str]] = {n.id: [] for n in model.nodes}
    outgoing: dict[str, list[str]] = {n.id: [] for n in model.nodes}
    for f in model.flows:
        outgoing[f.source].append(f.id)
        incoming[f.target].append(f.id)
    places = _UnionFind([f.id for f in model.flows] + ["source", "sink"])
    for n in model.nodes:
        if n.kind == "exclusiveGateway":
            places.union_all(incoming[n.id] + outgoing[n.id])
        elif n.kind == "endEvent":
            places.union_all(["sink", *incoming[n.id]])
        elif n.kind not in ("parallelGateway", "startEvent"):
            places.union_all(incoming[n.id])
    return _net_from(model, places, incoming, outgoing)


def _net_from(
    model: BpmnModel,
    places: _UnionFind,
    incoming: dict[str, list[str]],
    outgoing: dict[str, list[str]],
) -> PetriNet:
    b = NetBuilder()
    names: dict[str, str] = {}

    def place(flow: str) -> str:
        root = places.find(flow)
        if root not in names:
            names[root] = b.place(root if root in ("source", "sink") else None)
        return names[root]

    sink = place("sink")
    starts = [n for n in model.nodes if n.kind == "startEvent"]
    single = len(starts) == 1 and len(outgoing[starts[0].id]) == 1
    source = "" if single else place("source")
    initial = place(outgoing[starts[0].id][0]) if single else source

    def inputs(node: BpmnNode) -> list[str]:
        # A node nothing leads to gets a place that is never marked: doing it
        # costs missing tokens, as a deviation should.
        found = sorted({place(f) for f in incoming[node.id]})
        return found or [b.place()]

    for n in model.nodes:
        outs = [place(f) for f in outgoing[n.id]]
        if n.kind == "startEvent":
            if not single:
                b.transition(None, [source], outs)
        elif n.kind == "parallelGateway":
            b.transition(None, inputs(n), outs)
        elif n.kind in ("task", "intermediateEvent"):
            label = n.name.strip() if n.kind == "task" and n.name.strip() else None
            b.transition(label, inputs(n)[:1], outs)
        elif n.kind == "boundaryEvent":
            # Interrupting: the flow leaves through the event instead of the task.
            host = next((m for m in model.nodes if m.id == n.attached_to), n)
            b.transition(None, inputs(host)[:1], outs)
    return b.build([initial], [sink])


class _UnionFind:
    def __init__(self, items: list[str]) -> None:
        self.parent = {x: x for x in items}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union_all(self, items: list[str]) -> None:
        roots = sorted(
            {self.find(x) for x in items}, key=lambda r: (r not in ("source", "sink"), r)
        )
        for r in roots[1:]:
            self.parent[r] = roots[0]
